"""Steps that cannot be undone (dissolve, start closing, close) are sent from the dashboard
only with the box ticked that says, in words and in the page's language, what they do: an
unticked form comes back unsent (a 303 back to it), its box marked, and the coalition is
where it was.
Over HTTP against the web stack (API, dashboard and a worker on the real dev server); the
page's script holds the form back too (tests/test_accessibility.py). And a step's blockers
are said in the page's language, each with a link to the record form that resolves it."""

from __future__ import annotations

from contextlib import aclosing

from markupsafe import escape

from lemniscate import language, states
from lemniscate.dashboard.consequences import CONFIRM, CONSEQUENCES, NOT_CONFIRMED
from lemniscate.examples.walks import COORDINATOR
from lemniscate.workflows.io import CoalitionView
from tests.support.web_stack import WebStack, start_taskforce

SLUG = "confirm-walk"


def language_overview(view: CoalitionView) -> list[states.TriggerStatus]:
    """The coalition's trigger statuses as the method words them (Sentences, with codes)."""
    return states.overview(view.coalition).triggers


async def test_dissolve_waits_for_its_box(web: WebStack) -> None:
    await start_taskforce(web, SLUG)
    url = f"/dashboard/coalitions/{SLUG}"
    for lang in ("en", "nl"):
        client = await web.dashboard("coordinator", lang)
        async with aclosing(client):
            form = await client.get(f"{url}/forms/dissolve")
            said = str(escape(language.translate(CONSEQUENCES["dissolve"], lang)))
            assert said in form.text, lang
            assert f'name="{CONFIRM}"' in form.text
            before = (await web.service.view(SLUG, COORDINATOR)).status.journal_length

            sent = await client.post(f"{url}/triggers/dissolve", data={"reason": "No time."})
            assert sent.status_code == 303
            held = await client.get(sent.headers["location"])
            assert str(escape(language.translate(NOT_CONFIRMED, lang))) in held.text
            assert "field--confirm field--invalid" in held.text
            view = await web.service.view(SLUG, COORDINATOR)
            assert view.status.journal_length == before and view.overview.state != "dissolved"

    client = await web.dashboard("coordinator")
    async with aclosing(client):
        sent = await client.post(f"{url}/triggers/dissolve", data={"reason": "No time.", CONFIRM: "on"})
        assert sent.status_code == 303, sent.text
    assert (await web.service.view(SLUG, COORDINATOR)).overview.state == "dissolved"


async def test_a_step_that_can_be_undone_asks_nothing(web: WebStack) -> None:
    slug = f"{SLUG}-intent"
    await start_taskforce(web, slug)
    client = await web.dashboard("coordinator")
    async with aclosing(client):
        sent = await client.post(
            f"/dashboard/coalitions/{slug}/triggers/record_intent", data={"intent": "Homes."}
        )
        assert sent.status_code == 303, sent.text


async def test_a_blocker_says_itself_in_dutch_and_leads_to_its_form(web: WebStack) -> None:
    slug = f"{SLUG}-blocked"
    await start_taskforce(web, slug)
    intent_missing = next(
        b
        for t in language_overview(await web.service.view(slug, COORDINATOR))
        if t.trigger == "map_domain"
        for b in t.blockers
        if getattr(b, "code", "") == "guard.intent-missing"
    )
    client = await web.dashboard("coordinator", "nl")
    async with aclosing(client):
        page = await client.get(f"/dashboard/coalitions/{slug}")
    step = page.text.split('data-step="map_domain"')[1].split("</article>")[0]
    dutch = language.translate(intent_missing, "nl")
    assert dutch != str(intent_missing) and str(escape(dutch)) in step
    assert f'href="/dashboard/coalitions/{slug}/forms/record_intent" data-open="record-record_intent"' in step
    assert 'id="record-record_intent"' in page.text
