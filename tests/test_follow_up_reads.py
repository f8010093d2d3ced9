"""Follow-ups as a read model, the agenda across coalitions and the calendar feed.

Planned before, delivered after: on a time-skipping server of its own (the clock moves by
weeks). The agenda, the routes, redaction and the feed: on the shared dev server, through
the API as an outside client reads them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import icalendar
import pytest
from temporalio.testing import WorkflowEnvironment

from lemniscate.examples import walks
from lemniscate.examples.walks import COORDINATOR
from lemniscate.states.agenda import Window
from lemniscate.states.followups import FollowUpKind as K
from tests.support.lifecycle import unique
from tests.support.servers import running_worker, skip
from tests.support.web_stack import WebStack, auth
from tests.support.workflows import bare_start, eventually, walk_service

pytestmark = pytest.mark.usefixtures("log_only")

AEDES = walks.partner_actor("Aedes")
MARKER = "ZX-ACTIZ-NOT-REACHED-91c2"


async def test_planned_follow_ups_are_read_before_and_delivered_ones_after(
    own_clock: WorkflowEnvironment,
) -> None:
    async with running_worker(own_clock.client) as service:
        slug = unique("reads")
        await service.start(bare_start(slug, ("Aedes", "ActiZ")), COORDINATOR)
        before = await service.follow_ups(slug, COORDINATOR)
        planned = {(f.kind, f.about): f for f in before.planned}
        reminder = planned[(K.interview_reminder, "Aedes")]
        assert reminder.recipients == ["coordinator"]
        assert reminder.leads_to is not None and reminder.leads_to.kind == K.escalation
        assert reminder.leads_to.due_at == reminder.due_at + timedelta(days=14)
        assert str(reminder.says) == "Interview Aedes, or mark it not reached."
        assert (K.interview_reminder, "ActiZ") in planned and before.delivered == []

        # A partner reads its own organisation's follow-ups, not the office's about others.
        theirs = await service.follow_ups(slug, AEDES)
        assert {f.about for f in theirs.planned} == {"Aedes"}

        await skip(own_clock, timedelta(days=36))  # past the reminder (21 days) and its escalation (35)

        def escalated(model: Any) -> bool:
            return any(d.about == "Aedes" and d.kind == K.escalation for d in model.delivered)

        after = await eventually(lambda: service.follow_ups(slug, COORDINATOR), escalated)
        delivered = {(d.kind, d.about): d for d in after.delivered}
        sent = delivered[(K.interview_reminder, "Aedes")]
        assert sent.at >= reminder.due_at and sent.recipients == ["coordinator"]
        assert [(c.channel, c.outcome) for c in sent.channels] == [
            ("log", "delivered"),
            ("email", "skipped"),
            ("webhook", "skipped"),
        ]
        assert {(d.kind, d.about) for d in after.escalated} >= {
            (K.escalation, "Aedes"),
            (K.escalation, "ActiZ"),
        }
        assert (K.interview_reminder, "Aedes") not in {(f.kind, f.about) for f in after.planned}


# The agenda, the routes and the feed, on the dev server ---------------------------------------


async def _walk_with_overdue(stack: WebStack, slug: str) -> None:
    """The taskforce in execution, adjusting its plan: an action of Aedes and one of ActiZ
    rescheduled to ten days ago, then doing again,
    and ActiZ's not-reached reason (confidential to ActiZ) carrying MARKER."""
    service = stack.service
    await service.start(walks.taskforce_start(slug), COORDINATOR)
    cycle = walks.taskforce_one_cycle()
    adjusting = [s.trigger for s in cycle].index("adjust") + 1
    await walk_service(service, slug, [*walks.taskforce_to_execution(), *cycle[:adjusting]])
    past = (datetime.now(UTC).date() - timedelta(days=10)).isoformat()
    view = await service.view(slug, COORDINATOR)
    first, second = view.coalition.actions[:2]
    # Rescheduled into the past during execution: overdue, and held to account at once.
    for action, owner in ((first, "Aedes"), (second, "ActiZ")):
        payload = {"action": action.id, "owner": owner, "due_on": past}
        await service.fire(slug, "update_action", payload, COORDINATOR)
    await service.fire(slug, "resume_doing", {}, COORDINATOR)


@pytest.fixture(scope="module")
async def coalitions(web: WebStack) -> dict[str, str]:
    slugs = {
        "walked": unique("agenda-walked"),
        "fresh": unique("agenda-fresh"),
        "other": unique("agenda-other"),
    }
    await _walk_with_overdue(web, slugs["walked"])
    await web.service.start(bare_start(slugs["fresh"], ("Aedes", "Woonbond")), COORDINATOR)
    await web.service.start(bare_start(slugs["other"], ("ActiZ",)), COORDINATOR)
    reason = {"partner": "ActiZ", "reason": f"{MARKER} not reachable"}
    await web.service.fire(slugs["other"], "mark_not_reached", reason, COORDINATOR)
    return slugs


async def test_the_agenda_lists_exactly_what_is_overdue(web: WebStack, coalitions: dict[str, str]) -> None:
    answer = await web.http.get("/agenda", params={"window": "overdue"}, headers=auth("coordinator"))
    assert answer.status_code == 200, answer.text
    items = answer.json()["items"]
    assert {(i["coalition_id"], i["recipients"][0], i["days_overdue"]) for i in items} == {
        (coalitions["walked"], "Aedes", 10),
        (coalitions["walked"], "ActiZ", 10),
    }
    # The index (`LemniscateEarliestDue`) narrows the listing: only the coalition with
    # overdue actions is asked for its follow-ups, not the others of this namespace.
    assert answer.json()["coalitions_read"] == 1
    escalated = await web.http.get("/agenda", params={"window": "escalated"}, headers=auth("coordinator"))
    assert escalated.json() == {"items": [], "coalitions_read": 0, "next_page_token": None}
    theirs = await web.http.get("/agenda", params={"window": "overdue"}, headers=auth("aedes"))
    assert [i["recipients"] for i in theirs.json()["items"]] == [["Aedes"]]


async def test_the_week_lists_exactly_what_falls_in_it(web: WebStack, coalitions: dict[str, str]) -> None:
    # Read as of sixteen days on: the interview reminders (21 days after a partner was added)
    # fall within that week; nothing else of these coalitions does.
    later = datetime.now(UTC) + timedelta(days=16)
    items, _, _ = await web.service.agenda(COORDINATOR, Window.week, now=later)
    assert {(i.coalition_id, i.kind, i.about) for i in items} == {
        (coalitions["fresh"], "interview_reminder", "Aedes"),
        (coalitions["fresh"], "interview_reminder", "Woonbond"),
    }
    aedes, _, _ = await web.service.agenda(AEDES, Window.week, now=later)
    assert {(i.coalition_id, i.about) for i in aedes} == {(coalitions["fresh"], "Aedes")}
    mine, _, _ = await web.service.agenda(COORDINATOR, Window.week, person="nobody", now=later)
    assert mine == []


async def test_a_partner_never_reads_another_organisations_confidential_content(
    web: WebStack, coalitions: dict[str, str]
) -> None:
    office = await web.http.get(f"/coalitions/{coalitions['other']}/follow-ups", headers=auth("coordinator"))
    assert office.status_code == 200 and office.json()["planned"]
    for who in ("aedes", "actiz"):
        agenda = await web.http.get("/agenda", headers=auth(who))
        assert agenda.status_code == 200 and MARKER not in agenda.text
    aedes = await web.http.get(f"/coalitions/{coalitions['walked']}/follow-ups", headers=auth("aedes"))
    body = aedes.json()
    assert all(o["owner"] == "Aedes" for o in body["overdue"])
    owners = body["owners"]
    # A meeting's reminder goes to all its invitees, others too: each one Aedes sees is its own.
    assert all("Aedes" in [*f["recipients"], *owners.get(f["about"] or "", [])] for f in body["planned"])
    assert all("Aedes" in [*d["recipients"], *owners.get(d["about"] or "", [])] for d in body["delivered"])
    assert "@" not in aedes.text  # no address in any read model


async def test_the_dashboard_shows_follow_ups_and_my_week(web: WebStack, coalitions: dict[str, str]) -> None:
    client = await web.dashboard("coordinator")
    try:
        page = await client.get(f"/dashboard/coalitions/{coalitions['walked']}")
        assert page.status_code == 200 and 'id="follow-ups"' in page.text and "data-overdue" in page.text
        week = await client.get("/dashboard/week", params={"window": "overdue"})
        assert week.status_code == 200 and week.text.count('data-item="overdue"') == 2
        nav = week.text.split('class="topnav"', 1)[1]
        assert nav.index('href="/dashboard/week"') < nav.index('href="/dashboard/"')  # first in the nav
    finally:
        await client.aclose()
    dutch = await web.dashboard("coordinator", "nl")
    try:
        assert "Mijn week" in (await dutch.get("/dashboard/week")).text
    finally:
        await dutch.aclose()


async def test_a_moved_meeting_keeps_its_uid_with_a_higher_sequence(
    web: WebStack, coalitions: dict[str, str]
) -> None:
    slug = coalitions["fresh"]
    made = await web.http.post("/feeds", params={"coalition": slug}, headers=auth("coordinator"))
    assert made.status_code == 201, made.text
    url = made.json()["url"]
    on = (date.today() + timedelta(days=30)).isoformat()
    meeting = {"kind": "other", "on": on, "invitees": ["Aedes"]}
    await web.service.fire(slug, "plan_meeting", meeting, COORDINATOR)

    async def events() -> dict[str, icalendar.cal.Component]:
        feed = await web.http.get(url)  # no key: the address is the credential
        assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
        calendar = icalendar.Calendar.from_ical(feed.content)
        return {str(e["uid"]): e for e in calendar.walk("VEVENT")}

    first = {uid: e for uid, e in (await events()).items() if uid.startswith("meeting-")}
    ((uid, event),) = first.items()
    assert event.decoded("sequence", 0) == 0 and event.walk("VALARM")
    moved_to = (date.today() + timedelta(days=37)).isoformat()
    meeting_id = uid.split("-")[-1].split("@")[0]
    await web.service.fire(slug, "reschedule_meeting", {"meeting": meeting_id, "on": moved_to}, COORDINATOR)
    moved = (await events())[uid]
    assert moved.decoded("sequence") == 1 and moved.decoded("dtstart").isoformat() == moved_to

    revoked = await web.http.delete("/feeds", headers=auth("coordinator"))
    assert revoked.status_code == 204
    assert (await web.http.get(url)).status_code == 404


async def test_an_organisation_and_a_person_have_a_feed_across_coalitions(
    web: WebStack, coalitions: dict[str, str]
) -> None:
    on = (date.today() + timedelta(days=40)).isoformat()
    await web.service.fire(
        coalitions["other"], "plan_meeting", {"kind": "other", "on": on, "invitees": ["ActiZ"]}, COORDINATOR
    )

    async def feed(**scope: str) -> list[icalendar.cal.Component]:
        made = await web.http.post("/feeds", params=scope, headers=auth("coordinator"))
        assert made.status_code == 201, made.text
        assert made.json()["scope"] == ":".join(next(iter(scope.items())))
        read = await web.http.get(made.json()["url"], params={"lang": "nl"})
        assert read.status_code == 200 and read.headers["content-type"].startswith("text/calendar")
        calendar = icalendar.Calendar.from_ical(read.content)
        return list(calendar.walk("VEVENT"))

    aedes = await feed(organisation="Aedes")
    uids = {str(e["uid"]) for e in aedes}
    walked = await web.service.view(coalitions["walked"], COORDINATOR)
    owned = {
        f"action-{coalitions['walked']}-{a.id}@lemniscate"
        for a in walked.coalition.actions
        if a.owner == "Aedes"
    }
    assert owned and owned <= uids
    assert not [uid for uid in uids if coalitions["other"] in uid]  # ActiZ's meeting is not Aedes's
    assert all(str(e["summary"]).startswith(("Actie ", "Bijeenkomst ")) for e in aedes), aedes

    coordinator = {str(e["uid"]) for e in await feed(person="coordinator")}
    # The coordinator is named in every meeting: the one just planned in another coalition too.
    assert any(uid.startswith(f"meeting-{coalitions['other']}-") for uid in coordinator)

    for wrong in ({}, {"organisation": "Aedes", "person": "coordinator"}):
        refused = await web.http.post("/feeds", params=wrong, headers=auth("coordinator"))
        assert refused.status_code == 422
        assert {e["field"] for e in refused.json()["errors"]} == {
            "query.coalition",
            "query.organisation",
            "query.person",
        }
