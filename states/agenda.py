"""A worklist across coalitions: what is due this week, what is overdue, what stands
escalated, for one person, one organisation or the whole office.

Pure: built from each coalition's follow-up read model (`states.followup_view`), already
narrowed to what the reader may see. Which coalitions are asked at all is the service's
business (visibility first; see `coalitions.agenda` and docs/agenda.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from enum import StrEnum

from pydantic import Field

from lemniscate.models.records import Record
from lemniscate.models.sentence import Said
from lemniscate.states.followup_view import FollowUps, LeadsTo

WEEK = timedelta(days=7)


class Window(StrEnum):
    """Which part of the worklist: `week` (planned, due within seven days), `overdue`
    (actions past their due date, undone), `escalated` (escalations nobody acted on yet);
    `all` is the three together."""

    all = "all"
    week = "week"
    overdue = "overdue"
    escalated = "escalated"


class WorklistItem(Record):
    coalition_id: str
    coalition_name: str
    category: Window = Field(description="week, overdue or escalated")
    kind: str
    due_at: datetime
    recipients: list[str]
    about: str | None
    says: Said
    leads_to: LeadsTo | None = None
    days_overdue: int | None = None


class AgendaPage(Record):
    items: list[WorklistItem]
    coalitions_read: int = Field(description="coalitions of this page whose follow-ups were read")
    next_page_token: str | None = None


def _wanted(recipients: Iterable[str], owners: Iterable[str], person: str | None, org: str | None) -> bool:
    names = {*recipients}
    if person is not None and person not in names:
        return False
    return org is None or org in names or org in owners


def _midnight(day: date, now: datetime) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=now.tzinfo)


def items_of(
    model: FollowUps,
    window: Window,
    now: datetime,
    person: str | None = None,
    organisation: str | None = None,
) -> list[WorklistItem]:
    """The worklist items of one coalition (an organisation's worklist holds the follow-ups
    for it and those about its records)."""
    whose = model.owners
    of = {"coalition_id": model.coalition_id, "coalition_name": model.coalition_name}

    def item(
        category: Window,
        kind: str,
        due_at: datetime,
        recipients: list[str],
        about: str | None,
        says: Said,
        leads_to: LeadsTo | None = None,
        days_overdue: int | None = None,
    ) -> WorklistItem:
        return WorklistItem(
            **of,
            category=category,
            kind=kind,
            due_at=due_at,
            recipients=recipients,
            about=about,
            says=says,
            leads_to=leads_to,
            days_overdue=days_overdue,
        )

    found: list[WorklistItem] = []
    if window in (Window.all, Window.week):
        found += [
            item(Window.week, f.kind.value, f.due_at, f.recipients, f.about, f.says, leads_to=f.leads_to)
            for f in model.planned
            if f.due_at <= now + WEEK
            and _wanted(f.recipients, whose.get(f.about or "", []), person, organisation)
        ]
    if window in (Window.all, Window.overdue):
        found += [
            item(
                Window.overdue,
                "action_overdue",
                _midnight(o.due_on, now),
                o.recipients,
                o.action,
                o.says,
                days_overdue=o.days,
            )
            for o in model.overdue
            if _wanted(o.recipients, [o.owner] if o.owner else [], person, organisation)
        ]
    if window in (Window.all, Window.escalated):
        found += [
            item(Window.escalated, d.kind.value, d.at, d.recipients, d.about, d.says)
            for d in model.escalated
            if _wanted(d.recipients, whose.get(d.about or "", []), person, organisation)
        ]
    return found


def ordered(items: Iterable[WorklistItem]) -> list[WorklistItem]:
    """Earliest first; within a moment, by coalition, so that a page reads the same twice."""
    return sorted(items, key=lambda i: (i.due_at, i.coalition_id, i.kind, i.about or ""))
