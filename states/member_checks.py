"""Checks of the membership triggers against the coalition: a person is named once, a
representative acts for one of the coalition's organisations, only a member is removed."""

from __future__ import annotations

from lemniscate.models import payloads as p
from lemniscate.models.coalition import Coalition, MemberRole
from lemniscate.models.sentence import Sentence
from lemniscate.states.checks import field, unknown_organisations
from lemniscate.states.names import TriggerName as T
from lemniscate.states.words import trigger_word


def add_member(c: Coalition, x: p.AddMember) -> list[str]:
    """A person is named once; a representative acts for an organisation of this coalition,
    an observer for none."""
    reasons: list[str] = []
    if c.member(x.member) is not None:
        already = Sentence(
            "check.member-already",
            "{member} is a member already; {remove} first to change how.",
            member=x.member,
            remove=trigger_word(T.remove_member),
        )
        reasons.append(field("member", already))
    if x.role == MemberRole.representative:
        if x.organisation is None:
            needed = Sentence(
                "check.representative-organisation",
                "a representative acts for an organisation; give it, e.g. Aedes.",
            )
            reasons.append(field("organisation", needed))
        else:
            reasons += unknown_organisations(c, [x.organisation], "organisation")
    elif x.organisation is not None:
        none = Sentence("check.observer-organisation", "an observer acts for no organisation; leave it out.")
        reasons.append(field("organisation", none))
    return reasons


def remove_member(c: Coalition, x: p.RemoveMember) -> list[str]:
    if c.member(x.member) is not None:
        return []
    members: str = ", ".join(c.member_ids()) or Sentence("check.no-members", "none")
    missing = Sentence(
        "check.not-a-member",
        "{member} is not a member of this coalition (members: {members}).",
        member=x.member,
        members=members,
    )
    return [field("member", missing)]
