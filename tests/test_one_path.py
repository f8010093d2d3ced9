"""The one path, without a server: the gate refuses who may never fire a trigger before it
reads the payload, refuses a payload with `states.describe_errors`' sentences, and logs
every refusal with its source; the problem document of each error; the field a sentence
names; the policy's early answer agrees with its late one; the search-attribute values."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict, ValidationError

from lemniscate import states
from lemniscate.api.problems import field_errors, problem_of
from lemniscate.audit.refusals import read_refusals
from lemniscate.cluster import search_attributes as sa
from lemniscate.coalitions import (
    CoalitionError,
    CoalitionExists,
    CoalitionFinished,
    CoalitionNotFound,
    CoalitionRefused,
    Gate,
    InvalidPayload,
    InvalidRequest,
    PayloadNotJson,
    Unreadable,
)
from lemniscate.coalitions.portfolio import initial_search_attributes
from lemniscate.dashboard.forms import as_reasons, errors_of
from lemniscate.examples import walks
from lemniscate.models.bulk import BulkFilter, BulkRequest
from lemniscate.models.coalition import Coalition, Member, MemberRole
from lemniscate.models.events import Actor, Event, Role
from lemniscate.models.payloads import Empty
from lemniscate.states.errors import named_field

AUDITOR = Actor(id="els", role=Role.auditor)
AEDES = walks.partner_actor("Aedes")
CRM = Actor(id="crm", role=Role.integration, allowed_triggers=["add_partner"])


def _coalition() -> Coalition:
    start = Event(
        trigger=states.START, payload=walks.taskforce_start(), actor=walks.COORDINATOR, at=datetime.now(UTC)
    )
    return states.genesis(start)


# The field a sentence names ----------------------------------------------------------------


class _Inner(BaseModel):
    model_config = ConfigDict(extra="forbid")
    on: int


class _Outer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    items: list[_Inner]


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"items": []}, "name"),
        ({"name": "x", "items": [{"on": "soon"}]}, "items.0.on"),
        ({"name": "x", "items": [], "bad key": 1}, "bad key"),
        ({"name": "x", "items": [], "a.b: c": 1}, "a.b: c"),
        ({"name": "x", "items": [], "0": 1}, "0"),
    ],
)
def test_named_field_reads_back_what_describe_errors_wrote(raw: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _Outer.model_validate(raw)
    sentence = states.describe_errors(caught.value)[0]
    assert named_field(sentence) == (field, caught.value.errors()[0]["msg"])


def test_named_field_knows_the_whole_payload_and_sentences_naming_none() -> None:
    assert named_field("payload: Value error, not both") == ("", "Value error, not both")
    assert named_field("name: Aedes is already a partner of this coalition.") == (
        "name",
        "Aedes is already a partner of this coalition.",
    )
    assert named_field("5 of 5 prospective partners have no interview: VNG, Aedes") is None
    assert named_field("there is no trigger 'x'; see `lemniscate method` for the list.") is None


def test_a_form_s_mistakes_read_as_the_service_s_sentences_and_back() -> None:
    errors = {"intent": ["Field required"], "partners.0.name": ["Write at most 5 characters."]}
    assert as_reasons(errors) == ["intent: Field required", "partners.0.name: Write at most 5 characters."]
    assert errors_of(as_reasons(errors)) == errors
    assert errors_of(["payload: Value error, not both", "no field here"]) == {
        "": ["Value error, not both", "no field here"]
    }


# The policy: early and late answers agree ----------------------------------------------------


@pytest.mark.parametrize("actor", [walks.COORDINATOR, AUDITOR, AEDES, CRM], ids=str)
def test_may_attempt_says_what_may_fire_says_whenever_the_coalition_cannot_matter(actor: Actor) -> None:
    coalition = _coalition()
    for spec in states.TRIGGERS.values():
        early = states.policy.may_attempt(actor, spec)
        if spec.partner_scope is not None and actor.role == Role.partner:
            assert early == [], spec.name  # decided on the coalition, by may_fire
        else:
            assert early == states.policy.may_fire(actor, spec, coalition, Empty()), spec.name
        assert (early == []) == states.policy.may_ever_fire(actor, spec), spec.name


# The gate ------------------------------------------------------------------------------------


def _logged(log: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.read_text("utf-8").splitlines()]


def test_the_gate_refuses_who_before_what_and_logs_every_refusal(tmp_path: Path) -> None:
    log = tmp_path / "refusals.jsonl"
    gate = Gate(log)
    with pytest.raises(CoalitionRefused) as who:
        gate.trigger_request("c", "record_intent", Unreadable(["x: no"]), AUDITOR, source="api")
    assert who.value.forbidden and who.value.reasons == [
        "els as auditor may read everything but change nothing."
    ]
    with pytest.raises(InvalidPayload) as what:
        gate.trigger_request("c", "record_intent", {}, walks.COORDINATOR, source="dashboard")
    assert what.value.reasons == ["intent: Field required"] and not what.value.forbidden
    with pytest.raises(PayloadNotJson):
        gate.trigger_request(
            "c", "record_intent", Unreadable(["payload: no"], not_json=True), walks.COORDINATOR, source="api"
        )
    with pytest.raises(CoalitionRefused, match="may fire only: add_partner"):
        gate.trigger_request("c", "record_intent", {"intent": "CRM's."}, CRM, source="api")
    with pytest.raises(InvalidPayload, match="there is no trigger 'no_such'"):
        gate.trigger_request("c", "no_such", {}, walks.COORDINATOR, source="cli")
    with pytest.raises(CoalitionRefused, match="partners record only their own"):
        gate.trigger_request("c", "map_domain", {}, AEDES, source="dashboard")
    with pytest.raises(CoalitionRefused, match="reserved for the engine"):
        gate.trigger_request("c", "map_domain", {}, Actor(id="x", role=Role.system), source="api")
    accepted = gate.trigger_request("c", "record_intent", {"intent": "Act."}, walks.COORDINATOR, source="cli")
    assert accepted.payload == {"intent": "Act."}

    logged = _logged(log)
    assert [r["source"] for r in logged] == ["api", "dashboard", "api", "api", "cli", "dashboard", "api"]
    assert [r["trigger"] for r in logged] == [*["record_intent"] * 4, "no_such", "map_domain", "map_domain"]
    assert [r["reasons"] for r in logged[1:3]] == [["intent: Field required"], ["payload: no"]]
    assert read_refusals("c", log).count == 7


def test_start_and_bulk_refusals_are_logged_under_what_they_name(tmp_path: Path) -> None:
    log = tmp_path / "refusals.jsonl"
    gate = Gate(log)
    with pytest.raises(InvalidPayload) as invalid:
        gate.start_request({"id": "new-one"}, walks.COORDINATOR, source="api")
    assert "name: Field required" in invalid.value.reasons
    doubled = {**walks.taskforce_start("twice"), "partners": [{"name": "VNG"}, {"name": "VNG"}]}
    with pytest.raises(CoalitionRefused, match="listed more than once"):
        gate.start_request(doubled, walks.COORDINATOR, source="dashboard")
    with pytest.raises(CoalitionRefused, match="may not start"):
        gate.start_request(walks.taskforce_start("by-auditor"), AUDITOR, source="cli")
    bulk = BulkRequest(id="b1", where=BulkFilter(), trigger="add_partner", payload={}, actor=AEDES)
    with pytest.raises(CoalitionRefused, match="may not run bulk operations"):
        gate.bulk_request(bulk, source="api")
    request, coalition = gate.start_request(walks.taskforce_start("fine"), walks.COORDINATOR, source="cli")
    assert coalition.id == "fine" and request.trigger == states.START
    assert [(r["coalition_id"], r["source"]) for r in _logged(log)] == [
        ("new-one", "api"),
        ("twice", "dashboard"),
        ("by-auditor", "cli"),
        ("bulk/b1", "api"),
    ]


# One problem document shape --------------------------------------------------------------


def test_every_error_has_its_problem_document() -> None:
    cases: list[tuple[CoalitionError, int, str]] = [
        (CoalitionRefused("map_domain", ["not yet"]), 422, "refused"),
        (CoalitionRefused("map_domain", ["not you"], forbidden=True), 403, "forbidden"),
        (InvalidPayload("record_intent", ["intent: Field required"]), 422, "invalid"),
        (PayloadNotJson("record_intent", ["payload: not valid JSON (x)."]), 400, "not-json"),
        (CoalitionNotFound("no such"), 404, "not-found"),
        (CoalitionExists("exists"), 409, "exists"),
        (CoalitionFinished("finished"), 409, "finished"),
        (InvalidRequest("page_token: no"), 422, "invalid"),
    ]
    for error, status, kind in cases:
        problem = problem_of(error)
        assert (problem.status, problem.kind) == (status, kind), error
        if isinstance(error, CoalitionRefused):
            assert problem.extra["trigger"] == error.trigger and problem.extra["reasons"] == error.reasons
    invalid = problem_of(InvalidPayload("add_action", ["title: Field required", "payload: Value error, no"]))
    assert invalid.detail == "title: Field required; payload: Value error, no"
    assert invalid.sentences is not None
    assert field_errors(invalid.sentences, "en") == [
        {"field": "title", "reason": "Field required", "code": ""},
        {"field": "", "reason": "Value error, no", "code": ""},
    ]


# Search-attribute values -------------------------------------------------------------------


def test_search_attribute_values_are_what_the_workflow_indexes_and_the_start_sets() -> None:
    coalition = _coalition()
    due = datetime(2027, 2, 1, 9, tzinfo=UTC)
    values = sa.values_of(coalition, at_risk=True, next_follow_up_at=due)
    # The values of the tuple the workflow compares today (in that order: `Values`), by name.
    assert values._asdict() == dict(
        state="intent_and_interests",
        round="1",
        side="zij",
        programme="Wonen en Zorg",
        playbook=coalition.playbook.ref,
        organisations=tuple(coalition.organisations()),
        at_risk=True,
        next_follow_up_at=due,
        members=(),
        earliest_due=None,
        escalated=False,
        name=coalition.name,
        next_kind=None,
    )
    # Runs from before the agenda index decide on the others alone.
    assert values.before_the_agenda_index() == values._replace(earliest_due=None, escalated=False)
    # The next kind only from a run that knows it (the portfolio-next-kind patch).
    assert [u.key for u in values.updates()] == [k for k in sa.ALL if k is not sa.NEXT_KIND]
    assert [u.value for u in values.updates()][6:8] == [True, due]
    assert [u.value for u in values.updates()][-4:-2] == [None, False]  # earliest due, escalated
    assert values.updates()[-1].value == sa.name_grams(coalition.name)
    kinded = sa.values_of(coalition, next_kind="progress_review").updates()
    assert [u.key for u in kinded] == list(sa.ALL) and kinded[-1].value == "progress_review"
    assert sa.values_of(coalition, next_kind="").updates()[-1].value is None  # nothing planned
    unset = sa.values_of(
        coalition.model_copy(update={"task": coalition.task.model_copy(update={"programme": None})})
    )
    assert [u.key for u in unset.updates() if u.value is None] == [
        sa.PROGRAMME,
        sa.NEXT_FOLLOW_UP,
        sa.MEMBERS,
        sa.EARLIEST_DUE,
    ]
    # After the first upsert of a run, only what changed travels: the index merges it.
    assert [u.key for u in values.updates(since=unset)] == [sa.PROGRAMME, sa.AT_RISK, sa.NEXT_FOLLOW_UP]
    assert values.updates(since=values) == []
    # Members are indexed by digest, never by the id a person's key is named with.
    named = coalition.model_copy(
        update={"members": [Member(id="otto", role=MemberRole.observer, since=due.date(), named_by="anna")]}
    )
    assert sa.values_of(named).members == (sa.member_token("otto"),)
    assert "otto" not in str(sa.values_of(named).updates())
    started = initial_search_attributes(coalition)
    assert {pair.key.name: pair.value for pair in started} == {
        "LemniscateState": "intent_and_interests",
        "LemniscateRound": "1",
        "LemniscateSide": "zij",
        "LemniscateProgramme": "Wonen en Zorg",
        "LemniscatePlaybook": coalition.playbook.ref,
        "LemniscateOrganisations": coalition.organisations(),
        "LemniscateAtRisk": False,
        "LemniscateEscalated": False,
        "LemniscateName": "Taskforce Wonen en Zorg",
        "LemniscateNameGrams": sa.name_grams("Taskforce Wonen en Zorg"),
    }
    assert sa.grams_of("Coöperatie Noord-Oost")[:3] == ["coo", "oop", "ope"]
    assert sa.grams_of("a-b") == ["ab"] and sa.grams_of("--") == []
