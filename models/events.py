"""Who did what, when and why: the event every change is."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Final
from urllib.parse import urlsplit

from pydantic import ConfigDict, Field, StringConstraints, model_validator

from lemniscate.models.records import Email, Name, Record, Slug, Text
from lemniscate.models.sentence import Sentence


class Role(StrEnum):
    coordinator = "coordinator"
    partner = "partner"
    auditor = "auditor"
    integration = "integration"
    system = "system"  # the workflow itself: timers, follow-ups
    # Issue 14's office roles; what each may do is `states.policy`'s answer alone.
    observer = "observer"  # reads the coalitions it is a member of, changes nothing
    programme_lead = "programme_lead"  # reads the coalitions of the programmes granted to it
    office_admin = "office_admin"  # the office's administrator: everything, keys included


# Each role as a sentence names it ("as partner"), so a surface can say it in Dutch.
ROLE_WORDS: Final = {
    Role.coordinator: Sentence("role.coordinator", "coordinator"),
    Role.partner: Sentence("role.partner", "partner"),
    Role.auditor: Sentence("role.auditor", "auditor"),
    Role.integration: Sentence("role.integration", "integration"),
    Role.system: Sentence("role.system", "system"),
    Role.observer: Sentence("role.observer", "observer"),
    Role.programme_lead: Sentence("role.programme_lead", "programme_lead"),
    Role.office_admin: Sentence("role.office_admin", "office_admin"),
}

# OpenID Connect bounds a subject to 255 ASCII characters; an issuer is a URL.
Subject = Annotated[str, StringConstraints(min_length=1, max_length=255)]
Issuer = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
_READABLE_SUBJECT = re.compile(r"^[A-Za-z0-9._~:-]{1,64}$")
_MAX_ID = 200  # the bound of `Name`


class Person(Record):
    """A person who logged in through their organisation's identity provider (OpenID
    Connect), as the provider described them at that moment: the issuer and subject name
    them for good, the display name and e-mail are what they were called then."""

    issuer: Issuer
    subject: Subject
    name: Name | None = None
    email: Email | None = None


def person_actor_id(issuer: str, subject: str) -> str:
    """The actor id of a person: `subject@issuer-host`, stable across their log-ins and
    within `Name`'s bounds. A subject that is long or holds other characters than a URL's
    unreserved ones is replaced by its digest, so an id never needs normalising (which
    could make two subjects one id); `Person` keeps the subject itself."""
    if _READABLE_SUBJECT.match(subject) is None:
        subject = "sha256-" + hashlib.sha256(subject.encode()).hexdigest()[:32]
    parts = urlsplit(issuer)
    host = (parts.hostname or "unknown-issuer") + (f":{parts.port}" if parts.port else "")
    ident = f"{subject}@{host}"
    if len(ident) > _MAX_ID:  # a very long host name
        ident = "person-" + hashlib.sha256(f"{issuer}\x00{subject}".encode()).hexdigest()[:40]
    return ident


class Actor(Record):
    id: Name
    role: Role
    organisation: Name | None = Field(default=None, description="required for partners")
    allowed_triggers: list[Name] = Field(
        default_factory=list, description="for integrations: the triggers its key may fire"
    )
    # Grants of a key (`lemniscate keys add --programmes/--coalitions`): which coalitions an
    # observer, a programme lead or an auditor reads beyond its memberships. None, not an
    # empty list, when there are none: the journal's hash chain counts a null as absent, so
    # every entry sealed before grants existed keeps its hash.
    programmes: list[Name] | None = Field(default=None, description="programmes granted")
    coalitions: list[Slug] | None = Field(default=None, description="coalitions granted (their ids)")
    # Optional with a default, so every journal written before people logged in still reads.
    person: Person | None = Field(
        default=None, description="for a person logged in through OpenID Connect: who, as the provider said"
    )

    @model_validator(mode="after")
    def _partner_has_organisation(self) -> Actor:
        if self.role == Role.partner and self.organisation is None:
            raise ValueError(
                Sentence(
                    "actor.partner-organisation", "a partner acts for an organisation: give 'organisation'"
                )
            )
        return self

    @property
    def display_name(self) -> str:
        """What a reader calls this actor: a person's name, else the id."""
        return self.person.name if self.person is not None and self.person.name else self.id

    def __str__(self) -> str:
        return str(self.said())

    def said(self) -> Sentence:
        """Who this is, for a sentence: "Piet de Vries (Aedes) as partner"."""
        org = f" ({self.organisation})" if self.organisation else ""
        return Sentence(
            "actor", "{name}{org} as {role}", name=self.display_name, org=org, role=ROLE_WORDS[self.role]
        )


class Event(Record):
    """One accepted change. `payload` is the trigger's JSON; `states` validates it."""

    # The payload is validated by its trigger's model; stripping here would make the event
    # say something else than what was evaluated.
    model_config = ConfigDict(str_strip_whitespace=False)

    trigger: Name
    payload: dict[str, Any] = Field(default_factory=dict)
    actor: Actor
    at: datetime
    reason: Text | None = None
