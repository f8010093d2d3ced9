"""The report: the table of a run (Markdown), its verdict against the goals, and the JSON
results file written as the run goes."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.parts.memory import DEFAULT_CACHE

GOAL_THROUGHPUT_RATIO = 0.90
GOAL_LATENCY_MS = 2.0


@dataclass
class Table:
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)

    def add(self, what: str, lemniscate: str, baseline: str, compared: str) -> None:
        self.rows.append((what, lemniscate, baseline, compared))

    def markdown(self) -> str:
        lines = ["| measure | Lemniscate | bare Temporal | Lemniscate vs bare |", "|---|---:|---:|---:|"]
        lines += [f"| {' | '.join(row)} |" for row in self.rows]
        return "\n".join(lines)


def table(results: dict[str, Any]) -> Table:
    out = Table()
    for name, rows in _ROWS.items():
        if name in results:
            rows(out, results[name])
    return out


def _throughput_rows(out: Table, t: dict[str, Any]) -> None:
    lem, base = t["lemniscate"], t["baseline"]
    out.add(
        f"throughput: {t['coalitions']} coalitions walked concurrently "
        f"(start + {t['updates_per_coalition']} updates each), coalitions/s",
        f"{lem['coalitions_per_s']:.2f}",
        f"{base['coalitions_per_s']:.2f}",
        f"{t['ratio']:.0%}",
    )
    out.add(
        "throughput: updates/s",
        f"{lem['updates_per_s']:.1f}",
        f"{base['updates_per_s']:.1f}",
        f"{t['ratio']:.0%}",
    )
    out.add(
        "worker CPU per start or update (ms)",
        f"{lem['worker_cpu_ms_per_update']:.2f}",
        f"{base['worker_cpu_ms_per_update']:.2f}",
        f"{lem['worker_cpu_ms_per_update'] - base['worker_cpu_ms_per_update']:+.2f} ms",
    )
    if lem["server_cpu_ms_per_update"] is not None:
        out.add(
            "server CPU per start or update (ms)",
            f"{lem['server_cpu_ms_per_update']:.2f}",
            f"{base['server_cpu_ms_per_update']:.2f}",
            f"{lem['server_cpu_ms_per_update'] - base['server_cpu_ms_per_update']:+.2f} ms",
        )
    out.add(
        "history events per update (walked coalition)",
        f"{lem['history_events_per_update']:.1f}",
        f"{base['history_events_per_update']:.1f}",
        f"{lem['history_events_per_update'] / base['history_events_per_update']:.1f}x",
    )
    for name, row in t.get("ablation", {}).items():
        out.add(
            f"ablation: bare + {name.replace('+', ' + ')}: updates/s, worker / server "
            "CPU ms, events per update",
            "",
            f"{row['updates_per_s']:.1f}; {row['worker_cpu_ms_per_update']:.2f} / "
            f"{row['server_cpu_ms_per_update'] or 0:.2f}; "
            f"{row['history_events_per_update']:.1f}",
            f"{row['updates_per_s'] / base['updates_per_s']:.0%} of bare",
        )


def _latency_rows(out: Table, lat: dict[str, Any]) -> None:
    labels = {
        "round_trip": "update round trip (accepted, then state read by query)",
        "update": "update alone (accepted)",
        "query": "query alone (after an update)",
        "refused": "refused trigger, right after an update",
        "refused_idle": "refused trigger, coalition idle",
    }
    for name, label in labels.items():
        lem, base = lat["lemniscate"][name], lat["baseline"][name]
        out.add(
            f"{label}, p50 / p95 / p99 (ms)",
            f"{lem['p50']:.1f} / {lem['p95']:.1f} / {lem['p99']:.1f}",
            f"{base['p50']:.1f} / {base['p95']:.1f} / {base['p99']:.1f}",
            " / ".join(f"{lem[p] - base[p]:+.1f}" for p in ("p50", "p95", "p99")),
        )
    for variant in (v for v in lat if v.startswith("baseline+")):
        row = lat[variant]
        out.add(
            f"ablation: {variant.replace('+', ' + ')}: round trip / refused after an "
            "update / refused idle, p50 (ms)",
            "",
            f"{row['round_trip']['p50']:.1f} / {row['refused']['p50']:.1f} / "
            f"{row['refused_idle']['p50']:.1f}",
            "",
        )


def _memory_rows(out: Table, mem: dict[str, Any]) -> None:
    for lem, base in zip(mem["lemniscate"], mem["baseline"], strict=True):
        if lem["max_cached_workflows"] == DEFAULT_CACHE:
            what = (
                f"worker RSS after {lem['open']:,} starts into the default cache "
                f"(max_cached_workflows={DEFAULT_CACHE:,}: full, then evicting): MiB; "
                "KiB per cached"
            )
            out.add(
                what,
                f"{lem['rss_delta_mib']:.0f}; {lem['kib_per_cached']:.0f}",
                f"{base['rss_delta_mib']:.0f}; {base['kib_per_cached']:.0f}",
                f"{lem['kib_per_cached'] - base['kib_per_cached']:+.0f} KiB",
            )
        else:
            out.add(
                f"worker RSS per open workflow, {lem['open']:,} open, all cached (KiB)",
                f"{lem['kib_per_open']:.0f}",
                f"{base['kib_per_open']:.0f}",
                f"{lem['kib_per_open'] - base['kib_per_open']:+.0f} KiB",
            )


def _replay_rows(out: Table, r: dict[str, Any]) -> None:
    out.add(
        f"replay {r['years']} years ({r['runs']} runs, {r['events']:,} events, "
        f"{r['updates']} updates), all runs, warm (ms)",
        f"{r['warm_total_ms']:.0f}",
        f"{r['baseline_warm_ms']:.0f}",
        f"{r['warm_us_per_event']:.0f} vs {r['baseline_us_per_event']:.0f} µs/event",
    )
    out.add(
        "replay: longest run, warm / all runs, first replay with imports (ms)",
        f"{r['warm_longest_run_ms']:.0f} / {r['cold_total_ms']:.0f}",
        "",
        "",
    )


def _portfolio_rows(out: Table, p: dict[str, Any]) -> None:
    lem_page, base_page = p["lemniscate_list_filtered_page"], p["baseline_list_page"]
    out.add(
        f"list: one page of 50 with a filter, {p['coalitions']:,} coalitions (ms p50)",
        f"{lem_page['p50']:.1f}",
        f"{base_page['p50']:.1f}",
        f"{lem_page['p50'] - base_page['p50']:+.1f} ms",
    )
    out.add(
        f"count: with a filter / all, {p['coalitions']:,} coalitions (ms p50)",
        f"{p['lemniscate_count_filtered']['p50']:.1f} / {p['lemniscate_count_all']['p50']:.1f}",
        f"n/a / {p['baseline_count_all']['p50']:.1f}",
        "",
    )
    lem_all, base_all = (p["lemniscate_list_filtered_all_pages"], p["baseline_list_all_pages"])
    out.add(
        f"list: every match in pages of 1,000 ({lem_all['result']:,} vs {base_all['result']:,} rows, ms p50)",
        f"{lem_all['p50']:.0f}",
        f"{base_all['p50']:.0f}",
        "",
    )


def _core_rows(out: Table, core: dict[str, Any]) -> None:
    costs = core["ms_per_update"]
    out.add(
        "method core per update, in process: " + ", ".join(costs) + " (ms)",
        " / ".join(f"{ms:.3f}" for ms in costs.values()),
        "",
        "",
    )


_ROWS: dict[str, Callable[[Table, dict[str, Any]], None]] = {
    "throughput": _throughput_rows,
    "latency": _latency_rows,
    "memory": _memory_rows,
    "replay": _replay_rows,
    "portfolio": _portfolio_rows,
    "core": _core_rows,
}


def verdict(results: dict[str, Any]) -> list[str]:
    lines = []
    if "throughput" in results:
        ratio = results["throughput"]["ratio"]
        ok = ratio >= GOAL_THROUGHPUT_RATIO
        lines.append(
            f"throughput: {ratio:.0%} of bare Temporal "
            f"({'meets' if ok else 'misses'} the goal of >= {GOAL_THROUGHPUT_RATIO:.0%})"
        )
    if "latency" in results:
        diff = results["latency"]["difference_ms"]["round_trip"]["p50"]
        ok = diff <= GOAL_LATENCY_MS
        lines.append(
            f"update round trip: {diff:+.1f} ms at p50 over bare Temporal "
            f"({'meets' if ok else 'misses'} the goal of <= {GOAL_LATENCY_MS:.0f} ms)"
        )
    return lines


class Results(dict[str, Any]):
    """The results so far, written to `path` after every part: a long run that fails late
    keeps what it measured."""

    def __init__(self, path: Path, **initial: Any) -> None:
        super().__init__(**initial)
        self.path = path

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(self, indent=2, default=str) + "\n")


def render(paths: Sequence[Path]) -> int:
    """Print the table of earlier results; with several files, later parts win (for a
    part rerun on its own: `--parts memory,portfolio --out part.json`)."""
    merged: dict[str, Any] = {}
    for path in paths:
        merged.update(json.loads(path.read_text()))
    print(table(merged).markdown())
    for line in verdict(merged):
        print(line)
    return 0
