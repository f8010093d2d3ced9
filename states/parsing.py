"""Reading a trigger's payload: the trigger named, its JSON within bounds, the record parsed.

Every refusal names the field and the reason; the machine decides only on what parsed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from lemniscate.models import bounds
from lemniscate.models.json_input import UnreadableJson, check_value
from lemniscate.models.records import Record
from lemniscate.models.sentence import Sentence
from lemniscate.states.checks import field
from lemniscate.states.declaring import Trigger
from lemniscate.states.errors import Refused, describe_errors
from lemniscate.states.triggers import TRIGGERS

M = TypeVar("M", bound=BaseModel)


def _unknown_trigger(trigger: str) -> str:
    return Sentence(
        "machine.unknown-trigger",
        "there is no trigger {trigger}; see `lemniscate method` for the list.",
        trigger=repr(trigger),
    )


def _payload(reason: str) -> str:
    return field("payload", reason)


def validate(model: type[M], raw: Mapping[str, Any], trigger: str) -> tuple[M, int]:
    """The parsed payload and the UTF-8 bytes of its JSON: what it weighs wherever it is kept."""
    try:
        # Through JSON, where strict mode accepts ISO dates; `default=str` lets Python
        # callers pass date objects.
        text = json.dumps(raw, default=str, ensure_ascii=False)
        size = len(text.encode())
    except (RecursionError, ValueError, TypeError):  # a lone surrogate fails to encode
        raise Refused(trigger, [_payload(_UNREADABLE)]) from None
    if size > bounds.MAX_PAYLOAD_BYTES:
        raise Refused(trigger, [_payload(_too_large(size))])
    try:  # the text is known to be UTF-8 by now: only the depth is left to check
        check_value(raw, texts=False)
    except UnreadableJson as unreadable:
        reason = Sentence("period", "{sentence}.", sentence=unreadable.reason)
        raise Refused(trigger, [_payload(reason)]) from None
    try:
        return model.model_validate_json(text), size
    except ValidationError as error:
        raise Refused(trigger, describe_errors(error)) from None


_UNREADABLE = Sentence(
    "machine.unreadable", "not readable as JSON (nested too deeply, or a value JSON cannot hold)."
)


def _too_large(size: int) -> str:
    # Numbers, grouped as the reader's language writes them (262,144 or 262.144).
    return Sentence(
        "machine.payload-too-large",
        "{size:,} bytes as JSON; a trigger carries at most {limit:,}. "
        "Shorten the texts, or split the change over several triggers.",
        size=size,
        limit=bounds.MAX_PAYLOAD_BYTES,
    )


def spec_of(trigger: str) -> Trigger[Any]:
    spec = TRIGGERS.get(trigger)
    if spec is None:
        raise Refused(trigger, [_unknown_trigger(trigger)])
    return spec


def parse_payload(trigger: str, raw: Mapping[str, Any]) -> Record:
    """Validate a trigger's JSON payload; refuses with field paths and reasons."""
    payload: Record = validate(spec_of(trigger).payload, raw, trigger)[0]
    return payload
