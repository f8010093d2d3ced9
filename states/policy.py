"""Who may do what: the one permission policy every surface and the workflow ask.

Pure: it reads the actor, the trigger's declaration and (for partners) the coalition and the
parsed payload. Each answer is a list of sentences for the person who asked; empty means
allowed. Roles, grants and memberships are decided here, nowhere else (docs/access.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lemniscate.models.events import Actor, Role
from lemniscate.models.sentence import Sentence

if TYPE_CHECKING:
    from lemniscate.models.coalition import Coalition
    from lemniscate.models.outbound import Subscription
    from lemniscate.models.records import Record
    from lemniscate.states.declaring import Trigger

from lemniscate.states.names import START

# Office-wide changers: they fire every trigger of every coalition. The office admin is one
# because it manages keys anyway and could make itself a coordinator key: withholding the
# coordinator's powers from it would protect nothing.
OFFICE_CHANGERS = (Role.coordinator, Role.office_admin)
CHANGERS = (*OFFICE_CHANGERS, Role.partner, Role.integration)
# Who may be the actor of a coalition's `start` event (the engine starts regions itself).
STARTERS = (*OFFICE_CHANGERS, Role.integration, Role.system)
AUDIT_READERS = (Role.auditor, *OFFICE_CHANGERS)
# Who reads every organisation's confidential records (`states.redaction`): the coordinator,
# who held the bilateral interviews, the auditor, who must reconstruct every step, the office
# admin (for the reason above: it can mint itself any key) and the engine itself.
# Integrations, observers and programme leads are no party to the interviews.
CONFIDANTS = (Role.coordinator, Role.auditor, Role.office_admin, Role.system)
# What a trigger's partner scope answers for a record that is the coordinator's alone (a
# meeting's outcome, an action's fields as recorded): no organisation's, and no partner's.
COORDINATORS_RECORD = "\x00coordinator"
# Roles whose keys carry grants (programmes, coalitions) that say which coalitions they read.
# A coordinator with grants coordinates those coalitions only (and those that name it a
# member): "coordinator of that coalition"; without grants it is the office's.
GRANTED_ROLES = (Role.observer, Role.programme_lead, Role.auditor, Role.coordinator)
# Roles that read and never change anything.
READERS_ONLY = (Role.auditor, Role.observer, Role.programme_lead)


@dataclass(frozen=True)
class Scope:
    """The coalitions a reader who is not office-wide reads: those matching any of these.
    The service narrows the visibility query by it (`PortfolioFilter.visible_to`) and asks
    `admits` of a single coalition, so both say the same."""

    organisation: str | None = None  # its organisation is an initiator or on the partner list
    member: str | None = None  # its id was named a member (`add_member`)
    programmes: tuple[str, ...] = ()
    coalitions: tuple[str, ...] = ()

    def admits(self, coalition: Coalition) -> bool:
        return (
            (self.organisation is not None and self.organisation in coalition.organisations())
            or (self.member is not None and self.member in coalition.member_ids())
            or (coalition.task.programme is not None and coalition.task.programme in self.programmes)
            or coalition.id in self.coalitions
        )


def _unless(allowed: bool, refusal: str) -> list[str]:
    """No reasons when `allowed`, else the one `refusal`: what each rule below answers."""
    return [] if allowed else [refusal]


def _reads_only(actor: Actor) -> list[str]:
    if actor.role == Role.auditor:
        return [
            Sentence(
                "policy.auditor-reads", "{actor} may read everything but change nothing.", actor=actor.said()
            )
        ]
    return [
        Sentence("policy.reads-only", "{actor} reads coalitions but changes nothing.", actor=actor.said())
    ]


def _integration_may(actor: Actor, trigger: str) -> list[str]:
    if trigger in actor.allowed_triggers:
        return []
    allowed: str = ", ".join(actor.allowed_triggers) or Sentence("policy.nothing", "nothing")
    return [
        Sentence(
            "policy.integration-only",
            "{actor} may fire only: {allowed}.",
            actor=actor.said(),
            allowed=allowed,
        )
    ]


def _partner_only_own(actor: Actor, trigger: str) -> Sentence:
    return Sentence(
        "policy.partner-only-own",
        "{actor}: partners record only their own organisation's answers, "
        "commitments and action progress; {trigger} is for the coordinator.",
        actor=actor.said(),
        trigger=trigger,
    )


def may_fire(actor: Actor, spec: Trigger[Any], coalition: Coalition, payload: Record) -> list[str]:
    """May `actor` fire this trigger with this (parsed) payload on this coalition?"""
    match actor.role:
        case Role.coordinator if (scope := member_scope(actor)) is not None and not scope.admits(coalition):
            return [
                Sentence(
                    "policy.coordinator-elsewhere",
                    "{actor} coordinates other coalitions, not this one.",
                    actor=actor.said(),
                )
            ]
        case Role.coordinator | Role.office_admin | Role.system:
            return []
        case Role.auditor | Role.observer | Role.programme_lead:
            return _reads_only(actor)
        case Role.integration:
            return _integration_may(actor, spec.name)
        case Role.partner:
            if spec.partner_scope is None:
                return [_partner_only_own(actor, spec.name)]
            concerned = spec.partner_scope(coalition, payload)
            if concerned == COORDINATORS_RECORD:
                return [
                    Sentence(
                        "policy.coordinators-record",
                        "{actor}: {trigger} of this record is for the coordinator; partners correct only "
                        "their own organisation's interview and commitment.",
                        actor=actor.said(),
                        trigger=spec.name,
                    )
                ]
            if concerned != actor.organisation:
                own = actor.organisation or ""
                if concerned:
                    return [
                        Sentence(
                            "policy.partner-other-organisation",
                            "{actor} may change only {own}'s records, not {other}'s.",
                            actor=actor.said(),
                            own=own,
                            other=concerned,
                        )
                    ]
                return [
                    Sentence(
                        "policy.partner-unowned",
                        "{actor} may change only {own}'s records, not unowned.",
                        actor=actor.said(),
                        own=own,
                    )
                ]
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
        return [_partner_only_own(actor, spec.name)]
    return _reads_only(actor)


def may_request(actor: Actor) -> list[str]:
    """The engine's own role never arrives from outside: a request claiming it is refused."""
    if actor.role == Role.system:
        return [Sentence("policy.system-reserved", "the system role is reserved for the engine itself.")]
    return []


def may_start(actor: Actor) -> list[str]:
    if _office_wide(actor):
        return []
    if actor.role == Role.integration:
        if START in actor.allowed_triggers:
            return []
        return [
            Sentence("policy.integration-no-start", "{actor} may not start coalitions.", actor=actor.said())
        ]
    return [Sentence("policy.no-start", "{actor} may not start a coalition.", actor=actor.said())]


def may_run_bulk(actor: Actor, trigger: str) -> list[str]:
    if _office_wide(actor):
        return []
    return _unless(
        actor.role == Role.integration and trigger in actor.allowed_triggers,
        Sentence(
            "policy.no-bulk",
            "{actor} may not run bulk operations with {trigger}.",
            actor=actor.said(),
            trigger=trigger,
        ),
    )


def may_manage_subscriptions(actor: Actor) -> list[str]:
    return _unless(
        _office_wide(actor) or actor.role == Role.integration,
        Sentence("policy.no-webhooks", "{actor} may not subscribe or remove webhooks.", actor=actor.said()),
    )


def may_list_subscriptions(actor: Actor) -> list[str]:
    """The webhooks are the office's infrastructure (addresses of its systems): for those who
    read the whole office, not for partners, observers, programme leads or granted auditors."""
    return _unless(
        member_scope(actor) is None,
        Sentence(
            "policy.webhooks-office",
            "{actor}: the office's webhooks are for those who read the whole office.",
            actor=actor.said(),
        ),
    )


def may_remove_subscription(actor: Actor, subscription: Subscription) -> list[str]:
    """A caller removes only the webhooks it made; a coordinator or an office admin any (an
    integration must not silence another system's feed)."""
    denied = may_manage_subscriptions(actor)
    return denied or _unless(
        _office_wide(actor) or subscription.created_by == actor.id,
        Sentence(
            "policy.own-webhooks",
            "{actor} may remove only its own webhooks; {id} was made by {maker}.",
            actor=actor.said(),
            id=subscription.id,
            maker=subscription.created_by,
        ),
    )


def _office_wide(actor: Actor) -> bool:
    """An office changer that is the office's (not a coordinator of some coalitions only):
    it starts coalitions, runs bulk operations, manages keys, webhooks and playbooks."""
    return actor.role in OFFICE_CHANGERS and member_scope(actor) is None


def member_scope(actor: Actor) -> Scope | None:
    """The coalitions `actor` may read, or None for an office-wide reader (coordinators, office
    admins, integrations, and auditors without grants, as every auditor read before grants
    existed). Everyone else reads the coalitions it is a member of (its organisation's; those
    whose members name its id) and those of its grants. Listing and counting narrow the
    visibility query by it; nothing is fetched and dropped."""
    programmes, coalitions = tuple(actor.programmes or ()), tuple(actor.coalitions or ())
    granted = Scope(member=actor.id, programmes=programmes, coalitions=coalitions)
    match actor.role:
        case Role.partner:
            return Scope(organisation=actor.organisation, member=actor.id)
        case Role.observer | Role.programme_lead:
            return granted
        case Role.coordinator if programmes or coalitions:
            return granted
        case Role.auditor if programmes or coalitions:
            return granted
        case _:
            return None


def may_read(actor: Actor, coalition: Coalition) -> bool:
    """Whether `actor` may read this coalition at all (`member_scope`). Surfaces answer a
    reader who may not as they answer a coalition that does not exist, so that its
    existence does not leak."""
    scope = member_scope(actor)
    return scope is None or scope.admits(coalition)


def sees_confidential(actor: Actor, organisation: str) -> bool:
    """Whether `actor` reads `organisation`'s confidential records (its interview answers,
    its constituency's notes): the confidants, and that organisation's own representatives.
    A programme lead oversees a programme's progress, not the bilateral interviews: it reads
    what an integration reads."""
    if actor.role in CONFIDANTS:
        return True
    return actor.role == Role.partner and actor.organisation == organisation


def may_read_audit(actor: Actor) -> list[str]:
    return _unless(
        actor.role in AUDIT_READERS,
        Sentence(
            "policy.audit-readers",
            "{actor}: the audit trail is for auditors and coordinators.",
            actor=actor.said(),
        ),
    )


def may_change(actor: Actor) -> bool:
    """Whether this actor changes anything at all (auditors, observers, programme leads only
    read)."""
    return actor.role in CHANGERS


def may_ever_fire(actor: Actor, spec: Trigger[Any]) -> bool:
    """Whether some payload could let `actor` fire this trigger: what a form is offered for."""
    match actor.role:
        case Role.coordinator | Role.office_admin:
            return True
        case Role.integration:
            return spec.name in actor.allowed_triggers
        case Role.partner:
            return spec.partner_scope is not None
        case _:
            return False


def may_manage_keys(actor: Actor) -> list[str]:
    """Who adds, lists and revokes API keys through the API: an office admin, and a
    coordinator too, so that the embedded default's single login (a coordinator key) and
    every key file from before office admins keep managing their keys. A coordinator may not
    touch office admin keys (`may_manage_key`). The operator on the server uses
    `lemniscate keys`."""
    return _unless(
        _office_wide(actor),
        Sentence(
            "policy.key-managers",
            "{actor}: API keys are managed by an office admin or a coordinator.",
            actor=actor.said(),
        ),
    )


def may_manage_key(actor: Actor, role: str) -> list[str]:
    """May `actor` add or revoke a key of `role`? Only an office admin makes or revokes an
    office admin's key: a coordinator must not raise anyone, itself included, above itself."""
    denied = may_manage_keys(actor)
    return denied or _unless(
        role != Role.office_admin or actor.role == Role.office_admin,
        Sentence(
            "policy.admin-keys",
            "{actor}: office admin keys are made and revoked by an office admin, or with `lemniscate keys`.",
            actor=actor.said(),
        ),
    )


def may_publish_playbook(actor: Actor) -> list[str]:
    """A playbook sets the rules for every coalition that pins it: the office's changers
    publish them, nobody else."""
    return _unless(
        _office_wide(actor),
        Sentence("policy.no-publish-playbook", "{actor} may not publish a playbook.", actor=actor.said()),
    )


def may_manage_programmes(actor: Actor) -> list[str]:
    """The programmes are the office's own list, kept by those who keep its playbooks."""
    return _unless(
        _office_wide(actor),
        Sentence("policy.no-manage-programmes", "{actor} may not add a programme.", actor=actor.said()),
    )


def sees_follow_up(actor: Actor, recipients: Sequence[str], owners: Sequence[str]) -> bool:
    """Whether `actor` reads a follow-up of a coalition it reads, going to `recipients` and
    about a record of `owners` (`states.followup_view`). Everyone who reads a coalition but
    a partner sees all of its follow-ups: they carry no confidential record (no answer, no
    note, no address). A partner sees those for its organisation or itself and those about
    its organisation's records, not the office's reminders about other organisations."""
    if actor.role != Role.partner:
        return True
    own = {actor.id, actor.organisation}
    return bool(own & {*recipients, *owners})
