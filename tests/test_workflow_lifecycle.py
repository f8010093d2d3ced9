"""The coalition workflow end to end on real Temporal servers (no mocks).

- The two worked coalitions of `examples.walks`, walked through `CoalitionService` on the
  time-skipping test server: states, rounds, sides, the journal, the search attributes, and
  the workflow's result when a coalition closes.
- Refused updates leave no trace in the history: on the dev server, because the
  time-skipping test server does not implement speculative workflow tasks (a rejected update
  there still writes WorkflowTaskScheduled/Started/Completed).
- `external_fact` signals: applied and journaled when allowed, kept as a note when not.
- Continue-as-new on the dev server told to suggest it after 30 events.
"""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
import pytest_asyncio
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

from lemniscate import states
from lemniscate.cluster import search_attributes as sa
from lemniscate.coalitions import CoalitionFinished, CoalitionRefused
from lemniscate.examples import walks
from lemniscate.examples.walks import COORDINATOR, Step, partner_actor
from lemniscate.examples.walks import COORDINATOR as READER
from lemniscate.models import idempotency
from lemniscate.models.events import Actor, Role
from lemniscate.models.journal import JournalEntry, TriggerRequest
from lemniscate.models.sentence import from_wire
from lemniscate.workflows.coalition import (
    AGENDA_INDEX,
    JOURNAL_IN_SEGMENTS,
    MEETING_INVITATIONS,
    MEETINGS_AS_HELD,
    NIGHT_CANDLE_AT_DELIVERY_TIME,
    PORTFOLIO_NEXT_KIND,
    PUBLISH_AT_ONCE_TO_AN_AUDIENCE,
    CoalitionWorkflow,
)
from lemniscate.workflows.io import REFUSED, CoalitionView, workflow_id
from lemniscate.workflows.publisher import PUBLISH_AFTER
from tests.support.servers import borrow, dev_server_env, running_worker
from tests.support.workflows import (
    eventually,
    history_length,
    search_attributes,
    settled_history_length,
    walk_service,
    workflow_status,
)

AUDITOR = Actor(id="auditor-1", role=Role.auditor)
ESIGN = Actor(id="esign", role=Role.integration, allowed_triggers=["sign_founding_basis"])

# The SDK's own index of the patches a run took: operators see which runs carry which
# behaviour before they retire a patch.
PATCHES = {
    "TemporalChangeVersion": [
        AGENDA_INDEX,
        JOURNAL_IN_SEGMENTS,
        MEETING_INVITATIONS,
        MEETINGS_AS_HELD,
        NIGHT_CANDLE_AT_DELIVERY_TIME,
        PORTFOLIO_NEXT_KIND,
        PUBLISH_AT_ONCE_TO_AN_AUDIENCE,
    ]
}

# The taskforce's name, as the portfolio shows and searches it.
NAMED = {
    sa.NAME.name: "Taskforce Wonen en Zorg",
    sa.NAME_GRAMS.name: sa.name_grams("Taskforce Wonen en Zorg"),
}


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def where(view: CoalitionView) -> tuple[str, str, str]:
    return view.overview.state, view.overview.round.value, view.overview.side.value


def transitions(journal: list[JournalEntry]) -> list[tuple[str, str | None, str, str, str]]:
    """The journal entries that moved the coalition: (trigger, from, to, round, side)."""
    return [
        (e.event.trigger, e.from_state, e.to_state, e.round, e.side)
        for e in journal
        if e.from_state != e.to_state
    ]


def assert_journal_in_order(journal: list[JournalEntry], triggers: list[str]) -> None:
    assert [e.seq for e in journal] == list(range(1, len(triggers) + 1))
    assert [e.event.trigger for e in journal] == triggers
    assert journal[0].from_state is None
    for before, after in itertools.pairwise(journal):
        assert after.from_state == before.to_state
        assert after.event.at >= before.event.at


def step_index(steps: list[Step], trigger: str) -> int:
    return next(i for i, s in enumerate(steps) if s.trigger == trigger)


@pytest_asyncio.fixture(scope="module")
async def ts_env(time_skipping: WorkflowEnvironment) -> AsyncIterator[WorkflowEnvironment]:
    async with borrow(time_skipping) as env:
        yield env


@pytest_asyncio.fixture(scope="module")
async def dev_env(dev_server: WorkflowEnvironment) -> AsyncIterator[WorkflowEnvironment]:
    async with borrow(dev_server, own_namespace=True) as env:
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


# 2. Refused updates leave no event ---------------------------------------------------------


async def test_refused_updates_leave_no_event_in_the_history(dev_env: WorkflowEnvironment) -> None:
    client = dev_env.client
    slug = unique("refusals")
    wid = workflow_id(slug)
    async with running_worker(client) as service:
        await service.start(walks.taskforce_start(slug), COORDINATOR)
        # Quiet for longer than the publisher's batching window: the start's event goes out
        # after it, and those events belong before the length the refusals must keep.
        length = await settled_history_length(client, wid, quiet=PUBLISH_AFTER.total_seconds() + 1)
        view = await service.view(slug, READER)

        async def refused_by_service(trigger: str, payload: dict[str, Any], actor: Actor) -> list[str]:
            with pytest.raises(CoalitionRefused) as refused:
                await service.fire(slug, trigger, payload, actor)
            assert refused.value.trigger == trigger
            return refused.value.reasons

        interview = walks.taskforce_to_execution()[1]  # record_interview for VNG
        aedes_interview = {**interview.payload, "partner": "Aedes"}
        assert await refused_by_service("map_domain", {}, COORDINATOR) == [
            "The initiator's own intent is not recorded yet (record_intent).",
            "5 of 5 prospective partners have no interview: VNG, Aedes, ActiZ, ZN, BZK "
            "(record_interview, or mark_not_reached with a reason).",
            "0 partners are interviewed; the playbook default@1 asks for at least 2.",
        ]
        assert await refused_by_service("record_interview", aedes_interview, partner_actor("VNG")) == [
            "rep-vng (VNG) as partner may change only VNG's records, not Aedes's."
        ]
        assert await refused_by_service("record_intent", {"intent": "Auditors only read."}, AUDITOR) == [
            "auditor-1 as auditor may read everything but change nothing."
        ]
        assert await refused_by_service(
            "record_intent", {"intent": "x"}, Actor(id="someone", role=Role.system)
        ) == ["the system role is reserved for the engine itself."]
        assert await refused_by_service("record_interview", {"partner": "VNG"}, COORDINATOR) == [
            "answers: Field required",
            "held_on: Field required",
            "interviewer: Field required",
        ]
        assert await refused_by_service(
            "plan_meeting",
            {"kind": "exploration", "on": "2027-03-04", "invitees": ["VNG", "Nobody"]},
            COORDINATOR,
        ) == ["invitees: Nobody is neither initiator nor partner of this coalition."]

        # The service checks a payload before sending it; the workflow's validator refuses
        # the same payload on its own when a caller goes around the service.
        handle = client.get_workflow_handle_for(CoalitionWorkflow.run, wid)
        with pytest.raises(WorkflowUpdateFailedError) as failed:
            await handle.execute_update(
                CoalitionWorkflow.fire,
                TriggerRequest(
                    trigger="record_interview",
                    payload={"partner": "VNG", "held_on": "soon"},
                    actor=COORDINATOR,
                ),
            )
        cause = failed.value.cause
        assert isinstance(cause, ApplicationError) and cause.type == REFUSED
        # Each reason travels as data (`Sentence.wire`), so the client can say it in Dutch.
        assert [from_wire(d) for d in cause.details] == [
            "answers: Field required",
            "held_on: Input should be a valid date in the format YYYY-MM-DD, input is too short",
            "interviewer: Field required",
        ]

        assert await settled_history_length(client, wid) == length
        assert await service.view(slug, READER) == view
        history = await client.get_workflow_handle(wid).fetch_history()
        assert not [
            e
            for e in history.events
            if e.event_type
            in (
                EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
                EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_REJECTED,
            )
        ]

        # An accepted trigger does write the update's events.
        accepted = await service.fire(
            slug, "record_intent", {"intent": "Act together."}, COORDINATOR, request_id="intent-1"
        )
        assert accepted.coalition.intent == "Act together."
        assert accepted.status.journal_length == view.status.journal_length + 1
        history = await client.get_workflow_handle(wid).fetch_history()
        assert len(history.events) > length
        updates = [
            e
            for e in history.events[length:]
            if e.event_type
            in (
                EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
                EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED,
            )
        ]
        assert [e.event_type for e in updates] == [
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED,
        ]
        # The update id binds the key to the caller and the request (models.idempotency).
        keyed = TriggerRequest(
            trigger="record_intent",
            payload={"intent": "Act together."},
            actor=COORDINATOR,
            idempotency_key="intent-1",
        )
        assert updates[
            0
        ].workflow_execution_update_accepted_event_attributes.accepted_request.meta.update_id == (
            idempotency.update_id(keyed)
        )

        # Retrying with the same request id applies it once.
        again = await service.fire(
            slug, "record_intent", {"intent": "Act together."}, COORDINATOR, request_id="intent-1"
        )
        assert again.status.journal_length == accepted.status.journal_length
        assert len(await service.journal(slug, READER)) == accepted.status.journal_length
        await client.get_workflow_handle(wid).terminate("test done")


async def test_concurrent_conflicting_triggers_apply_once(dev_env: WorkflowEnvironment) -> None:
    client = dev_env.client
    slug = unique("concurrent")
    async with running_worker(client) as service:
        await service.start(walks.taskforce_start(slug), COORDINATOR)
        outcomes = await asyncio.gather(
            *(service.fire(slug, "add_partner", {"name": "Woonbond"}, COORDINATOR) for _ in range(5)),
            return_exceptions=True,
        )
        accepted = [o for o in outcomes if isinstance(o, CoalitionView)]
        refused = [o for o in outcomes if isinstance(o, CoalitionRefused)]
        assert (len(accepted), len(refused)) == (1, 4), outcomes
        assert {tuple(r.reasons) for r in refused} == {
            ("name: Woonbond is already a partner of this coalition.",)
        }
        current = await service.view(slug, READER)
        assert [p.name for p in current.coalition.partners].count("Woonbond") == 1
        assert current.status.journal_length == 2
        history = await client.get_workflow_handle(workflow_id(slug)).fetch_history()
        assert [e.event_type for e in history.events].count(
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
        ) == 1
        await client.get_workflow_handle(workflow_id(slug)).terminate("test done")


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


# 5. Continue-as-new ------------------------------------------------------------------------


async def run_ids(client: Client, wid: str) -> list[str]:
    """Every run of a workflow id, oldest first, by following the continued-as-new chain."""
    history = await client.get_workflow_handle(wid).fetch_history()
    runs = [history.run_id]
    started = history.events[0].workflow_execution_started_event_attributes
    while started.continued_execution_run_id:
        runs.insert(0, started.continued_execution_run_id)
        history = await client.get_workflow_handle(
            wid, run_id=started.continued_execution_run_id
        ).fetch_history()
        started = history.events[0].workflow_execution_started_event_attributes
    return runs


@pytest.mark.slow
async def test_continue_as_new_keeps_view_and_journal() -> None:
    # A server of its own: dynamic config that suggests continue-as-new far earlier.
    async with dev_server_env("--dynamic-config-value", "limit.historyCount.suggestContinueAsNew=20") as env:
        client = env.client
        slug = unique("long-lived")
        wid = workflow_id(slug)
        steps = [*walks.taskforce_to_execution(), *walks.taskforce_one_cycle()]
        async with running_worker(client) as service:
            await service.start(walks.taskforce_start(slug), COORDINATOR)
            first_run = (await client.get_workflow_handle(wid).describe()).run_id
            seen = [first_run]
            for step in steps:
                view = await service.fire(slug, step.trigger, step.payload, step.actor)
                run = (await client.get_workflow_handle(wid).describe()).run_id
                if run != seen[-1]:
                    seen.append(run)
            runs = await run_ids(client, wid)
            assert len(runs) >= 3, f"continued as new only {len(runs) - 1} times"
            assert runs[0] == first_run and set(seen) <= set(runs)
            for run in runs[:-1]:
                described = await client.get_workflow_handle(wid, run_id=run).describe()
                assert described.status == WorkflowExecutionStatus.CONTINUED_AS_NEW
                assert await history_length(client, wid, run) < 80

            n = 1 + len(steps)
            journal = await service.journal(slug, READER)
            assert_journal_in_order(journal, ["start", *(s.trigger for s in steps)])
            assert len(journal) == n
            assert [e.event.payload for e in journal[1:]] == [s.payload for s in steps]
            current = await service.view(slug, READER)
            assert where(current) == ("doing", "execution", "het")
            assert current.coalition.cycle == 1
            assert current.status.journal_length == n
            assert current.coalition == view.coalition
            # What the last run carries is exactly what its journal replays to.
            assert states.replay([e.event for e in journal]) == current.coalition
            assert current.status.last_activity_at == journal[-1].event.at
            # The new runs index the coalition as the first did (the dev server's describe()
            # decodes them fine; see tests.support.workflows.describe for the test server).
            indexed = (await client.get_workflow_handle(wid).describe()).typed_search_attributes
            assert (indexed.get(sa.STATE), indexed.get(sa.ROUND), indexed.get(sa.SIDE)) == (
                "doing",
                "execution",
                "het",
            )
            assert indexed.get(sa.ORGANISATIONS) == ["ActiZ", "Aedes", "BZK", "VNG", "VWS", "ZN"]
            assert indexed.get(sa.PROGRAMME) == "Wonen en Zorg"
            assert indexed.get(sa.NEXT_FOLLOW_UP) == current.status.next_follow_up_at
            assert indexed.get(sa.AT_RISK) is False

            # Concurrent triggers across further continue-as-new: none lost, none doubled.
            for batch in range(2):
                await asyncio.gather(
                    *(
                        service.fire(
                            slug,
                            "record_signal",
                            {
                                "region": f"Regio {batch}-{i}",
                                "kind": "opportunity",
                                "description": "A region asks to join.",
                            },
                            COORDINATOR,
                        )
                        for i in range(8)
                    )
                )
            signalled = await service.view(slug, READER)
            assert sorted(s.region for s in signalled.coalition.signals) == sorted(
                f"Regio {b}-{i}" for b in range(2) for i in range(8)
            )
            n += 16
            assert [e.seq for e in await service.journal(slug, READER)] == list(range(1, n + 1))

            await walk_service(service, slug, walks.taskforce_closing())
            handle = client.get_workflow_handle_for(CoalitionWorkflow.run, wid)
            result = await handle.result()
            assert result.coalition.state == "closed"
            assert result.status.journal_length == n + len(walks.taskforce_closing())
            assert len(await run_ids(client, wid)) >= len(runs)
            indexed = (await client.get_workflow_handle(wid).describe()).typed_search_attributes
            assert indexed.get(sa.STATE) == "closed" and indexed.get(sa.NEXT_FOLLOW_UP) is None
            # A finished coalition takes no more triggers, and says so.
            with pytest.raises(
                CoalitionFinished, match=f"coalition '{slug}' is completed; it takes no more triggers."
            ):
                await service.fire(
                    slug,
                    "record_signal",
                    {"region": "Noord", "kind": "opportunity", "description": "x"},
                    COORDINATOR,
                )
