"""The coalition workflow end to end on real Temporal servers (no mocks).

- The two worked coalitions of `examples.walks`, walked through `CoalitionService` on the
  time-skipping test server: states, rounds, sides, the journal, the search attributes, and
  the workflow's result when a coalition closes.
- `external_fact` signals: applied and journaled when allowed, kept as a note when not.

Refused updates are tests/test_workflow_lifecycle_refusals.py's, continue-as-new
tests/test_workflow_lifecycle_continue.py's.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta

import pytest_asyncio
from temporalio.client import WorkflowExecutionStatus
from temporalio.testing import WorkflowEnvironment

from lemniscate.cluster import search_attributes as sa
from lemniscate.examples import walks
from lemniscate.examples.walks import COORDINATOR, Step
from lemniscate.examples.walks import COORDINATOR as READER
from lemniscate.models.events import Actor, Role
from lemniscate.models.journal import JournalEntry, TriggerRequest
from lemniscate.workflows import patches
from lemniscate.workflows.coalition import CoalitionWorkflow
from lemniscate.workflows.io import CoalitionView, workflow_id
from tests.support.lifecycle import assert_journal_in_order, unique, where
from tests.support.servers import borrow, running_worker
from tests.support.workflows import (
    eventually,
    search_attributes,
    walk_service,
    workflow_status,
)

ESIGN = Actor(id="esign", role=Role.integration, allowed_triggers=["sign_founding_basis"])

# The SDK's own index of the patches a run took: operators see which runs carry which
# behaviour before they retire a patch.
PATCHES = {
    "TemporalChangeVersion": [
        patches.AGENDA_INDEX,
        patches.JOURNAL_IN_SEGMENTS,
        patches.MEETING_INVITATIONS,
        patches.MEETINGS_AS_HELD,
        patches.NIGHT_CANDLE_AT_DELIVERY_TIME,
        patches.PORTFOLIO_NEXT_KIND,
        patches.PUBLISH_AT_ONCE_TO_AN_AUDIENCE,
    ]
}

# The taskforce's name, as the portfolio shows and searches it.
NAMED = {
    sa.NAME.name: "Taskforce Wonen en Zorg",
    sa.NAME_GRAMS.name: sa.name_grams("Taskforce Wonen en Zorg"),
}


def transitions(journal: list[JournalEntry]) -> list[tuple[str, str | None, str, str, str]]:
    """The journal entries that moved the coalition: (trigger, from, to, round, side)."""
    return [
        (e.event.trigger, e.from_state, e.to_state, e.round, e.side)
        for e in journal
        if e.from_state != e.to_state
    ]


def step_index(steps: list[Step], trigger: str) -> int:
    return next(i for i, s in enumerate(steps) if s.trigger == trigger)


@pytest_asyncio.fixture(scope="module")
async def ts_env(time_skipping: WorkflowEnvironment) -> AsyncIterator[WorkflowEnvironment]:
    async with borrow(time_skipping) as env:
        yield env


# 1. Lifecycle ------------------------------------------------------------------------------


async def test_taskforce_from_start_through_execution_to_closed(ts_env: WorkflowEnvironment) -> None:
    client = ts_env.client
    slug = unique("taskforce")
    wid = workflow_id(slug)
    to_execution = walks.taskforce_to_execution()
    cycle, closing = walks.taskforce_one_cycle(), walks.taskforce_closing()
    organisations = ["ActiZ", "Aedes", "BZK", "VNG", "VWS", "ZN"]
    async with running_worker(client) as service:
        started = await service.start(walks.taskforce_start(slug), COORDINATOR)
        assert where(started) == ("intent_and_interests", "1", "zij")
        assert started.status.journal_length == 1
        day0 = started.status.last_activity_at.date()
        # Five partners added at the start and not interviewed yet: the first follow-up.
        first_due = datetime.combine(day0 + timedelta(days=21), time(9), tzinfo=UTC)
        assert started.status.next_follow_up_at == first_due
        # Set at start, then completed (next follow-up) by the first workflow task.
        indexed = await eventually(
            lambda: search_attributes(client, wid), lambda a: sa.NEXT_FOLLOW_UP.name in a
        )
        assert indexed == {
            sa.STATE.name: "intent_and_interests",
            sa.ROUND.name: "1",
            sa.SIDE.name: "zij",
            sa.PROGRAMME.name: "Wonen en Zorg",
            sa.PLAYBOOK.name: "default@1",
            sa.ORGANISATIONS.name: organisations,
            sa.AT_RISK.name: False,
            sa.NEXT_FOLLOW_UP.name: first_due,
            sa.NEXT_KIND.name: "interview_reminder",
            sa.ESCALATED.name: False,
            **NAMED,
            **PATCHES,
        }

        views = await walk_service(service, slug, to_execution)
        assert where(views["map_domain"]) == ("domain_mapping", "1", "ik")
        assert where(views["hold_exploration_meeting"]) == ("sharing_interests", "2", "zij")
        assert where(views["elaborate_content"]) == ("content_elaboration", "2", "ik")
        assert views["elaborate_content"].coalition.track == "plan"
        assert where(views["call_founding_meeting"]) == ("founding", "3", "het")
        doing = views["found"]
        assert where(doing) == ("doing", "execution", "het")
        assert doing.coalition.founded and doing.coalition.execution_started_on is not None
        assert doing.status.journal_length == 1 + len(to_execution)
        assert [p.name for p in doing.coalition.committed_partners()] == ["VNG", "Aedes", "ActiZ"]
        attributes = await search_attributes(client, wid)
        assert {k: attributes[k.name] for k in (sa.STATE, sa.ROUND, sa.SIDE)} == {
            sa.STATE: "doing",
            sa.ROUND: "execution",
            sa.SIDE: "het",
        }
        assert attributes[sa.NEXT_FOLLOW_UP.name] == doing.status.next_follow_up_at
        assert attributes[sa.AT_RISK.name] is False

        views = await walk_service(service, slug, cycle)
        assert where(views["start_monitoring"]) == ("monitoring", "execution", "zij")
        assert where(views["decide"]) == ("deciding", "execution", "ik")
        assert where(views["adjust"]) == ("adjusting", "execution", "wij")
        resumed = views["resume_doing"]
        assert where(resumed) == ("doing", "execution", "het")
        assert resumed.coalition.cycle == 1
        assert [a.title for a in resumed.coalition.actions][-1] == "Northern regions pilot"

        views = await walk_service(service, slug, closing)
        assert where(views["start_closing"]) == ("closing", "closure", "wij")
        closed = views["close"]
        assert where(closed) == ("closed", "closure", "het")
        assert closed.overview.final

        handle = client.get_workflow_handle_for(CoalitionWorkflow.run, wid)
        result = await handle.result()
        assert isinstance(result, CoalitionView)
        assert where(result) == ("closed", "closure", "het")
        assert result.coalition.closing_summary == "Closed with recognition of every partner."
        assert {p.name: p.contribution for p in result.coalition.partners if p.contribution} == {
            org: f"{org} did its part." for org in ("VNG", "Aedes", "ActiZ", "ZN")
        }
        assert result.status.next_follow_up_at is None
        assert await workflow_status(client, wid) == WorkflowExecutionStatus.COMPLETED
        assert await search_attributes(client, wid) == {
            sa.STATE.name: "closed",
            sa.ROUND.name: "closure",
            sa.SIDE.name: "het",
            sa.PROGRAMME.name: "Wonen en Zorg",
            sa.PLAYBOOK.name: "default@1",
            sa.ORGANISATIONS.name: organisations,
            sa.AT_RISK.name: False,
            sa.ESCALATED.name: False,
            **NAMED,
            **PATCHES,
        }

        # The journal of the finished coalition, read by query (the worker replays it).
        journal = await service.journal(slug, READER)
        steps = [*to_execution, *cycle, *closing]
        assert_journal_in_order(journal, ["start", *(s.trigger for s in steps)])
        assert result.status.journal_length == len(journal) == 1 + len(steps)
        assert [(e.event.actor, e.event.payload) for e in journal[1:]] == [
            (s.actor, s.payload) for s in steps
        ]
        assert transitions(journal) == [
            ("start", None, "intent_and_interests", "1", "zij"),
            ("map_domain", "intent_and_interests", "domain_mapping", "1", "ik"),
            ("plan_collaboration", "domain_mapping", "own_collaboration_plan", "1", "wij"),
            ("prepare_exploration_meeting", "own_collaboration_plan", "exploration_meeting_prep", "1", "het"),
            ("hold_exploration_meeting", "exploration_meeting_prep", "sharing_interests", "2", "zij"),
            ("elaborate_content", "sharing_interests", "content_elaboration", "2", "ik"),
            ("propose_collaboration", "content_elaboration", "collaboration_proposals", "2", "wij"),
            ("complete_proposal", "collaboration_proposals", "proposal_completion", "2", "het"),
            ("call_founding_meeting", "proposal_completion", "founding", "3", "het"),
            ("found", "founding", "doing", "execution", "het"),
            ("start_monitoring", "doing", "monitoring", "execution", "zij"),
            ("decide", "monitoring", "deciding", "execution", "ik"),
            ("adjust", "deciding", "adjusting", "execution", "wij"),
            ("resume_doing", "adjusting", "doing", "execution", "het"),
            ("start_closing", "doing", "closing", "closure", "wij"),
            ("close", "closing", "closed", "closure", "het"),
        ]


async def test_city_centre_initiative_track_then_new_lemniscate(ts_env: WorkflowEnvironment) -> None:
    client = ts_env.client
    slug = unique("binnenstad")
    wid = workflow_id(slug)
    to_execution, transformation = walks.city_to_execution(), walks.city_transformation()
    async with running_worker(client) as service:
        await service.start(walks.city_start(slug), COORDINATOR)
        first_found = step_index(to_execution, "found")
        views = await walk_service(service, slug, to_execution[:first_found])
        assert views["elaborate_content"].coalition.track == "initiative"
        assert len(views["add_option"].coalition.options) == 4
        founding = views["call_founding_meeting"]
        assert where(founding) == ("founding", "3", "het")
        assert not founding.coalition.founded

        # Variant a: founded on a declaration of intent, back to working out the plan, now
        # in round 3.
        founded = await service.fire(slug, "found", {}, COORDINATOR)
        assert where(founded) == ("content_elaboration", "3", "ik")
        assert founded.coalition.founded and founded.coalition.track == "plan"
        assert founded.coalition.execution_started_on is None

        views = await walk_service(service, slug, to_execution[first_found + 1 :])
        assert where(views["propose_collaboration"]) == ("collaboration_proposals", "3", "wij")
        assert where(views["complete_proposal"]) == ("proposal_completion", "3", "het")
        assert where(views["call_adoption_meeting"]) == ("approach_adoption", "3", "het")
        adopted = views["adopt_approach"]
        assert where(adopted) == ("doing", "execution", "het")
        assert [b.kind for b in adopted.coalition.founding_bases] == [
            "declaration_of_intent",
            "plan_of_approach",
        ]
        assert adopted.coalition.execution_started_on is not None
        attributes = await search_attributes(client, wid)
        assert (attributes[sa.STATE.name], attributes[sa.ROUND.name]) == ("doing", "execution")

        views = await walk_service(service, slug, transformation)
        transforming = views["transform"]
        assert where(transforming) == ("transforming", "closure", "zij")
        assert transforming.coalition.next_task is not None
        renewed = views["begin_new_lemniscate"]
        assert where(renewed) == ("intent_and_interests", "1", "zij")
        c = renewed.coalition
        assert c.task.title == "A climate-proof city centre"
        assert not c.founded and c.track is None and c.actions == [] and c.founding_bases == []
        assert [p.name for p in c.partners] == list(walks.CITY_PARTNERS)
        assert all(p.interview is None and not p.committed for p in c.partners)
        assert [a.task.title for a in c.archived] == ["An attractive city centre"]
        assert {a.status for a in c.archived[0].actions} == {"cancelled"}
        assert len(c.archived[0].founding_bases) == 2

        steps = [*to_execution, *transformation]
        journal = await service.journal(slug, READER)
        assert_journal_in_order(journal, ["start", *(s.trigger for s in steps)])
        assert renewed.status.journal_length == len(journal)
        assert [t[:3] for t in transitions(journal)][-7:] == [
            ("found", "founding", "content_elaboration"),
            ("propose_collaboration", "content_elaboration", "collaboration_proposals"),
            ("complete_proposal", "collaboration_proposals", "proposal_completion"),
            ("call_adoption_meeting", "proposal_completion", "approach_adoption"),
            ("adopt_approach", "approach_adoption", "doing"),
            ("transform", "doing", "transforming"),
            ("begin_new_lemniscate", "transforming", "intent_and_interests"),
        ]
        # The journal keeps the old approach's round 3 (ik) entry as it was then.
        found_entry = next(e for e in journal if e.event.trigger == "found")
        assert (found_entry.round, found_entry.side) == ("3", "ik")

        attributes = await search_attributes(client, wid)
        assert {k: attributes.get(k.name) for k in (sa.STATE, sa.ROUND, sa.SIDE, sa.PROGRAMME)} == {
            sa.STATE: "intent_and_interests",
            sa.ROUND: "1",
            sa.SIDE: "zij",
            sa.PROGRAMME: "Binnenstad",
        }
        assert await workflow_status(client, wid) == WorkflowExecutionStatus.RUNNING
        await client.get_workflow_handle(wid).terminate("test done")


# 3. Signals --------------------------------------------------------------------------------


async def test_external_fact_signals_apply_or_are_noted(ts_env: WorkflowEnvironment) -> None:
    client = ts_env.client
    slug = unique("signals")
    steps = walks.taskforce_to_execution()
    signing = step_index(steps, "sign_founding_basis")
    async with running_worker(client) as service:
        await service.start(walks.taskforce_start(slug), COORDINATOR)
        await walk_service(service, slug, steps[:signing])
        handle = client.get_workflow_handle_for(CoalitionWorkflow.run, workflow_id(slug))
        before = await service.view(slug, READER)
        assert before.overview.state == "founding" and before.coalition.founding_bases == []

        fact = TriggerRequest(
            trigger="sign_founding_basis",
            payload=steps[signing].payload,
            actor=ESIGN,
            reason="signed in the e-signature system",
        )
        await handle.signal(CoalitionWorkflow.external_fact, fact)
        after = await eventually(
            lambda: service.view(slug, READER),
            lambda v: v.status.journal_length == before.status.journal_length + 1,
        )
        assert after.refused_signals == []
        [basis] = after.coalition.founding_bases
        assert (basis.kind, basis.signatories) == ("plan_of_approach", ["VWS", "VNG", "Aedes", "ActiZ"])
        entry = (await service.journal(slug, READER, before.status.journal_length))[0]
        assert (entry.seq, entry.event.trigger, entry.event.actor) == (
            after.status.journal_length,
            "sign_founding_basis",
            ESIGN,
        )
        assert entry.event.reason == "signed in the e-signature system"
        assert (entry.from_state, entry.to_state) == ("founding", "founding")

        # Refused facts: a trigger the key may not fire, and a payload that does not fit.
        not_allowed = TriggerRequest(trigger="found", actor=ESIGN)
        unknown = TriggerRequest(
            trigger="sign_founding_basis",
            actor=ESIGN,
            payload={**steps[signing].payload, "signatories": ["VWS", "Nobody"]},
        )
        for request in (not_allowed, unknown):
            await handle.signal(CoalitionWorkflow.external_fact, request)
        noted = await eventually(lambda: service.view(slug, READER), lambda v: len(v.refused_signals) == 2)
        expected = [
            "found refused: esign as integration may fire only: sign_founding_basis.",
            "sign_founding_basis refused: signatories: Nobody is neither initiator nor "
            "partner of this coalition.",
        ]
        # Each note is the refusal's message (the workflow currently prefixes it with the
        # error type, "Refused: ", because it keeps str(ApplicationError)).
        assert len(noted.refused_signals) == len(expected)
        for note, sentence in zip(noted.refused_signals, expected, strict=True):
            assert note.endswith(sentence), (note, sentence)
        assert noted.coalition == after.coalition
        assert noted.status.journal_length == after.status.journal_length
        assert noted.status.last_activity_at == after.status.last_activity_at
        assert len(await service.journal(slug, READER)) == after.status.journal_length
        await handle.terminate("test done")
