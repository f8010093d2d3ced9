"""Bounds (models.bounds): every payload, list and day a trigger can carry has a maximum,
and a payload past one is refused with the field and the reason before anything changes."""

from __future__ import annotations

from typing import Any

import pytest

from lemniscate import states
from lemniscate.models import bounds
from lemniscate.models.coalition import Coalition
from tests.support.guard_walks import TASKFORCE, TF
from tests.support.method_helpers import decide, refusal, steps_before, walk


def _at(trigger: str) -> Coalition:
    """The taskforce just before its first `trigger`."""
    return walk(TASKFORCE, steps_before(TF, trigger)).coalition


def _nested(levels: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(levels):
        value = {"a": value}
    return value


def test_a_payload_over_the_size_bound_is_refused_with_its_size_and_what_to_do() -> None:
    c = _at("record_intent")
    text = "x" * 19_000
    # Each text fits its own bound; together they are over the payload's.
    payload = {"intent": text, "padding": [text] * 4}
    [reason] = refusal(c, "record_intent", payload)
    assert reason.startswith("payload: ") and f"at most {bounds.MAX_PAYLOAD_BYTES:,}" in reason
    assert "split the change" in reason


def test_the_size_counts_bytes_not_characters() -> None:
    c = _at("record_intent")
    # Three UTF-8 bytes each: 19,000 characters are 57,000 bytes, within the bound...
    assert decide(c, "record_intent", {"intent": "€" * 19_000}).allowed
    # ... and 19,000 characters of four bytes each are 76,000, past it.
    [reason] = refusal(c, "record_intent", {"intent": "😀" * 19_000})
    assert reason.startswith("payload: 76,0"), reason


def test_a_lone_surrogate_is_refused_as_unreadable() -> None:
    [reason] = refusal(_at("record_intent"), "record_intent", {"intent": "\ud800"})
    assert reason.startswith("payload: not readable as JSON"), reason


def test_a_list_over_its_bound_is_refused_naming_the_list() -> None:
    c = _at("map_topic")
    partners = [f"P{i}" for i in range(bounds.MAX_ITEMS + 1)]
    reasons = refusal(c, "map_topic", {"topic": "Wonen", "partners": partners})
    assert any(r.startswith("partners:") and str(bounds.MAX_ITEMS) in r for r in reasons), reasons


@pytest.mark.parametrize("day", ["0001-01-01", "1949-12-31", "2101-01-01", "9999-12-31"])
def test_a_day_outside_the_window_is_refused_naming_the_field(day: str) -> None:
    c = _at("plan_meeting")
    [step] = [s for s in TF if s.trigger == "plan_meeting"][:1]
    reasons = refusal(c, "plan_meeting", {**step.payload, "on": day})
    assert any(r.startswith("on:") for r in reasons), reasons


@pytest.mark.parametrize("day", [str(bounds.EARLIEST_DAY), str(bounds.LATEST_DAY)])
def test_the_first_and_last_day_of_the_window_are_accepted(day: str) -> None:
    c = _at("plan_meeting")
    [step] = [s for s in TF if s.trigger == "plan_meeting"][:1]
    assert decide(c, "plan_meeting", {**step.payload, "on": day}).allowed


def test_every_day_a_payload_carries_has_the_window() -> None:
    # Found through the JSON schema: a new date field without the window would be missed.
    unbounded = []
    for name, spec in states.TRIGGERS.items():
        schema = str(spec.payload.model_json_schema())
        if schema.count("'format': 'date'") != schema.count("'formatMaximum': '2100-12-31'"):
            unbounded.append(name)
    assert unbounded == []


@pytest.mark.parametrize("levels", [bounds.MAX_NESTING + 1, 50_000])
def test_nesting_past_the_bound_is_refused_without_recursion_errors(levels: int) -> None:
    c = _at("record_intent")
    reasons = refusal(c, "record_intent", {"intent": "Samen wonen.", "extra": _nested(levels)})
    assert len(reasons) == 1 and reasons[0].startswith("payload: "), reasons
