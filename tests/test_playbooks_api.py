"""`/playbooks` over HTTP: the same registry, rules and sentences as `lemniscate playbook`."""

from __future__ import annotations

from tests.support.web_stack import WebStack, auth


async def test_a_playbook_is_published_listed_and_shown(web: WebStack) -> None:
    document = {"name": "api-gemeente", "version": 1, "description": "One interview.", "min_interviews": 1}
    published = await web.http.post("/playbooks", json=document, headers=auth("coordinator"))
    assert published.status_code == 201, published.text
    assert published.json()["playbook"]["min_interviews"] == 1
    listed = (await web.http.get("/playbooks", headers=auth("aedes"))).json()
    refs = {p["ref"]: p for p in listed}
    assert {"default@1", "strict@1", "api-gemeente@1"} <= set(refs)
    assert refs["api-gemeente@1"]["hash"] == published.json()["hash"]
    shown = await web.http.get("/playbooks/api-gemeente/1", headers=auth("aedes"))
    assert shown.status_code == 200 and shown.json()["min_interviews"] == 1
    missing = await web.http.get("/playbooks/api-gemeente/9", headers=auth("aedes"))
    assert missing.status_code == 404


async def test_a_wrong_document_is_refused_with_each_field_in_the_readers_language(web: WebStack) -> None:
    wrong = {"name": "api-wrong", "version": 0, "min_interviews": "two", "surplus": True}
    english = await web.http.post("/playbooks", json=wrong, headers=auth("coordinator"))
    dutch = await web.http.post(
        "/playbooks", json=wrong, headers={**auth("coordinator"), "Accept-Language": "nl"}
    )
    assert english.status_code == dutch.status_code == 422
    fields = {e["field"] for e in english.json()["errors"]}
    assert {"version", "min_interviews", "surplus"} <= fields
    assert {e["field"] for e in dutch.json()["errors"]} == fields
    assert "Dit veld bestaat hier niet" in {e["reason"] for e in dutch.json()["errors"]}
    partner = await web.http.post("/playbooks", json={"name": "x", "version": 1}, headers=auth("aedes"))
    assert partner.status_code == 403


async def test_a_rule_of_the_document_says_its_reason_alike_in_both_languages(web: WebStack) -> None:
    # A validator's own words are the reason: pydantic's "Value error, " is said in neither.
    wrong = {"name": "api-dates", "version": 1, "dates": {"earliest": "2027-06-01", "latest": "2027-01-01"}}
    said = {}
    for lang in ("en", "nl"):
        refused = await web.http.post(
            "/playbooks", json=wrong, headers={**auth("coordinator"), "Accept-Language": lang}
        )
        assert refused.status_code == 422, refused.text
        said[lang] = {e["field"]: e["reason"] for e in refused.json()["errors"]}
    assert said["en"] == {"dates": "earliest (2027-06-01) is after latest (2027-01-01)"}
    assert set(said["nl"]) == {"dates"} and "Value error" not in said["nl"]["dates"]
    assert "Value error" not in refused.text


async def test_the_dashboard_shows_every_version_and_its_settings(web: WebStack) -> None:
    document = {
        "name": "page-gemeente",
        "version": 1,
        "description": "Een gesprek volstaat.",
        "min_interviews": 1,
    }
    assert (await web.http.post("/playbooks", json=document, headers=auth("coordinator"))).status_code == 201
    client = await web.dashboard("aedes")
    try:
        page = await client.get("/dashboard/playbooks?ref=page-gemeente@1", headers={"Accept-Language": "nl"})
        assert page.status_code == 200
        assert '<html lang="nl"' in page.text and "Draaiboeken" in page.text
        assert 'data-playbook="default@1"' in page.text and 'data-playbook="page-gemeente@1"' in page.text
        assert "Instellingen van page-gemeente@1" in page.text and "<code>min_interviews</code>" in page.text
    finally:
        await client.aclose()
