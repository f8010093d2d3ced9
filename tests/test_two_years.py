"""Two years of one coalition, on a time-skipping server of its own: walked to execution with
an action already past due, then left alone for two years while the clock jumps from one
planned follow-up to the next.

What it shows, end to end through the one service every surface uses:
- every follow-up delivered in those two years was in the read model before it came due
  (planned itself, or as the escalation a planned one leads to), and every one stays in
  the read model afterwards, delivered once;
- the coalition's calendar feed parses and holds its meetings and action due dates;
- a correction is journaled, and the audit notes it on the entry it corrects;
- the closing report credits every partner;
- the audit of the whole trail, past-due action and two years of follow-ups included,
  verifies with no mismatch.
The agenda across 200 coalitions needs the dev server's visibility: `test_agenda_scale`.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
from temporalio.testing import WorkflowEnvironment

from lemniscate.audit.report import build_report
from lemniscate.coalitions import CoalitionService
from lemniscate.examples import walks
from lemniscate.examples.walks import COORDINATOR, Step
from lemniscate.states.closing_report import closing_report
from lemniscate.states.followup_view import FollowUps
from tests.support.servers import running_worker, skip
from tests.support.workflows import walk_service

pytestmark = pytest.mark.usefixtures("log_only")

TWO_YEARS = timedelta(days=730)
# Past a due moment far enough for the workflow to have woken and delivered.
PAST_DUE = timedelta(minutes=5)
Foreseen = tuple[str, datetime]  # kind, due moment


def foreseen_in(reads: FollowUps) -> set[Foreseen]:
    ahead = {(p.kind.value, p.due_at) for p in reads.planned}
    return ahead | {(p.leads_to.kind.value, p.leads_to.due_at) for p in reads.planned if p.leads_to}


async def walk_to_execution_with_a_late_action(service: CoalitionService, slug: str, now: datetime) -> str:
    await service.start(walks.taskforce_start(slug), COORDINATOR)
    cycle = walks.taskforce_one_cycle()
    to_adjusting = cycle[: [s.trigger for s in cycle].index("adjust") + 1]
    await walk_service(service, slug, [*walks.taskforce_to_execution(), *to_adjusting])
    past = (now - timedelta(days=6)).date().isoformat()
    late = await service.trigger(
        slug, "add_action", {"title": "Late from the start", "owner": "VNG", "due_on": past}, COORDINATOR
    )
    assert f"Action {late.created} was due on {past}, already past" in " ".join(late.warnings)
    await walk_service(service, slug, [Step("resume_doing")])
    assert late.created is not None
    return late.created


async def test_two_years_every_follow_up_is_seen_before_and_after(
    own_clock: WorkflowEnvironment, tmp_path: Path
) -> None:
    slug = f"twee-jaar-{uuid.uuid4().hex[:8]}"
    async with running_worker(own_clock.client) as service:
        late = await walk_to_execution_with_a_late_action(service, slug, await own_clock.get_current_time())
        reads = await service.follow_ups(slug, COORDINATOR)
        assert [o.action for o in reads.overdue] == [late] and reads.overdue[0].item is not None
        horizon = await own_clock.get_current_time() + TWO_YEARS
        already = {d.key for d in reads.delivered}  # during the walk, at once: invitations
        foreseen = foreseen_in(reads)
        delivered: dict[str, datetime] = {}
        wake_ups = 0
        while (now := await own_clock.get_current_time()) < horizon:
            upcoming = [p.due_at for p in reads.planned if p.due_at > now]
            await skip(own_clock, min([*upcoming, horizon - PAST_DUE]) + PAST_DUE - now)
            wake_ups += 1
            reads = await service.follow_ups(slug, COORDINATOR)
            for d in reads.delivered:
                if d.key in already or d.key in delivered:
                    continue
                assert d.due_at is not None, d.key
                assert (d.kind.value, d.due_at) in foreseen, f"{d.key} was delivered unannounced"
                delivered[d.key] = d.at
            foreseen |= foreseen_in(reads)

        kinds = {key.split(":")[0] for key in delivered}
        # The deadlines of the walk's action, the first reviews, the partner meeting, the
        # reminder of the next meeting agreed at M1, escalations and the candle for a quiet
        # coalition. Then the escalations stand: nobody acted on them.
        assert kinds == {
            "action_due_reminder",
            "action_overdue",
            "progress_review",
            "partner_meeting",
            "meeting_reminder",
            "escalation",
            "inactivity",
        }, kinds
        assert wake_ups >= len(set(delivered.values()))  # one due moment at a time
        # Asked without a moment, the read model is as of the later of the workflow's clock
        # (its last task) and the machine's: here the workflow's, the last delivery's.
        unasked = await service.follow_ups(slug, COORDINATOR)
        assert datetime.now(UTC) < max(delivered.values()) <= unasked.as_of < horizon
        final = await service.follow_ups(slug, COORDINATOR, await own_clock.get_current_time())
        keys = [d.key for d in final.delivered]
        assert len(keys) == len(set(keys)), "a follow-up was delivered twice"
        assert set(delivered) | already <= set(keys), "a delivered follow-up left the read model"
        assert final.escalated, "two years without action, and no escalation stands"
        today = final.as_of.date()
        assert {(o.action, o.days) for o in final.overdue} == {
            (o.action, (today - o.due_on).days) for o in final.overdue
        }
        assert {"A2", late} <= {o.action for o in final.overdue}

        feed = icalendar.Calendar.from_ical(await service.calendar(slug, COORDINATOR, "nl"))
        uids = {str(event["UID"]) for event in feed.walk("VEVENT")}
        assert f"meeting-{slug}-M1@lemniscate" in uids
        assert {f"action-{slug}-A2@lemniscate", f"action-{slug}-{late}@lemniscate"} <= uids

        why = "The minutes say VNG committed for the whole region."
        correction = {"record": "VNG", "commitment": {"statement": "VNG commits for all its regions."}}
        await service.fire(slug, "correct_record", {**correction, "reason": why}, COORDINATOR)
        partners = walks.TASKFORCE_PARTNERS
        credits = [
            Step("credit_partner", {"partner": org, "contribution": f"{org} did its part."})
            for org in partners
        ]
        closing = [walks.taskforce_closing()[0], *credits, walks.taskforce_closing()[-1]]
        closed = (await walk_service(service, slug, closing))["close"]
        report = closing_report(closed.coalition)
        assert report is not None and report.state == "closed"
        assert {(p.name, p.contribution) for p in report.partners} == {
            (o, f"{o} did its part.") for o in partners
        }

        audit = await build_report(service, slug, COORDINATOR, refusal_log=tmp_path / "refusals.jsonl")
        assert audit.ok and audit.findings == [], audit.findings
        committed = next(
            r
            for r in audit.entries
            if r.entry.event.payload.get("partner") == "VNG" and r.entry.event.trigger == "commit"
        )
        assert [c.reason for c in committed.corrected_by] == [why]
        engine = [r for r in audit.entries if r.source is not None and r.source.kind == "follow-up"]
        assert any(r.entry.event.payload.get("action") == late for r in engine)
        assert len(audit.entries) == len(await service.journal(slug, COORDINATOR))
