"""Playbooks as documents, pure: a file with errors is refused with each error's path, the
built-in documents mean what the constants meant, diff and adoption say what changes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest

from lemniscate import states
from lemniscate.examples import walks
from lemniscate.models.coalition import Coalition
from lemniscate.models.events import Event
from lemniscate.models.payloads import AdoptPlaybook
from lemniscate.models.playbook import Playbook, PublishedPlaybook
from lemniscate.states import adoption, playbook_files, playbooks, registry
from lemniscate.states.errors import named_field
from lemniscate.states.playbook_diff import diff
from tests.support.method_helpers import refusal, walk

AT = datetime(2027, 1, 4, 9, tzinfo=UTC)

BROKEN = """
name = "gemeente"
version = 0
min_interviews = "one"
max_options = 5

[follow_up]
inactivity = -1
escalate = ["interview_reminder", "coffee"]

[gates]
found = ["message_house", "press_release"]
"""


def test_a_file_with_errors_is_refused_with_each_errors_path() -> None:
    with pytest.raises(states.Refused) as refused:
        playbook_files.parse_toml(BROKEN)
    named = {field for field, _ in (named_field(r) or ("?", r) for r in refused.value.reasons)}
    assert named == {
        "version",
        "min_interviews",
        "max_options",
        "follow_up.inactivity",
        "follow_up.escalate.1",
        "gates.found.1",
    }


def test_unknown_triggers_and_settings_are_named() -> None:
    with pytest.raises(states.Refused) as refused:
        playbook_files.parse_toml('name = "x"\nversion = 1\nminimum_interviews = 1\n')
    assert named_field(refused.value.reasons[0]) == ("minimum_interviews", "Extra inputs are not permitted")
    with pytest.raises(states.Refused) as refused:
        playbook_files.parse_toml('name = "x"\nversion = 1\n[gates]\nfounding = ["toolkit"]\n')
    assert refused.value.reasons == ["gates.founding: no trigger is called 'founding'."]
    with pytest.raises(states.Refused) as refused:
        playbook_files.parse_toml("name = ")
    assert refused.value.reasons[0].startswith("not readable as TOML")


def test_the_built_in_documents_mean_what_the_constants_meant() -> None:
    assert playbooks.DEFAULT.min_interviews == 2 and playbooks.DEFAULT.gates == {}
    assert playbooks.STRICT.min_interviews == 3
    assert playbooks.STRICT.gates == {
        "found": ["message_house", "positioning"],
        "adopt_approach": ["message_house", "positioning"],
    }
    # A document naming no setting is the method: the hash covers only what differs.
    same = playbook_files.parse_toml(
        'name = "default"\nversion = 1\n'
        'description = "The settings of METHOD.md: no communication item gates a step."'
    )
    assert same.content_hash == playbooks.DEFAULT.content_hash


def test_the_schema_validates_the_built_in_documents() -> None:
    schema = playbook_files.schema()
    for built_in in playbooks.PLAYBOOKS:
        jsonschema.validate(built_in.model_dump(mode="json"), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"name": "x", "version": 1, "min_interviews": 0}, schema)


def _office(version: int, **settings: object) -> Playbook:
    return playbook_files.parse_data({"name": "office", "version": version, **settings})


def test_versions_are_numbered_without_gaps_and_never_change() -> None:
    first = _office(1)
    published = [
        PublishedPlaybook(playbook=first, hash=first.content_hash, published_at=AT, published_by="a")
    ]
    assert registry.refusals(published, first) == []  # the same again: answered with it
    assert "version" in registry.refusals(published, _office(1, min_interviews=3))[0]
    assert "the next version of 'office' is 2" in registry.refusals(published, _office(3))[0]
    assert registry.refusals(published, _office(2)) == []
    assert registry.refusals([], _office(1, description="mine")) == []
    assert (
        "default@1 is published already"
        in registry.refusals(
            [], playbook_files.parse_data({"name": "default", "version": 1, "min_interviews": 1})
        )[0]
    )


def test_diff_names_every_setting_that_changes() -> None:
    old, new = (
        _office(1),
        _office(2, min_interviews=3, follow_up={"interview_reminder": 7}, gates={"found": ["toolkit"]}),
    )
    assert "min_interviews: 2 -> 3" in diff(old, new)
    assert "follow_up.interview_reminder: 21 -> 7" in diff(old, new)
    assert diff(old, old) == []


def _coalition(interviews: int, playbook: Playbook) -> Coalition:
    start = walks.taskforce_start("pure-c") | {
        "playbook": playbook.name,
        "playbook_version": playbook.version,
        "playbook_content": playbook.model_dump(mode="json"),
    }
    c = states.genesis(Event(trigger=states.START, payload=start, actor=walks.COORDINATOR, at=AT))
    steps = walks.taskforce_to_execution()[: 1 + interviews]
    steps += [
        walks.Step("mark_not_reached", {"partner": p, "reason": "No answer."})
        for p in walks.TASKFORCE_PARTNERS[interviews:]
    ]
    for step in steps:
        c = states.apply(c, Event(trigger=step.trigger, payload=step.payload, actor=step.actor, at=AT))
    return c


def test_impact_names_a_step_that_becomes_blocked_and_reminders_that_move() -> None:
    old, new = _office(1, min_interviews=1), _office(2, min_interviews=3, follow_up={"inactivity": 30})
    found = adoption.impact(_coalition(1, old), new, AT, AT)
    assert [s.trigger for s in found.newly_blocked] == ["map_domain"]
    assert "asks for at least 3" in found.newly_blocked[0].reasons[0]
    (moved,) = found.reminders
    assert moved.kind == "inactivity" and moved.before and moved.after and moved.after < moved.before
    assert found.refused == []  # the step is ahead of it: it can still interview
    assert adoption.impact(_coalition(3, old), new, AT, AT).newly_blocked == []
    met = adoption.impact(_coalition(1, playbooks.DEFAULT), old, AT, AT)
    assert [s.trigger for s in met.newly_met] == ["map_domain"]


def test_adoption_is_refused_when_a_step_behind_it_would_not_have_passed() -> None:
    old, new = _office(1, min_interviews=1), _office(2, min_interviews=3)
    c = _coalition(1, old)
    c = states.apply(c, Event(trigger="map_domain", payload={}, actor=walks.COORDINATOR, at=AT))
    payload = AdoptPlaybook(playbook="office", version=2, content=new, hash=new.content_hash)
    (reason,) = adoption.adopt_playbook(c, payload)
    assert reason.startswith("map_domain is behind the coalition, and office@2 would not have let it pass")
    assert adoption.adopt_playbook(c, AdoptPlaybook(playbook="office", version=2))[0].startswith("content:")
    assert adoption.adopt_playbook(c, payload.model_copy(update={"hash": "sha256:0"}))
    assert adoption.adopt_playbook(c, AdoptPlaybook(playbook="office", version=1, content=old)) == [
        "The coalition already follows office@1."
    ]
    later = c.model_copy(update={"playbook": old})
    assert (
        adoption.adopt_playbook(
            later, payload.model_copy(update={"content": _office(2, min_interviews=1), "hash": None})
        )
        == []
    )


def test_the_adoption_of_the_plan_is_behind_a_coalition_founded_on_its_proposal() -> None:
    gated = _office(2, gates={"adopt_approach": ["message_house"]})
    on_proposal = walk(walks.city_start(), walks.city_to_execution()).coalition
    assert on_proposal.founded_on_track == "initiative" and on_proposal.state == "doing"
    payload = AdoptPlaybook(playbook="office", version=2, content=gated, hash=gated.content_hash)
    (reason,) = adoption.adopt_playbook(on_proposal, payload)
    assert reason.startswith(
        "adopt_approach is behind the coalition, and office@2 would not have let it pass"
    )
    # Founded on its plan, a coalition never adopted one afterwards: the gate is not its past.
    on_plan = walk(walks.taskforce_start("plan-c"), walks.taskforce_to_execution()).coalition
    assert on_plan.founded_on_track == "plan" and on_plan.state == "doing"
    assert adoption.adopt_playbook(on_plan, payload) == []


def test_a_region_with_a_playbook_it_cannot_pin_is_refused_by_its_national_coalition() -> None:
    national = walk(walks.taskforce_start("landelijk"), []).coalition
    region = walks.city_start("regio") | {"playbook": "gemeente"}
    (reason,) = refusal(national, "spawn_region", {"region": region})
    assert reason.startswith("region.playbook: no playbook 'gemeente'; known: ")


def test_an_office_narrows_the_days_a_payload_may_name() -> None:
    narrow = playbook_files.parse_toml(
        'name = "office"\nversion = 1\n[dates]\nearliest = 2020-01-01\nlatest = 2040-12-31\n'
    )
    assert (narrow.dates.earliest.year, narrow.dates.latest.year) == (2020, 2040)
    c = _coalition(0, narrow)
    interview = walks.taskforce_to_execution()[1]
    typo = interview.payload | {"held_on": "2062-01-14"}
    assert refusal(c, "record_interview", typo) == [
        "held_on: 2062-01-14 is outside the days office@1 allows, 2020-01-01 to 2040-12-31"
    ]
    states.apply(
        c, Event(trigger="record_interview", payload=interview.payload, actor=walks.COORDINATOR, at=AT)
    )
    # Nested days too, and wider than the engine's own window is no playbook.
    with pytest.raises(states.Refused) as wider:
        _office(1, dates={"latest": "2300-01-01"})
    assert wider.value.reasons[0].startswith("dates.latest: ")
    with pytest.raises(states.Refused) as reversed_:
        _office(1, dates={"earliest": "2030-01-01", "latest": "2020-01-01"})
    assert "earliest (2030-01-01) is after latest (2020-01-01)" in reversed_.value.reasons[0]
    assert "dates.latest: 2040-12-31 -> 2100-12-31" in diff(narrow, _office(2))


def test_the_readmes_playbook_is_one_an_office_can_publish() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
    document = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    gemeente = playbook_files.parse_toml(document)
    assert gemeente.ref == "gemeente@1" and gemeente.min_interviews == 1
    assert gemeente.gates == {"found": ["positioning"]} and gemeente.dates.latest.year == 2040
