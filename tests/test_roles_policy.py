"""The roles of issue 14 in the pure policy: scopes, grants, who manages which keys, and the
key store's checks of grants (the matrix in tests/test_access_matrix.py drives the surfaces)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from lemniscate.api.auth import KeyEntry
from lemniscate.api.keystore import Grants, KeyRefused, KeyStore
from lemniscate.examples import walks
from lemniscate.models.coalition import Coalition, Member, MemberRole
from lemniscate.models.events import Actor, Role
from lemniscate.states import policy
from lemniscate.states.genesis import genesis
from tests.support.method_helpers import start_event

COALITION: Coalition = genesis(start_event(walks.taskforce_start("roles-one")))


def test_an_auditor_without_grants_reads_the_office_and_with_grants_only_those() -> None:
    assert policy.member_scope(Actor(id="els", role=Role.auditor)) is None  # key files from before
    narrowed = Actor(id="els", role=Role.auditor, programmes=["Energie"])
    assert not policy.may_read(narrowed, COALITION)
    assert policy.may_read(narrowed.model_copy(update={"coalitions": ["roles-one"]}), COALITION)
    assert policy.may_read(narrowed.model_copy(update={"programmes": ["Wonen en Zorg"]}), COALITION)
    assert policy.sees_confidential(narrowed, "Aedes")  # in what it reads, an auditor is a confidant


def test_observers_read_where_named_and_programme_leads_their_programmes() -> None:
    otto = Actor(id="otto", role=Role.observer)
    assert not policy.may_read(otto, COALITION)
    named = COALITION.model_copy(
        update={
            "members": [Member(id="otto", role=MemberRole.observer, since=date(2027, 1, 4), named_by="anna")]
        }
    )
    assert policy.may_read(otto, named)
    lead = Actor(id="lea", role=Role.programme_lead, programmes=["Wonen en Zorg"])
    assert policy.may_read(lead, COALITION)
    for reader in (otto, lead):  # a policy answer with sentences is a refusal
        assert not policy.sees_confidential(reader, "Aedes")
        assert not policy.may_change(reader)
        assert policy.may_read_audit(reader)
        assert policy.may_list_subscriptions(reader)
    # A programme lead without programmes sees nothing, never everything.
    assert not policy.may_read(Actor(id="lea", role=Role.programme_lead), COALITION)


def test_an_office_admin_does_everything_and_only_it_manages_office_admin_keys() -> None:
    admin = Actor(id="root", role=Role.office_admin)  # an empty answer: allowed
    anna = Actor(id="anna", role=Role.coordinator)
    assert policy.member_scope(admin) is None and policy.sees_confidential(admin, "Aedes")
    assert not policy.may_start(admin) and not policy.may_read_audit(admin)
    assert not policy.may_manage_key(admin, "office_admin")
    assert not policy.may_manage_key(anna, "observer")  # the embedded default's login still can
    assert policy.may_manage_key(anna, "office_admin")
    assert policy.may_manage_keys(Actor(id="lea", role=Role.programme_lead, programmes=["P"]))


def test_the_key_store_checks_grants_and_old_files_read_as_before(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "keys.json")
    with pytest.raises(KeyRefused) as refused:
        store.add("lea", "programme_lead")
    assert refused.value.reasons == [
        "programmes: a programme lead leads at least one programme; give it, e.g. Wonen"
    ]
    with pytest.raises(KeyRefused) as refused:
        store.add("piet", "partner", "Aedes", grants=Grants(coalitions=["x"]))
    assert refused.value.reasons[0].startswith(
        "coalitions: only observer, programme_lead, auditor, coordinator keys"
    )
    made = store.add("lea", "programme_lead", grants=Grants(programmes=["Wonen en Zorg"], coalitions=["c-1"]))
    assert made.entry.actor().programmes == ["Wonen en Zorg"] and made.entry.actor().coalitions == ["c-1"]
    old = KeyEntry.model_validate({"key": "an-old-auditor-key-0123", "id": "els", "role": "auditor"})
    assert old.actor() == Actor(id="els", role=Role.auditor)  # no grants: None, as recorded before


def test_a_coordinator_with_grants_coordinates_those_coalitions_only() -> None:
    from lemniscate import states

    office = Actor(id="anna", role=Role.coordinator)
    assert policy.member_scope(office) is None  # a coordinator key without grants: the office's
    local = Actor(id="kim", role=Role.coordinator, coalitions=["roles-other"])
    record_intent = states.TRIGGERS["record_intent"]
    payload = states.parse_payload("record_intent", {"intent": "x"})
    # Not this one: no reading, no firing (the service answers both as a coalition that is not there).
    assert not policy.may_read(local, COALITION)
    [refused] = policy.may_fire(local, record_intent, COALITION, payload)
    assert refused.code == "policy.coordinator-elsewhere"  # type: ignore[attr-defined]
    # Named its coordinator there, or granted it: all of a coordinator's powers in that coalition,
    # the interviews included, and none over the office.
    named = COALITION.model_copy(
        update={
            "members": [
                Member(id="kim", role=MemberRole.coordinator, since=date(2027, 1, 4), named_by="anna")
            ]
        }
    )
    granted = local.model_copy(update={"coalitions": ["roles-one"]})
    for who, coalition in ((local, named), (granted, COALITION)):
        assert policy.may_read(who, coalition)
        assert policy.may_fire(who, record_intent, coalition, payload) == []
        assert policy.sees_confidential(who, "Aedes")
    for denied in (
        policy.may_start(local),
        policy.may_run_bulk(local, "record_intent"),
        policy.may_manage_keys(local),
        policy.may_manage_subscriptions(local),
        policy.may_publish_playbook(local),
        policy.may_list_subscriptions(local),
    ):
        assert denied
    assert not policy.may_start(office) and not policy.may_manage_keys(office)


def test_a_coordinator_key_of_some_coalitions_is_made_with_its_grants(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "keys.json")
    made = store.add("kim", "coordinator", None, [], Grants(coalitions=["taskforce-wonen"]))
    assert made.entry.coalitions == ["taskforce-wonen"]
    assert policy.member_scope(made.entry.actor()) is not None
