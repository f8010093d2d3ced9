"""The read model in the pure core (`states.redaction`, `states.policy`): who is a member,
who is a confidant, and that no trigger records a confidential field the journal's
redaction does not know of."""

from __future__ import annotations

import typing
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from lemniscate import states
from lemniscate.coalitions.portfolio import PortfolioFilter
from lemniscate.examples import walks
from lemniscate.models.coalition import Coalition, ConstituencySupport, InterviewAnswers
from lemniscate.models.corrections import AnswersCorrection
from lemniscate.models.events import Actor, Event, Role
from lemniscate.models.journal import JournalEntry
from lemniscate.models.outbound import OutboundEvent
from lemniscate.models.payloads import StartCoalition
from lemniscate.states import policy, redaction
from lemniscate.states.policy import Scope

AEDES = walks.partner_actor("Aedes")
OUTSIDER = walks.partner_actor("Woonbond")
INTEGRATION = Actor(id="crm", role=Role.integration, allowed_triggers=["record_intent"])
AUDITOR = Actor(id="els", role=Role.auditor)
# AnswersCorrection: an interview's answers given anew (`correct_record`).
CONFIDENTIAL_TYPES = (InterviewAnswers, ConstituencySupport, AnswersCorrection)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        found += _models_in(arg)
    return found


def _confidential_fields(model: type[BaseModel], seen: frozenset[type[BaseModel]] = frozenset()) -> list[str]:
    """The paths in `model` to a confidential record, an e-mail address or a reason."""
    found = []
    for name, info in model.model_fields.items():
        if name == "email" or (model.__name__ == "MarkNotReached" and name == "reason"):
            found.append(name)
        for inner in _models_in(info.annotation):
            if inner in CONFIDENTIAL_TYPES:
                found.append(name)
            elif inner not in seen:
                found += [f"{name}.{path}" for path in _confidential_fields(inner, seen | {model})]
    return found


def test_every_trigger_recording_a_confidential_field_is_redacted_in_the_journal() -> None:
    """A new payload with interview answers, a constituency's note or an address fails here
    until `states.redaction` knows how to blank it."""
    payloads = {name: spec.payload for name, spec in states.TRIGGERS.items()}
    payloads[states.START] = StartCoalition
    recording = {name for name, model in payloads.items() if _confidential_fields(model)}
    assert recording, "the walk found nothing: it is broken"
    assert recording <= redaction.confidential_triggers(), recording - redaction.confidential_triggers()


def _coalition() -> Coalition:
    coalition = states.genesis(
        Event(
            trigger=states.START,
            payload={
                **walks.taskforce_start("unit"),
                "partners": [
                    {"name": n, "email": f"{n.lower()}@example.org"} for n in walks.TASKFORCE_PARTNERS
                ],
            },
            actor=walks.COORDINATOR,
            at=datetime(2027, 1, 1, tzinfo=UTC),
        )
    )
    for step in walks.taskforce_to_execution()[:6]:  # the intent and the interviews
        event = Event(trigger=step.trigger, payload=step.payload, actor=step.actor, at=datetime.now(UTC))
        coalition = states.apply(coalition, event)
    return coalition


def test_membership_is_an_initiator_or_a_partner() -> None:
    coalition = _coalition()
    assert policy.may_read(AEDES, coalition) and not policy.may_read(OUTSIDER, coalition)
    assert policy.may_read(walks.partner_actor("VWS"), coalition)  # the initiator
    assert all(policy.may_read(a, coalition) for a in (walks.COORDINATOR, AUDITOR, INTEGRATION))


def test_confidants_read_everything_and_others_only_their_own() -> None:
    coalition = _coalition()
    assert redaction.for_reader(coalition, walks.COORDINATOR) is coalition
    assert redaction.for_reader(coalition, AUDITOR) is coalition
    for reader, own in ((AEDES, "Aedes"), (INTEGRATION, None)):
        seen = redaction.for_reader(coalition, reader)
        for partner, original in zip(seen.partners, coalition.partners, strict=True):
            if partner.name == own:
                assert partner == original
                continue
            assert partner.email is None
            assert partner.interview is not None and original.interview is not None
            assert partner.interview.held_on == original.interview.held_on
            assert set(partner.interview.answers.model_dump().values()) == {redaction.REDACTED}


def test_a_redacted_entry_is_marked_and_unsealed_and_the_others_untouched() -> None:
    at = datetime(2027, 1, 2, tzinfo=UTC)
    interview = walks.taskforce_to_execution()[1]
    event = Event(trigger=interview.trigger, payload=interview.payload, actor=walks.COORDINATOR, at=at)
    entry = JournalEntry(
        seq=2, event=event, from_state="a", to_state="a", round="1", side="zij", prev_hash="p", hash="h"
    )
    assert interview.payload["partner"] == "VNG"
    assert redaction.entry_for_reader(entry, walks.partner_actor("VNG")) is entry
    hidden = redaction.entry_for_reader(entry, AEDES)
    assert hidden.model_dump()["redacted"] is True and hidden.hash is None and hidden.prev_hash == "p"
    assert hidden.event.payload["answers"] == redaction.REDACTED
    assert hidden.event.payload["held_on"] == interview.payload["held_on"]


def test_webhook_follow_ups_lose_the_addresses() -> None:
    event = OutboundEvent(
        id="x",
        type="follow_up",
        coalition_id="c",
        at=datetime.now(UTC),
        follow_up={"message": "Reminder", "recipients": ["Aedes"], "addresses": ["aedes@example.org"]},
    )
    assert redaction.event_for_subscriber(event).follow_up == {"message": "Reminder", "recipients": ["Aedes"]}


def test_the_member_clause_is_quoted_by_the_one_builder() -> None:
    query = PortfolioFilter(programme="P").visible_to(Scope(organisation="O'Brien & Co")).query()
    assert "LemniscateOrganisations = 'O''Brien & Co'" in query
    assert PortfolioFilter().visible_to(None).query() == PortfolioFilter().query()
    granted = PortfolioFilter().visible_to(Scope(programmes=("It's",), coalitions=("c-1",))).query()
    assert "(LemniscateProgramme IN ('It''s') OR WorkflowId IN ('coalition/c-1'))" in granted
    # Admitted to nothing: sees nothing, never the whole office.
    assert PortfolioFilter().visible_to(Scope()).query().endswith("WorkflowId = ''")
    with pytest.raises(ValidationError):  # refused, never spliced in
        PortfolioFilter().visible_to(Scope(organisation="back\\slash"))
    with pytest.raises(ValidationError):
        PortfolioFilter().visible_to(Scope(programmes=('say "no"',)))
