"""The API answers a person's problem in their language (`Accept-Language`, else the
office's), beside codes that do not change with it: the same request in Dutch and English
differs in its words only."""

from __future__ import annotations

import pytest

from lemniscate.models import bounds
from tests.support.web_stack import WebStack, auth, start_taskforce

SLUG = "language-api"


@pytest.fixture(scope="module")
async def stack(web: WebStack) -> WebStack:
    await start_taskforce(web, SLUG)
    return web


def _asked(language: str) -> dict[str, str]:
    return {**auth("coordinator"), "Accept-Language": language}


async def test_an_invalid_payload_is_explained_in_dutch_with_the_same_codes(stack: WebStack) -> None:
    route = f"/coalitions/{SLUG}/triggers/record_intent"
    payload = {"intent": 42, "surplus": 1}
    dutch = await stack.http.post(route, json=payload, headers=_asked("nl-NL,nl;q=0.9,en;q=0.5"))
    english = await stack.http.post(route, json=payload, headers=_asked("en-GB"))
    assert dutch.status_code == english.status_code == 422
    assert dutch.headers["content-language"] == "nl" and english.headers["content-language"] == "en"
    nl, en = dutch.json(), english.json()
    assert nl["title"] == "Ongeldige gegevens" and en["title"] == "Invalid payload"
    by_field = {e["field"]: e for e in nl["errors"]}
    assert by_field["surplus"]["reason"] == "Dit veld bestaat hier niet"
    assert by_field["intent"]["reason"] == "Moet tekst zijn"
    # What a program reads is the same in both: fields, codes, type, status.
    strip = [(e["field"], e["code"]) for e in nl["errors"]]
    assert strip == [(e["field"], e["code"]) for e in en["errors"]]
    assert "pydantic.extra_forbidden" in {code for _, code in strip}
    assert (nl["type"], nl["status"], nl["reason_codes"]) == (en["type"], en["status"], en["reason_codes"])


async def test_without_accept_language_the_office_default_speaks(stack: WebStack) -> None:
    # The test session's office default is English (tests/conftest.py); a browser asking
    # for a language Lemniscate does not speak gets that default too.
    answered = await stack.http.post(
        f"/coalitions/{SLUG}/triggers/record_intent", json={}, headers=_asked("de-DE")
    )
    assert answered.headers["content-language"] == "en"
    assert answered.json()["errors"][0]["reason"] == "Field required"


async def test_a_body_too_large_is_counted_the_dutch_way(stack: WebStack) -> None:
    body = b"x" * (bounds.MAX_BODY_BYTES + 1)
    answered = await stack.http.post(
        f"/coalitions/{SLUG}/triggers/record_intent",
        content=body,
        headers={**_asked("nl"), "Content-Type": "application/json"},
    )
    assert answered.status_code == 413
    problem = answered.json()
    assert problem["title"] == "Inhoud te groot"
    assert f"{bounds.MAX_BODY_BYTES + 1:,}".replace(",", ".") in problem["detail"]


async def test_unknown_coalitions_and_keys_are_said_in_dutch(stack: WebStack) -> None:
    missing = await stack.http.get("/coalitions/bestaat-niet", headers=_asked("nl"))
    assert missing.status_code == 404
    assert missing.json()["title"] == "Deze coalitie bestaat niet"
    assert "er is geen coalitie 'bestaat-niet'" in missing.json()["detail"]
    anonymous = await stack.http.get("/coalitions", headers={"Accept-Language": "nl"})
    assert anonymous.status_code == 401 and anonymous.json()["title"] == "Niet aangemeld"
    nowhere = await stack.http.get("/nergens", headers={"Accept-Language": "nl"})
    assert nowhere.status_code == 404 and nowhere.json()["title"] == "Niet gevonden"
