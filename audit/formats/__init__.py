"""The report's formats: HTML (readable, printable), Markdown, JSON and CSV."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, Literal, get_args

from lemniscate.audit.formats import csv_report, html_report, markdown_report
from lemniscate.audit.report import AuditReport

Format = Literal["html", "md", "json", "csv"]
FORMATS: Final[tuple[str, ...]] = get_args(Format)

MEDIA_TYPES: Final[dict[str, str]] = {
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
}
SUFFIXES: Final[dict[str, str]] = {
    ".html": "html",
    ".htm": "html",
    ".md": "md",
    ".markdown": "md",
    ".json": "json",
    ".csv": "csv",
}


def _json(report: AuditReport) -> str:
    return report.model_dump_json(indent=2) + "\n"


_RENDERERS: Final[dict[str, Callable[[AuditReport], str]]] = {
    "html": html_report.render,
    "md": markdown_report.render,
    "json": _json,
    "csv": csv_report.render,
}


def render(report: AuditReport, fmt: str) -> str:
    """The report in `fmt` (one of FORMATS)."""
    try:
        return _RENDERERS[fmt](report)
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}") from None
