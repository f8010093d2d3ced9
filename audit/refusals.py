"""Reading the local log of refused attempts, for the audit report.

The service writes the log (`coalitions.refusals`): every refused attempt to start a
coalition, fire a trigger or run a bulk operation, from the CLI, the API, the dashboard or a
bulk operation, one JSON line each. Each process sees only its own refusals; the report says
so. The writer's names are re-exported: a reader of the log needs this module only.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from lemniscate.coalitions.refusals import (
    ENV_REFUSAL_LOG,
    FILENAME,
    Refusal,
    log_path,
    record_refusal,
    rotated,
)

__all__ = [
    "ENV_REFUSAL_LOG",
    "FILENAME",
    "Refusal",
    "RefusalLog",
    "log_path",
    "read_refusals",
    "record_refusal",
]

_log = logging.getLogger(__name__)


class RefusalLog(BaseModel):
    """What the log holds for one coalition, and whether there was a log to read."""

    model_config = ConfigDict(frozen=True)

    available: bool
    path: str
    items: list[Refusal]
    unreadable_lines: int = 0

    @property
    def count(self) -> int:
        return len(self.items)


def read_refusals(coalition_id: str, path: Path | None = None) -> RefusalLog:
    """The refusals logged for `coalition_id`, oldest first, from the log and the files it
    rotated into. A missing log is reported as unavailable (this process never logged one),
    not as an error."""
    source = path or log_path()
    texts = []
    for file in rotated(source):
        try:
            texts.append(file.read_text("utf-8"))
        except FileNotFoundError:
            continue
        except OSError as error:
            _log.warning("could not read the refusal log %s: %s", file, error)
    if not texts:
        return RefusalLog(available=False, path=str(source), items=[])
    text = "".join(texts)
    items: list[Refusal] = []
    unreadable = 0
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            refusal = Refusal.model_validate(json.loads(line))
        except (json.JSONDecodeError, ValidationError):
            unreadable += 1  # a line cut short by a crash must not hide the others
            continue
        if refusal.coalition_id == coalition_id:
            items.append(refusal)
    return RefusalLog(available=True, path=str(source), items=items, unreadable_lines=unreadable)
