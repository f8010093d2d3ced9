"""Follow-ups and the agenda at the terminal: `lemniscate agenda`, and the follow-up part
of `lemniscate show`. Both read through the one service, like the API and the dashboard."""

from __future__ import annotations

import json
from datetime import datetime

import click

from lemniscate.cli.common import ACTOR_OPTION, actor_from, handles_errors, service
from lemniscate.states.agenda import Window, WorklistItem
from lemniscate.states.followup_view import FollowUps

SHOWN = 10  # planned and delivered follow-ups `show` lists; --json has them all


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "-"


def follow_ups_text(model: FollowUps) -> list[str]:
    """The follow-up lines of `show`: overdue, escalated, planned (earliest first) and the
    latest delivered, each with whom it is for and what it is about."""
    out: list[str] = []
    if model.overdue:
        out += ["", "Overdue"]
        out += [
            f"  {o.action:<5} {o.days:>4}d  {o.title}  (due {o.due_on}, for {', '.join(o.recipients)}"
            + (f", item {o.item})" if o.item else ")")
            for o in model.overdue
        ]
    if model.escalated:
        out += ["", "Escalated, not acted on yet"]
        out += [f"  {_when(d.at)}  {d.says}  (to {', '.join(d.recipients) or '-'})" for d in model.escalated]
    out += ["", "Planned follow-ups" + ("" if model.planned else ": none")]
    for f in model.planned[:SHOWN]:
        then = ""
        if f.leads_to is not None:
            later = f.leads_to
            step = f", the engine: {later.engine_step}" if later.engine_step else ""
            then = f"\n      then {later.kind.value} {_when(later.due_at)} to {later.audience.value}{step}"
        out.append(f"  {_when(f.due_at)}  {f.kind.value:<20} for {', '.join(f.recipients)}: {f.says}{then}")
    if len(model.planned) > SHOWN:
        out.append(f"  ... and {len(model.planned) - SHOWN} more (--json)")
    if model.delivered:
        out += ["", "Delivered follow-ups (latest)"]
        for d in model.delivered[-SHOWN:]:
            channels = ", ".join(f"{c.channel} {c.outcome}" for c in d.channels) or "-"
            out.append(
                f"  {_when(d.at)}  {d.kind.value:<20} to {', '.join(d.recipients) or '-'}: [{channels}]"
            )
    return out


def agenda_text(items: list[WorklistItem]) -> str:
    if not items:
        return "(nothing due)"
    lines = []
    for i in items:
        late = f" ({i.days_overdue}d overdue)" if i.days_overdue else ""
        lines.append(
            f"{_when(i.due_at)}  {i.category.value:<9} {i.coalition_id:<24} "
            f"for {', '.join(i.recipients) or '-'}: {i.says}{late}"
        )
    return "\n".join(lines)


@click.command()
@click.option(
    "--organisation", default=None, help="Only what is for this organisation, or about its records."
)
@click.option("--person", default=None, help="Only what is for this person (e.g. a coordinator's id).")
@click.option("--week", "window", flag_value=Window.week.value, help="Planned follow-ups due within 7 days.")
@click.option("--overdue", "window", flag_value=Window.overdue.value, help="Actions past their due date.")
@click.option("--escalated", "window", flag_value=Window.escalated.value, help="Escalations not acted on.")
@click.option(
    "--limit", default=50, show_default=True, type=click.IntRange(1, 200), help="Coalitions per page."
)
@click.option("--json", "as_json", is_flag=True)
@ACTOR_OPTION
@handles_errors
async def agenda(
    organisation: str | None, person: str | None, window: str | None, limit: int, as_json: bool, as_: str
) -> None:
    """A worklist across coalitions: what is due this week, overdue or escalated, for the
    whole office, one organisation or one person (everything, without --week/--overdue/
    --escalated). Coalitions come from visibility; each is then asked for its follow-ups.

    \b
    Examples:
      lemniscate agenda --week
      lemniscate agenda --organisation Aedes --overdue
      lemniscate agenda --as partner:Aedes --json
    """
    svc = await service()
    reader = actor_from(as_, None)
    items, _, _ = await svc.agenda(
        reader, Window(window or Window.all.value), organisation=organisation, person=person, limit=limit
    )
    if as_json:
        click.echo(json.dumps([i.model_dump(mode="json") for i in items], indent=2, ensure_ascii=False))
    else:
        click.echo(agenda_text(items))
