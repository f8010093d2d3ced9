"""Progress lines while a run goes on."""

from __future__ import annotations

import time


def say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


class Progress:
    """A counter that prints itself at most every `every` seconds, and once at the end."""

    def __init__(self, label: str, total: int, unit: str, every: float = 3.0) -> None:
        self.label, self.total, self.unit, self.every = label, total, unit, every
        self.done = 0
        self.started = self._last = time.perf_counter()

    def add(self, count: int = 1) -> None:
        self.done += count
        now = time.perf_counter()
        if now - self._last >= self.every:
            self._last = now
            self._print(now)

    def finish(self) -> float:
        now = time.perf_counter()
        self._print(now)
        return now - self.started

    def _print(self, now: float) -> None:
        elapsed = max(now - self.started, 1e-9)
        say(
            f"  {self.label}: {self.done:,}/{self.total:,} {self.unit} "
            f"({self.done / elapsed:,.0f}/s, {elapsed:,.0f} s)"
        )
