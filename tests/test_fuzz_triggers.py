"""Malformed and hostile input, fired at live coalitions on the dev server.

For every trigger, hypothesis sends payloads of three kinds: arbitrary JSON values;
payloads built from the trigger's JSON schema (as `lemniscate method --json` publishes it);
and those schema payloads broken on purpose (a field of the wrong type, a required field
missing, an unknown field added, a string over its length limit). They go two ways:
- through `CoalitionService.trigger`, as the CLI and the API send them: each is accepted
  only if its payload is valid per the trigger's schema, or refused with
  `CoalitionRefused` whose reasons are readable sentences;
- straight to the workflow's `fire` update with the raw client, skipping every client-side
  check (a hostile or broken integration): each is accepted (again only if valid) or
  rejected, and never hangs.
Afterwards each coalition's history has no failed workflow task, and it is still running
and answers `view`.

The server and worker live on an event loop in a background thread, so that the
hypothesis tests themselves are plain functions (hypothesis drives and shrinks them).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import string
import threading
import uuid
from collections import Counter
from collections.abc import Coroutine, Iterator
from datetime import date
from typing import Any, TypeVar

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from lemniscate import states
from lemniscate.cluster import data_converter
from lemniscate.coalitions import CoalitionRefused, CoalitionService
from lemniscate.examples import walks
from lemniscate.examples.walks import COORDINATOR, partner_actor
from lemniscate.examples.walks import COORDINATOR as READER
from lemniscate.models.events import Actor, Role
from lemniscate.workflows.io import workflow_id
from tests.support.faults import failed_workflow_tasks
from tests.support.servers import borrow, running_worker

T = TypeVar("T")
Json = Any

SERVICE_EXAMPLES = 20  # per trigger, through CoalitionService
RAW_EXAMPLES = 8  # per trigger, straight to the update
# What both fuzz tests run under: examples go to live servers (slow, and not kept between
# runs), and payloads are large and filtered on purpose.
FUZZING = settings(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
# Accepting these would end the coalition under test; they get only broken payloads.
FINAL = sorted(
    {
        t.name
        for t in states.TRIGGERS.values()
        for m in t.moves
        if m.dest is not None and states.STATE_INFO[m.dest].final
    }
)
# Names the coalitions really have, so that schema payloads sometimes pass the guards.
KNOWN = ["VNG", "Aedes", "ActiZ", "ZN", "BZK", "VWS", "A1", "A2", "A3", "M1", "R1", "O1", "coordinator"]
ACTORS = [
    COORDINATOR,
    COORDINATOR,
    partner_actor("VNG"),
    partner_actor("Aedes"),
    Actor(id="auditor-1", role=Role.auditor),
    Actor(id="esign", role=Role.integration, allowed_triggers=["sign_founding_basis"]),
]


# Strategies -----------------------------------------------------------------------------

json_values: st.SearchStrategy[Json] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.sampled_from(KNOWN),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
json_objects = st.dictionaries(
    st.text(max_size=12) | st.sampled_from(["partner", "action", "meeting", "on"]), json_values, max_size=5
)


def _resolve(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = defs[schema["$ref"].rsplit("/", 1)[1]]
    return schema


def from_schema(schema: dict[str, Any], defs: dict[str, Any]) -> st.SearchStrategy[Json]:
    """Values the schema allows, leaning towards the names the coalitions use."""
    schema = _resolve(schema, defs)
    if "anyOf" in schema:
        return st.one_of([from_schema(s, defs) for s in schema["anyOf"]])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "string":
        if schema.get("format") == "date":
            return st.dates(date(2020, 1, 1), date(2035, 12, 31)).map(date.isoformat)
        if "pattern" in schema:
            limit = schema.get("maxLength", 80)
            return st.from_regex(schema["pattern"], fullmatch=True).filter(lambda s: len(s) <= limit)
        low = schema.get("minLength", 0)
        return st.sampled_from(KNOWN) | st.text(
            string.ascii_letters + " .,'-é", min_size=low, max_size=max(low, 30)
        )
    if kind == "integer":
        low = schema.get("minimum", -5)
        return st.integers(min_value=low, max_value=low + 50)
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    if kind == "array":
        items = from_schema(schema.get("items", {}), defs)
        low = schema.get("minItems", 0)
        return st.lists(items, min_size=low, max_size=max(low, min(schema.get("maxItems", 3), 3)))
    if kind == "object":
        properties = schema.get("properties")
        if properties is None:
            extra = schema.get("additionalProperties")
            values = from_schema(extra, defs) if isinstance(extra, dict) else json_values
            return st.dictionaries(
                st.sampled_from(KNOWN) | st.text(min_size=1, max_size=10), values, max_size=3
            )
        required = set(schema.get("required", ()))
        return st.fixed_dictionaries(
            {k: from_schema(v, defs) for k, v in properties.items() if k in required},
            optional={k: from_schema(v, defs) for k, v in properties.items() if k not in required},
        )
    return json_values


WRONG_TYPES: list[Json] = [None, True, 0, 1.5, "text", [], {}, ["a"], {"x": 1}]
_JSON_TYPES = {
    type(None): "null",
    bool: "boolean",
    int: "integer",
    float: "number",
    str: "string",
    list: "array",
    dict: "object",
}


def _types(schema: dict[str, Any], defs: dict[str, Any]) -> set[str]:
    """The JSON types a (sub)schema allows."""
    schema = _resolve(schema, defs)
    if "anyOf" in schema:
        return set().union(*(_types(s, defs) for s in schema["anyOf"]))
    if "enum" in schema:
        return {_JSON_TYPES[type(v)] for v in schema["enum"]}
    kind = schema.get("type")
    if kind is None:
        return set(_JSON_TYPES.values())
    return {kind, "integer"} if kind == "number" else {kind}


@st.composite
def broken(draw: st.DrawFn, schema: dict[str, Any]) -> dict[str, Json]:
    """A payload built from the schema, then broken in one of four ways."""
    defs = schema.get("$defs", {})
    payload: dict[str, Json] = dict(draw(from_schema(schema, defs)))
    properties: dict[str, Any] = schema.get("properties", {})
    required = [k for k in schema.get("required", ()) if k in payload]
    longs = [
        k
        for k, v in properties.items()
        if "maxLength" in _resolve(v, defs) and _resolve(v, defs).get("type") == "string"
    ]
    ways = (
        ["extra"]
        + (["wrong_type"] if properties else [])
        + (["missing"] if required else [])
        + (["too_long"] if longs else [])
    )
    way = draw(st.sampled_from(ways))
    if way == "wrong_type":
        key = draw(st.sampled_from(sorted(properties)))
        allowed = _types(properties[key], defs)
        payload[key] = draw(
            st.sampled_from([v for v in WRONG_TYPES if _JSON_TYPES[type(v)] not in allowed] or [{"x": 1}])
        )
    elif way == "missing":
        del payload[draw(st.sampled_from(required))]
    elif way == "too_long":
        key = draw(st.sampled_from(longs))
        payload[key] = "x" * (_resolve(properties[key], defs)["maxLength"] + 1)
    else:
        name = draw(
            st.text(string.ascii_lowercase + "_", min_size=1, max_size=12).filter(
                lambda n: n not in properties
            )
        )
        payload[name] = draw(json_values)
    return payload


def payloads(trigger: str) -> st.SearchStrategy[Json]:
    schema = states.TRIGGERS[trigger].payload.model_json_schema()
    if trigger in FINAL:
        # Broken, and with an unknown field on top: never valid, whatever else was drawn.
        return broken(schema).map(lambda p: {**p, "not_a_field": True})
    return st.one_of(json_values, json_objects, from_schema(schema, schema.get("$defs", {})), broken(schema))


# The live coalitions ---------------------------------------------------------------------


class Live:
    """A namespace on the session's dev server (at `address`), a worker and two coalitions
    (one just started, one in execution), on an event loop in a background thread."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.stack = contextlib.AsyncExitStack()
        self.outcomes: Counter[tuple[str, str]] = Counter()
        self.client: Client
        self.service: CoalitionService
        tag = uuid.uuid4().hex[:6]
        self.slugs = (f"fuzz-new-{tag}", f"fuzz-doing-{tag}")

    def run(self, work: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(timeout)

    async def _open(self) -> None:
        # A client of its own: the session's belongs to the session's event loop.
        connected = await Client.connect(self.address, data_converter=data_converter())
        shared = WorkflowEnvironment.from_client(connected)
        env = await self.stack.enter_async_context(borrow(shared, own_namespace=True))
        self.client = env.client
        self.service = await self.stack.enter_async_context(running_worker(env.client))
        new, doing = self.slugs
        await self.service.start(walks.taskforce_start(new), COORDINATOR)
        await self.service.start(walks.taskforce_start(doing), COORDINATOR)
        for step in walks.taskforce_to_execution():
            await self.service.trigger(doing, step.trigger, step.payload, step.actor)

    def __enter__(self) -> Live:
        self.thread.start()
        self.run(self._open(), timeout=120)
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.run(self.stack.aclose())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)
            self.loop.close()


@pytest.fixture(scope="module")
def live(dev_server: WorkflowEnvironment) -> Iterator[Live]:
    with Live(dev_server.client.service_client.config.target_host) as live:
        yield live


def _check_refusal(trigger: str, refused: CoalitionRefused) -> None:
    assert refused.trigger == trigger
    assert refused.reasons, "a refusal without reasons"
    for reason in refused.reasons:
        # A sentence for a person: words, no internals. (Field names are echoed as sent;
        # see test_field_names_in_reasons_are_escaped.)
        assert isinstance(reason, str) and len(reason.strip()) >= 8, repr(reason)
        assert any(c.isalpha() for c in reason) and " " in reason.strip(), repr(reason)
        for leak in ("Traceback", "Failed decoding", "object at 0x", "pydantic_core"):
            assert leak not in reason, repr(reason)


def _assert_valid(trigger: str, payload: Json) -> None:
    """An accepted payload is one the trigger's model and its published schema accept."""
    states.parse_payload(trigger, payload)
    jsonschema.validate(payload, states.TRIGGERS[trigger].payload.model_json_schema())


# The tests -------------------------------------------------------------------------------


@pytest.mark.parametrize("trigger", states.TRIGGER_NAMES)
def test_service_accepts_per_schema_or_refuses_with_reasons(live: Live, trigger: str) -> None:
    @settings(FUZZING, max_examples=SERVICE_EXAMPLES)
    @given(payload=payloads(trigger), slug=st.sampled_from(live.slugs), actor=st.sampled_from(ACTORS))
    def fire(payload: Json, slug: str, actor: Actor) -> None:
        async def send() -> None:
            try:
                accepted = await asyncio.wait_for(live.service.trigger(slug, trigger, payload, actor), 30)
            except CoalitionRefused as refused:
                _check_refusal(trigger, refused)
                live.outcomes[(trigger, "refused")] += 1
                return
            assert accepted.trigger == trigger
            _assert_valid(trigger, payload)
            journal = await live.service.journal(slug, READER, since=accepted.seq - 1)
            assert [e.event.trigger for e in journal] == [trigger]
            live.outcomes[(trigger, "accepted")] += 1

        live.run(send())

    fire()


@pytest.mark.parametrize("trigger", states.TRIGGER_NAMES)
def test_raw_updates_are_accepted_per_schema_or_rejected(live: Live, trigger: str) -> None:
    @settings(FUZZING, max_examples=RAW_EXAMPLES)
    @given(
        payload=payloads(trigger),
        slug=st.sampled_from(live.slugs),
        actor=st.sampled_from([a.model_dump(mode="json") for a in ACTORS])
        | json_objects
        | st.just({"id": "x", "role": "system"}),
        reason=st.none() | json_values,
    )
    def fire(payload: Json, slug: str, actor: Json, reason: Json) -> None:
        request = {"trigger": trigger, "payload": payload, "actor": actor, "reason": reason}

        async def send() -> None:
            handle = live.client.get_workflow_handle(workflow_id(slug))
            try:
                await asyncio.wait_for(handle.execute_update("fire", request), 30)
            except WorkflowUpdateFailedError:
                live.outcomes[(trigger, "rejected")] += 1
                return
            _assert_valid(trigger, payload)
            live.outcomes[(trigger, "accepted raw")] += 1

        live.run(send())

    fire()


def test_no_workflow_task_failed_and_still_running(live: Live) -> None:
    """Runs after the fuzzing above (pytest keeps file order): both coalitions took every
    example without a failed workflow task, still run, and answer."""

    async def check() -> None:
        failed = await failed_workflow_tasks(live.client, live.slugs)
        assert not failed, f"workflow tasks failed: {failed}"
        for slug in live.slugs:
            handle = live.client.get_workflow_handle(workflow_id(slug))
            assert (await handle.describe()).status == WorkflowExecutionStatus.RUNNING
            view = await live.service.view(slug, READER)
            assert view.coalition.id == slug

    live.run(check())
    sent = sum(live.outcomes.values())
    accepted = sum(n for (_, outcome), n in live.outcomes.items() if "accepted" in outcome)
    print(
        f"{sent} payloads, {accepted} accepted: "
        f"{json.dumps(dict(sorted(Counter(o for _, o in live.outcomes.elements()).items())))}"
    )
    if {trigger for trigger, _ in live.outcomes} == set(states.TRIGGER_NAMES):  # a full run
        assert accepted > 0, "nothing was accepted: the payloads never reached the method"


def test_field_names_in_reasons_are_escaped(live: Live) -> None:
    """Found by the fuzzing above (a key "\\r"): a refusal must not carry control
    characters from a payload into the CLI's output or a log line."""
    hostile = {"intent": "A lively centre.", "\x1b[2J\x1b[31mred": 1, "\r": 2}

    async def send() -> list[str]:
        try:
            await live.service.trigger(live.slugs[0], "record_intent", hostile, COORDINATOR)
        except CoalitionRefused as refused:
            return refused.reasons
        raise AssertionError("a payload with unknown fields was accepted")

    reasons = live.run(send())
    assert len(reasons) == 2
    for reason in reasons:
        assert reason.isprintable(), repr(reason)
