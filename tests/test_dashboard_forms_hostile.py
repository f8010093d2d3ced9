"""The dashboard's form posts, fuzzed as the API is by schemathesis: every form (log-in,
start, and each trigger's) gets hostile field names and values, and never answers a 5xx;
what the forms post leaves no failed workflow task behind."""

from __future__ import annotations

import random
import uuid
from urllib.parse import urlencode

from temporalio.api.enums.v1 import EventType

from lemniscate import states
from lemniscate.dashboard.flash import PARAM
from lemniscate.dashboard.routes import SPECS, START_SPECS
from lemniscate.dashboard.web import REASON
from lemniscate.examples.walks import COORDINATOR as READER
from lemniscate.models import bounds
from lemniscate.workflows.io import workflow_id
from tests.support.web_stack import WebStack, start_taskforce

SLUG = f"forms-{uuid.uuid4().hex[:6]}"
HOSTILE_VALUES = [
    "",
    " ",
    "\x00",
    "\r\n\t",
    "\u202eevil\u200b",
    "😀" * 300,
    "x" * 30_000,
    "9999-12-31",
    "0001-01-01",
    "2027-02-30",
    "-1",
    "1e309",
    "NaN",
    "<script>alert(1)</script>",
    "'\"\\%",
    "on",
]
HOSTILE_NAMES = ["", "x", "a." * 400 + "b", "0", "partners.999999999999.name", "\x00", "__proto__"]
CASES_PER_FORM = 4
ENDING = {
    t.name
    for t in states.TRIGGERS.values()
    for m in t.moves
    if m.dest is not None and states.STATE_INFO[m.dest].final
}


def _forms() -> dict[str, tuple[str, list[str]]]:
    """Every form: its route and the names of its fields."""
    forms = {
        "login": ("/dashboard/login", ["key", "next"]),
        "start": ("/dashboard/coalitions", [spec.name for spec in START_SPECS]),
    }
    # Those that can end the coalition last, so that the others meet a running one.
    for trigger in sorted(states.TRIGGERS, key=lambda name: name in ENDING):
        forms[trigger] = (
            f"/dashboard/coalitions/{SLUG}/triggers/{trigger}",
            [spec.name for spec in SPECS[trigger]],
        )
    return forms


def _hostile_form(fields: list[str], rng: random.Random) -> str:
    pairs = [(name, rng.choice(HOSTILE_VALUES)) for name in fields]
    pairs += [(rng.choice(HOSTILE_NAMES), rng.choice(HOSTILE_VALUES)) for _ in range(3)]
    pairs.append((REASON, rng.choice(HOSTILE_VALUES)))
    rng.shuffle(pairs)
    return urlencode(pairs)


async def test_no_form_post_answers_a_server_error(web: WebStack) -> None:
    await start_taskforce(web, SLUG)
    dashboard = await web.dashboard("coordinator")
    rng = random.Random(13)  # the same cases in every run
    form_type = {"Content-Type": "application/x-www-form-urlencoded"}
    answers: dict[int | str, int] = {}
    try:
        for name, (route, fields) in _forms().items():
            for _ in range(CASES_PER_FORM):
                body = _hostile_form(fields, rng)
                answer = await dashboard.post(route, content=body, headers=form_type)
                assert answer.status_code < 500, (name, answer.status_code, answer.text[:300])
                # A refused form redirects back to itself (post/redirect/get), with what was
                # wrong held for the page it lands on: that page must not fail either.
                sent_back = answer.status_code == 303 and f"{PARAM}=" in answer.headers["location"]
                if sent_back:
                    shown = await dashboard.get(answer.headers["location"])
                    assert shown.status_code == 200, (name, shown.status_code, shown.text[:300])
                kind = "sent back" if sent_back else answer.status_code
                answers[kind] = answers.get(kind, 0) + 1
        # Past the body's bound: refused unread.
        too_large = await dashboard.post(
            f"/dashboard/coalitions/{SLUG}/triggers/record_intent",
            content="intent=" + "x" * (bounds.MAX_BODY_BYTES + 1),
            headers=form_type,
        )
        assert too_large.status_code == 413
    finally:
        await dashboard.aclose()
    assert sum(answers.values()) == CASES_PER_FORM * (len(states.TRIGGERS) + 2), answers
    # Most reached the forms' own checks (a page naming what is wrong), not a blanket refusal.
    assert answers.get("sent back", 0) > sum(answers.values()) * 3 // 4, answers
    history = await web.env.client.get_workflow_handle(workflow_id(SLUG)).fetch_history()
    assert not [e for e in history.events if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED]
    assert (await web.service.view(SLUG, READER)).overview.state  # still answering
