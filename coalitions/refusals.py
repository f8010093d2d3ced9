"""The local log of refused attempts, written by the service for every surface.

A refused trigger leaves no event in the workflow history (the update validator rejects it
before anything is written), and it must not: the history holds what happened. Auditors
still want to know what was tried, so every refused attempt to start a coalition, fire a
trigger or run a bulk operation appends one JSON line, naming the surface it came from, to
a file: `$LEMNISCATE_REFUSAL_LOG`, or `refusals.jsonl` in `$LEMNISCATE_DATA_DIR` (default
`./.lemniscate`). Each process sees only its own refusals; `audit.refusals` reads them back.

The log is bounded: each line holds the refusal's reasons as every surface shows them
(`states.errors.bounded`: twenty sentences of at most 300 characters, never an echoed input
value), and the file rotates at `MAX_BYTES` into `refusals.jsonl.1` ... `.{BACKUPS}`, the
oldest dropped. With payload encryption on (`LEMNISCATE_ENCRYPTION_KEYS`) a reason keeps only
the field it names: guard sentences quote what the coalition holds (partner names, say),
which the server only ever sees encrypted, and a plain-text file must not say more.
"""

from __future__ import annotations

import fcntl
import itertools
import logging
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict

from lemniscate.cluster.codec import ENV_ENCRYPTION_KEYS
from lemniscate.cluster.settings import DEFAULT_DATA_DIR, ENV_DATA_DIR
from lemniscate.models.events import Actor
from lemniscate.states.errors import bounded, named_field, split_more

ENV_REFUSAL_LOG: Final = "LEMNISCATE_REFUSAL_LOG"
FILENAME: Final = "refusals.jsonl"
MAX_BYTES: Final = 10 * 1024 * 1024  # a line is at most ~7 KB: well over a thousand per file
BACKUPS: Final = 5
WITHHELD: Final = "(withheld: payload encryption is on)"

Source = Literal["cli", "api", "dashboard", "bulk"]
"""The surface an attempt came from; a bulk operation's own attempts are "bulk"."""

_log = logging.getLogger(__name__)


class Refusal(BaseModel):
    """One refused attempt, as logged."""

    model_config = ConfigDict(frozen=True)

    at: datetime
    coalition_id: str
    trigger: str
    actor_id: str
    actor_role: str
    actor_organisation: str | None = None
    reasons: list[str]
    source: str = "cli"  # a str, not a Source: a log written by a later version still reads


def log_path(environ: Mapping[str, str] | None = None) -> Path:
    """Where refusals are logged, from the environment."""
    env = os.environ if environ is None else environ
    configured = env.get(ENV_REFUSAL_LOG, "").strip()
    if configured:
        return Path(configured).expanduser()
    return Path(env.get(ENV_DATA_DIR, str(DEFAULT_DATA_DIR))).expanduser() / FILENAME


def record_refusal(
    coalition_id: str,
    trigger: str,
    actor: Actor,
    reasons: Sequence[str],
    *,
    source: Source = "cli",
    path: Path | None = None,
) -> None:
    """Append one refusal to the log. Never raises: failing to log a refusal must not turn
    the refusal the user is about to see into another error; it is logged as a warning."""
    withhold = bool(os.environ.get(ENV_ENCRYPTION_KEYS, "").strip())
    line = (
        Refusal(
            at=datetime.now(UTC),
            coalition_id=coalition_id,
            trigger=trigger,
            actor_id=actor.id,
            actor_role=actor.role.value,
            actor_organisation=actor.organisation,
            reasons=loggable(reasons, withhold=withhold),
            source=source,
        ).model_dump_json()
        + "\n"
    )
    target = path or log_path()
    data = line.encode("utf-8")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with _locked(target):
            if target.exists() and target.stat().st_size + len(data) > MAX_BYTES:
                _rotate(target)
            # One write on an O_APPEND descriptor: lines from concurrent processes do not mix.
            fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
            try:
                os.write(fd, data)
            finally:
                os.close(fd)
    except OSError as error:
        _log.warning("could not log a refusal to %s: %s", target, error)


def loggable(reasons: Sequence[str], *, withhold: bool) -> list[str]:
    """The reasons as the log keeps them: bounded, and with `withhold` only the fields named."""
    shown = bounded(reasons)
    if not withhold:
        return shown
    named, more = split_more(shown)
    kept = []
    for reason in named:
        field = named_field(reason)
        kept.append(f"{field[0] or 'payload'}: {WITHHELD}" if field else WITHHELD)
    return bounded(kept, more)


def rotated(path: Path) -> list[Path]:
    """The log and its rotated files, oldest first."""
    return [path.with_name(f"{path.name}.{n}") for n in range(BACKUPS, 0, -1)] + [path]


def _rotate(path: Path) -> None:
    # As logging.handlers.RotatingFileHandler does, under a lock between processes (which
    # the stdlib handler lacks): .N-1 becomes .N, ..., the log becomes .1.
    files = rotated(path)
    for older, newer in itertools.pairwise(files):
        if newer.exists():
            os.replace(newer, older)


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock beside the log, so two processes never rotate it at once."""
    fd = os.open(path.with_name(f"{path.name}.lock"), os.O_WRONLY | os.O_CREAT, 0o640)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
