"""The core's own sentences said in Dutch: real refusals, warnings and titles of the method,
from `states.decide` and `states.overview`, with the English unchanged."""

from __future__ import annotations

from lemniscate import states
from lemniscate.examples import walks
from lemniscate.language import translate
from lemniscate.models.coalition import Coalition
from lemniscate.models.sentence import Sentence, code_of
from lemniscate.states.names import StateName, TriggerName
from lemniscate.states.words import STATE_WORDS, TRIGGER_WORDS
from tests.support.guard_walks import TASKFORCE
from tests.support.method_helpers import decide, start_event


def _fresh() -> Coalition:
    return states.genesis(start_event(TASKFORCE))


def _said(c: Coalition, trigger: str, payload: dict[str, object] | None = None) -> list[tuple[str, str]]:
    """Each reason `trigger` is refused for, in English and in Dutch."""
    verdict = decide(c, trigger, dict(payload or {}))
    assert not verdict.allowed
    return [(str(reason), translate(reason, "nl")) for reason in verdict.reasons]


def test_mapping_the_domain_without_intent_or_interviews() -> None:
    assert _said(_fresh(), "map_domain") == [
        (
            "The initiator's own intent is not recorded yet (record_intent).",
            "De eigen intentie van de initiatiefnemer is nog niet vastgelegd (intentie vastleggen).",
        ),
        (
            "5 of 5 prospective partners have no interview: VNG, Aedes, ActiZ, ZN, BZK "
            "(record_interview, or mark_not_reached with a reason).",
            "Met 5 van de 5 beoogde partners is nog geen bilateraal gesprek gevoerd: VNG, Aedes, "
            "ActiZ, ZN, BZK (gespreksverslag vastleggen, of als niet bereikt markeren met een reden).",
        ),
        (
            "0 partners are interviewed; the playbook default@1 asks for at least 2.",
            "Er is met 0 partners gesproken; het draaiboek default@1 vraagt om gesprekken met "
            "minstens 2 partners.",
        ),
    ]


def test_a_duplicate_partner() -> None:
    assert _said(_fresh(), "add_partner", {"name": "VNG"}) == [
        ("name: VNG is already a partner of this coalition.", "name: VNG is al partner van deze coalitie.")
    ]
    assert _said(_fresh(), "add_partner", {"name": "vng"}) == [
        (
            "name: vng is the same name as the partner VNG (ignoring case); use VNG.",
            "name: vng is dezelfde naam als die van partner VNG (hoofdletters tellen niet mee); gebruik VNG.",
        )
    ]


def test_a_payload_too_large() -> None:
    ((english, dutch),) = _said(_fresh(), "record_intent", {"intent": "x" * 70_000})
    assert english == (
        "payload: 70,014 bytes as JSON; a trigger carries at most 65,536. "
        "Shorten the texts, or split the change over several triggers."
    )
    assert dutch == (
        "payload: 70.014 bytes als JSON; een stap mag hoogstens 65.536 bytes meedragen. "
        "Kort de teksten in, of verdeel de wijziging over meer stappen."
    )


def test_a_trigger_in_the_wrong_state_names_both_as_words() -> None:
    assert _said(_fresh(), "found") == [
        (
            "found is not possible in intent_and_interests; it applies in: founding.",
            "'coalitie oprichten' kan nu niet: de coalitie staat in 'eigen intentie en belangen "
            "van partners'. Dit kan in: oprichting.",
        )
    ]


def test_an_unknown_partner_and_a_validator_in_dutch() -> None:
    assert _said(_fresh(), "mark_not_reached", {"partner": "Nobody", "reason": "Geen reactie."}) == [
        (
            "partner: Nobody is not a partner of this coalition (add_partner first).",
            "partner: Nobody is geen partner van deze coalitie (eerst partner toevoegen).",
        )
    ]
    ((english, dutch),) = _said(_fresh(), "add_partner", {"name": "a\nb"})
    assert english == ("name: a name is one line of text: remove line breaks, tabs and control characters")
    assert dutch == "name: een naam is één regel tekst: haal regeleinden, tabs en stuurtekens weg"


def test_plural_forms_follow_the_count_in_dutch() -> None:
    one = walks.taskforce_start()
    one["partners"] = one["partners"][:1]
    single = states.genesis(start_event(one))
    (only,) = [r for r in decide(single, "map_domain", {}).reasons if code_of(r).startswith("guard.only")]
    assert translate(only, "nl").startswith("Met de enige beoogde partner is nog geen bilateraal gesprek")
    invitees = Sentence(
        "guard.too-few-invitees",
        "The exploration meeting has {count} invitee; invite at least two.",
        "The exploration meeting has {count} invitees; invite at least two.",
        count=1,
    )
    assert translate(invitees, "nl") == (
        "Voor de verkenningsbijeenkomst is 1 genodigde; nodig er minstens twee uit."
    )


def test_the_overview_says_its_title_and_trigger_summaries_in_dutch() -> None:
    view = states.overview(_fresh())
    assert view.title == "Own intent and partners' interests"
    assert translate(view.title, "nl") == "Eigen intentie en verkenning van de belangen van partners"
    summary = next(t.summary for t in view.triggers if t.trigger == "record_intent")
    assert translate(summary, "nl") == "De eigen intentie van de initiatiefnemer vastleggen."


def test_every_trigger_and_state_has_its_word() -> None:
    assert set(TRIGGER_WORDS) == {str(t) for t in TriggerName}
    assert set(STATE_WORDS) == {str(s) for s in StateName}
    assert all(translate(word, "nl") != str(word) for word in TRIGGER_WORDS.values())
