"""The portfolio from the terminal: `lemniscate list` and `lemniscate count`, filtered as
the dashboard and the API filter it (`coalitions.PortfolioFilter`), through the service."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import click
from pydantic import ValidationError

from lemniscate import states
from lemniscate.cli import render
from lemniscate.cli.common import ACTOR_OPTION, actor_from, fail, handles_errors, service
from lemniscate.coalitions import CoalitionService, PortfolioFilter
from lemniscate.states.checks import field


def _filter_options(command: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option("--state", help="e.g. domain_mapping, doing"),
        click.option("--round", "round_", type=click.Choice([r.value for r in states.Round])),
        click.option("--side", type=click.Choice([s.value for s in states.Side])),
        click.option("--programme"),
        click.option("--organisation", help="coalitions this organisation takes part in"),
        click.option(
            "--at-risk/--not-at-risk", default=None, help="only the night candles, or only the others"
        ),
        click.option(
            "--due-before",
            type=click.DateTime(),
            help="next follow-up before this moment (UTC), e.g. 2027-01-31",
        ),
        click.option("--running", is_flag=True, help="leave out finished coalitions"),
        click.option("--finished", is_flag=True, help="only finished coalitions (closed, dissolved)"),
        click.option("--name", help="part of the name, case and accents aside"),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _portfolio_filter(
    state: str | None,
    round_: str | None,
    side: str | None,
    programme: str | None,
    organisation: str | None,
    at_risk: bool | None,
    due_before: datetime | None,
    running: bool,
    finished: bool = False,
    name: str | None = None,
) -> PortfolioFilter:
    if state is not None and state not in states.STATE_INFO:
        fail(f"--state: unknown state {state!r}; `lemniscate method` lists them.")
    due = due_before.replace(tzinfo=datetime.now().astimezone().tzinfo) if due_before else None
    try:
        return PortfolioFilter(
            state=state,
            round=round_,
            side=side,
            programme=programme,
            organisation=organisation,
            at_risk=at_risk,
            due_before=due,
            running_only=running,
            finished_only=finished,
            name=name.strip() or None if name is not None else None,
        )
    except ValidationError as error:  # a value no visibility query can hold, named
        fail(" ".join(states.describe_errors(error, "--")))
        raise


async def _known(svc: CoalitionService, where: PortfolioFilter) -> PortfolioFilter:
    """`where` with its programme as the office spells it; an unknown one is refused."""
    known, unknown = await svc.programmes.in_filter(where)
    if unknown is not None:
        fail(field("--programme", unknown))
    return known


@click.command(name="list")
@_filter_options
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 1000))
@click.option("--json", "as_json", is_flag=True)
@ACTOR_OPTION
@handles_errors
async def list_(limit: int, as_json: bool, as_: str, **filters: Any) -> None:
    """List coalitions from Temporal visibility (never by asking each workflow).

    \b
    Examples:
      lemniscate list --programme RES --round 2
      lemniscate list --at-risk
      lemniscate list --organisation Aedes --due-before 2027-02-01
    """
    svc = await service()
    rows, _ = await svc.list(
        await _known(svc, _portfolio_filter(**filters)), actor_from(as_, None), limit=limit
    )
    if as_json:
        click.echo(json.dumps([r.model_dump(mode="json") for r in rows], indent=2))
    else:
        click.echo(render.portfolio(rows))


@click.command()
@_filter_options
@ACTOR_OPTION
@handles_errors
async def count(as_: str, **filters: Any) -> None:
    """Count coalitions matching the filters.

    \b
    Example:
      lemniscate count --state doing --programme "Wonen en Zorg"
    """
    svc = await service()
    click.echo(await svc.count(await _known(svc, _portfolio_filter(**filters)), actor_from(as_, None)))
