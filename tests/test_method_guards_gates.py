"""The strict playbook and the communication gates: what it asks before founding and adoption,
and the gate every trigger's moves pass."""

from __future__ import annotations

from lemniscate import states
from lemniscate.examples.walks import Step, partner_actor
from lemniscate.models.coalition import Coalition
from lemniscate.models.playbook import CommunicationItem
from lemniscate.states import guards as g
from tests.support.guard_walks import CITY, CT, STRICT_TASKFORCE, TASKFORCE, TF, TF_BEFORE_FOUND
from tests.support.method_helpers import (
    MESSAGE_HOUSE,
    POSITIONING,
    fire,
    refusal,
    start_event,
    steps_before,
    steps_through,
    walk,
)


def test_the_strict_playbook_blocks_founding_until_message_house_and_positioning() -> None:
    c = walk(STRICT_TASKFORCE, TF_BEFORE_FOUND).coalition
    assert c.playbook.ref == "strict@1"
    assert refusal(c, "found") == [
        "The playbook strict@1 requires before found: a message house (build_message_house); "
        "a positioning choice (choose_positioning)."
    ]
    c = fire(c, "build_message_house", {"message_house": MESSAGE_HOUSE})
    assert states.overview(c).blockers["found"] == [
        "The playbook strict@1 requires before found: a positioning choice (choose_positioning)."
    ]
    c = fire(c, "choose_positioning", {"positioning": POSITIONING})
    assert "found" in states.overview(c).allowed
    assert fire(c, "found").state == "doing"
    # The same walk on the default playbook founds without either.
    default = walk(TASKFORCE, steps_through(TF, "found")).coalition
    assert default.state == "doing" and default.communication.message_house is None


def test_the_strict_playbook_gates_adoption_of_the_approach_too() -> None:
    strict_city = {**CITY, "playbook": "strict"}
    c = walk(strict_city, steps_before(CT, "found")).coalition
    assert refusal(c, "found")[0].startswith("The playbook strict@1 requires before found: ")
    house = Step("build_message_house", {"message_house": {**MESSAGE_HOUSE, "contributors": ["Gemeente"]}})
    positioning = Step("choose_positioning", {"positioning": POSITIONING})
    done = walk(
        strict_city, [*steps_before(CT, "found"), house, positioning, *CT[len(steps_before(CT, "found")) :]]
    )
    assert done.coalition.state == "doing"


def _with_gates(c: Coalition, gates: dict[str, list[CommunicationItem]]) -> Coalition:
    playbook = c.playbook.model_copy(update={"name": "custom", "gates": gates})
    return c.model_copy(update={"playbook": playbook})


def test_playbook_gate_names_every_missing_communication_item() -> None:
    c = _with_gates(walk(TASKFORCE, TF_BEFORE_FOUND).coalition, {"found": list(CommunicationItem)})
    gate = g.playbook_gate("found")
    assert gate.name == "playbook_gate:found"
    assert gate(c) == (
        "The playbook custom@1 requires before found: a message house (build_message_house); "
        "a positioning choice (choose_positioning); constituency support of every committed "
        "partner (record_constituency_support); a toolkit for the partners' own channels "
        "(publish_toolkit); a communication advisor of every committed partner "
        "(join_communication_coalition)."
    )
    assert refusal(c, "found") == [gate(c)]
    c = fire(c, "build_message_house", {"message_house": MESSAGE_HOUSE})
    c = fire(c, "choose_positioning", {"positioning": POSITIONING})
    c = fire(c, "publish_toolkit", {"items": ["Shared slides"]})
    support = {"managers": True, "legal_staff": True, "executives": True}
    for org in ("VNG", "Aedes"):  # ActiZ committed too and is still missing
        c = fire(c, "record_constituency_support", {"partner": org, "support": support}, partner_actor(org))
        c = fire(
            c, "join_communication_coalition", {"partner": org, "advisor": f"{org} comms"}, partner_actor(org)
        )
    assert gate(c) == (
        "The playbook custom@1 requires before found: constituency support of every committed "
        "partner (record_constituency_support); a communication advisor of every committed "
        "partner (join_communication_coalition)."
    )
    c = fire(c, "record_constituency_support", {"partner": "ActiZ", "support": support})
    c = fire(c, "join_communication_coalition", {"partner": "ActiZ", "advisor": "ActiZ comms"})
    assert gate(c) is None
    assert fire(c, "found").state == "doing"


def test_playbook_gate_also_guards_records_and_is_silent_by_default() -> None:
    c = states.genesis(start_event(TASKFORCE))
    assert all(g.playbook_gate(t)(c) is None for t in states.TRIGGER_NAMES)
    gated = _with_gates(c, {"add_partner": [CommunicationItem.toolkit]})
    assert refusal(gated, "add_partner", {"name": "Ieder(in)"}) == [
        "The playbook custom@1 requires before add_partner: a toolkit for the partners' own "
        "channels (publish_toolkit)."
    ]
    gated = fire(gated, "publish_toolkit", {"items": ["Shared messages"]})
    assert [q.name for q in fire(gated, "add_partner", {"name": "Ieder(in)"}).partners][-1] == "Ieder(in)"


def test_collective_gates_need_at_least_one_committed_partner() -> None:
    c = _with_gates(
        states.genesis(start_event(TASKFORCE)),
        {
            "record_intent": [
                CommunicationItem.constituency_support,
                CommunicationItem.communication_coalition,
            ]
        },
    )
    assert not g.communication_item_present(c, CommunicationItem.constituency_support)
    assert not g.communication_item_present(c, CommunicationItem.communication_coalition)
    assert refusal(c, "record_intent", {"intent": "x"})[0].startswith(
        "The playbook custom@1 requires before record_intent: constituency support"
    )
