"""0. The method core alone: the pure functions a workflow calls, in this process."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bench.harness.progress import say
from lemniscate import states
from lemniscate.cluster import data_converter
from lemniscate.examples import walks
from lemniscate.examples.walks import COORDINATOR
from lemniscate.models.events import Event
from lemniscate.models.journal import TriggerRequest
from lemniscate.states import followups


def core(repeats: int = 20) -> dict[str, Any]:
    """CPU per update of the pure functions the workflow calls, over the taskforce walk, in
    this process (no Temporal): what the method itself costs, apart from the machinery."""
    now = datetime(2027, 1, 1, tzinfo=UTC)
    coalition = states.genesis(
        Event(trigger=states.START, payload=walks.taskforce_start("core-bench"), actor=COORDINATOR, at=now)
    )
    cases = []
    for step in walks.taskforce_to_execution():
        event = Event(trigger=step.trigger, payload=step.payload, actor=step.actor, at=now)
        cases.append((coalition, step, event))
        coalition = states.apply(coalition, event)
    converter = data_converter().payload_converter
    encoded = [
        converter.to_payloads([TriggerRequest(trigger=s.trigger, payload=s.payload, actor=s.actor)])
        for _, s, _ in cases
    ]

    requests = [TriggerRequest(trigger=s.trigger, payload=s.payload, actor=s.actor) for _, s, _ in cases]
    decisions = [states.decide(c, r) for (c, _, _), r in zip(cases, requests, strict=True)]

    def timed(call: Callable[[int], object]) -> float:
        best = float("inf")
        for _ in range(repeats):
            began = time.perf_counter()
            for index in range(len(cases)):
                call(index)
            best = min(best, (time.perf_counter() - began) / len(cases))
        return best * 1000

    costs = {
        "decide (validator)": timed(lambda i: states.decide(cases[i][0], requests[i])),
        "apply (handler; applies the decision)": timed(
            lambda i: states.apply(cases[i][0], cases[i][2], decisions[i])
        ),
        "reply: allowed triggers + warnings": timed(
            lambda i: (states.allowed_triggers(cases[i][0]), states.warnings(cases[i][0]))
        ),
        "overview (in every view query)": timed(lambda i: states.overview(cases[i][0])),
        "followups.plan (3 per wake-up)": timed(lambda i: followups.plan(cases[i][0], now)),
        "decode the TriggerRequest": timed(lambda i: converter.from_payloads(encoded[i], [TriggerRequest])),
    }
    say("core: " + ", ".join(f"{name} {ms:.3f} ms" for name, ms in costs.items()))
    return {
        "ms_per_update": costs,
        "updates": len(cases),
        "coalition_json_bytes_at_execution": len(coalition.model_dump_json()),
    }
