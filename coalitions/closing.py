"""The closing or dissolution report of one coalition, as its reader may see it, and the
report as a document: HTML (Jinja, self-contained, printable) and PDF (WeasyPrint, from the
same HTML). Read by the API's `/coalitions/{id}/report`, `lemniscate report` and the dashboard."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Final, Literal, get_args

from jinja2 import Environment, FileSystemLoader, select_autoescape

from lemniscate import language
from lemniscate.coalitions.errors import CoalitionNotEnded
from lemniscate.coalitions.service import CoalitionService
from lemniscate.models.events import Actor
from lemniscate.states import closing_report as model
from lemniscate.states.closing_report import ClosingReport
from lemniscate.states.words import meeting_kind_word

Format = Literal["html", "pdf"]
FORMATS: Final[tuple[str, ...]] = get_args(Format)
MEDIA_TYPES: Final[dict[str, str]] = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}
SUFFIXES: Final[dict[str, str]] = {".html": "html", ".htm": "html", ".pdf": "pdf"}

_TEMPLATES: Final = Path(__file__).parent / "templates"


async def closing_report(service: CoalitionService, slug: str, reader: Actor) -> ClosingReport:
    """The report of `slug` built from the coalition as `reader` may see it (the service's
    view is redacted for its reader); `CoalitionNotEnded` while it has not ended."""
    view = await service.view(slug, reader)
    report = model.closing_report(view.coalition)
    if report is None:
        raise CoalitionNotEnded(model.not_ended(view.coalition))
    return report


def _environment(lang: str) -> Environment:
    env = Environment(loader=FileSystemLoader(_TEMPLATES), autoescape=select_autoescape(["html"]))

    def say(text: str | None) -> str:
        return language.translate(text, lang) if text else ""

    def day(value: date | None) -> str:
        return (
            language.format_date(value, lang, "long")
            if value
            else language.translate(model.WORDS["unknown"], lang)
        )

    env.filters.update(say=say, day=day)
    env.globals.update(
        words=model.WORDS,
        outcomes=model.OUTCOME_WORDS,
        Outcome=model.ActionOutcome,
        meeting_kind=meeting_kind_word,
    )
    return env


def render_html(report: ClosingReport, lang: str) -> str:
    """The report as one self-contained page in `lang`: no external resources, so it opens
    the same offline and years later, and prints on A4."""
    chosen = language.choose(lang)
    return _environment(chosen).get_template("closing_report.html").render(r=report, lang=chosen)


def render_pdf(report: ClosingReport, lang: str) -> bytes:
    """The same page as a PDF (tagged, so a screen reader can follow its headings)."""
    # Imported here: WeasyPrint loads Pango when imported, which only this export needs.
    from weasyprint import HTML

    pdf: bytes = HTML(string=render_html(report, lang)).write_pdf(pdf_tags=True)
    return pdf


def render(report: ClosingReport, fmt: str, lang: str) -> bytes:
    """The report in `fmt` (one of FORMATS) as the bytes to send or write."""
    if fmt == "pdf":
        return render_pdf(report, lang)
    if fmt == "html":
        return render_html(report, lang).encode("utf-8")
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
