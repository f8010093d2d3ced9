"""Replay the committed histories in tests/histories with today's workflow code.

A failure means today's `CoalitionWorkflow` would make other decisions than the code that
recorded the history: coalitions running in production would fail on their next workflow
task. Guard the change with `workflow.patched(...)` instead of refreshing the files; see the
docstring of tests/refresh_histories.py for when a refresh is meant.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from temporalio import workflow
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory

from lemniscate.examples import walks
from lemniscate.workers.main import create_replayer
from lemniscate.workflows.coalition import CoalitionWorkflow
from lemniscate.workflows.io import WORKFLOW_NAME, CoalitionInput, CoalitionView, workflow_id

HISTORIES = Path(__file__).resolve().parent / "histories"
# One folder per generation of workflow code: each was recorded by the code of its day.
FILES = sorted(HISTORIES.glob("*/*.json"))
GENERATIONS = sorted({p.parent.name for p in FILES})


def load(path: Path) -> WorkflowHistory:
    # The files are named after the coalition's slug; the workflow id follows from it.
    return WorkflowHistory.from_json(workflow_id(path.stem), path.read_text())


def test_histories_are_committed() -> None:
    assert {
        "original",
        "lean-wakeups",
        "journal-segments",
        "meetings-as-held",
        "meeting-invitations",
        "agenda-index",
        "portfolio-next-kind",
    } <= set(GENERATIONS)
    for generation in GENERATIONS:
        assert {p.stem for p in FILES if p.parent.name == generation} >= {
            walks.TASKFORCE_ID,
            walks.CITY_ID,
        }, generation
    for path in FILES:
        events = load(path).events
        kinds = {e.event_type for e in events}
        # Worth replaying: updates, timers, follow-up activities, and a finished coalition.
        assert {
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED,
            EventType.EVENT_TYPE_TIMER_FIRED,
            EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
            EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
        } <= kinds, path.name
        assert events[-1].event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.stem}" for p in FILES])
async def test_history_replays_without_nondeterminism(path: Path) -> None:
    replayer = create_replayer([CoalitionWorkflow])
    result = await replayer.replay_workflow(load(path), raise_on_replay_failure=False)
    assert result.replay_failure is None, f"{path.name}: {result.replay_failure}"


@workflow.defn(name=WORKFLOW_NAME, sandboxed=False)
class IncompatibleCoalition(CoalitionWorkflow):
    """The coalition workflow with one incompatible change: a timer before anything else."""

    @workflow.run
    async def run(self, input: CoalitionInput) -> CoalitionView:
        await workflow.sleep(timedelta(seconds=1))
        return await super().run(input)


async def test_replay_catches_an_incompatible_change() -> None:
    """The replay test above can fail: the same history with a changed workflow does."""
    replayer = create_replayer([IncompatibleCoalition])
    result = await replayer.replay_workflow(load(FILES[0]), raise_on_replay_failure=False)
    assert result.replay_failure is not None
    assert "nondetermin" in str(result.replay_failure).lower()
