"""`lemniscate programme`: the office's programmes, which a start names and the portfolio
filters on (`ProgrammeRegistry`, through the service)."""

from __future__ import annotations

import click

from lemniscate.cli.common import ACTOR_ID_OPTION, ACTOR_OPTION, actor_from, handles_errors, service
from lemniscate.cli.speech import say
from lemniscate.models.sentence import Sentence


@click.group()
def programme() -> None:
    """Programmes: the office's list of them. Once it holds one, a start must name one of
    them (case aside, spelt as the list has it)."""


@programme.command(name="list")
@handles_errors
async def list_() -> None:
    """The office's programmes, one a line, in the order they were added."""
    known = await (await service()).programmes.known()
    for name in known:
        click.echo(name)
    if not known:
        click.echo(say(Sentence("cli.programme.none", "No programmes yet: a start may name any.")), err=True)


@programme.command()
@click.argument("name")
@ACTOR_OPTION
@ACTOR_ID_OPTION
@handles_errors
async def add(name: str, as_: str, actor_id: str | None) -> None:
    """Add NAME to the office's programmes (one that matches NAME, case aside, is refused).

    \b
    Example:
      lemniscate programme add "Energietransitie"
    """
    known = await (await service()).programmes.add(name, actor_from(as_, actor_id))
    click.echo(say(Sentence("cli.programme.added", "added {name}", name=known[-1])))
