"""The one error hierarchy of the operations on coalitions, which every surface translates:
the CLI into exit codes, the API into problem documents, the dashboard into a message.

- `CoalitionError`: anything asked that cannot be done; its message is one clear sentence.
- `CoalitionRefused`: the method or the permission policy turned a request away. It carries
  the `reasons` (sentences for the person who asked) and whether it was `forbidden` (for who
  asked, not for what the coalition lacks); it is a `states.Refused` as well. Nothing
  changed, and the refusal is in the refusal log.
  - `IdempotencyKeyReused`: the caller's Idempotency-Key belongs to another request.
  - `InvalidPayload`: refused for the payload's form, each reason "field: what is wrong" as
    `states.describe_errors` words it; `PayloadNotJson`: a payload that was not JSON at all.
- `InvalidRequest`, `CoalitionNotFound`, `CoalitionExists`, `CoalitionFinished`,
  `CoalitionNotEnded`: the rest.
"""

from __future__ import annotations

from lemniscate import states


class CoalitionError(Exception):
    """Anything a user did that cannot be done; the message is one clear sentence."""


class CoalitionRefused(CoalitionError, states.Refused):
    """A request turned away: `trigger` (or the operation, such as "subscribe"), `reasons`,
    and `forbidden` when it was refused for who asked."""

    @classmethod
    def of(cls, refused: states.Refused) -> CoalitionRefused:
        return cls(refused.trigger, refused.reasons, refused.forbidden)


class InvalidPayload(CoalitionRefused):
    """A payload whose form is wrong (or a trigger the method does not have): the reasons
    name the fields, so a surface can mark them (`states.errors.named_field`)."""


class PayloadNotJson(InvalidPayload):
    """A payload that could not even be read as JSON."""


class IdempotencyKeyReused(CoalitionRefused):
    """An Idempotency-Key the caller already used on this coalition for another request
    (another payload, reason or trigger): refused, so nobody mistakes the first request's
    reply for their new one's."""


class CoalitionMoved(CoalitionRefused):
    """A request made for a version of the coalition it is no longer at (If-Match): `seq`
    and `state` are where it is now."""

    def __init__(self, trigger: str, reasons: list[str], seq: int, state: str) -> None:
        super().__init__(trigger, reasons)
        self.seq, self.state = seq, state


class InvalidRequest(CoalitionError):
    """A request whose form is wrong beyond its payload; the message names the field."""


class CoalitionNotFound(CoalitionError):
    pass


class CoalitionExists(CoalitionError):
    pass


class CoalitionFinished(CoalitionError):
    pass


class CoalitionNotEnded(CoalitionError):
    """Asked for what only an ended coalition has (its closing report) while it still runs."""


def refuse_unless_allowed(operation: str, denied: list[str]) -> None:
    """Raise the forbidden refusal a policy answer amounts to (`states.policy`'s sentences;
    none means allowed), for what is not an attempt on a coalition and so is not logged."""
    if denied:
        raise CoalitionRefused(operation, denied, forbidden=True)
