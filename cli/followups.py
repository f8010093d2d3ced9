"""Follow-ups and the agenda at the terminal: `lemniscate agenda`, and the follow-up part
of `lemniscate show`. Both read through the one service, like the API and the dashboard."""

from __future__ import annotations

import json
from datetime import datetime

import click

from lemniscate.cli.common import ACTOR_OPTION, actor_from, handles_errors, service
from lemniscate.cli.speech import say
from lemniscate.models.sentence import Sentence
from lemniscate.states.agenda import Window, WorklistItem
from lemniscate.states.followup_view import FollowUps
from lemniscate.states.words import follow_up_kind_word, trigger_word

SHOWN = 10  # planned and delivered follow-ups `show` lists; --json has them all


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "-"


def _names(names: list[str]) -> str:
    return ", ".join(names) or "-"


def follow_ups_text(model: FollowUps) -> list[str]:
    """The follow-up lines of `show`: overdue, escalated, planned (earliest first) and the
    latest delivered, each with whom it is for and what it is about, in the command's
    language."""
    out: list[str] = []
    if model.overdue:
        out += ["", say(Sentence("cli.fu.overdue", "Overdue"))]
        for o in model.overdue:
            item = say(Sentence("cli.fu.item", ", item {item}", item=o.item)) if o.item else ""
            line = Sentence(
                "cli.fu.overdue-line",
                "  {action:<5} {days:>4}d  {title}  (due {due}, for {names}{item})",
                action=o.action,
                days=o.days,
                title=o.title,
                due=str(o.due_on),
                names=_names(o.recipients),
                item=item,
            )
            out.append(say(line))
    if model.escalated:
        out += ["", say(Sentence("cli.fu.escalated", "Escalated, not acted on yet"))]
        out += [
            say(
                Sentence(
                    "cli.fu.escalated-line",
                    "  {when}  {says}  (to {names})",
                    when=_when(d.at),
                    says=d.says,
                    names=_names(d.recipients),
                )
            )
            for d in model.escalated
        ]
    planned = (
        Sentence("cli.fu.planned", "Planned follow-ups")
        if model.planned
        else Sentence("cli.fu.planned-none", "Planned follow-ups: none")
    )
    out += ["", say(planned)]
    for f in model.planned[:SHOWN]:
        line = Sentence(
            "cli.fu.planned-line",
            "  {when}  {kind:<20} for {names}: {says}",
            when=_when(f.due_at),
            kind=follow_up_kind_word(f.kind.value),
            names=_names(f.recipients),
            says=f.says,
        )
        out.append(say(line))
        if f.leads_to is not None:
            later = f.leads_to
            then = Sentence(
                "cli.fu.then",
                "      then {kind} {when} to {audience}",
                kind=follow_up_kind_word(later.kind.value),
                when=_when(later.due_at),
                audience=later.audience.value,
            )
            step = (
                say(Sentence("cli.fu.engine", ", the engine: {step}", step=trigger_word(later.engine_step)))
                if later.engine_step
                else ""
            )
            out.append(say(then) + step)
    if len(model.planned) > SHOWN:
        more = Sentence("cli.fu.more", "  ... and {count} more (--json)", count=len(model.planned) - SHOWN)
        out.append(say(more))
    if model.delivered:
        out += ["", say(Sentence("cli.fu.delivered", "Delivered follow-ups (latest)"))]
        for d in model.delivered[-SHOWN:]:
            channels = ", ".join(f"{c.channel} {c.outcome}" for c in d.channels) or "-"
            line = Sentence(
                "cli.fu.delivered-line",
                "  {when}  {kind:<20} to {names}: [{channels}]",
                when=_when(d.at),
                kind=follow_up_kind_word(d.kind.value),
                names=_names(d.recipients),
                channels=channels,
            )
            out.append(say(line))
    return out


def agenda_text(items: list[WorklistItem]) -> str:
    if not items:
        return say(Sentence("cli.agenda.nothing", "(nothing due)"))
    lines = []
    for i in items:
        line = Sentence(
            "cli.agenda.line",
            "{when}  {category:<9} {coalition:<24} for {names}: {says}",
            when=_when(i.due_at),
            category=i.category.value,
            coalition=i.coalition_id,
            names=_names(i.recipients),
            says=i.says,
        )
        lines.append(say(line))  # an overdue item says how many days itself
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
