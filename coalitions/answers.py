"""How the service's answers are made: the refusal inside an update failure, the coalition
that is not there (or not the reader's), an idempotency key bound to its request."""

from __future__ import annotations

from pydantic import ValidationError
from temporalio.exceptions import ApplicationError

from lemniscate.coalitions.errors import (
    CoalitionMoved,
    CoalitionNotFound,
    CoalitionRefused,
    IdempotencyKeyReused,
    InvalidRequest,
)
from lemniscate.models import idempotency
from lemniscate.models.journal import TriggerRequest
from lemniscate.models.sentence import Sentence, from_wire
from lemniscate.workflows.io import FORBIDDEN, KEY_REUSED, MOVED, REFUSED


def refusal(trigger: str, error: BaseException) -> CoalitionRefused | None:
    """The refusal inside an update failure, if it was one."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ApplicationError) and cause.type == MOVED:
            reason, seq, state = cause.details
            return CoalitionMoved(trigger, [from_wire(reason)], int(seq), str(state))
        if isinstance(cause, ApplicationError) and cause.type in (REFUSED, FORBIDDEN, KEY_REUSED):
            reasons = [from_wire(d) for d in cause.details] or [cause.message]
            if cause.type == KEY_REUSED:
                return IdempotencyKeyReused(trigger, reasons)
            return CoalitionRefused(trigger, reasons, forbidden=cause.type == FORBIDDEN)
        cause = cause.__cause__
    return None


def no_bulk(bulk_id: str) -> Sentence:
    return Sentence("service.no-bulk", "there is no bulk operation {id}.", id=repr(bulk_id))


def no_subscription(subscription_id: str) -> Sentence:
    return Sentence("service.no-subscription", "there is no subscription {id}.", id=repr(subscription_id))


def missing(slug: str) -> CoalitionNotFound:
    """What a missing coalition, and one the reader may not read, are answered with alike."""
    return CoalitionNotFound(
        Sentence(
            "service.no-coalition",
            "there is no coalition {slug} (lemniscate list shows them all).",
            slug=repr(slug),
        )
    )


def keyed(request: TriggerRequest, key: str | None) -> tuple[TriggerRequest, str | None]:
    """The request bound to the caller's idempotency key, and its update id (`None`, None
    without a key)."""
    if key is None:
        return request, None
    try:
        checked = idempotency.KEY.validate_python(key)
    except ValidationError:
        raise InvalidRequest(
            Sentence(
                "service.idempotency-key",
                "Idempotency-Key: use 1 to 200 printable ASCII characters, e.g. a UUID.",
            )
        ) from None
    keyed = request.model_copy(update={"idempotency_key": checked})
    return keyed, idempotency.update_id(keyed)
