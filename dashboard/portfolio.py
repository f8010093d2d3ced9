"""The portfolio page's data: counts per state and a table with the urgent ones first.

Everything comes from Temporal visibility (the service's list and count), never from
querying workflows one by one, so the page stays fast with thousands of coalitions.
Visibility cannot sort by a custom search attribute, so "the urgent first" is four bands,
each its own query: at risk; overdue or escalated; follow-up due by the end of this week;
the rest (`bands`).
The page token remembers the band and Temporal's token within it.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as time_of_day
from typing import Any, Final
from urllib.parse import urlencode

from pydantic import ValidationError

from lemniscate import states
from lemniscate.cluster import search_attributes as sa
from lemniscate.coalitions import CoalitionService, PortfolioFilter, PortfolioRow
from lemniscate.coalitions.portfolio import quote_time
from lemniscate.dashboard import ordering
from lemniscate.dashboard.lemniscate import NODES
from lemniscate.models.events import Actor
from lemniscate.models.sentence import Sentence
from lemniscate.states.programmes import canonical

_REVISITED = tuple(
    sorted(
        {n.state for n in NODES if n.round.value == "3"} & {n.state for n in NODES if n.round.value == "2"}
    )
)


def end_of_week(now: datetime) -> datetime:
    """Monday 00:00 UTC after `now`: 'this week' as a calendar week."""
    monday = (now + timedelta(days=7 - now.weekday())).date()
    return datetime(monday.year, monday.month, monday.day, tzinfo=UTC)


# Kinds of next follow-up that say something stands overdue or escalated.
URGENT_KINDS: Final = ("action_overdue", "escalation", "outcome_escalation")


class _Band(PortfolioFilter):
    """A filter plus the band's own clauses. Visibility has no NOT for a missing attribute,
    so each band says it outright, with `IS NULL` where an attribute may be unset."""

    not_due_before: datetime | None = None
    urgent: bool | None = None  # True: overdue or escalated only; False: neither
    as_of: datetime | None = None

    def query(self) -> str:
        clauses = [super().query()]
        time, kind = sa.NEXT_FOLLOW_UP.name, sa.NEXT_KIND.name
        if self.not_due_before is not None:
            clauses.append(f"({time} > {quote_time(self.not_due_before)} OR {time} IS NULL)")
        if self.urgent is not None and self.as_of is not None:
            kinds = ", ".join(f"'{k}'" for k in URGENT_KINDS)  # constants, nothing asked
            now = quote_time(self.as_of)
            # The agenda's index too: an action overdue, or an escalation standing.
            due, escalated = sa.EARLIEST_DUE.name, sa.ESCALATED.name
            today = quote_time(
                datetime.combine(self.as_of.astimezone(UTC).date(), time_of_day(0), tzinfo=UTC)
            )
            if self.urgent:
                clauses.append(
                    f"({time} <= {now} OR {kind} IN ({kinds}) OR {due} < {today} OR {escalated} = true)"
                )
            else:
                clauses.append(f"({time} > {now} OR {time} IS NULL)")
                clauses.append(f"({kind} NOT IN ({kinds}) OR {kind} IS NULL)")
                clauses.append(f"({due} >= {today} OR {due} IS NULL)")
                clauses.append(f"({escalated} = false OR {escalated} IS NULL)")
        return " AND ".join(clauses)


def bands(where: PortfolioFilter, now: datetime) -> list[PortfolioFilter]:
    """The four bands within the person's own filter, most urgent first: at risk; overdue
    or escalated (a follow-up past its time, the next one an escalation or an overdue
    action, an action past its due day or an escalation standing: the agenda's index);
    due by the end of this week; the rest. Each is its own visibility query and
    excludes the bands before it, so the order holds across pages however many match. A
    band the filter excludes is left out."""
    week = end_of_week(now)
    base = where.model_dump()
    at_risk = None if where.at_risk is False else PortfolioFilter(**{**base, "at_risk": True})
    if where.at_risk:
        return [b for b in (at_risk,) if b is not None]
    calm = {**base, "at_risk": False, "as_of": now}
    urgent = _Band(**calm, urgent=True)
    due_before = min(week, where.due_before) if where.due_before else week
    due = _Band(**{**calm, "due_before": due_before}, urgent=False)
    rest = None if where.due_before else _Band(**calm, urgent=False, not_due_before=week)
    return [b for b in (at_risk, urgent, due, rest) if b is not None]


@dataclass(frozen=True)
class Page:
    rows: list[PortfolioRow]
    next_token: str | None


def _encode(band: int, token: bytes | None) -> str:
    state = {"band": band, "token": base64.b64encode(token).decode() if token else None}
    return base64.urlsafe_b64encode(json.dumps(state).encode()).decode()


def _decode(text: str | None) -> tuple[int, bytes | None]:
    if not text:
        return 0, None
    try:
        state = json.loads(base64.urlsafe_b64decode(text.encode()))
        token = base64.b64decode(state["token"]) if state["token"] else None
        return int(state["band"]), token
    except (ValueError, KeyError, TypeError):
        return 0, None  # a mangled link starts from the first page rather than failing


async def page(
    service: CoalitionService,
    where: PortfolioFilter,
    reader: Actor,
    now: datetime,
    size: int,
    token: str | None,
    sort: str = ordering.URGENCY,
) -> Page:
    """One page in the order asked for: the urgent first (three bands, each its own query,
    so it holds across pages however many match), or sorted (`ordering`: read whole, up to
    its limit, then sliced; `ordering.TooMany` beyond it)."""
    if sort != ordering.URGENCY:
        every = ordering.ordered(await ordering.whole(service, where, reader, ordering.SORT_LIMIT), sort)
        start = ordering.offset_of(token)
        following = start + size
        return Page(every[start:following], str(following) if following < len(every) else None)
    band_filters = bands(where, now)
    band, inner = _decode(token)
    rows: list[PortfolioRow] = []
    while band < len(band_filters) and len(rows) < size:
        found, inner = await service.list(band_filters[band], reader, size - len(rows), inner)
        # Within a band, the soonest follow-up first; visibility returns newest first.
        rows += sorted(found, key=lambda r: r.next_follow_up_at or datetime.max.replace(tzinfo=UTC))
        if inner is None:
            band, inner = band + 1, None
    more = band < len(band_filters)
    return Page(rows, _encode(band, inner) if more else None)


@dataclass(frozen=True)
class Counts:
    total: int
    at_risk: int
    due_this_week: int
    by_node: dict[str, int]  # Node.key -> coalitions there


async def counts(service: CoalitionService, where: PortfolioFilter, reader: Actor, now: datetime) -> Counts:
    """Counts per place on the lemniscate, all queried at once."""
    base = where.model_dump()
    week = end_of_week(now)
    queries: dict[str, PortfolioFilter] = {
        "total": where,
        "at_risk": PortfolioFilter(**{**base, "at_risk": True}),
        "due": PortfolioFilter(
            **{**base, "due_before": min(week, where.due_before) if where.due_before else week}
        ),
    }
    for state in sorted({n.state for n in NODES}):
        queries[f"state:{state}"] = PortfolioFilter(**{**base, "state": state})
    if where.round is None:  # split the states walked in round 2 and again in round 3
        for state in _REVISITED:
            queries[f"r3:{state}"] = PortfolioFilter(**{**base, "state": state, "round": "3"})
    if where.state is not None:  # the other states are then zero by definition
        queries = {k: q for k, q in queries.items() if ":" not in k or k.split(":", 1)[1] == where.state}
    numbers = dict(
        zip(queries, await asyncio.gather(*(service.count(q, reader) for q in queries.values())), strict=True)
    )
    by_node: dict[str, int] = {}
    for node in NODES:
        total = numbers.get(f"state:{node.state}", 0)
        if where.round is not None:
            by_node[node.key] = total if node.round.value == where.round else 0
        elif node.state in _REVISITED:
            in_three = numbers.get(f"r3:{node.state}", 0)
            by_node[node.key] = in_three if node.round.value == "3" else total - in_three
        else:
            by_node[node.key] = total
    return Counts(numbers["total"], numbers["at_risk"], numbers["due"], by_node)


_NAMED = ("programme", "organisation", "q")  # the filters a person types rather than picks
_FIELDS = {"q": "name"}  # the query parameter's `PortfolioFilter` field, where they differ
# The filters by name, as a note names them to a person.
FILTER_NAMES: dict[str, Sentence] = {
    "programme": Sentence("web.filter.programme", "programme"),
    "organisation": Sentence("web.filter.organisation", "organisation"),
    "round": Sentence("web.filter.round", "round"),
    "side": Sentence("web.filter.side", "side"),
    "state": Sentence("web.filter.state", "state"),
    "q": Sentence("web.filter.name", "name"),
    "status": Sentence("web.filter.status", "running or finished"),
    "sort": Sentence("web.filter.sort", "sort"),
}
STATUSES = ("running", "finished")
UNQUOTABLE: Final = "web.filter.unquotable"


def is_refusal(note: str) -> bool:
    """Whether a note of `filter_from_query` says a filter was refused, not merely stale."""
    return isinstance(note, Sentence) and note.code == UNQUOTABLE


def unquotable(name: str, value: str) -> str:
    """The note for a filter value `PortfolioFilter` refuses, or "" when it takes it."""
    try:
        PortfolioFilter.model_validate({_FIELDS.get(name, name): value})
    except ValidationError:
        return Sentence(
            "web.filter.unquotable",
            "The {name} filter cannot hold double quotes, backslashes or control characters; it was left out.",  # noqa: E501
            name=FILTER_NAMES[name],
        )
    return ""


def _unknown(name: str, value: str) -> str:
    return Sentence(
        "web.filter.unknown",
        "There is no {name} '{value}'; that filter was left out.",
        name=FILTER_NAMES[name],
        value=value[:100],
    )


def link(filters: dict[str, str], **extra: str) -> str:
    """The portfolio page with these filters (and `extra`, e.g. a page token)."""
    return "/dashboard/?" + urlencode({**filters, **extra})


def filter_from_query(
    query: Mapping[str, str], now: datetime, programmes: Sequence[str] = ()
) -> tuple[PortfolioFilter, dict[str, str], list[str]]:
    """The filter a query string asks for, the query string to keep in links, and notes on
    what was not understood: a stale bookmark should still open the page, minus the filter.
    A value the query builder refuses (`unquotable`) is left out with a note that names the
    filter, and the page answers 422. A programme is matched against the office's
    (`programmes`, case aside) and kept as the office spells it."""
    kept: dict[str, str] = {}
    notes: list[str] = []
    picked: dict[str, Any] = {}
    for name in _NAMED:
        value = query.get(name, "").strip()[:200]
        if value and unquotable(name, value):
            notes.append(unquotable(name, value))
        elif value and name == "programme" and programmes:
            known = canonical(programmes, value)
            if known is None:
                notes.append(_unknown(name, value))
            else:
                picked[name] = kept[name] = known
        elif value:
            kept[name] = value
            picked[_FIELDS.get(name, name)] = value
    for name, allowed in (
        ("round", [r.value for r in states.Round]),
        ("side", [s.value for s in states.Side]),
        ("state", list(states.STATE_INFO)),
        ("status", list(STATUSES)),
        ("sort", list(ordering.SORTS)),
    ):
        value = query.get(name, "").strip()
        if value in allowed and name in ("status", "sort"):
            kept[name] = value  # not a `PortfolioFilter` field as such: see below
        elif value in allowed:
            picked[name] = kept[name] = value
        elif value:
            notes.append(_unknown(name, value))
    picked["running_only"] = kept.get("status") == "running"
    picked["finished_only"] = kept.get("status") == "finished"
    if query.get("at_risk") == "1":
        picked["at_risk"] = True
        kept["at_risk"] = "1"
    if query.get("due") == "1":
        picked["due_before"] = end_of_week(now)
        kept["due"] = "1"
    return PortfolioFilter(**picked), kept, notes
