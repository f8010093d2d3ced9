"""A benchmark worker process: the Lemniscate worker or the baseline one, on its own.

Run by `bench/run.py` as a subprocess so that its RSS and CPU time can be read from
/proc without the client's share, and so that client and worker do not share one GIL (as
in production, where the CLI, the API and the workers are separate processes).

    python -m bench.worker --kind lemniscate --address 127.0.0.1:7233 --task-queue q

Prints `ready` on stdout once it polls; stops on SIGTERM or SIGINT. (`bench/run.py
--profile` records it from outside with py-spy.)
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import os
import signal
import sys
from unittest import mock

from temporalio.client import Client
from temporalio.worker import Worker

import lemniscate.workers.main
from bench.baseline import BaselineWorkflow, noop
from lemniscate.cluster import ClusterSettings, connect
from lemniscate.workers.logs import configure_logging

KINDS = ("lemniscate", "baseline")


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--kind", choices=KINDS, required=True)
    parser.add_argument("--address", required=True, help="host:port of the Temporal frontend")
    parser.add_argument("--task-queue", required=True)
    parser.add_argument(
        "--max-cached", type=int, default=None, help="max_cached_workflows (default: the SDK's, 1000)"
    )
    return parser.parse_args(argv)


def create(kind: str, client: Client, task_queue: str, max_cached: int | None) -> Worker:
    if kind == "baseline":
        if max_cached is None:
            return Worker(client, task_queue=task_queue, workflows=[BaselineWorkflow], activities=[noop])
        return Worker(
            client,
            task_queue=task_queue,
            workflows=[BaselineWorkflow],
            activities=[noop],
            max_cached_workflows=max_cached,
        )
    if max_cached is None:
        return lemniscate.workers.main.create_worker(client, task_queue)  # what `lemniscate worker` runs
    # The very worker `create_worker` builds, with only the cache size changed: it takes no
    # such argument, and repeating its arguments here would drift from them.
    sized = functools.partial(Worker, max_cached_workflows=max_cached)
    with mock.patch.object(lemniscate.workers.main, "Worker", sized):
        return lemniscate.workers.main.create_worker(client, task_queue)


async def _serve(args: argparse.Namespace) -> None:
    # Logs as `lemniscate worker` writes them (JSON lines on stderr): their cost is part of
    # what a production worker pays per update.
    configure_logging()
    client = await connect(ClusterSettings(address=args.address))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with create(args.kind, client, args.task_queue, args.max_cached):
        print("ready", flush=True)
        await stop.wait()


def main(argv: list[str] | None = None) -> None:
    asyncio.run(_serve(_parse(argv)))
    # The worker has shut down; skip interpreter teardown, where the SDK's native threads
    # can abort the process (sdk-python #300), as `lemniscate` does.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
