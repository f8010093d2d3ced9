"""The role x surface matrix of tests/test_access_matrix.py: who gets which answer where.

Written out by hand, not computed from `states.policy`: a matrix derived from the policy
would agree with any policy. Every route of the app must have a row here
(`row_for`), so a new route without one fails the test that enumerates `app.routes`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from lemniscate.models.coalition import InterviewAnswers

# Who asks. "anonymous" carries no key (no session, for the dashboard).
ACTORS: Final = (
    "coordinator",
    "admin",
    "aedes",  # partner A, a member
    "actiz",  # partner B, a member
    "outsider",  # a partner of an organisation in no coalition here
    "observer",  # named a member of SLUG only, by add_member
    "lead",  # programme lead of ENERGY's programme, not of SLUG's
    "auditor",
    "integration",  # may fire record_intent only
    "anonymous",
)
# The coalitions: SLUG holds partner A's planted answers and the observer; ENERGY is in the
# programme lead's programme (A's answers planted there too); GONE named the observer and
# removed it again; NOWHERE does not exist.
SLUG: Final = "matrix-wonen"
ENERGY: Final = "matrix-energie"
GONE: Final = "matrix-removed"
NOWHERE: Final = "matrix-nowhere"
PROGRAMME: Final = "Energie"  # the programme lead's (tests/support/web_stack.py)
MARKER: Final = "ZX-AEDES-CONFIDENTIAL-7f3a"  # in partner A's interview answers only

ALLOWED: Final = "allowed"
"""The policy let the request through: what answers is the method (2xx, 409, 410, 422),
never 401, 403 or 404."""
Expect = int | str

# Partner triggers, listed here on purpose: a trigger gaining or losing a partner scope
# changes who may fire it, and this matrix should be changed with it.
PARTNER_TRIGGERS: Final = frozenset(
    {
        "record_interview",
        "update_agenda",
        "commit",
        "report_progress",
        "pick_up_action",
        "record_constituency_support",
        "join_communication_coalition",
        "correct_record",
    }
)

EVERYONE_IDENTIFIED: Final = {a: 200 for a in ACTORS if a != "anonymous"}
# Readers of SLUG: members, confidants and office-wide readers. Not the outsider, not the
# lead of another programme: 404, as for a coalition that does not exist.
READS_SLUG: Final = {
    **{a: 200 for a in ("coordinator", "admin", "aedes", "actiz", "observer", "auditor", "integration")},
    "outsider": 404,
    "lead": 404,
}


# SLUG runs: its readers are told it has no closing report yet (409), the others that it
# does not exist.
REPORT_OF_SLUG: Final = {a: 409 if status == 200 else status for a, status in READS_SLUG.items()}


def _only(allowed: Mapping[str, Expect], otherwise: Expect = 403) -> dict[str, Expect]:
    """`allowed` for whom it names, `otherwise` for every other identified actor."""
    return {a: allowed.get(a, otherwise) for a in ACTORS if a != "anonymous"}


OFFICE: Final = {"coordinator": ALLOWED, "admin": ALLOWED}
OFFICE_AND_CRM: Final = {**OFFICE, "integration": ALLOWED}


@dataclass(frozen=True)
class Row:
    """One route: the request made on it, and the answer each actor gets (401 for anonymous
    unless said otherwise)."""

    path: str  # the concrete path asked
    expect: Mapping[str, Expect]
    json: Any = None
    anonymous: Expect = 401
    form: Mapping[str, str] | None = None
    extra: Mapping[str, str] = field(default_factory=dict)

    def wanted(self, actor: str) -> Expect:
        return self.anonymous if actor == "anonymous" else self.expect[actor]


def trigger_row(trigger: str) -> Row:
    """A trigger on SLUG with an empty payload: refused for who may not fire it (403), read
    for who may (422 for an empty payload, or the method's refusal: SLUG records no intent,
    so no step can move it). A partner's payload is read before its membership is asked, so
    the outsider meets 422 here and 404 with a valid payload (tests/test_access_matrix.py)."""
    partner = ALLOWED if trigger in PARTNER_TRIGGERS else 403
    allowed: dict[str, Expect] = {**OFFICE, "aedes": partner, "actiz": partner, "outsider": partner}
    if trigger == "record_intent":
        allowed["integration"] = ALLOWED
    return Row(f"/coalitions/{SLUG}/triggers/{trigger}", _only(allowed), json={})


_NOT_SLUG: Final = {"outsider": 404, "lead": 404}
_SUBSCRIPTION = {"url": "http://127.0.0.1:9/hook"}
_BULK = {"where": {"programme": "Nergens"}, "trigger": "record_intent", "payload": {"intent": "x"}}
_OFFICE_WIDE = {"coordinator": 200, "admin": 200, "integration": 200, "auditor": 200}

API_ROWS: Final[dict[tuple[str, str], Row]] = {
    ("GET", "/openapi.json"): Row("/openapi.json", EVERYONE_IDENTIFIED, anonymous=200),
    ("GET", "/docs"): Row("/docs", EVERYONE_IDENTIFIED, anonymous=200),
    ("GET", "/docs/oauth2-redirect"): Row("/docs/oauth2-redirect", EVERYONE_IDENTIFIED, anonymous=200),
    ("GET", "/redoc"): Row("/redoc", EVERYONE_IDENTIFIED, anonymous=200),
    ("GET", "/method"): Row("/method", EVERYONE_IDENTIFIED),
    ("POST", "/coalitions"): Row("/coalitions", _only(OFFICE), json={}),
    ("GET", "/coalitions"): Row("/coalitions", EVERYONE_IDENTIFIED),
    ("GET", "/coalitions/count"): Row("/coalitions/count", EVERYONE_IDENTIFIED),
    ("GET", "/coalitions/{coalition_id}"): Row(f"/coalitions/{SLUG}", READS_SLUG),
    ("GET", "/coalitions/{coalition_id}/journal"): Row(f"/coalitions/{SLUG}/journal", READS_SLUG),
    ("GET", "/coalitions/{coalition_id}/audit"): Row(
        f"/coalitions/{SLUG}/audit",
        _only({"coordinator": 200, "admin": 200, "auditor": 200, "outsider": 404, "lead": 404}),
    ),
    ("GET", "/coalitions/{coalition_id}/follow-ups"): Row(f"/coalitions/{SLUG}/follow-ups", READS_SLUG),
    ("GET", "/coalitions/{coalition_id}/report"): Row(f"/coalitions/{SLUG}/report", REPORT_OF_SLUG),
    ("GET", "/agenda"): Row("/agenda", EVERYONE_IDENTIFIED),
    # A calendar address for a coalition one reads; revoking one's own is everyone's; the
    # feed itself takes no key (its address is the credential): a made-up one is no feed.
    ("POST", "/feeds"): Row(
        f"/feeds?coalition={SLUG}", {**{a: 201 for a in READS_SLUG if READS_SLUG[a] == 200}, **_NOT_SLUG}
    ),
    ("DELETE", "/feeds"): Row("/feeds", {a: 204 for a in ACTORS if a != "anonymous"}),
    ("GET", "/feeds/{token}.ics"): Row("/feeds/made-up.ics", _only({}, otherwise=404), anonymous=404),
    ("POST", "/bulk"): Row("/bulk", _only(OFFICE_AND_CRM), json=_BULK),
    ("GET", "/bulk/{bulk_id}"): Row("/bulk/no-such-bulk", _only({}, otherwise=404)),
    ("POST", "/subscriptions"): Row("/subscriptions", _only(OFFICE_AND_CRM), json=_SUBSCRIPTION),
    ("GET", "/subscriptions"): Row("/subscriptions", _only(_OFFICE_WIDE)),
    ("DELETE", "/subscriptions/{subscription_id}"): Row(
        "/subscriptions/no-such-hook", _only({"coordinator": 404, "admin": 404, "integration": 404})
    ),
    ("POST", "/subscriptions/{subscription_id}/secret"): Row(
        "/subscriptions/no-such-hook/secret", _only({"coordinator": 404, "admin": 404, "integration": 404})
    ),
    # This stack's keys are given in code, not in a file (409 for who may manage them).
    ("POST", "/keys"): Row("/keys", _only(OFFICE), json={"id": "matrix", "role": "observer"}),
    ("GET", "/keys"): Row("/keys", _only(OFFICE)),
    ("DELETE", "/keys/{key_id}"): Row("/keys/someone", _only(OFFICE)),
    # The office's rules: read by every identified caller, published by the office's changers.
    ("GET", "/playbooks"): Row("/playbooks", _only({}, otherwise=200)),
    ("GET", "/playbooks/{name}/{version}"): Row("/playbooks/default/1", _only({}, otherwise=200)),
    ("POST", "/playbooks"): Row(
        "/playbooks", _only(OFFICE), json={"name": "matrix", "version": 1, "min_interviews": 1}
    ),
    ("GET", "/playbooks/{name}/{version}/impact"): Row(
        "/playbooks/default/1/impact", _only({}, otherwise=200)
    ),
    # The office's programmes: read by every identified caller, added by its changers. The
    # name is invisible, so the office's own try is refused too (422) and no list comes to
    # be enforced on the starts of the other tests.
    ("GET", "/programmes"): Row("/programmes", _only({}, otherwise=200)),
    ("POST", "/programmes"): Row("/programmes", _only(OFFICE), json={"name": "\u200b"}),
}

_PAGE = {a: 200 for a in ACTORS if a != "anonymous"}
_LOGIN = "/dashboard/login"
DASHBOARD_ROWS: Final[dict[tuple[str, str], Row]] = {
    # Logged in, the login page sends you on; without a session it is the one page shown.
    ("GET", "/dashboard/login"): Row(_LOGIN, _only({}, otherwise=303), anonymous=200),
    ("POST", "/dashboard/login"): Row(_LOGIN, _only({}, otherwise=401), anonymous=401, form={"key": "wrong"}),
    ("POST", "/dashboard/logout"): Row("/dashboard/logout", _only({}, otherwise=303), anonymous=303, form={}),
    # Choosing a language is everyone's, logged in or not: back to the page, with the choice.
    ("POST", "/dashboard/language"): Row(
        "/dashboard/language",
        _only({}, otherwise=303),
        anonymous=303,
        form={"lang": "nl", "next": "/dashboard/"},
    ),
    ("GET", "/dashboard/"): Row("/dashboard/", _PAGE, anonymous=303),
    ("GET", "/dashboard/week"): Row("/dashboard/week", _PAGE, anonymous=303),
    ("GET", "/dashboard/playbooks"): Row("/dashboard/playbooks", _PAGE, anonymous=303),
    ("GET", "/dashboard/portfolio.csv"): Row("/dashboard/portfolio.csv", _PAGE, anonymous=303),
    ("POST", "/dashboard/coalitions"): Row("/dashboard/coalitions", _only(OFFICE), anonymous=303, form={}),
    ("GET", "/dashboard/coalitions/{slug}"): Row(f"/dashboard/coalitions/{SLUG}", READS_SLUG, anonymous=303),
    ("GET", "/dashboard/coalitions/{slug}/journal"): Row(
        f"/dashboard/coalitions/{SLUG}/journal", READS_SLUG, anonymous=303
    ),
    # A record's form on its own page: for whom it is offered; to anyone else it is not there.
    ("GET", "/dashboard/coalitions/{slug}/forms/{trigger}"): Row(
        f"/dashboard/coalitions/{SLUG}/forms/record_intent",
        _only({"coordinator": 200, "admin": 200, "integration": 200}, otherwise=404),
        anonymous=303,
    ),
    ("GET", "/dashboard/coalitions/{slug}/report.{fmt}"): Row(
        f"/dashboard/coalitions/{SLUG}/report.pdf", REPORT_OF_SLUG, anonymous=303
    ),
    ("POST", "/dashboard/coalitions/{slug}/triggers/{trigger}"): Row(
        f"/dashboard/coalitions/{SLUG}/triggers/record_intent",
        _only({**OFFICE_AND_CRM, "outsider": 404, "lead": 404}),
        anonymous=303,
        form={},
    ),
    ("GET", "/dashboard/static"): Row("/dashboard/static/dashboard.css", _PAGE, anonymous=200),
}


def row_for(method: str, path: str) -> Row:
    """The row of a route of the app; KeyError for a route the matrix does not know."""
    prefix = "/coalitions/{coalition_id}/triggers/"
    if method == "POST" and path.startswith(prefix):
        return trigger_row(path.removeprefix(prefix))
    return {**API_ROWS, **DASHBOARD_ROWS}[(method, path)]


def satisfied(wanted: Expect, status: int) -> bool:
    if wanted == ALLOWED:
        return status not in (401, 403, 404) and status < 500
    return status == wanted


def planted_interview() -> dict[str, Any]:
    """Partner A's interview, every answer carrying MARKER."""
    answers = {name: f"{MARKER} {name}" for name in InterviewAnswers.model_fields}
    return {"partner": "Aedes", "answers": answers, "held_on": "2027-01-12", "interviewer": "coordinator"}


def planted_correction() -> dict[str, Any]:
    """Partner A corrects one of its planted answers, and says why: MARKER in both."""
    answers = {"drive": f"{MARKER} drive, corrected"}
    return {"record": "Aedes", "interview": {"answers": answers}, "reason": f"{MARKER} misheard"}


# What each actor lists: members see their coalitions, the lead its programme's, office-wide
# readers all (every example taskforce has Aedes and ActiZ among its partners).
LISTED: Final[dict[str, set[str]]] = {
    **{a: {SLUG, ENERGY, GONE} for a in ("coordinator", "admin", "aedes", "actiz", "auditor", "integration")},
    "outsider": set(),
    "observer": {SLUG},
    "lead": {ENERGY},
}
