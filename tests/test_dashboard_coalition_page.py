"""The coalition page stays light and every form answers with a redirect, over HTTP against
the web stack (API, dashboard and a worker on the real dev server): the record forms are
listed, not rendered (each loads from its own address, a page that works without a script,
or just the form for the page's script), a blocker links to the form that resolves it, a
refused form comes back after a 303 with its reasons and what was typed, a fresh form has
today and the sender filled in, and the journal says each entry in the page's language."""

from __future__ import annotations

import html
import re
from contextlib import aclosing
from datetime import datetime

from markupsafe import escape
from starlette.requests import Request

from lemniscate import language, states
from lemniscate.dashboard import names
from lemniscate.dashboard.flash import Flashes
from lemniscate.dashboard.forms import FieldSpec
from lemniscate.dashboard.routes import SPECS, START_SPECS
from lemniscate.dashboard.session import COOKIE
from lemniscate.dashboard.views import Submitted
from lemniscate.examples import walks
from lemniscate.examples.walks import COORDINATOR
from lemniscate.models.sentence import Sentence
from tests.support.web_stack import WebStack, start_taskforce

EXECUTING = "page-executing"
FRESH = "page-fresh"


async def _executing(web: WebStack) -> None:
    await start_taskforce(web, EXECUTING)
    for step in walks.taskforce_to_execution():
        await web.service.trigger(EXECUTING, step.trigger, step.payload, step.actor)


async def test_the_page_of_a_coalition_in_execution_is_light(web: WebStack) -> None:
    await _executing(web)
    view = await web.service.view(EXECUTING, COORDINATOR)
    assert view.overview.round.value == "execution" and view.status.journal_length > 30
    for lang in ("nl", "en"):
        client = await web.dashboard("coordinator", lang)
        async with aclosing(client):
            page = await client.get(f"/dashboard/coalitions/{EXECUTING}")
            assert page.status_code == 200
            assert len(page.content) < 60 * 1024, len(page.content)
            records = re.findall(
                r'data-record="([a-z_]+)">.*?<p data-form-slot><a href="([^"]+)">', page.text, re.S
            )
            assert len(records) >= 10, records
            # Listed, not rendered: each record's form is one request away.
            assert not re.search(
                r'<form [^>]*id="form-({})"'.format("|".join(r for r, _ in records)), page.text
            )
            for trigger, url in records[:3]:
                part = await client.get(html.unescape(url) + "?part=form")
                assert part.status_code == 200 and "<html" not in part.text
                assert f'id="form-{trigger}"' in part.text


async def test_records_come_in_the_order_the_coalition_needs_them(web: WebStack) -> None:
    await start_taskforce(web, FRESH)
    client = await web.dashboard("coordinator")
    async with aclosing(client):
        page = (await client.get(f"/dashboard/coalitions/{FRESH}")).text
    order = re.findall(r'data-record="([a-z_]+)"', page)
    # map_domain, the first step, waits for the intent and the interviews: those come first.
    assert order[:2] == ["record_intent", "record_interview"], order
    step = page.split('data-step="map_domain"')[1].split("</article>")[0]
    assert (
        f'href="/dashboard/coalitions/{FRESH}/forms/record_intent" data-open="record-record_intent"' in step
    )


async def test_a_form_page_works_on_its_own_and_is_filled_in(web: WebStack) -> None:
    slug = f"{FRESH}-own"
    await start_taskforce(web, slug)
    url = f"/dashboard/coalitions/{slug}/forms/record_interview"
    today = datetime.now(language.office_zone()).date().isoformat()
    for lang in ("nl", "en"):
        client = await web.dashboard("coordinator", lang)
        async with aclosing(client):
            page = await client.get(url)
        assert page.status_code == 200 and f'<html lang="{lang}">' in page.text
        form = page.text.split('id="form-record_interview"')[1].split("</form>")[0]
        assert f'name="held_on" type="date" value="{today}"' in form
        assert 'name="interviewer" type="text" value="anna"' in form
        # The short fields the interview needs first, the seven questions after them.
        positions = [
            form.index(f'name="{n}"') for n in ("partner", "held_on", "interviewer", "answers.drive")
        ]
        assert positions == sorted(positions)
        # The questions' help in the page's language.
        help_text = "What drives the partner to (possibly) join?"
        assert (help_text in form) == (lang == "en")
    client = await web.dashboard("coordinator")
    async with aclosing(client):
        assert (await client.get(f"/dashboard/coalitions/{slug}/forms/no_such")).status_code == 404
        # A form of another state: its page says why it is not open now.
        later = await client.get(f"/dashboard/coalitions/{slug}/forms/found")
        assert later.status_code == 200 and "data-blockers" in later.text
        auditor = await web.dashboard("auditor")
        async with aclosing(auditor):  # who may not send it gets no form
            assert (await auditor.get(f"/dashboard/coalitions/{slug}/forms/record_intent")).status_code == 404
        answers = {f"answers.{k}": v for k, v in walks._answers("Aedes", "A task.").items()}
        sent = await client.post(
            f"/dashboard/coalitions/{slug}/triggers/record_interview",
            data={**answers, "partner": "Aedes", "held_on": today, "interviewer": "anna"},
        )
        assert sent.status_code == 303
        assert sent.headers["location"].startswith(f"/dashboard/coalitions/{slug}?done=record_interview")


async def test_a_refused_form_comes_back_after_a_redirect(web: WebStack) -> None:
    slug = f"{FRESH}-refused"
    await start_taskforce(web, slug)
    view = await web.service.view(slug, COORDINATOR)
    before = view.status.journal_length
    for lang in ("en", "nl"):
        client = await web.dashboard("coordinator", lang)
        async with aclosing(client):
            # A record whose content the method refuses: its reasons, its typed values.
            sent = await client.post(
                f"/dashboard/coalitions/{slug}/triggers/add_partner",
                data={"name": "Aedes", "__reason": "typed by hand"},
            )
            assert sent.status_code == 303
            location = sent.headers["location"]
            assert location.startswith(f"/dashboard/coalitions/{slug}/forms/add_partner?held=")
            for _ in range(2):  # a reload asks for the page again, and posts nothing
                page = await client.get(location)
                assert page.status_code == 200
                refusal = page.text.split("data-refusal")[1].split("</div>")[0]
                assert "Aedes" in refusal and 'role="alert"' in page.text
                assert (
                    'value="typed by hand"' in page.text
                    and 'name="name" type="text" value="Aedes"' in page.text
                )
            # A step refused for its guards: back on the coalition page, at its form.
            step = await client.post(f"/dashboard/coalitions/{slug}/triggers/map_domain", data={})
            assert step.status_code == 303
            assert re.match(
                rf"/dashboard/coalitions/{slug}\?held=[^#]+#form-map_domain$", step.headers["location"]
            )
            page = await client.get(step.headers["location"])
            form = page.text.split('id="form-map_domain"')[1].split("</form>")[0]
            assert "data-submitted" in page.text.split('id="form-map_domain"')[1][:300]
            blocker = language.translate(
                next(
                    b
                    for t in states.overview(view.coalition).triggers
                    if t.trigger == "map_domain"
                    for b in t.blockers
                ),
                lang,
            )
            assert str(escape(blocker)) in form
            # An empty form the dashboard checks itself: the field's reason next to it.
            empty = await client.post(f"/dashboard/coalitions/{slug}/triggers/record_intent", data={})
            assert empty.status_code == 303
            page = await client.get(empty.headers["location"])
            assert "field--invalid" in page.text.split('data-path="intent"')[0][-200:]
        # Someone else's session does not see what this one typed.
        other = await web.dashboard("other", lang)
        async with aclosing(other):
            page = await other.get(location)
            assert "typed by hand" not in page.text and "data-refusal" not in page.text
    assert (await web.service.view(slug, COORDINATOR)).status.journal_length == before


async def test_the_journal_says_each_entry_in_words(web: WebStack) -> None:
    slug = f"{FRESH}-journal"
    await start_taskforce(web, slug)
    steps = walks.taskforce_to_execution()
    interview = next(s for s in steps if s.trigger == "record_interview")
    await web.service.trigger(slug, interview.trigger, interview.payload, interview.actor)
    partner = interview.payload["partner"]
    await web.service.trigger(
        slug, "record_intent", {"intent": "</pre><script>x()</script> & co"}, COORDINATOR
    )
    for lang in ("en", "nl"):
        # The method's own word for the record, and whom it was about.
        said = f"{language.translate(names.name_of('record_interview'), lang)}: {partner}"
        client = await web.dashboard("coordinator", lang)
        async with aclosing(client):
            page = (await client.get(f"/dashboard/coalitions/{slug}")).text
        journal = page.split('id="journal"')[1]
        entry = journal.split('class="timeline__item')[2]  # the interview, before the intent
        assert str(escape(said)) in entry, entry[:800]
        assert "<dl" in entry and "<details" in entry  # the payload to read, the raw JSON a click away
        assert "\\u0027" not in journal and "&#34;" not in journal  # the JSON as typed
        assert "<script>x()" not in journal and '"intent": "&lt;/pre&gt;&lt;script&gt;x()' in journal


def test_every_help_a_form_shows_is_a_sentence_of_the_catalogs() -> None:
    def helps(specs: tuple[FieldSpec, ...]) -> list[str]:
        return [h for s in specs for h in ([s.help] if s.help else []) + helps(s.children)]

    shown = [h for specs in (*SPECS.values(), START_SPECS) for h in helps(specs)]
    assert shown and all(isinstance(h, Sentence) for h in shown), [
        h for h in shown if not isinstance(h, Sentence)
    ]
    made = [h for h in shown if isinstance(h, Sentence) and h.code != "web.help.on"]  # dates read alike
    assert all(language.translate(h, "nl") != str(h) for h in made)


async def test_a_refused_start_comes_back_to_the_portfolio(web: WebStack) -> None:
    slug = f"{FRESH}-start"
    await start_taskforce(web, slug)
    client = await web.dashboard("coordinator")
    async with aclosing(client):
        again = {**{k: v for k, v in walks.taskforce_start(slug).items() if isinstance(v, str)}}
        sent = await client.post(
            "/dashboard/coalitions",
            data={**again, "task.title": "Again", "initiators": "Gemeente", "coordinator": "anna"},
        )
        assert sent.status_code == 303 and sent.headers["location"].startswith("/dashboard/?held=")
        page = await client.get(sent.headers["location"])
        start = page.text.split('id="form-start"')[1].split("</form>")[0]
        assert f'value="{slug}"' in start and "field--invalid" in start


def test_a_held_form_is_for_its_session_for_minutes_and_within_its_bound() -> None:
    def request(cookie: str) -> Request:
        return Request({"type": "http", "headers": [(b"cookie", f"{COOKIE}={cookie}".encode())]})

    mine, theirs = request("mine"), request("theirs")
    flashes = Flashes(lifetime=60, max_chars=100)
    typed = Submitted("record_intent", {"intent": ["x" * 40]})
    token = flashes.keep(mine, typed, now=1000)
    assert flashes.get(mine, token, now=1030) == typed
    assert flashes.get(theirs, token, now=1030) is None  # a link with the token shows nothing
    assert flashes.get(mine, token, now=1061) is None  # and only for minutes
    first = flashes.keep(mine, typed, now=2000)
    second = flashes.keep(mine, typed, now=2001)
    third = flashes.keep(mine, typed, now=2002)  # past the bound: the oldest goes
    assert flashes.get(mine, first, now=2003) is None
    assert flashes.get(mine, second, now=2003) == flashes.get(mine, third, now=2003) == typed
