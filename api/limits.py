"""Per-key rate limits: one integration in a loop must not starve the shared Temporal server
of what the others need. A token bucket per key, in this process (each API process limits
on its own; behind several, divide the rate).

`LEMNISCATE_API_RATE` requests a second per key (default 20; 0 turns limits off) and
`LEMNISCATE_API_BURST` at once (default 200), read when the app is made. Over the limit a
request is answered 429 with `Retry-After` before it reaches Temporal.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping
from typing import Final

DEFAULT_RATE: Final = 20.0
DEFAULT_BURST: Final = 200


class RateLimit:
    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.burst, self._clock = rate, burst, clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key id: tokens, when counted
        self._lock = threading.Lock()

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> RateLimit | None:
        source = os.environ if env is None else env
        rate = float(source.get("LEMNISCATE_API_RATE") or DEFAULT_RATE)
        burst = int(source.get("LEMNISCATE_API_BURST") or DEFAULT_BURST)
        return cls(rate, max(burst, 1)) if rate > 0 else None

    def take(self, key: str) -> float:
        """Count a request of `key`: 0 if it may go ahead, else the seconds until it may."""
        with self._lock:
            now = self._clock()
            tokens, then = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - then) * self.rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1 - tokens) / self.rate
