"""Record the workflow histories that `tests/test_workflow_replay.py` replays.

    python tests/refresh_histories.py GENERATION     (from the project root, in its virtualenv)

walks both example coalitions of `examples.walks` to their end on the time-skipping test
server (with months skipped so follow-ups, their activities and the engine's own steps are in
the history) and writes each history to `tests/histories/GENERATION/<coalition slug>.json`.
A generation is the workflow code of one release: name a new one after what changed (the
patches it added), and keep the older ones, which coalitions still running look like.

The committed files are what coalitions that are already running look like. When the replay
test fails after a change to the workflow, the change would break those coalitions on their
next workflow task (non-determinism): do NOT refresh the files to make the test pass. Keep
the old behaviour for old histories instead: branch with `workflow.patched("change-id")`
(and, once no running coalition predates it, `workflow.deprecate_patch("change-id")`), or
ship the change as a new workflow version.

Refresh them on purpose only when a change is meant to be incompatible (no coalition that
predates it will ever be replayed, e.g. before the first production deployment), or to add
coverage of new behaviour next to compatible old files; commit the new files with the
change that made them necessary.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

import structlog
from temporalio.testing import WorkflowEnvironment

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: `tests` importable
from lemniscate.coalitions import CoalitionService
from lemniscate.examples import walks
from lemniscate.workflows.io import workflow_id
from tests.support.servers import running_worker, skip, time_skipping_env
from tests.support.workflows import walk_service

HISTORIES = Path(__file__).resolve().parent / "histories"

Walk = Callable[[WorkflowEnvironment, CoalitionService], Awaitable[str]]


async def taskforce(env: WorkflowEnvironment, service: CoalitionService) -> str:
    """Plan track to execution; three months of follow-ups, the last a progress review that
    opens the monitoring round by the engine itself; the rest of the cycle; closed."""
    slug = walks.TASKFORCE_ID
    await service.start(walks.taskforce_start(slug), walks.COORDINATOR)
    await walk_service(service, slug, walks.taskforce_to_execution())
    await skip(env, timedelta(days=95))
    cycle = [s for s in walks.taskforce_one_cycle() if s.trigger != "start_monitoring"]
    await walk_service(service, slug, [*cycle, *walks.taskforce_closing()])
    return slug


async def city_centre(env: WorkflowEnvironment, service: CoalitionService) -> str:
    """Initiative track, founding (a), adoption, transformation to a new task; the new
    lemniscate's partners are reminded and escalated, then it is dissolved."""
    slug = walks.CITY_ID
    await service.start(walks.city_start(slug), walks.COORDINATOR)
    await walk_service(service, slug, [*walks.city_to_execution(), *walks.city_transformation()])
    await skip(env, timedelta(days=40))
    await service.fire(slug, "dissolve", {"reason": "The new task found no commitment."}, walks.COORDINATOR)
    return slug


WALKS: tuple[Walk, ...] = (taskforce, city_centre)


async def refresh(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for walk in WALKS:
        async with time_skipping_env() as env, running_worker(env.client) as service:
            slug = await walk(env, service)
            handle = env.client.get_workflow_handle(workflow_id(slug))
            await handle.result()  # finished: the history is complete
            history = await handle.fetch_history()
        path = directory / f"{slug}.json"
        path.write_text(history.to_json() + "\n")
        written.append(path)
        print(f"{path}: {len(history.events)} events")
    return written


def main() -> None:
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    if len(sys.argv) != 2 or not sys.argv[1].replace("-", "").isalnum():
        sys.exit(__doc__)
    asyncio.run(refresh(HISTORIES / sys.argv[1]))


if __name__ == "__main__":
    main()
