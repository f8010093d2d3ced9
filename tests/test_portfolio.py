"""The portfolio as a programme office reads it, against real coalitions on the dev server
(a namespace of this module's own, so its listings hold only these): the coalition's name
with its id beneath, the state in the method's words, what comes due next and its kind, in
Dutch and English."""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

import httpx
from click.testing import CliRunner, Result

from lemniscate.cli.main import cli
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
        answer = await client.post("/dashboard/coalitions", data=form)
    finally:
        await client.aclose()
    assert answer.status_code == 422
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
