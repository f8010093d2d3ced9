"""`lemniscate audit`: the auditors' report of a coalition, its verification, and the
portfolio export. Registered on the `lemniscate` group by cli/main.py.

Exit codes as for every command (0 done, 1 error, 3 Temporal unreachable), plus 4: the
trail does not hold (a mismatch with the history, a broken chain, or an export that fails
verification). The report is still written then: the mismatch is at its top.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from lemniscate.audit.formats import FORMATS, SUFFIXES, render
from lemniscate.audit.portfolio import portfolio_lines, render_csv, render_json
from lemniscate.audit.report import AuditReport, build_report
from lemniscate.audit.verify import Verification, VerifyError, verify_file
from lemniscate.cli.common import ACTOR_OPTION, actor_from, handles_errors, service
from lemniscate.cli.documents import document_options, format_of, write_output
from lemniscate.cli.exits import EXIT_ERROR, EXIT_MISMATCH
from lemniscate.cli.speech import language, say
from lemniscate.models.events import Actor
from lemniscate.models.sentence import Sentence


def _summary(report: AuditReport, output: Path | None) -> int:
    """One line on stderr (stdout may be the report); the findings loudly when any."""
    c, head = report.coalition, report.chain.head
    if report.ok:
        count = len(report.entries)
        if output:
            passed = Sentence(
                "cli.audit-passed-written",
                "audit of {id} written to {path}: {count} entries, cross-check passed, chain head {head}",
                id=c.id,
                path=str(output),
                count=count,
                head=head,
            )
        else:
            passed = Sentence(
                "cli.audit-passed",
                "audit of {id}: {count} entries, cross-check passed, chain head {head}",
                id=c.id,
                count=count,
                head=head,
            )
        click.echo(say(passed), err=True)
        return 0
    count = len(report.findings)
    if output:
        failed = Sentence(
            "cli.audit-mismatch-written",
            "MISMATCH in the audit of {id} written to {path}: {count} finding(s)",
            "MISMATCH in the audit of {id} written to {path}: {count} finding(s)",
            id=c.id,
            path=str(output),
            count=count,
        )
    else:
        failed = Sentence(
            "cli.audit-mismatch",
            "MISMATCH in the audit of {id}: {count} finding(s)",
            "MISMATCH in the audit of {id}: {count} finding(s)",
            id=c.id,
            count=count,
        )
    click.echo(say(failed), err=True)
    for finding in report.findings:  # the report's own data, stored in English
        click.echo(f"  - {finding}", err=True)
    return EXIT_MISMATCH


def _verified(result: Verification) -> int:
    for warning in result.warnings:
        click.echo(say(Sentence("cli.audit-warning", "warning: {warning}", warning=warning)), err=True)
    name, fmt, head = result.name, result.format, str(result.head)
    if result.ok:
        verified = Sentence(
            "cli.audit-verified",
            "verified: {name} ({format}): {count} entries, chain intact, head {head}",
            name=name,
            format=fmt,
            count=result.entries,
            head=head,
        )
        click.echo(say(verified))
        return 0
    click.echo(
        say(Sentence("cli.audit-not-verified", "NOT VERIFIED: {name} ({format})", name=name, format=fmt)),
        err=True,
    )
    for problem in result.problems:
        click.echo(f"  - {say(problem)}", err=True)
    return EXIT_MISMATCH


async def _report(coalition_id: str, fmt: str, output: Path | None, reader: Actor) -> int:
    report = await build_report(await service(), coalition_id, reader)
    write_output(render(report, fmt, language()), output)
    return _summary(report, output)


async def _portfolio(fmt: str, output: Path | None, reader: Actor) -> int:
    lines = await portfolio_lines(await service(), reader)
    write_output(render_json(lines) if fmt == "json" else render_csv(lines), output)
    count = len(lines)
    if output:
        said = Sentence(
            "cli.portfolio-written",
            "portfolio: {count} coalition(s) written to {path}",
            "portfolio: {count} coalition(s) written to {path}",
            count=count,
            path=str(output),
        )
    else:
        said = Sentence(
            "cli.portfolio", "portfolio: {count} coalition(s)", "portfolio: {count} coalition(s)", count=count
        )
    click.echo(say(said), err=True)
    return 0


@click.command()
@click.argument("coalition_id", required=False)
@document_options(
    FORMATS,
    "html (readable, printable), md, json or csv. Default: from the --output suffix, else md "
    "(csv for --portfolio).",
)
@click.option(
    "--verify",
    "verify_path",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Check an exported report (JSON, HTML, Markdown or CSV): its hash chain and "
    "that nothing in it was altered.",
)
@click.option(
    "--portfolio", is_flag=True, help="Every coalition with state and key dates (csv or json), not one trail."
)
@ACTOR_OPTION
def audit(
    coalition_id: str | None,
    fmt: str | None,
    output: Path | None,
    verify_path: Path | None,
    portfolio: bool,
    as_: str,
) -> None:
    """The audit trail of a coalition: every accepted change in order, with who, when,
    round and side, the payload in plain words, the reason, and for every step the guards
    as they held. Built from the Temporal event history of every run and checked against
    the coalition's journal and its hash chain; a mismatch is reported at the top and the
    exit code is 4. Refused attempts are counted from the local refusal log
    ($LEMNISCATE_REFUSAL_LOG, default <data dir>/refusals.jsonl).

    \b
    Examples:
      lemniscate audit taskforce-wonen-zorg --output trail.html
      lemniscate audit taskforce-wonen-zorg --format json > trail.json
      lemniscate audit --verify trail.json
      lemniscate audit --portfolio --format csv --output portfolio.csv
    """
    chosen = sum([coalition_id is not None, verify_path is not None, portfolio])
    if chosen != 1:
        raise click.UsageError("give a COALITION_ID, or --verify FILE, or --portfolio.")
    if verify_path is not None:
        try:
            code = _verified(verify_file(verify_path))
        except VerifyError as error:
            why = error.args[0] if error.args and isinstance(error.args[0], str) else str(error)
            click.echo(say(Sentence("cli.audit-error", "error: {why}", why=why)), err=True)
            code = EXIT_ERROR
    elif portfolio:
        chosen_format = format_of(fmt, output, SUFFIXES, "csv")
        if chosen_format not in ("csv", "json"):
            raise click.UsageError("--portfolio exports csv or json.")
        code = handles_errors(_portfolio)(chosen_format, output, actor_from(as_, None)) or 0
    else:
        assert coalition_id is not None
        reader = actor_from(as_, None)
        code = (
            handles_errors(_report)(coalition_id, format_of(fmt, output, SUFFIXES, "md"), output, reader) or 0
        )
    if code:
        sys.exit(code)
