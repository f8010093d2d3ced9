"""The portfolio as a programme office reads it, against real coalitions on the dev server
(a namespace of this module's own, so its listings hold only these): the coalition's name
with its id beneath, the state in the method's words, what comes due next and its kind, in
Dutch and English."""

from __future__ import annotations

import asyncio
import html
import json
import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from click.testing import CliRunner, Result

from lemniscate.audit.formats import spreadsheet
from lemniscate.cli.main import cli
from lemniscate.coalitions import PortfolioFilter
from lemniscate.dashboard import portfolio
from lemniscate.examples import walks
from tests.support.web_stack import WebStack, auth

PROGRAMMES = ["Energietransitie", "Wonen en Zorg"]
# Started under the programme as typed: in lower case, one of them.
NAMES = {
    "pf-zuid": ("Energietransitie Zuid", "Energietransitie"),
    "pf-noord": ("Energie-coöperatie Noord", "energietransitie"),
    "pf-zorg": ("Wonen en Zorg Oost", "Wonen en Zorg"),
}


def _start(slug: str) -> dict[str, Any]:
    name, programme = NAMES[slug]
    return {**walks.taskforce_start(slug, programme=programme), "name": name}


async def _started(web: WebStack) -> None:
    """The office's programmes and the three coalitions, once for the module, and visibility
    caught up with them."""
    for name in PROGRAMMES:
        added = await web.http.post("/programmes", json={"name": name}, headers=auth("coordinator"))
        assert added.status_code in (201, 422), added.text  # 422: added by an earlier test
    for slug in NAMES:
        found = await web.http.get(f"/coalitions/{slug}", headers=auth("coordinator"))
        if found.status_code == 404:
            started = await web.http.post("/coalitions", json=_start(slug), headers=auth("coordinator"))
            assert started.status_code == 201, started.text
    deadline = time.monotonic() + 20
    while True:
        listed = (await web.http.get("/coalitions", headers=auth("auditor"))).json()["items"]
        if {r["id"] for r in listed if r["name"] and r["next_kind"]} >= set(NAMES):
            return
        assert time.monotonic() < deadline, listed
        await asyncio.sleep(0.3)


def _rows(page: str) -> list[str]:
    return re.findall(r'data-row="([^"]+)"', page)


async def test_rows_name_the_coalition_its_state_and_what_comes_due(web: WebStack) -> None:
    await _started(web)
    listed = {
        r["id"]: r for r in (await web.http.get("/coalitions", headers=auth("auditor"))).json()["items"]
    }
    assert listed["pf-noord"]["name"] == "Energie-coöperatie Noord"
    # A new taskforce's first follow-up reminds the coordinator of an interview.
    assert listed["pf-zuid"]["next_kind"] == "interview_reminder"
    for language, state, kind in (
        ("en", "Intent and interests", "Interview reminder"),
        ("nl", "Intentie en belangen", "Herinnering gesprek"),
    ):
        page = await _page(web, "/dashboard/", language)
        assert sorted(_rows(page)) == sorted(NAMES)
        assert ">Energie-coöperatie Noord</a>" in page
        assert '<span class="muted small" data-slug>pf-noord</span>' in page
        assert state in page
        assert f'data-next-kind="interview_reminder">{kind}</span>' in page


async def _get(web: WebStack, url: str, language: str = "en", who: str = "auditor") -> httpx.Response:
    client = await web.dashboard(who, language)
    try:
        return await client.get(url)
    finally:
        await client.aclose()


async def _page(web: WebStack, url: str, language: str = "en") -> str:
    answer = await _get(web, url, language)
    assert answer.status_code == 200, answer.text
    return answer.text


def _fields(problem: httpx.Response) -> list[str]:
    assert problem.status_code == 422, problem.text
    return [e["field"] for e in problem.json()["errors"]]


async def test_programmes_are_the_offices_list_matched_case_aside(web: WebStack) -> None:
    await _started(web)
    listed = await web.http.get("/programmes", headers=auth("aedes"))
    assert listed.json() == {"programmes": PROGRAMMES}
    again = await web.http.post("/programmes", json={"name": "WONEN EN ZORG"}, headers=auth("coordinator"))
    assert again.status_code == 422 and "exists already" in again.text
    forbidden = await web.http.post("/programmes", json={"name": "Mobiliteit"}, headers=auth("aedes"))
    assert forbidden.status_code == 403
    assert _fields(await web.http.post("/programmes", json={"name": 7}, headers=auth("coordinator"))) == [
        "body.name"
    ]
    # Started as "energietransitie": kept as the office spells it.
    noord = (await web.http.get("/coalitions/pf-noord", headers=auth("coordinator"))).json()
    assert noord["coalition"]["task"]["programme"] == "Energietransitie"
    # A typo is refused, naming the field; nothing was started.
    typo = {**_start("pf-zuid"), "id": "pf-typo"}
    typo["task"] = {**typo["task"], "programme": "Energietransitie Zuid"}
    refused = await web.http.post("/coalitions", json=typo, headers=auth("coordinator"))
    assert _fields(refused) == ["task.programme"] and "Energietransitie, Wonen en Zorg" in refused.text
    assert (await web.http.get("/coalitions/pf-typo", headers=auth("coordinator"))).status_code == 404
    # The filter, case aside; one the office does not have is a 422 naming it.
    found = await web.http.get("/coalitions?programme=ENERGIETRANSITIE", headers=auth("auditor"))
    assert sorted(r["id"] for r in found.json()["items"]) == ["pf-noord", "pf-zuid"]
    counted = await web.http.get("/coalitions/count?programme=energietransitie", headers=auth("auditor"))
    assert counted.json() == {"count": 2}
    nope = await web.http.get("/coalitions/count?programme=Energie", headers=auth("auditor"))
    assert _fields(nope) == ["query.programme"]
    # The dashboard: the filter and the start form offer the list; a typo is said on the page.
    page = await _page(web, "/dashboard/?programme=wonen%20en%20zorg")
    assert _rows(page) == ["pf-zorg"]
    assert '<option value="Wonen en Zorg" selected>Wonen en Zorg</option>' in page
    start_form = (await _get(web, "/dashboard/", who="coordinator")).text
    assert '<select class="input" id="start-task.programme" name="task.programme">' in start_form
    assert '<option value="Energietransitie">Energietransitie</option>' in start_form
    typo_page = await _page(web, "/dashboard/?programme=energie")
    assert "There is no programme &#39;energie&#39;; that filter was left out." in typo_page
    assert sorted(_rows(typo_page)) == sorted(NAMES)
    client = await web.dashboard("coordinator")
    try:
        form = {f"{k}": v for k, v in {"id": "pf-form", "name": "Form", "task.title": "T"}.items()}
        form |= {"task.programme": "Mobiliteit", "initiators": "VWS", "coordinator": "anna"}
        sent = await client.post("/dashboard/coalitions", data=form)
        # Refused, then post/redirect/get: the portfolio shows the reason on the field.
        assert sent.status_code == 303 and sent.headers["location"].startswith("/dashboard/?held=")
        answer = await client.get(sent.headers["location"])
    finally:
        await client.aclose()
    assert 'data-path="task.programme"' in answer.text and "no programme &#39;Mobiliteit&#39;" in answer.text


async def test_the_cli_lists_and_adds_programmes(web: WebStack) -> None:
    await _started(web)
    env = {
        "TEMPORAL_ADDRESS": web.env.client.service_client.config.target_host,
        "TEMPORAL_NAMESPACE": web.env.client.namespace,
        "LEMNISCATE_TASK_QUEUE": web.task_queue,
        "LEMNISCATE_LANGUAGE": "en",
    }

    def run(*args: str) -> Result:
        return CliRunner().invoke(cli, list(args), env=env)

    listed = await asyncio.to_thread(run, "programme", "list")
    assert listed.exit_code == 0 and listed.output.splitlines() == PROGRAMMES
    added = await asyncio.to_thread(run, "programme", "add", "  Mobiliteit ")
    assert added.exit_code == 0 and "added Mobiliteit" in added.output
    again = await asyncio.to_thread(run, "--lang", "nl", "programme", "add", "mobiliteit")
    assert again.exit_code != 0 and "Mobiliteit" in again.output
    counted = await asyncio.to_thread(run, "count", "--programme", "WONEN EN ZORG", "--as", "auditor")
    assert counted.exit_code == 0 and counted.output.strip() == "1"
    unknown = await asyncio.to_thread(run, "count", "--programme", "Zorg", "--as", "auditor")
    assert unknown.exit_code != 0 and "--programme: there is no programme 'Zorg'" in unknown.output
    found = await asyncio.to_thread(
        run, "list", "--name", "coöperatie", "--running", "--json", "--as", "auditor"
    )
    assert found.exit_code == 0 and [r["id"] for r in json.loads(found.output)] == ["pf-noord"]
    hostile = await asyncio.to_thread(run, "list", "--name", 'a"b', "--as", "auditor")
    assert hostile.exit_code != 0 and "--name: " in hostile.output and "double quotes" in hostile.output


ENDED = "pf-einde"
HOSTILE_NAME = '=HYPERLINK("http://evil.example/","klik") Einde'


async def _ended(web: WebStack) -> None:
    """A fourth coalition, dissolved, named like a formula: for the finished filter and the
    export. Started after the tests above read "every coalition"."""
    found = await web.http.get(f"/coalitions/{ENDED}", headers=auth("coordinator"))
    if found.status_code == 404:
        start = {**_start("pf-zorg"), "id": ENDED, "name": HOSTILE_NAME}
        assert (
            await web.http.post("/coalitions", json=start, headers=auth("coordinator"))
        ).status_code == 201
        dissolved = await web.http.post(
            f"/coalitions/{ENDED}/triggers/dissolve",
            json={"reason": "Het doel is bereikt."},
            headers=auth("coordinator"),
        )
        assert dissolved.status_code == 200, dissolved.text
    deadline = time.monotonic() + 20
    while (await web.http.get("/coalitions/count?status=finished", headers=auth("auditor"))).json()[
        "count"
    ] < 1:
        assert time.monotonic() < deadline
        await asyncio.sleep(0.3)


async def _ids(web: WebStack, query: str) -> list[str]:
    answer = await web.http.get(f"/coalitions?{query}", headers=auth("auditor"))
    assert answer.status_code == 200, answer.text
    return sorted(r["id"] for r in answer.json()["items"])


async def test_search_by_part_of_the_name_and_running_or_finished(web: WebStack) -> None:
    await _started(web)
    await _ended(web)
    assert await _ids(web, "name=ENERGIE") == ["pf-noord", "pf-zuid"]
    assert await _ids(web, "name=cooperatie") == ["pf-noord"]  # accents aside
    assert await _ids(web, "name=transitie%20zuid") == ["pf-zuid"]  # spaces aside
    assert await _ids(web, "name=zuid%20energie") == []
    assert await _ids(web, "name=wo") == ["pf-zorg"]  # two letters: the start of the name
    assert await _ids(web, "status=finished") == [ENDED]
    assert await _ids(web, "status=running&name=einde") == []
    assert await _ids(web, "status=running") == sorted(NAMES)
    for bad, field in (("name=a%22b", "query.name"), ("status=done", "query.status")):
        answer = await web.http.get(f"/coalitions?{bad}", headers=auth("auditor"))
        assert _fields(answer) == [field], answer.text
    page = await _page(web, "/dashboard/?q=Energie&status=running")
    assert sorted(_rows(page)) == ["pf-noord", "pf-zuid"]
    assert '<option value="running" selected>running</option>' in page
    refused = await _get(web, "/dashboard/?q=%22%3B%20DROP")
    assert refused.status_code == 422 and "The name filter cannot hold double quotes" in refused.text
    assert "There is no running or finished &#39;soon&#39;" in await _page(web, "/dashboard/?status=soon")


async def test_sorted_by_name_due_or_state_across_pages(web: WebStack) -> None:
    await _started(web)
    await _ended(web)
    # Case, accents and punctuation aside: "=HYPERLINK(..." sorts as "hyperlink".
    for sort, expected in (
        ("name", ["pf-noord", "pf-zuid", ENDED, "pf-zorg"]),
        ("state", ["pf-noord", "pf-zuid", "pf-zorg", ENDED]),  # dissolved last, then by name
    ):
        seen: list[str] = []
        url: str | None = f"/dashboard/?sort={sort}&size=3"
        while url is not None:
            text = await _page(web, url)
            seen += _rows(text)
            following = re.search(r'href="([^"]+)" rel="next"', text)
            url = html.unescape(following.group(1)) if following else None
        assert seen == expected, sort
    due = _rows(await _page(web, "/dashboard/?sort=due"))
    assert due[-1] == ENDED  # nothing comes due for a dissolved coalition
    assert "Sorted by name." in await _page(web, "/dashboard/?sort=name")
    assert "Gesorteerd op naam." in await _page(web, "/dashboard/?sort=name", "nl")
    assert "There is no sort &#39;random&#39;" in await _page(web, "/dashboard/?sort=random")


async def test_the_filtered_portfolio_downloads_as_csv_in_either_language(web: WebStack) -> None:
    await _started(web)
    await _ended(web)
    english = await _get(web, "/dashboard/portfolio.csv?sort=name&programme=wonen%20en%20zorg")
    assert english.status_code == 200 and english.headers["content-type"].startswith("text/csv")
    assert "attachment" in english.headers["content-disposition"]
    header, rows = spreadsheet.read(english.text.removeprefix("\ufeff"))
    assert header[:4] == ("name", "id", "state", "round")
    assert [r["id"] for r in rows] == [ENDED, "pf-zorg"]
    ended = next(r for r in rows if r["id"] == ENDED)
    assert ended["name"] == HOSTILE_NAME and ended["status"] == "finished" and ended["state"] == "Dissolved"
    # Never a formula in a spreadsheet: the cell starts with a quote.
    assert "'=HYPERLINK" in english.text and "\r\n" in english.text
    zorg = next(r for r in rows if r["id"] == "pf-zorg")
    assert zorg["kind of follow-up"] == "Interview reminder" and zorg["programme"] == "Wonen en Zorg"
    dutch = await _get(web, "/dashboard/portfolio.csv?q=zorg%20oost", "nl")
    header, rows = spreadsheet.read(dutch.text.removeprefix("\ufeff"))
    assert header[:3] == ("naam", "id", "toestand")
    assert [(r["id"], r["toestand"], r["soort opvolging"], r["status"]) for r in rows] == [
        ("pf-zorg", "Intentie en belangen", "Herinnering gesprek", "lopend")
    ]
    refused = await _get(web, "/dashboard/portfolio.csv?status=later")
    assert refused.status_code == 422 and "There is no running or finished" in refused.text


async def test_the_urgent_bands_hold_every_coalition_once(web: WebStack) -> None:
    """Each band is its own visibility query: together they must list every coalition, none
    twice, also where the next follow-up and its kind are unset (the dissolved one)."""
    await _started(web)
    await _ended(web)
    everyone = sorted([*NAMES, ENDED])
    for now, urgent in (
        (datetime.now(UTC), []),
        # A year on, every planned follow-up stands overdue: those coalitions are urgent.
        (datetime.now(UTC) + timedelta(days=400), sorted(NAMES)),
    ):
        listed = []
        for band in portfolio.bands(PortfolioFilter(), now):
            rows, _ = await web.service.list(band, walks.COORDINATOR, 100)
            listed.append(sorted(r.id for r in rows))
        assert sorted(i for band in listed for i in band) == everyone, listed
        assert listed[1] == urgent  # after the at-risk band
        assert ENDED in listed[-1]
