"""What every request passes before it reaches Temporal, and where every refusal is logged.

Who asked is checked first (`states.policy`), then what was asked: the payload is parsed
once with the method's own models (`states.parse_payload`). The workflow's update validator
checks again, because it alone sees the coalition's current state for certain; its refusals
come back through the service and are logged here as well. Each refusal is logged with the
surface it came from (`Source`), so the audit's refusal count holds them all.

Needs no connection: the CLI refuses a misspelt trigger or payload before it connects.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from lemniscate import states
from lemniscate.coalitions.errors import CoalitionRefused, InvalidPayload, PayloadNotJson
from lemniscate.coalitions.refusals import Source, record_refusal
from lemniscate.models.bulk import BulkRequest
from lemniscate.models.coalition import Coalition
from lemniscate.models.events import Actor, Event
from lemniscate.models.journal import TriggerRequest
from lemniscate.models.payloads import StartCoalition
from lemniscate.models.records import Numbering
from lemniscate.states import policy
from lemniscate.workflows.bulk import BULK_ID_PREFIX


@dataclass(frozen=True)
class Unreadable:
    """A payload a surface could not read (a body that is not JSON, a form's date that is no
    date): refused as invalid once who asked has been checked, and logged like any refusal.
    `reasons` are worded as `states.describe_errors` words its own: "field: what is wrong"."""

    reasons: list[str]
    not_json: bool = False


Payload = Mapping[str, Any] | Unreadable


class Gate:
    """`refusal_log` is where refusals go; by default the file the environment names."""

    def __init__(self, refusal_log: Path | None = None) -> None:
        self._refusal_log = refusal_log

    def refused(
        self, refusal: CoalitionRefused, coalition_id: str, actor: Actor, source: Source
    ) -> CoalitionRefused:
        """Log `refusal` and return it, to be raised."""
        record_refusal(
            coalition_id, refusal.trigger, actor, refusal.reasons, source=source, path=self._refusal_log
        )
        return refusal

    def trigger_request(
        self,
        coalition_id: str,
        trigger: str,
        payload: Payload,
        actor: Actor,
        reason: str | None = None,
        *,
        source: Source,
    ) -> TriggerRequest:
        """The request to send, or the refusal (logged) of a trigger the actor may never
        fire, of a trigger the method does not have, or of a payload that does not fit."""
        try:
            _admit(trigger, actor)
            readable = _readable(trigger, payload)
            try:
                states.parse_payload(trigger, readable)
            except states.Refused as refused:
                raise InvalidPayload(trigger, refused.reasons) from None
            return _request(trigger, readable, actor, reason)
        except CoalitionRefused as refusal:
            raise self.refused(refusal, coalition_id, actor, source) from None

    def start_request(
        self, payload: Payload, actor: Actor, reason: str | None = None, *, source: Source
    ) -> tuple[TriggerRequest, Coalition]:
        """The start request and the coalition it will create (its id, its search
        attributes), or the refusal, logged under the id the payload asks for."""
        asked = payload.get("id") if isinstance(payload, Mapping) else None
        try:
            _admit(states.START, actor)
            readable = _readable(states.START, payload)
            if "numbering" not in readable:
                # New coalitions number each kind of record on its own (A1, M1, R1). Said in
                # the start request itself, so every replay of the journal numbers alike.
                readable = {**readable, "numbering": Numbering.per_kind.value}
            try:
                StartCoalition.model_validate_json(json.dumps(readable, default=str))
            except ValidationError as error:
                raise InvalidPayload(states.START, states.describe_errors(error)) from None
            request = _request(states.START, readable, actor, reason)
            try:  # the workflow would refuse the same way, but only after it exists
                coalition = states.genesis(
                    Event(trigger=states.START, payload=request.payload, actor=actor, at=datetime.now(UTC))
                )
            except states.Refused as refused:
                raise CoalitionRefused.of(refused) from None
        except CoalitionRefused as refusal:
            raise self.refused(refusal, asked if isinstance(asked, str) else "", actor, source) from None
        return request, coalition

    def bulk_trigger(self, bulk_id: str, trigger: str, actor: Actor, *, source: Source) -> None:
        """Refuses (and logs) a bulk operation naming a trigger the method does not have,
        before a `BulkRequest`, which would not take such a name, is built around it."""
        if trigger in states.TRIGGERS:
            return
        denied = policy.may_request(actor) or policy.may_run_bulk(actor, trigger)
        refusal = CoalitionRefused(trigger, denied, forbidden=True) if denied else None
        if refusal is None:
            try:
                states.parse_payload(trigger, {})
            except states.Refused as refused:
                refusal = InvalidPayload(trigger, refused.reasons)
        if refusal is not None:
            raise self.refused(refusal, f"{BULK_ID_PREFIX}{bulk_id}", actor, source)

    def bulk_request(self, request: BulkRequest, *, source: Source) -> None:
        """Refuses (and logs, under the bulk operation's id, since it names no coalition) a
        bulk operation the actor may not run, or whose payload does not fit its trigger."""
        try:
            denied = policy.may_request(request.actor) or policy.may_run_bulk(request.actor, request.trigger)
            if denied:
                raise CoalitionRefused(request.trigger, denied, forbidden=True)
            try:
                states.parse_payload(request.trigger, request.payload)
            except states.Refused as refused:
                raise InvalidPayload(request.trigger, refused.reasons) from None
        except CoalitionRefused as refusal:
            raise self.refused(refusal, f"{BULK_ID_PREFIX}{request.id}", request.actor, source) from None


def _admit(trigger: str, actor: Actor) -> None:
    """Who asked, before what they asked is read."""
    denied = policy.may_request(actor)
    if not denied and trigger == states.START:
        denied = policy.may_start(actor)
    elif not denied and trigger in states.TRIGGERS:
        denied = policy.may_attempt(actor, states.TRIGGERS[trigger])
    if denied:
        raise CoalitionRefused(trigger, denied, forbidden=True)


def _readable(trigger: str, payload: Payload) -> Mapping[str, Any]:
    if isinstance(payload, Unreadable):
        raise (PayloadNotJson if payload.not_json else InvalidPayload)(trigger, payload.reasons)
    return payload


def _request(trigger: str, payload: Mapping[str, Any], actor: Actor, reason: str | None) -> TriggerRequest:
    try:
        return TriggerRequest(trigger=trigger, payload=dict(payload), actor=actor, reason=reason)
    except ValidationError as error:
        raise InvalidPayload(trigger, states.describe_errors(error)) from None
