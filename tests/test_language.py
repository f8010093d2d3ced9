"""Saying a core sentence in Dutch or English, and choosing the language."""

from __future__ import annotations

import copy

from pydantic import BaseModel, Field, ValidationError

from lemniscate.language import choose, from_environment, translate
from lemniscate.models.sentence import Said, Sentence, code_of, from_wire
from lemniscate.states.errors import bounded, describe_errors


class Form(BaseModel):
    held_on: str = Field(max_length=3)


def _problem() -> str:
    try:
        Form(held_on="too long")
    except ValidationError as error:
        return describe_errors(error)[0]
    raise AssertionError("the form was accepted")


def test_a_field_problem_is_said_in_both_languages_with_one_code() -> None:
    problem = _problem()
    assert translate(problem, "en") == "held_on: String should have at most 3 characters"
    assert translate(problem, "nl") == "held_on: Mag hoogstens 3 teken(s) lang zijn"
    assert code_of(problem) == "field"


def test_plural_follows_the_count_in_each_language() -> None:
    assert translate(bounded(["x"] * 21)[-1], "nl") == "… en nog 1 probleem."
    assert translate(bounded(["x"] * 25)[-1], "nl") == "… en nog 5 problemen."
    assert bounded(["x"] * 25)[-1] == "… and 5 more problems."


def test_a_sentence_survives_the_wire_and_copies() -> None:
    problem = _problem()
    assert isinstance(problem, Sentence)
    carried = from_wire(problem.wire())
    assert carried == problem and translate(carried, "nl") == translate(problem, "nl")
    assert translate(copy.deepcopy(problem), "nl") == translate(problem, "nl")
    assert from_wire({"code": 1, "text": "kept"}) == "kept"  # not a sentence: its text


def test_said_fields_keep_sentences_in_memory_and_write_english() -> None:
    class Reply(BaseModel):
        reasons: list[Said]

    reply = Reply(reasons=[_problem(), "plain"])
    assert isinstance(reply.reasons[0], Sentence)
    assert reply.model_dump_json() == (
        '{"reasons":["held_on: String should have at most 3 characters","plain"]}'
    )


def test_a_persons_own_words_stay_as_written() -> None:
    assert translate("Wij willen samen wonen en zorg verbinden", "en") == (
        "Wij willen samen wonen en zorg verbinden"
    )
    assert translate("A plain text nobody translated", "nl") == "A plain text nobody translated"


def test_the_language_is_chosen_by_person_then_browser_then_office() -> None:
    assert choose("en", "nl-NL,nl;q=0.9") == "en"
    assert choose(None, "de-DE,en;q=0.8,nl;q=0.5") == "en"
    assert choose(None, "en;q=0, nl;q=0.1") == "nl"
    assert choose(None, "fr", environ={"LEMNISCATE_LANGUAGE": "en"}) == "en"
    assert choose(None, None, environ={}) == "nl"
    assert choose(None, "x" * 10_000 + ",en", environ={}) == "nl"  # read only so far


def test_the_command_line_follows_lang_and_the_locale() -> None:
    assert from_environment("en", {"LANG": "nl_NL.UTF-8"}) == "en"
    assert from_environment(None, {"LANG": "en_GB.UTF-8"}) == "en"
    assert from_environment(None, {"LC_ALL": "nl_BE.UTF-8", "LANG": "en_US"}) == "nl"
    assert from_environment(None, {"LANG": "C.UTF-8", "LEMNISCATE_LANGUAGE": "en"}) == "en"
