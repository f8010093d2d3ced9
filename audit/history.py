"""A coalition's Temporal event history, every run of it, decoded into what auditors check.

The history is the independent record: the journal is what the workflow says happened,
the history is what the Temporal server saw arrive (the start request, each accepted
update, each signal) and when each workflow task ran. Runs are followed backwards from the
latest through `continued_execution_run_id`, so a coalition that continued as new is read
whole. Payloads are decoded with the client's data converter, which `cluster.connect()`
builds from `cluster.data_converter()`: the workers' converter, payload codec included
when encryption is on.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict
from temporalio.api.common.v1 import Payload, WorkflowExecution
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.api.workflowservice.v1 import DescribeWorkflowExecutionRequest
from temporalio.client import Client
from temporalio.converter import DataConverter

from lemniscate.cluster.codec import PayloadDecryptionError
from lemniscate.models.journal import JournalEntry, TriggerRequest
from lemniscate.workflows.io import Accepted, CoalitionInput

T = TypeVar("T")

FIRE_UPDATE = "fire"  # the update and signal names of workflows.coalition
EXTERNAL_FACT_SIGNAL = "external_fact"

_CLOSING = {
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED: "completed",
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW: "continued as new",
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED: "failed",
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED: "terminated",
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT: "timed out",
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED: "canceled",
}
_WAKEUPS = {
    EventType.EVENT_TYPE_TIMER_FIRED: "timer fired",
    EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED: "activity completed",
}


@dataclass(frozen=True)
class RunHistory:
    """The raw events of one run."""

    run_id: str
    events: Sequence[HistoryEvent]


async def latest_run_id(client: Client, workflow_id: str) -> str:
    """The run id of the latest run. A raw describe: `handle.describe()` fails on the
    time-skipping test server after a Datetime search attribute was unset."""
    response = await client.workflow_service.describe_workflow_execution(
        DescribeWorkflowExecutionRequest(
            namespace=client.namespace, execution=WorkflowExecution(workflow_id=workflow_id)
        )
    )
    return response.workflow_execution_info.execution.run_id


async def fetch_runs(client: Client, workflow_id: str) -> list[RunHistory]:
    """Every run of `workflow_id`, oldest first, each with its full history.

    A coalition may continue as new while its runs are read; read again until the latest
    run is the same before and after, so the trail is one consistent picture."""
    for _ in range(FETCH_ATTEMPTS - 1):
        runs = await _fetch_runs_once(client, workflow_id)
        if runs and runs[-1].run_id == await latest_run_id(client, workflow_id):
            return runs
    return await _fetch_runs_once(client, workflow_id)


FETCH_ATTEMPTS = 5


async def _fetch_runs_once(client: Client, workflow_id: str) -> list[RunHistory]:
    runs: list[RunHistory] = []
    run_id = await latest_run_id(client, workflow_id)
    while run_id and run_id not in {r.run_id for r in runs}:
        history = await client.get_workflow_handle(workflow_id, run_id=run_id).fetch_history()
        if not history.events:
            break
        runs.append(RunHistory(run_id, list(history.events)))
        # Each run names the one it continued from; the first names none.
        run_id = history.events[0].workflow_execution_started_event_attributes.continued_execution_run_id
    runs.reverse()
    return runs


Kind = Literal["start", "snapshot", "update", "signal"]


@dataclass(frozen=True, order=True)
class Position:
    """Where in the whole story an event sits: run (1 = the first) and event id."""

    run: int
    event_id: int

    def __str__(self) -> str:
        return f"run {self.run}, event {self.event_id}"


@dataclass(frozen=True)
class Occurrence:
    """Something that arrived at the workflow and may have become a journal entry."""

    kind: Kind
    position: Position
    run_id: str
    at: datetime  # when the server recorded it
    # When the workflow task that handled it may have started: `workflow.now()` there, and so
    # the journal's time stamp, is one of these (several only when a task was retried).
    task_times: tuple[datetime, ...]
    request: TriggerRequest | None = None
    snapshot: list[JournalEntry] | None = None  # the journal a continued run started with
    update_id: str | None = None
    reply: Accepted | None = None  # an update's result: seq, trigger, states
    failure: str | None = None  # an update that failed after acceptance
    completed: bool = False
    decode_error: str | None = None

    @property
    def accepted(self) -> bool:
        """Whether the workflow said it accepted this (signals cannot say: None)."""
        return self.kind != "update" or (self.completed and self.failure is None)


@dataclass(frozen=True)
class Wakeup:
    """A timer that fired or an activity that completed: what engine steps follow."""

    what: str
    position: Position
    at: datetime
    task_times: tuple[datetime, ...]


# A model, not a dataclass: the report lists the runs as they are (`AuditReport.runs`).
class RunFacts(BaseModel):
    model_config = ConfigDict(frozen=True)

    index: int
    run_id: str
    started_at: datetime
    closed_at: datetime | None
    status: str
    events: int


@dataclass
class Timeline:
    """Everything the cross-check needs from the history, in order."""

    runs: list[RunFacts] = field(default_factory=list)
    occurrences: list[Occurrence] = field(default_factory=list)
    wakeups: list[Wakeup] = field(default_factory=list)


def _time(event: HistoryEvent) -> datetime:
    return event.event_time.ToDatetime(tzinfo=UTC)


async def _decode(
    converter: DataConverter, payloads: Sequence[Payload], hint: type[T]
) -> tuple[T | None, str | None]:
    if not payloads:
        return None, "no payload"
    try:
        value = (await converter.decode(payloads, [hint]))[0]
    except PayloadDecryptionError:
        raise  # a missing key is a configuration error, not a finding about this coalition
    except Exception as error:  # any shape the model no longer reads: a finding, named
        return None, f"cannot decode as {hint.__name__}: {error}"
    return value, None


class _Tasks:
    """When each workflow task of a run started, indexed for quick look-ups by event id."""

    def __init__(self, events: Sequence[HistoryEvent]) -> None:
        started = [e for e in events if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED]
        self._started_ids = [e.event_id for e in started]
        self._started_at = [_time(e) for e in started]
        self._completed_ids = [
            e.event_id for e in events if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
        ]
        scheduled = {
            e.event_id for e in events if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED
        }
        # Completed and at once scheduled again with nothing in between: the worker asked
        # for another task before it was done, and what the first task was given may be
        # handled by the next (seen with a signal that arrived while a query was asked).
        self._handed_on = {i for i in self._completed_ids if i + 1 in scheduled}

    def handling(self, after_id: int) -> tuple[datetime, ...]:
        """Start times of the tasks after event `after_id` up to the first that completed
        and was not handed on: the task that saw the event is among them (a failed task is
        retried, a task handed on continues in the next)."""
        done = bisect_right(self._completed_ids, after_id)
        while done < len(self._completed_ids) and self._completed_ids[done] in self._handed_on:
            done += 1
        limit = self._completed_ids[done] if done < len(self._completed_ids) else None
        first = bisect_right(self._started_ids, after_id)
        last = bisect_left(self._started_ids, limit) if limit is not None else len(self._started_ids)
        return tuple(self._started_at[first:last])

    def accepting(self, accepted_id: int) -> tuple[datetime, ...]:
        """The start time of the task that accepted an update: the last one before it."""
        index = bisect_left(self._started_ids, accepted_id)
        return tuple(self._started_at[index - 1 : index]) if index else ()


async def decode_runs(runs: Sequence[RunHistory], converter: DataConverter) -> Timeline:
    """The timeline of `runs` (oldest first). Pure apart from the converter's codec."""
    timeline = Timeline()
    for index, run in enumerate(runs, start=1):
        await _decode_run(index, run, converter, timeline)
    return timeline


async def _decode_run(index: int, run: RunHistory, converter: DataConverter, timeline: Timeline) -> None:
    events = run.events
    tasks = _Tasks(events)
    completions: dict[str, HistoryEvent] = {
        e.workflow_execution_update_completed_event_attributes.meta.update_id: e
        for e in events
        if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED
    }
    closing = next((e for e in reversed(events) if e.event_type in _CLOSING), None)
    timeline.runs.append(
        RunFacts(
            index=index,
            run_id=run.run_id,
            started_at=_time(events[0]),
            closed_at=_time(closing) if closing else None,
            status=_CLOSING[closing.event_type] if closing else "running",
            events=len(events),
        )
    )
    for event in events:
        where = Position(index, event.event_id)
        arrived = partial(Occurrence, position=where, run_id=run.run_id, at=_time(event))
        kind = event.event_type
        if kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
            attrs = event.workflow_execution_started_event_attributes
            start, error = await _decode(converter, attrs.input.payloads, CoalitionInput)
            handled = tasks.handling(event.event_id)
            if start is not None and start.snapshot is not None:
                timeline.occurrences.append(
                    arrived(kind="snapshot", task_times=handled, snapshot=start.snapshot.entries())
                )
            else:
                timeline.occurrences.append(
                    arrived(
                        kind="start",
                        task_times=handled,
                        request=start.start if start else None,
                        decode_error=error or (None if start and start.start else "no start request"),
                    )
                )
        elif kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
            accepted = event.workflow_execution_update_accepted_event_attributes
            if accepted.accepted_request.input.name != FIRE_UPDATE:
                continue
            update_id = accepted.accepted_request.meta.update_id
            request, error = await _decode(
                converter, accepted.accepted_request.input.args.payloads, TriggerRequest
            )
            reply, failure, completed = await _outcome(converter, completions.get(update_id))
            timeline.occurrences.append(
                arrived(
                    kind="update",
                    task_times=tasks.accepting(event.event_id),
                    request=request,
                    update_id=update_id,
                    reply=reply,
                    failure=failure,
                    completed=completed,
                    decode_error=error,
                )
            )
        elif kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
            signal = event.workflow_execution_signaled_event_attributes
            if signal.signal_name != EXTERNAL_FACT_SIGNAL:
                continue
            request, error = await _decode(converter, signal.input.payloads, TriggerRequest)
            timeline.occurrences.append(
                arrived(
                    kind="signal",
                    task_times=tasks.handling(event.event_id),
                    request=request,
                    decode_error=error,
                )
            )
        elif kind in _WAKEUPS:
            timeline.wakeups.append(
                Wakeup(_WAKEUPS[kind], where, _time(event), tasks.handling(event.event_id))
            )


async def _outcome(
    converter: DataConverter, completed: HistoryEvent | None
) -> tuple[Accepted | None, str | None, bool]:
    """(the reply, the failure message, whether the update completed at all)."""
    if completed is None:
        return None, None, False
    outcome = completed.workflow_execution_update_completed_event_attributes.outcome
    if outcome.HasField("failure"):
        try:
            message = str(await converter.decode_failure(outcome.failure))
        except PayloadDecryptionError:
            raise
        except Exception:  # the failure's own text is still worth showing
            message = outcome.failure.message
        return None, message or "failed", True
    reply, error = await _decode(converter, outcome.success.payloads, Accepted)
    return reply, error, True
