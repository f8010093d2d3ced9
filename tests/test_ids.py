"""Ids people can use: a coalition started now numbers each kind of record on its own (A1,
A2 for actions; M1 meetings; R1 reports; O1 options; H1 accountability items); one started
before, or saying "shared", keeps the one counter it had, so its ids stay valid. The accepted
line and the reply name the record a trigger created."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from temporalio.testing import WorkflowEnvironment

from lemniscate import states
from lemniscate.audit.report import build_report
from lemniscate.audit.trail import read_journal
from lemniscate.cli import render
from lemniscate.examples import walks
from lemniscate.models.records import Numbering
from tests.support.method_helpers import fire, walk
from tests.support.servers import borrow, running_worker

PLANNED = [s.trigger for s in walks.taskforce_to_execution()].index("propose_collaboration")


def _unsaid(start: dict[str, Any]) -> dict[str, Any]:
    """A start as people send it: without saying how ids are numbered."""
    return {k: v for k, v in start.items() if k != "numbering"}


def test_per_kind_numbering_starts_each_kind_at_one() -> None:
    start = {**walks.taskforce_start("per-kind"), "numbering": "per_kind"}
    c = walk(start, walks.taskforce_to_execution()[:PLANNED]).coalition
    assert c.numbering == Numbering.per_kind
    assert [m.id for m in c.meetings] == ["M1"]
    assert [a.id for a in c.actions] == ["A1", "A2", "A3"]
    assert c.counters == {"M": 1, "A": 3}
    # An item follows its own counter, not the actions'.
    executing = c.model_copy(update={"state": "doing"})
    item = fire(executing, "open_accountability_item", {"action": "A2"})
    assert [i.id for i in item.accountability] == ["H1"]
    assert states.created_id(executing, item) == "H1"


def test_shared_numbering_keeps_the_ids_it_gave() -> None:
    c = walk(walks.taskforce_start("shared"), walks.taskforce_to_execution()[:PLANNED]).coalition
    assert c.numbering == Numbering.shared
    assert [a.id for a in c.actions] == ["A2", "A3", "A4"] and c.counters == {}
    # A start recorded before numbering existed reads as shared: its replay gives the same ids.
    assert walk(_unsaid(walks.taskforce_start("old")), []).coalition.numbering == Numbering.shared


def test_nothing_created_names_nothing() -> None:
    c = walk(walks.taskforce_start("none"), []).coalition
    assert states.created_id(c, fire(c, "record_intent", {"intent": "Act."})) is None


async def test_a_new_coalition_numbers_per_kind_and_the_reply_names_what_it_created(
    time_skipping: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with borrow(time_skipping) as env, running_worker(env.client) as service:
        slug = "ids-per-kind"
        view = await service.start(_unsaid(walks.taskforce_start(slug)), walks.COORDINATOR)
        assert view.coalition.numbering == Numbering.per_kind
        meeting = {"kind": "exploration", "on": date(2027, 3, 4).isoformat(), "invitees": ["VNG", "Aedes"]}
        reply = await service.trigger(slug, "plan_meeting", meeting, walks.COORDINATOR)
        assert reply.created == "M1"
        assert render.accepted(reply).startswith(f"accepted: plan_meeting -> M1 (#{reply.seq}); now in ")
        again = await service.trigger(slug, "plan_meeting", meeting, walks.COORDINATOR)
        assert again.created == "M2"
        plain = await service.trigger(slug, "record_intent", {"intent": "Act."}, walks.COORDINATOR)
        assert plain.created is None and " -> " not in render.accepted(plain).splitlines()[0]
        journal = await service.journal(slug, walks.COORDINATOR)
        assert journal[0].event.payload["numbering"] == "per_kind"  # said in the start itself
        # So the audit's replay numbers as the workflow did.
        report = await build_report(service, slug, walks.COORDINATOR, refusal_log=tmp_path / "none.jsonl")
        assert report.ok, report.findings
        assert [r.after.meetings[-1].id for r in read_journal(journal)[-2:-1] if r.after] == ["M2"]
