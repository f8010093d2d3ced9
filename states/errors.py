"""The one error shape of the method, and the one formatter of validation errors.

Every surface (CLI, API, dashboard) shows a refusal's `reasons` as they are, so a person
reads the same sentence wherever the request came from.
"""

from __future__ import annotations

import json

from pydantic import ValidationError


class Refused(Exception):
    """A trigger that may not fire now. `reasons` are sentences for the person who tried;
    `forbidden` says it was refused for who asked, not for what the coalition lacks."""

    def __init__(self, trigger: str, reasons: list[str], forbidden: bool = False) -> None:
        super().__init__(f"{trigger} refused: " + " ".join(reasons))
        self.trigger = trigger
        self.reasons = reasons
        self.forbidden = forbidden


def describe_errors(error: ValidationError, prefix: str = "") -> list[str]:
    """One line per problem: the field path and the reason."""
    lines = []
    for item in error.errors():
        # A field name comes from the sender: quote any that is not a plain name, so a
        # control character never reaches a terminal or a log line as it was sent.
        path = ".".join(
            str(part) if str(part).isidentifier() or isinstance(part, int) else json.dumps(str(part))
            for part in item["loc"]
        )
        where = f"{prefix}{path}" if path else prefix.rstrip(".") or "payload"
        lines.append(f"{where}: {item['msg']}")
    return lines
