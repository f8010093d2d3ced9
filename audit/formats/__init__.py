"""The report's formats: HTML (readable, printable), Markdown, JSON and CSV."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, Literal, get_args

from lemniscate.audit.formats import csv_report, html_report, markdown_report
from lemniscate.audit.report import AuditReport
from lemniscate.language.catalogs import SOURCE_LANGUAGE

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


def _json(report: AuditReport, language: str = SOURCE_LANGUAGE) -> str:
    # Machine output: the same in every language (its sentences are the English ones).
    return report.model_dump_json(indent=2) + "\n"


_RENDERERS: Final[dict[str, Callable[[AuditReport, str], str]]] = {
    "html": html_report.render,
    "md": markdown_report.render,
    "json": _json,
    "csv": csv_report.render,
}


def render(report: AuditReport, fmt: str, language: str = SOURCE_LANGUAGE) -> str:
    """The report in `fmt` (one of FORMATS), said in `language` (JSON: in none)."""
    try:
        renderer = _RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}") from None
    return renderer(report, language)


def speaks(fmt: str) -> bool:
    """Whether `fmt` changes with the language (every format but the machine's JSON)."""
    return fmt != "json"
