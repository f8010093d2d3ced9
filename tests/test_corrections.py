"""Corrections through the one path, on the time-skipping server: a coalition walked to its
exploration meeting's outcome, the commitment corrected before the decision (the track
follows), refused after it; the journal keeps both entries; a partner cannot correct another
partner's facts; the audit says "corrected by … because …" in both languages and verifies."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from temporalio.testing import WorkflowEnvironment

from lemniscate.audit.formats import FORMATS, render
from lemniscate.audit.report import AuditReport, build_report
from lemniscate.audit.verify import verify_text
from lemniscate.cli.common import with_reason
from lemniscate.coalitions import CoalitionRefused, CoalitionService
from lemniscate.examples import walks
from lemniscate.examples.walks import COORDINATOR, partner_actor
from lemniscate.models.journal import JournalEntry
from lemniscate.workflows.io import CoalitionView
from tests.support.guard_walks import TF
from tests.support.method_helpers import steps_before
from tests.support.servers import borrow, running_worker
from tests.support.workflows import walk_service

SLUG = "correcties"
WHY = "The minutes say the partners committed tentatively."
DRIVE = "Aedes wants homes its older tenants can stay in."


@dataclass
class Corrected:
    service: CoalitionService
    view: CoalitionView  # after the correction, before the decision
    decided: CoalitionView  # after elaborate_content
    refused: CoalitionRefused  # the commitment corrected after the decision
    others: CoalitionRefused  # a partner correcting another partner's interview
    journal: list[JournalEntry]
    report: AuditReport


def _outcome_fix(commitment: str) -> dict[str, Any]:
    return {"record": "M1", "meeting_outcome": {"commitment": commitment}}


@pytest.fixture(scope="module")
async def corrected(
    time_skipping: WorkflowEnvironment, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Corrected]:
    log = tmp_path_factory.mktemp("corrections") / "refusals.jsonl"
    async with borrow(time_skipping, own_namespace=True) as env, running_worker(env.client) as service:
        await service.start(walks.taskforce_start(SLUG), COORDINATOR)
        await walk_service(service, SLUG, steps_before(TF, "elaborate_content"))
        # As `lemniscate do SLUG correct_record --data ... --reason ...` sends it: the reason
        # typed once is the journal's and the payload's.
        payload = with_reason("correct_record", _outcome_fix("tentative"), WHY)
        view = await service.fire(SLUG, "correct_record", payload, COORDINATOR, WHY)
        own = {"record": "Aedes", "interview": {"answers": {"drive": DRIVE}}, "reason": "Misheard."}
        await service.fire(SLUG, "correct_record", own, partner_actor("Aedes"))
        try:
            await service.fire(SLUG, "correct_record", {**own, "record": "VNG"}, partner_actor("Aedes"))
            raise AssertionError("a partner corrected another partner's interview")
        except CoalitionRefused as refused:
            others = refused
        decided = await service.fire(SLUG, "elaborate_content", {}, COORDINATOR)
        try:
            again = {**_outcome_fix("strong"), "reason": "On second thought."}
            await service.fire(SLUG, "correct_record", again, COORDINATOR)
            raise AssertionError("the commitment was corrected after the decision it fed")
        except CoalitionRefused as refused:
            late = refused
        yield Corrected(
            service=service,
            view=view,
            decided=decided,
            refused=late,
            others=others,
            journal=await service.journal(SLUG, COORDINATOR),
            report=await build_report(service, SLUG, COORDINATOR, refusal_log=log),
        )


async def test_the_commitment_corrected_before_the_decision_picks_the_track(corrected: Corrected) -> None:
    c = corrected.view.coalition
    meeting = c.meeting("M1")
    assert meeting is not None and meeting.outcome is not None and meeting.outcome.commitment == "tentative"
    assert c.state == "sharing_interests"  # the correction moved nothing
    (trace,) = c.corrections
    assert (trace.record, trace.field, trace.old, trace.new, trace.by, trace.reason) == (
        "M1",
        "commitment",
        "strong",
        "tentative",
        COORDINATOR.id,
        WHY,
    )
    # The walk recorded strong commitment, which would have picked the plan track.
    assert corrected.decided.coalition.track == "initiative"


async def test_after_the_decision_the_correction_is_refused_with_what_to_do(corrected: Corrected) -> None:
    refused = corrected.refused
    assert not refused.forbidden
    (reason,) = refused.reasons
    assert reason.startswith("meeting_outcome.commitment: the commitment recorded at M1 already decided")
    assert "plan a new meeting (plan_meeting)" in reason


async def test_a_partner_corrects_its_own_interview_and_not_anothers(corrected: Corrected) -> None:
    assert corrected.others.forbidden
    assert corrected.others.reasons == [
        "rep-aedes (Aedes) as partner may change only Aedes's records, not VNG's."
    ]
    aedes = corrected.decided.coalition.partner("Aedes")
    assert aedes is not None and aedes.interview is not None and aedes.interview.answers.drive == DRIVE
    # Another partner reads that the answer was corrected, not what it says now or said.
    seen = await corrected.service.view(SLUG, partner_actor("VNG"))
    interview = [x for x in seen.coalition.corrections if x.kind == "interview"]
    assert [(x.old, x.new, x.reason) for x in interview] == [("[confidential]",) * 3]
    journal = await corrected.service.journal(SLUG, partner_actor("VNG"))
    assert DRIVE not in "".join(e.model_dump_json() for e in journal)


async def test_the_journal_keeps_the_original_and_the_correction(corrected: Corrected) -> None:
    entries = [(e.seq, e.event.trigger, e.event.payload) for e in corrected.journal]
    (original,) = [e for e in entries if e[1] == "record_meeting_outcome"]
    assert original[2]["outcome"]["commitment"] == "strong"  # as recorded, never rewritten
    fix = next(e for e in corrected.journal if e.event.trigger == "correct_record")
    assert fix.seq > original[0] and fix.from_state == fix.to_state == "sharing_interests"
    assert fix.event.payload == {**_outcome_fix("tentative"), "reason": WHY}
    assert fix.event.reason == WHY


async def test_the_audit_shows_the_correction_on_the_entry_and_verifies(corrected: Corrected) -> None:
    report = corrected.report
    assert report.ok, report.findings
    original = next(r for r in report.entries if r.entry.event.trigger == "record_meeting_outcome")
    fixes = [r for r in report.entries if r.entry.event.trigger == "correct_record"]
    assert [(c.seq, c.reason) for c in original.corrected_by] == [(fixes[0].entry.seq, WHY)]
    assert fixes[0].words == (
        f"The outcome of meeting M1 was corrected (commitment: tentative), because: {WHY}"
    )
    # The interview's answers are named, not quoted, in the plain words.
    assert fixes[1].words == "The interview of Aedes was corrected (answers.drive), because: Misheard."
    for language, said in (("en", f"Corrected by #{fixes[0].entry.seq} ("), ("nl", "Gecorrigeerd door #")):
        for fmt in FORMATS:
            text = render(report, fmt, language)
            assert verify_text(text).problems == [], (fmt, language)
            if fmt in ("html", "md"):
                assert said in text, (fmt, language)
    dutch = render(report, "html", "nl")
    assert "Gecorrigeerd: de uitkomst van bijeenkomst M1 (commitment: tentative), omdat: " in dutch
    # An edited note is caught: the data no longer gives it.
    edited = dutch.replace("Gecorrigeerd door #", "Gecorrigeerd door #9", 1)
    assert verify_text(edited).problems
    # So is a note dropped from the data: the journal still records the correction.
    data = json.loads(render(report, "json"))
    position = next(i for i, r in enumerate(data["entries"]) if r["corrected_by"])
    data["entries"][position]["corrected_by"] = []
    seq = data["entries"][position]["entry"]["seq"]
    assert verify_text(json.dumps(data)).problems == [
        f"entry #{seq}: the corrections noted on it are not those the journal records"
    ]
