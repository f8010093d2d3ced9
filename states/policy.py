"""Who may do what: the one permission policy every surface and the workflow ask.

Pure: it reads the actor, the trigger's declaration and (for partners) the coalition and the
parsed payload. Each answer is a list of sentences for the person who asked; empty means
allowed. Memberships per coalition plug in here, nowhere else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lemniscate.models.events import Actor, Role

if TYPE_CHECKING:
    from lemniscate.models.coalition import Coalition
    from lemniscate.models.outbound import Subscription
    from lemniscate.models.records import Record
    from lemniscate.states.triggers import Trigger

from lemniscate.states.names import START

CHANGERS = (Role.coordinator, Role.partner, Role.integration)
AUDIT_READERS = (Role.auditor, Role.coordinator)
# Who reads every organisation's confidential records (`states.redaction`): the coordinator,
# who held the bilateral interviews, the auditor, who must reconstruct every step, and the
# engine itself. Integrations are other systems of the office, not a party to the interviews.
CONFIDANTS = (Role.coordinator, Role.auditor, Role.system)


def _integration_may(actor: Actor, trigger: str) -> list[str]:
    if trigger in actor.allowed_triggers:
        return []
    allowed = ", ".join(actor.allowed_triggers) or "nothing"
    return [f"{actor} may fire only: {allowed}."]


def may_fire(actor: Actor, spec: Trigger[Any], coalition: Coalition, payload: Record) -> list[str]:
    """May `actor` fire this trigger with this (parsed) payload on this coalition?"""
    match actor.role:
        case Role.coordinator | Role.system:
            return []
        case Role.auditor:
            return [f"{actor} may read everything but change nothing."]
        case Role.integration:
            return _integration_may(actor, spec.name)
        case Role.partner:
            if spec.partner_scope is None:
                return [
                    f"{actor}: partners record only their own organisation's answers, "
                    f"commitments and action progress; {spec.name} is for the coordinator."
                ]
            concerned = spec.partner_scope(coalition, payload)
            if concerned != actor.organisation:
                whose = f"{concerned}'s" if concerned else "unowned"
                return [f"{actor} may change only {actor.organisation}'s records, not {whose}."]
            return []


def may_attempt(actor: Actor, spec: Trigger[Any]) -> list[str]:
    """Why `actor` may never fire this trigger, whatever the coalition and the payload: what a
    surface asks before it reads or sends a request, so who asked is refused before what was
    asked. Says what `may_fire` would say; a partner at a partner trigger passes here, and
    `may_fire` decides on the coalition whose records the payload concerns."""
    if actor.role == Role.system or may_ever_fire(actor, spec):
        return []
    if actor.role == Role.integration:
        return _integration_may(actor, spec.name)
    if actor.role == Role.partner:
        return [
            f"{actor}: partners record only their own organisation's answers, "
            f"commitments and action progress; {spec.name} is for the coordinator."
        ]
    return [f"{actor} may read everything but change nothing."]


def may_request(actor: Actor) -> list[str]:
    """The engine's own role never arrives from outside: a request claiming it is refused."""
    if actor.role == Role.system:
        return ["the system role is reserved for the engine itself."]
    return []


def may_start(actor: Actor) -> list[str]:
    if actor.role == Role.coordinator:
        return []
    if actor.role == Role.integration:
        return [] if START in actor.allowed_triggers else [f"{actor} may not start coalitions."]
    return [f"{actor} may not start a coalition."]


def may_run_bulk(actor: Actor, trigger: str) -> list[str]:
    if actor.role == Role.coordinator:
        return []
    if actor.role == Role.integration and trigger in actor.allowed_triggers:
        return []
    return [f"{actor} may not run bulk operations with {trigger}."]


def may_manage_subscriptions(actor: Actor) -> list[str]:
    if actor.role in (Role.coordinator, Role.integration):
        return []
    return [f"{actor} may not subscribe or remove webhooks."]


def may_remove_subscription(actor: Actor, subscription: Subscription) -> list[str]:
    """A caller removes only the webhooks it made; a coordinator any (an integration must
    not silence another system's feed)."""
    denied = may_manage_subscriptions(actor)
    if denied or actor.role == Role.coordinator or subscription.created_by == actor.id:
        return denied
    return [
        f"{actor} may remove only its own webhooks; {subscription.id} was made by {subscription.created_by}."
    ]


def member_scope(actor: Actor) -> str | None:
    """The organisation whose coalitions alone `actor` may read, or None for an office-wide
    reader (coordinators, auditors, integrations: the office and programme roles of the
    membership model come later). Listing and counting narrow the visibility query by it."""
    return actor.organisation if actor.role == Role.partner else None


def may_read(actor: Actor, coalition: Coalition) -> bool:
    """Whether `actor` may read this coalition at all: a partner only when its organisation
    is a member (an initiator, or on the partner list). Surfaces answer a non-member as they
    answer a coalition that does not exist, so that its existence does not leak."""
    scope = member_scope(actor)
    return scope is None or scope in coalition.organisations()


def sees_confidential(actor: Actor, organisation: str) -> bool:
    """Whether `actor` reads `organisation`'s confidential records (its interview answers,
    its constituency's notes): the confidants, and that organisation's own representatives."""
    if actor.role in CONFIDANTS:
        return True
    return actor.role == Role.partner and actor.organisation == organisation


def may_read_audit(actor: Actor) -> list[str]:
    if actor.role in AUDIT_READERS:
        return []
    return [f"{actor}: the audit trail is for auditors and coordinators."]


def may_change(actor: Actor) -> bool:
    """Whether this actor changes anything at all (an auditor only reads)."""
    return actor.role in CHANGERS


def may_ever_fire(actor: Actor, spec: Trigger[Any]) -> bool:
    """Whether some payload could let `actor` fire this trigger: what a form is offered for."""
    match actor.role:
        case Role.coordinator:
            return True
        case Role.integration:
            return spec.name in actor.allowed_triggers
        case Role.partner:
            return spec.partner_scope is not None
        case _:
            return False


def may_manage_keys(actor: Actor) -> list[str]:
    """Who adds, lists and revokes API keys through the API. A coordinator, until an office
    admin role exists; the operator on the server uses `lemniscate keys`."""
    if actor.role == Role.coordinator:
        return []
    return [f"{actor}: API keys are managed by a coordinator."]
