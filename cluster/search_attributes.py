"""Lemniscate's custom search attributes: the typed keys, their values, their registration.

Search attribute values are stored unencrypted on the server (a payload codec never
touches them): keep personal data out of them.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Final, NamedTuple

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
)
from temporalio.client import Client
from temporalio.common import (
    SearchAttributeIndexedValueType,
    SearchAttributeKey,
    SearchAttributePair,
    SearchAttributeUpdate,
    TypedSearchAttributes,
)
from temporalio.service import RPCError, RPCStatusCode

from lemniscate import states
from lemniscate.cluster.errors import SearchAttributeError
from lemniscate.models.coalition import Coalition
from lemniscate.states import followup_view

STATE: Final = SearchAttributeKey.for_keyword("LemniscateState")
ROUND: Final = SearchAttributeKey.for_keyword("LemniscateRound")
SIDE: Final = SearchAttributeKey.for_keyword("LemniscateSide")
PROGRAMME: Final = SearchAttributeKey.for_keyword("LemniscateProgramme")
PLAYBOOK: Final = SearchAttributeKey.for_keyword("LemniscatePlaybook")
ORGANISATIONS: Final = SearchAttributeKey.for_keyword_list("LemniscateOrganisations")
# The people named members (`add_member`), as `member_token`s: what an observer's listing is
# narrowed by. Tokens, not ids, since key ids often name a person and these are stored in
# the clear.
MEMBERS: Final = SearchAttributeKey.for_keyword_list("LemniscateMembers")
AT_RISK: Final = SearchAttributeKey.for_bool("LemniscateAtRisk")
NEXT_FOLLOW_UP: Final = SearchAttributeKey.for_datetime("LemniscateNextFollowUp")
# What the agenda's overdue and escalated worklists are narrowed by: the earliest due day of
# an open action (overdue exactly when it is before today, so the clock moving needs no
# upsert), and whether an escalation stands that nobody acted on (`followup_view.standing`).
EARLIEST_DUE: Final = SearchAttributeKey.for_datetime("LemniscateEarliestDue")
ESCALATED: Final = SearchAttributeKey.for_bool("LemniscateEscalated")
# The coalition's name, for the portfolio's rows and its sort; it never changes, so it costs
# no upsert of its own. Like the programme and the organisations it names no person.
NAME: Final = SearchAttributeKey.for_keyword("LemniscateName")
# The name's letters in threes (`name_grams`), as words of a Text attribute: what a search
# for part of a name matches, since visibility has no LIKE (see docs/portfolio.md).
NAME_GRAMS: Final = SearchAttributeKey.for_text("LemniscateNameGrams")
# The kind of the next follow-up (`FollowUpKind`), next to its time; set by runs that
# started with the portfolio-next-kind patch.
NEXT_KIND: Final = SearchAttributeKey.for_keyword("LemniscateNextKind")

ALL: Final[tuple[SearchAttributeKey[Any], ...]] = (
    STATE,
    ROUND,
    SIDE,
    PROGRAMME,
    PLAYBOOK,
    ORGANISATIONS,
    AT_RISK,
    NEXT_FOLLOW_UP,
    MEMBERS,
    EARLIEST_DUE,
    ESCALATED,
    NAME,
    NAME_GRAMS,
    NEXT_KIND,
)

ROUND_VALUES: Final = ("1", "2", "3", "execution", "closure")
"""The values `ROUND` takes."""


class Values(NamedTuple):
    """What a coalition is listed by, computed once for the start and for every upsert.

    A tuple, so that comparing two tells whether anything changed: an upsert that changes
    nothing would still cost a history event."""

    state: str
    round: str
    side: str
    programme: str | None
    playbook: str
    organisations: tuple[str, ...]
    at_risk: bool
    next_follow_up_at: datetime | None
    members: tuple[str, ...] = ()
    name: str | None = None
    next_kind: str | None = None
    earliest_due: datetime | None = None
    escalated: bool = False

    def before_the_agenda_index(self) -> Values:
        """What runs started before the agenda index upsert on: such a run upserts when one
        of these changes (as its history recorded), and carries the index along."""
        return self._replace(earliest_due=None, escalated=False)

    def updates(self, since: Values | None = None) -> list[SearchAttributeUpdate[Any]]:
        """For `workflow.upsert_search_attributes`: every key, unset where there is no value;
        with `since` (what this run upserted last), only the keys that changed.

        An upsert merges into what the index holds, so the unchanged keys need not travel:
        each costs the worker its encoding and the server its bytes. (A replay compares an
        upsert's command, not the attributes in it, so runs recorded with every key replay.)"""
        every = self._every()
        if since is None:
            return every
        before = {update.key.name: update.value for update in since._every()}
        return [u for u in every if u.key.name not in before or before[u.key.name] != u.value]

    def _every(self) -> list[SearchAttributeUpdate[Any]]:
        return [
            STATE.value_set(self.state),
            ROUND.value_set(self.round),
            SIDE.value_set(self.side),
            PROGRAMME.value_set(self.programme) if self.programme else PROGRAMME.value_unset(),
            PLAYBOOK.value_set(self.playbook),
            ORGANISATIONS.value_set(list(self.organisations)),
            AT_RISK.value_set(self.at_risk),
            NEXT_FOLLOW_UP.value_set(self.next_follow_up_at)
            if self.next_follow_up_at
            else NEXT_FOLLOW_UP.value_unset(),
            # Unset when the last member is removed, or a removed observer would go on
            # finding the coalition in its listing. (A replay compares an upsert's command,
            # not the attributes in it: histories recorded without this key still replay.)
            MEMBERS.value_set(list(self.members)) if self.members else MEMBERS.value_unset(),
            EARLIEST_DUE.value_set(self.earliest_due) if self.earliest_due else EARLIEST_DUE.value_unset(),
            ESCALATED.value_set(self.escalated),
            *self._named(),
        ]

    def _named(self) -> list[SearchAttributeUpdate[Any]]:
        # Only what this run knows: a run without the patch never sets the next kind, and
        # leaves alone a kind it cannot know rather than unsetting it.
        named: list[SearchAttributeUpdate[Any]] = []
        if self.name:
            named += [NAME.value_set(self.name), NAME_GRAMS.value_set(name_grams(self.name))]
        if self.next_kind is not None:
            named.append(NEXT_KIND.value_set(self.next_kind) if self.next_kind else NEXT_KIND.value_unset())
        return named

    def typed(self) -> TypedSearchAttributes:
        """For starting a workflow: the keys that have a value."""
        pairs = [
            SearchAttributePair(update.key, update.value)
            for update in self.updates()
            if update.value is not None
        ]
        return TypedSearchAttributes(pairs)


def values_of(
    coalition: Coalition,
    at_risk: bool = False,
    next_follow_up_at: datetime | None = None,
    *,
    escalated: bool = False,
    next_kind: str | None = None,
) -> Values:
    """The search attribute values of `coalition`. `at_risk` and `next_follow_up_at` depend
    on the clock and the follow-ups delivered, which only the workflow knows; a coalition
    about to start is neither at risk nor has a follow-up planned yet."""
    return Values(
        state=coalition.state,
        round=states.current_round(coalition).value,
        side=states.STATE_INFO[coalition.state].side.value,
        programme=coalition.task.programme,
        playbook=coalition.playbook.ref,
        organisations=tuple(coalition.organisations()),
        at_risk=at_risk,
        next_follow_up_at=next_follow_up_at,
        members=tuple(member_token(m) for m in coalition.member_ids()),
        # A closed coalition's open actions are handed over or dropped: due for nobody here.
        earliest_due=None if states.final(coalition) else followup_view.earliest_due(coalition),
        escalated=escalated,
        name=coalition.name,
        next_kind=next_kind,
    )


def folded(text: str) -> str:
    """`text` as a name search compares it: case, accents, spaces and punctuation gone, so
    "Coöperatie Noord-Oost" and "cooperatie noordoost" are one."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum())


def grams_of(text: str) -> list[str]:
    """The distinct letters-in-threes of `folded(text)`, in order of first appearance (the
    whole of it when shorter)."""
    letters = folded(text)
    if len(letters) <= 3:
        return [letters] if letters else []
    return list(dict.fromkeys(letters[i : i + 3] for i in range(len(letters) - 2)))


def name_grams(name: str) -> str:
    """The `NAME_GRAMS` value of `name`: its threes as words, at most 198 of 4 bytes (a 200
    letter name), well under a value's 2 KB."""
    return " ".join(grams_of(name))


def member_token(member_id: str) -> str:
    """How a member's id is indexed and searched: a digest, so that the visibility store,
    which a payload codec never encrypts, holds no person's name."""
    return "m-" + hashlib.sha256(member_id.encode()).hexdigest()[:32]


_TYPE_NAMES: Final[Mapping[SearchAttributeIndexedValueType, str]] = {
    SearchAttributeIndexedValueType.TEXT: "Text",
    SearchAttributeIndexedValueType.KEYWORD: "Keyword",
    SearchAttributeIndexedValueType.INT: "Int",
    SearchAttributeIndexedValueType.DOUBLE: "Double",
    SearchAttributeIndexedValueType.BOOL: "Bool",
    SearchAttributeIndexedValueType.DATETIME: "Datetime",
    SearchAttributeIndexedValueType.KEYWORD_LIST: "KeywordList",
}


def type_name(key: SearchAttributeKey[Any]) -> str:
    """The type as the `temporal` CLI and Web UI spell it (e.g. "KeywordList")."""
    return _TYPE_NAMES[key.indexed_value_type]


def dev_server_flags() -> list[str]:
    """`--search-attribute Name=Type` flags for `temporal server start-dev`.

    The dev server applies them only to namespaces it creates in that run; on a restart
    with an existing database they are ignored, so call `ensure_registered` as well.
    """
    flags: list[str] = []
    for key in ALL:
        flags += ["--search-attribute", f"{key.name}={type_name(key)}"]
    return flags


async def ensure_registered(client: Client, namespace: str | None = None) -> tuple[str, ...]:
    """Register whichever of `ALL` the namespace lacks; return the names added.

    Idempotent. Raises `SearchAttributeError` when a name exists with another type or
    the cluster refuses the registration (e.g. Temporal Cloud, where the operator API
    is closed: register them with `tcld` or the Cloud UI instead).
    """
    namespace = namespace or client.namespace
    try:
        existing = await _list_custom(client, namespace)
    except RPCError as exc:
        if exc.status != RPCStatusCode.UNIMPLEMENTED:
            raise _refused(namespace, ALL, exc) from exc
        # The time-skipping test server cannot list search attributes, only add them.
        return await _add_one_by_one(client, namespace)
    _check_types(namespace, existing)
    missing = [key for key in ALL if key.name not in existing]
    if not missing:
        return ()
    try:
        await _add(client, namespace, missing)
    except RPCError as exc:
        if exc.status != RPCStatusCode.ALREADY_EXISTS:
            raise _refused(namespace, missing, exc) from exc
        # Someone else registered some of them between our list and add.
        _check_types(namespace, await _list_custom(client, namespace))
        return await _add_one_by_one(client, namespace, missing)
    return tuple(key.name for key in missing)


async def registered_types(client: Client, namespace: str | None = None) -> dict[str, str]:
    """Custom search attributes of the namespace, name -> CLI type name."""
    existing = await _list_custom(client, namespace or client.namespace)
    return {name: _TYPE_NAMES[SearchAttributeIndexedValueType(value)] for name, value in existing.items()}


async def _list_custom(client: Client, namespace: str) -> dict[str, int]:
    response = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace=namespace)
    )
    return dict(response.custom_attributes)


async def _add(client: Client, namespace: str, keys: Iterable[SearchAttributeKey[Any]]) -> None:
    await client.operator_service.add_search_attributes(
        AddSearchAttributesRequest(
            namespace=namespace,
            search_attributes={key.name: IndexedValueType.ValueType(key.indexed_value_type) for key in keys},
        )
    )


async def _add_one_by_one(
    client: Client, namespace: str, keys: Iterable[SearchAttributeKey[Any]] = ALL
) -> tuple[str, ...]:
    # One request per key: a batch fails as a whole on the first name that exists.
    added: list[str] = []
    for key in keys:
        try:
            await _add(client, namespace, [key])
        except RPCError as exc:
            if exc.status != RPCStatusCode.ALREADY_EXISTS:
                raise _refused(namespace, [key], exc) from exc
        else:
            added.append(key.name)
    return tuple(added)


def _check_types(namespace: str, existing: Mapping[str, int]) -> None:
    wrong = [
        f"{key.name} is {_TYPE_NAMES[SearchAttributeIndexedValueType(existing[key.name])]}"
        f" (needs {type_name(key)})"
        for key in ALL
        if key.name in existing and existing[key.name] != key.indexed_value_type
    ]
    if wrong:
        raise SearchAttributeError(
            f"Namespace {namespace!r} has search attributes of the wrong type: "
            f"{'; '.join(wrong)}. A search attribute's type cannot change: remove them "
            "(temporal operator search-attribute remove) or use a fresh namespace."
        )


def _refused(namespace: str, keys: Iterable[SearchAttributeKey[Any]], exc: RPCError) -> SearchAttributeError:
    wanted = ", ".join(f"{key.name}={type_name(key)}" for key in keys)
    return SearchAttributeError(
        f"Could not register search attributes in namespace {namespace!r} ({exc.message}); "
        f"register them yourself ({wanted}) with `temporal operator search-attribute "
        "create`, or on Temporal Cloud with `tcld` or the Cloud UI."
    )
