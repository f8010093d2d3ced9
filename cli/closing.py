"""The closing or dissolution report in the terminal (`lemniscate show` of an ended
coalition), and `lemniscate report`: the report as an HTML or PDF document. Registered on
the `lemniscate` group by cli/main.py."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from lemniscate.cli.common import ACTOR_OPTION, actor_from, handles_errors, service
from lemniscate.cli.documents import document_options, format_of, write_output
from lemniscate.cli.exits import EXIT_ERROR
from lemniscate.cli.speech import language, say
from lemniscate.coalitions.closing import FORMATS, SUFFIXES, closing_report, render
from lemniscate.models.sentence import Sentence
from lemniscate.states.closing_report import WORDS


async def _report(coalition_id: str, fmt: str, output: Path | None, as_: str) -> None:
    if output is None and fmt == "pdf" and sys.stdout.isatty():
        said = Sentence(
            "cli.report-pdf-terminal", "error: a PDF is not for the terminal; give --output FILE."
        )
        click.echo(say(said), err=True)
        sys.exit(EXIT_ERROR)
    found = await closing_report(await service(), coalition_id, actor_from(as_, None))
    write_output(render(found, fmt, language()), output)
    if output is None:
        return
    written = Sentence(
        "cli.report-written",
        "{title} of {id} written to {path}",
        title=WORDS[found.kind.value],
        id=found.coalition_id,
        path=str(output),
    )
    click.echo(say(written), err=True)


@click.command()
@click.argument("coalition_id")
@document_options(FORMATS, "html (readable, printable) or pdf. Default: from the --output suffix, else html.")
@ACTOR_OPTION
def report(coalition_id: str, fmt: str | None, output: Path | None, as_: str) -> None:
    """The closing report of a closed coalition (every partner's contribution, the actions
    done, those open at closing handed over or dropped, why it closed), or the dissolution
    report of a dissolved one, in the language of --lang. A coalition that has not ended
    has none yet (exit code 1).

    \b
    Examples:
      lemniscate report taskforce-wonen-zorg --output slotrapport.pdf
      lemniscate --lang en report taskforce-wonen-zorg --format html > closing-report.html
    """
    handles_errors(_report)(coalition_id, format_of(fmt, output, SUFFIXES, "html"), output, as_)
