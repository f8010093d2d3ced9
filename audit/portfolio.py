"""The portfolio export: every coalition with its state and key dates, for people without
access to the system.

Visibility gives state, round, side, programme, organisations, at risk and the start of
each run; the name, the last activity and the key dates are only in each coalition's
journal, so this export (and nothing else) asks every coalition once, a few at a time.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel
from temporalio.client import WorkflowQueryFailedError
from temporalio.service import RPCError

from lemniscate.audit.formats import spreadsheet
from lemniscate.coalitions import CoalitionError, CoalitionService, PortfolioFilter, PortfolioRow, Standing
from lemniscate.models.events import Actor, Role
from lemniscate.models.journal import JournalEntry
from lemniscate.states.names import StateName as S
from lemniscate.states.names import TriggerName as T

PAGE_SIZE = 200
CONCURRENT_QUERIES = 16  # enough to be quick, few enough to leave the workers room
CLOSED_STATES = (S.closed, S.dissolved)


class PortfolioLine(Standing):
    # Its name is the journal's (`key_dates`), not the one visibility lists.
    started_at: datetime
    last_activity_at: datetime | None
    founded_on: date | None
    execution_started_on: date | None
    closed_on: date | None
    entries: int | None
    note: str = ""


COLUMNS = tuple(PortfolioLine.model_fields)


async def _all_rows(service: CoalitionService, reader: Actor) -> list[PortfolioRow]:
    rows: list[PortfolioRow] = []
    token: bytes | None = None
    while True:
        page, token = await service.list(PortfolioFilter(), reader, limit=PAGE_SIZE, page_token=token)
        rows += page
        if not token:
            return rows


def _one_per_coalition(rows: Sequence[PortfolioRow]) -> list[tuple[PortfolioRow, datetime]]:
    """Visibility lists every run; a coalition that continued as new has several. Keep the
    current run, and the start of the first."""
    runs: dict[str, list[PortfolioRow]] = {}
    for row in rows:
        runs.setdefault(row.id, []).append(row)
    chosen = []
    for group in runs.values():
        current = max(group, key=lambda r: (r.status != "continued_as_new", r.started_at))
        chosen.append((current, min(r.started_at for r in group)))
    return sorted(chosen, key=lambda pair: pair[1])


class KeyDates(BaseModel):
    """What only the journal knows: the name, the last activity and the key dates."""

    name: str | None
    last_activity_at: datetime | None
    founded_on: date | None
    execution_started_on: date | None
    closed_on: date | None
    entries: int


def key_dates(journal: Sequence[JournalEntry]) -> KeyDates:
    def first(predicate: Callable[[JournalEntry], bool]) -> date | None:
        found = next((e for e in journal if predicate(e)), None)
        return found.event.at.date() if found else None

    people = [e for e in journal if e.event.actor.role != Role.system]
    name = journal[0].event.payload.get("name") if journal else None
    return KeyDates(
        name=name if isinstance(name, str) else None,
        last_activity_at=people[-1].event.at if people else None,
        founded_on=first(lambda e: e.event.trigger == T.found),
        execution_started_on=first(lambda e: e.to_state == S.doing and e.from_state != S.doing),
        closed_on=first(lambda e: e.to_state in CLOSED_STATES),
        entries=len(journal),
    )


async def portfolio_lines(service: CoalitionService, reader: Actor) -> list[PortfolioLine]:
    """Every coalition `reader` may see (the service narrows the listing), oldest first."""
    limit = asyncio.Semaphore(CONCURRENT_QUERIES)

    async def line(row: PortfolioRow, started: datetime) -> PortfolioLine:
        base: dict[str, Any] = {
            "id": row.id,
            "status": row.status,
            "state": row.state,
            "round": row.round,
            "side": row.side,
            "programme": row.programme,
            "organisations": row.organisations,
            "at_risk": row.at_risk,
            "started_at": started,
        }
        try:
            async with limit:
                journal = await service.journal(row.id, reader)
        except (CoalitionError, RPCError, WorkflowQueryFailedError) as error:
            # One unreadable coalition must not cost the whole export: listed, with why.
            return PortfolioLine(
                **base,
                name=None,
                last_activity_at=None,
                founded_on=None,
                execution_started_on=None,
                closed_on=None,
                entries=None,
                note=f"journal not readable: {error}",
            )
        return PortfolioLine(**base, **key_dates(journal).model_dump())

    chosen = _one_per_coalition(await _all_rows(service, reader))
    return list(await asyncio.gather(*(line(row, started) for row, started in chosen)))


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S UTC")
    return str(value)


def render_csv(lines: Sequence[PortfolioLine]) -> str:
    """Names and programmes come from payloads: written by `spreadsheet`, never a formula."""
    return spreadsheet.write(
        COLUMNS, ([_cell(getattr(line, column)) for column in COLUMNS] for line in lines)
    )


def render_json(lines: Sequence[PortfolioLine]) -> str:
    return json.dumps([line.model_dump(mode="json") for line in lines], indent=2, ensure_ascii=False) + "\n"
