"""A refused form, held between its POST and the GET it redirects to (post/redirect/get),
so a reload asks for the page again instead of posting the form again.

What was typed and why it was refused stay in this process, under a random token that the
redirect names, for the session that posted it only: a link with the token shows nothing to
anyone else. They are kept for minutes and within a bound of their own (the oldest go
first), as the session revocations are: with several API processes behind one address, use
sticky sessions, or a reload after the redirect shows the empty form.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Final

from starlette.requests import Request

from lemniscate.dashboard.session import COOKIE
from lemniscate.dashboard.views import Submitted

LIFETIME_SECONDS: Final = 15 * 60  # long enough to read the reasons and fix the form
MAX_HELD_CHARS: Final = 16 * 1024 * 1024  # every held form's typed text together
PARAM: Final = "held"  # the query parameter naming the token


@dataclass(frozen=True)
class _Held:
    owner: str
    until: float
    size: int
    submitted: Submitted


def _owner(request: Request) -> str:
    """Whose session posted: a digest of its cookie (the cookie itself stays out of memory)."""
    return hashlib.sha256((request.cookies.get(COOKIE) or "").encode()).hexdigest()


class Flashes:
    def __init__(self, lifetime: float = LIFETIME_SECONDS, max_chars: int = MAX_HELD_CHARS) -> None:
        self._lifetime = lifetime
        self._max_chars = max_chars
        self._held: OrderedDict[str, _Held] = OrderedDict()
        self._chars = 0

    def keep(self, request: Request, submitted: Submitted, now: float | None = None) -> str:
        """Hold `submitted` for the session of `request`; the token to redirect with."""
        moment = now or time.time()
        size = sum(len(v) for values in submitted.values.values() for v in values) + 1
        # Held in the order they expire (one lifetime for all): the expired are in front.
        while self._held and next(iter(self._held.values())).until < moment:
            self._pop(next(iter(self._held)))
        while self._held and self._chars + size > self._max_chars:
            self._pop(next(iter(self._held)))
        token = secrets.token_urlsafe(12)
        if size <= self._max_chars:
            self._held[token] = _Held(_owner(request), moment + self._lifetime, size, submitted)
            self._chars += size
        return token

    def get(self, request: Request, token: str | None, now: float | None = None) -> Submitted | None:
        """The form held under `token` for this session, while it is kept. Not used up: a
        reload, or the language switch, shows it again."""
        held = self._held.get(token or "")
        if held is None or held.until < (now or time.time()) or held.owner != _owner(request):
            return None
        return held.submitted

    def _pop(self, token: str) -> None:
        held = self._held.pop(token)
        self._chars -= held.size
