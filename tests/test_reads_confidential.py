"""Confidential records: Aedes's representative never receives one byte of ActiZ's interview
answers, constituency note, not-reached reason or address, on any surface (the API's view
and journal, the dashboard's page, the audit export, webhook bodies, the service the CLI
reads through), while the coordinator, and Aedes for its own records, see them whole.

Every confidential text carries a marker unique to its organisation, so a leak anywhere in
a response's raw bytes is found, whatever the shape it leaked in."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from click.testing import CliRunner, Result
from temporalio.testing import ActivityEnvironment

from lemniscate.activities.notify import Notification, email_follow_up
from lemniscate.audit.portfolio import portfolio_lines
from lemniscate.cli.main import cli
from lemniscate.examples import walks
from lemniscate.models import chain
from lemniscate.models.coalition import InterviewAnswers
from lemniscate.models.events import Actor, Role
from lemniscate.models.playbook import Audience, FollowUpKind
from lemniscate.states.followup_model import FollowUp
from lemniscate.states.redaction import REDACTED
from tests.support.receivers import Webhooks, smtp_server, webhook_receiver
from tests.support.web_stack import WebStack, auth
from tests.support.workflows import eventually

SLUG = "conf-taskforce"
ACTIZ = b"ACTIZSECRET"  # in every confidential text of ActiZ's
ACTIZ_EMAIL = "actizsecret-rep@example.org"
AEDES = "AEDESOWN"
ZN = b"ZNSECRET"
AEDES_READER = Actor(id="piet", role=Role.partner, organisation="Aedes")


def _answers(marker: str) -> dict[str, str]:
    return {name: f"{marker} {name}" for name in InterviewAnswers.model_fields}


def _interview(org: str, marker: str, day: str) -> dict[str, Any]:
    return {"partner": org, "answers": _answers(marker), "held_on": day, "interviewer": "coordinator"}


async def _fire(stack: WebStack, trigger: str, payload: dict[str, Any], reason: str | None = None) -> None:
    fired = await stack.http.post(
        f"/coalitions/{SLUG}/triggers/{trigger}",
        json=payload,
        params={"reason": reason} if reason else {},
        headers=auth("coordinator"),
    )
    assert fired.status_code == 200, fired.text


@pytest.fixture(scope="module")
async def stack(web: WebStack) -> AsyncIterator[tuple[WebStack, Webhooks]]:
    hooks = Webhooks()
    with webhook_receiver(hooks) as url:
        # Subscribed before the coalition starts, so its first events find an audience.
        subscribed = await web.http.post("/subscriptions", json={"url": url}, headers=auth("coordinator"))
        assert subscribed.status_code == 201, subscribed.text
        start = walks.taskforce_start(SLUG)
        start["partners"] = [
            {**p, "email": ACTIZ_EMAIL} if p["name"] == "ActiZ" else p for p in start["partners"]
        ]
        started = await web.http.post("/coalitions", json=start, headers=auth("coordinator"))
        assert started.status_code == 201, started.text
        await _fire(web, "record_interview", _interview("Aedes", AEDES, "2027-01-10"))
        await _fire(
            web,
            "record_interview",
            _interview("ActiZ", ACTIZ.decode(), "2027-01-11"),
            reason=f"{ACTIZ.decode()}: said in confidence",
        )
        await _fire(web, "mark_not_reached", {"partner": "ZN", "reason": f"{ZN.decode()} no answer"})
        support = {
            "managers": True,
            "legal_staff": False,
            "executives": True,
            "note": f"{ACTIZ.decode()} board",
        }
        await _fire(web, "record_constituency_support", {"partner": "ActiZ", "support": support})

        async def interviews_published() -> int:
            bodies = [json.loads(body) for _, body in hooks.accepted()]
            return sum(b["data"].get("trigger") == "record_constituency_support" for b in bodies)

        await eventually(interviews_published, lambda n: n >= 1, timeout=20)
        yield web, hooks


async def _get(stack: WebStack, who: str, path: str, **params: Any) -> bytes:
    answer = await stack.http.get(path, params=params, headers=auth(who))
    assert answer.status_code == 200, answer.text
    return answer.content


async def test_the_coalition_view(stack: tuple[WebStack, Webhooks]) -> None:
    web, _ = stack
    seen = await _get(web, "aedes", f"/coalitions/{SLUG}")
    assert ACTIZ not in seen and ZN not in seen and ACTIZ_EMAIL.encode() not in seen
    assert f"{AEDES} drive".encode() in seen  # its own answers, whole
    actiz = next(p for p in json.loads(seen)["coalition"]["partners"] if p["name"] == "ActiZ")
    # That the interview was held, and when, is for every member to see; not what was said.
    assert actiz["interview"]["held_on"] == "2027-01-11"
    assert set(actiz["interview"]["answers"].values()) == {REDACTED}
    assert actiz["constituency"] == {
        "managers": True,
        "legal_staff": False,
        "executives": True,
        "note": REDACTED,
    }

    whole = await _get(web, "coordinator", f"/coalitions/{SLUG}")
    assert ACTIZ in whole and ZN in whole and ACTIZ_EMAIL.encode() in whole
    # An integration reads every coalition of the office, but is no party to the interviews.
    system = await _get(web, "integration", f"/coalitions/{SLUG}")
    assert ACTIZ not in system and AEDES.encode() not in system and ACTIZ_EMAIL.encode() not in system
    own = await _get(web, "actiz", f"/coalitions/{SLUG}")
    assert ACTIZ in own and ACTIZ_EMAIL.encode() in own and AEDES.encode() not in own


async def test_the_journal(stack: tuple[WebStack, Webhooks]) -> None:
    web, _ = stack
    seen = await _get(web, "aedes", f"/coalitions/{SLUG}/journal")
    assert ACTIZ not in seen and ZN not in seen and ACTIZ_EMAIL.encode() not in seen
    entries = json.loads(seen)
    by_trigger = {(e["event"]["trigger"], e["event"]["payload"].get("partner")): e for e in entries}
    actiz = by_trigger[("record_interview", "ActiZ")]
    assert actiz["redacted"] is True and actiz["hash"] is None  # marked, and not passed off as sealed
    assert actiz["event"]["payload"]["answers"] == REDACTED and actiz["event"]["reason"] == REDACTED
    assert actiz["event"]["payload"]["held_on"] == "2027-01-11"
    own = by_trigger[("record_interview", "Aedes")]
    assert own["redacted"] is None and own["event"]["payload"]["answers"] == _answers(AEDES)
    # An entry shown whole still verifies against its seal, for a partner too.
    assert all(chain.entry_hash(e) == e["hash"] for e in entries if not e["redacted"])

    system = await _get(web, "integration", f"/coalitions/{SLUG}/journal")
    assert ACTIZ not in system and AEDES.encode() not in system

    whole = json.loads(await _get(web, "coordinator", f"/coalitions/{SLUG}/journal"))
    assert ACTIZ in json.dumps(whole).encode()
    assert chain.verify_chain(whole) == []  # the coordinator's copy is the sealed chain


async def test_the_dashboard_page(stack: tuple[WebStack, Webhooks]) -> None:
    web, _ = stack
    for who, sees_actiz in (("aedes", False), ("coordinator", True)):
        client = await web.dashboard(who)
        try:
            page = await client.get(f"/dashboard/coalitions/{SLUG}")
        finally:
            await client.aclose()
        assert page.status_code == 200, page.text
        assert (ACTIZ in page.content) is sees_actiz and (ZN in page.content) is sees_actiz
        assert (ACTIZ_EMAIL.encode() in page.content) is sees_actiz
        assert f"{AEDES} drive".encode() in page.content  # the timeline's payload of its own
        assert (b"confidential parts withheld" in page.content) is not sees_actiz


async def test_the_audit_export(stack: tuple[WebStack, Webhooks]) -> None:
    web, _ = stack
    for fmt in ("json", "html", "csv"):
        refused = await web.http.get(
            f"/coalitions/{SLUG}/audit", params={"format": fmt}, headers=auth("aedes")
        )
        assert refused.status_code == 403 and ACTIZ not in refused.content
        trail = await _get(web, "auditor", f"/coalitions/{SLUG}/audit", format=fmt)
        assert ACTIZ in trail  # the auditor reconstructs everything
    # The portfolio export (the CLI's `audit --portfolio --as partner:Aedes`): its coalitions.
    lines = await portfolio_lines(web.service, AEDES_READER)
    assert [line.id for line in lines] == [SLUG]
    assert ACTIZ not in json.dumps([line.model_dump(mode="json") for line in lines]).encode()


async def test_webhook_bodies(stack: tuple[WebStack, Webhooks]) -> None:
    _, hooks = stack
    bodies = [body for _, body in hooks.accepted()]
    triggers = [json.loads(body)["data"].get("trigger") for body in bodies]
    assert "record_interview" in triggers and "record_constituency_support" in triggers
    for body in bodies:
        assert ACTIZ not in body and ZN not in body and AEDES.encode() not in body
        assert ACTIZ_EMAIL.encode() not in body
    # A transition carries no payload at all: the trigger, the states and who.
    transition = json.loads(bodies[-1])["data"]
    assert "payload" not in transition and "follow_up" not in transition


async def test_the_service_every_surface_reads_through(stack: tuple[WebStack, Webhooks]) -> None:
    """The CLI's `show`/`history --as partner:Aedes` are these two calls."""
    web, _ = stack
    view = await web.service.view(SLUG, AEDES_READER)
    journal = await web.service.journal(SLUG, AEDES_READER)
    seen = view.model_dump_json().encode() + b"".join(e.model_dump_json().encode() for e in journal)
    assert ACTIZ not in seen and ZN not in seen and f"{AEDES} drive".encode() in seen


async def test_the_cli_acts_as_its_as(stack: tuple[WebStack, Webhooks]) -> None:
    """The operator's tool reads through the same service, as whom `--as` names."""
    web, _ = stack
    env = {
        "TEMPORAL_ADDRESS": web.env.client.service_client.config.target_host,
        "TEMPORAL_NAMESPACE": web.env.client.namespace,
        "LEMNISCATE_TASK_QUEUE": web.task_queue,
    }

    async def run(*args: str) -> Result:
        # In a thread: the command runs its own event loop.
        return await asyncio.to_thread(CliRunner().invoke, cli, list(args), env=env, catch_exceptions=False)

    for command in (("show", SLUG, "--json"), ("history", SLUG, "--json", "--full")):
        partner = await run(*command, "--as", "partner:Aedes")
        assert partner.exit_code == 0, partner.output
        assert ACTIZ.decode() not in partner.output and f"{AEDES} drive" in partner.output
        coordinator = await run(*command)
        assert ACTIZ.decode() in coordinator.output
        outsider = await run(*command, "--as", "partner:Woonbond")
        assert outsider.exit_code == 1 and f"there is no coalition '{SLUG}'" in outsider.output
    listed = await run("list", "--json", "--as", "partner:Woonbond")
    assert listed.exit_code == 0 and json.loads(listed.output) == []


def test_a_follow_up_to_several_partners_does_not_show_them_each_others_address(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    addresses = ["aedes@example.org", ACTIZ_EMAIL]
    follow_up = FollowUp(
        key="k",
        kind=FollowUpKind.meeting_reminder,
        due_at=datetime.now(UTC),
        audience=Audience.invitees,
        recipients=["Aedes", "ActiZ"],
        message="Reminder: exploration meeting m1 on 2027-03-01.",
        addresses=addresses,
    )
    notification = Notification(
        coalition_id=SLUG, coalition_name="Taskforce", workflow_id=f"coalition/{SLUG}", follow_up=follow_up
    )
    with smtp_server() as (port, mailbox):
        monkeypatch.setenv("LEMNISCATE_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("LEMNISCATE_SMTP_PORT", str(port))
        assert ActivityEnvironment().run(email_follow_up, notification) == "sent"
    (message,) = mailbox.messages
    assert message["X-Envelope-To"] == ", ".join(addresses)  # each one receives it
    headers = "".join(f"{k}: {v}\n" for k, v in message.items() if k != "X-Envelope-To")
    assert ACTIZ_EMAIL not in headers and "aedes@example.org" not in headers
    assert "undisclosed-recipients" in headers
