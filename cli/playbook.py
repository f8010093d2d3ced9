"""`lemniscate playbook`: write, check, publish and compare playbooks, and see what a new
version would change for the coalitions under way."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from lemniscate.cli import render
from lemniscate.cli.common import (
    ACTOR_ID_OPTION,
    ACTOR_OPTION,
    actor_from,
    handles_errors,
    service,
)
from lemniscate.cli.exits import EXIT_REFUSED
from lemniscate.coalitions.playbooks import parse_ref
from lemniscate.models.playbook import Playbook
from lemniscate.states import Refused
from lemniscate.states.playbook_diff import diff as playbook_diff
from lemniscate.states.playbook_files import parse_toml
from lemniscate.states.playbook_files import schema as document_schema


@click.group()
def playbook() -> None:
    """Playbooks: the method's numbers, gates and follow-ups as a TOML document an office
    writes itself, published as immutable versions that each coalition pins."""


def _read(path: str) -> Playbook:
    """The playbook in the file, or its problems, one per line, each with its field path."""
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text("utf-8")
        return parse_toml(text)
    except OSError as error:
        click.echo(f"error: cannot read {path}: {error.strerror}", err=True)
    except Refused as refused:
        click.echo(render.refused(refused.trigger, refused.reasons), err=True)
    sys.exit(EXIT_REFUSED)


def _ref(ref: str) -> tuple[str, int]:
    name, version = parse_ref(ref)
    if version is None:
        raise click.BadParameter(f"{ref!r}: name a version, as NAME@VERSION (default@1)")
    return name, version


@playbook.command()
def schema() -> None:
    """The JSON schema of a playbook document, for editors that validate as you type."""
    click.echo(json.dumps(document_schema(), indent=2, ensure_ascii=False))


@playbook.command()
@click.argument("file")
def check(file: str) -> None:
    """Check a playbook file without publishing it (FILE, or - for standard input)."""
    found = _read(file)
    click.echo(f"{found.ref}: valid ({found.content_hash})")


@playbook.command()
@click.argument("file")
@ACTOR_OPTION
@ACTOR_ID_OPTION
@handles_errors
async def publish(file: str, as_: str, actor_id: str | None) -> None:
    """Publish the playbook in FILE as a new immutable version.

    \b
    Example:
      lemniscate playbook publish gemeente.toml
    """
    published = await (await service()).playbooks.publish(_read(file), actor_from(as_, actor_id))
    click.echo(f"published {published.playbook.ref} ({published.hash})")


@playbook.command(name="list")
@handles_errors
async def list_() -> None:
    """Every version: the built-in ones and those published."""
    for found in await (await service()).playbooks.all():
        click.echo(f"{found.ref:<24} {found.content_hash[:19]}  {found.description}")


@playbook.command()
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True, help="As JSON (the document's fields).")
@handles_errors
async def show(ref: str, as_json: bool) -> None:
    """One version's settings, every default spelt out (NAME@VERSION)."""
    found = await (await service()).playbooks.get(*_ref(ref))
    click.echo(found.model_dump_json(indent=2) if as_json else render.playbook(found))


@playbook.command()
@click.argument("old")
@click.argument("new")
@handles_errors
async def diff(old: str, new: str) -> None:
    """What changes from one version to another (NAME@1 NAME@2)."""
    registry = (await service()).playbooks
    changes = playbook_diff(await registry.get(*_ref(old)), await registry.get(*_ref(new)))
    click.echo("\n".join(changes) if changes else "no settings change.")


@playbook.command()
@click.argument("ref")
@ACTOR_OPTION
@click.option("--json", "as_json", is_flag=True, help="As JSON, one object per coalition.")
@handles_errors
async def impact(ref: str, as_: str, as_json: bool) -> None:
    """For every running coalition on an older version of NAME, what NAME@VERSION would
    change for it: steps that become blocked, gates now met, reminders that move, and why
    adopting it would be refused."""
    found = await (await service()).playbook_impact(*_ref(ref), actor_from(as_, None))
    if as_json:
        click.echo(json.dumps([i.model_dump(mode="json") for i in found], indent=2, ensure_ascii=False))
    else:
        click.echo(render.impact(found))
