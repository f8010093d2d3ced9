"""The local log of refused attempts, written by the service for every surface.

A refused trigger leaves no event in the workflow history (the update validator rejects it
before anything is written), and it must not: the history holds what happened. Auditors
still want to know what was tried, so every refused attempt to start a coalition, fire a
trigger or run a bulk operation appends one JSON line, naming the surface it came from, to
a file: `$LEMNISCATE_REFUSAL_LOG`, or `refusals.jsonl` in `$LEMNISCATE_DATA_DIR` (default
`./.lemniscate`). Each process sees only its own refusals; `audit.refusals` reads them back.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict

from lemniscate.cluster.settings import DEFAULT_DATA_DIR, ENV_DATA_DIR
from lemniscate.models.events import Actor

ENV_REFUSAL_LOG: Final = "LEMNISCATE_REFUSAL_LOG"
FILENAME: Final = "refusals.jsonl"

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
    line = (
        Refusal(
            at=datetime.now(UTC),
            coalition_id=coalition_id,
            trigger=trigger,
            actor_id=actor.id,
            actor_role=actor.role.value,
            actor_organisation=actor.organisation,
            reasons=list(reasons),
            source=source,
        ).model_dump_json()
        + "\n"
    )
    target = path or log_path()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # One write on an O_APPEND descriptor: lines from concurrent processes do not mix.
        fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, line.encode("utf-8"))
        finally:
            os.close(fd)
    except OSError as error:
        _log.warning("could not log a refusal to %s: %s", target, error)
