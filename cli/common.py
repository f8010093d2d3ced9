"""What every `lemniscate` command shares: error handling, payload input, the actor."""

from __future__ import annotations

import asyncio
import functools
import json
import os
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import click
from pydantic import ValidationError

from lemniscate import states
from lemniscate.cli import render
from lemniscate.cli.exits import EXIT_ERROR, EXIT_REFUSED, EXIT_UNAVAILABLE
from lemniscate.cli.speech import say
from lemniscate.cluster import ClusterError, ClusterSettings, ClusterUnavailableError, connect
from lemniscate.coalitions import CoalitionError, CoalitionRefused, CoalitionService
from lemniscate.models.events import Actor, Role
from lemniscate.models.sentence import Sentence

P = ParamSpec("P")
T = TypeVar("T")


def fail(message: str, code: int = EXIT_ERROR) -> None:
    click.echo(say(Sentence("cli.error", "error: {message}", message=message)), err=True)
    sys.exit(code)


def handles_errors(command: Callable[P, Coroutine[Any, Any, T]]) -> Callable[P, T | None]:
    """Run an async command; turn every expected failure into one line and an exit code."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T | None:
        try:
            return asyncio.run(command(*args, **kwargs))
        except CoalitionRefused as refused:
            click.echo(render.refused(refused.trigger, refused.reasons), err=True)
            sys.exit(EXIT_REFUSED)
        except ClusterUnavailableError as error:
            fail(error.args[0] if error.args else str(error), EXIT_UNAVAILABLE)
        except (CoalitionError, ClusterError) as error:
            fail(error.args[0] if error.args and isinstance(error.args[0], str) else str(error))
        return None

    return wrapper


async def service() -> CoalitionService:
    settings = ClusterSettings.from_env()
    return CoalitionService(await connect(settings), settings.task_queue)


def load_data(data: str | None) -> dict[str, Any]:
    """--data as inline JSON, @file, or @- for standard input."""
    if data is None:
        return {}
    source = "--data"
    if data.startswith("@"):
        source = data[1:]
        try:
            data = sys.stdin.read() if source == "-" else Path(source).read_text("utf-8")
        except OSError as error:
            fail(f"--data: cannot read {source}: {error.strerror}")
            raise AssertionError from error  # _fail exits; this keeps the type checker honest
    try:
        loaded = json.loads(data)
    except json.JSONDecodeError as error:
        fail(f"{source}: not valid JSON ({error.msg} at line {error.lineno}, column {error.colno}).")
        raise AssertionError from error
    if not isinstance(loaded, dict):
        fail(f'{source}: the payload must be a JSON object, e.g. \'{{"intent": "..."}}\'.')
        raise AssertionError
    return loaded


def actor_from(spec: str, actor_id: str | None) -> Actor:
    """--as coordinator | partner:ORGANISATION | auditor"""
    role_name, _, organisation = spec.partition(":")
    try:
        role = Role(role_name)
    except ValueError:
        fail(f"--as: unknown role {role_name!r}; use coordinator, partner:ORGANISATION or auditor.")
        raise
    if role in (Role.system, Role.integration):
        fail(
            f"--as: {role.value} is not a role for people at a terminal; integrations use "
            "the HTTP API with their key."
        )
    name = actor_id or os.environ.get("USER") or role.value
    try:
        return Actor(id=name, role=role, organisation=organisation or None)
    except ValidationError:
        fail("--as: a partner acts for an organisation: --as partner:Aedes")
        raise


ACTOR_OPTION = click.option(
    "--as",
    "as_",
    default=lambda: os.environ.get("LEMNISCATE_ACTOR", "coordinator"),
    show_default="coordinator, or $LEMNISCATE_ACTOR",
    help="Who acts: coordinator, partner:ORGANISATION or auditor (the operator's word; the API "
    "and the dashboard know who acts from a key).",
)
ACTOR_ID_OPTION = click.option("--actor-id", default=None, help="Your name in the journal (default: $USER).")


# Payloads with a `reason` field of their own (dissolve, start_closing, mark_not_reached).
_OWN_REASON = tuple(name for name, spec in states.TRIGGERS.items() if "reason" in spec.payload.model_fields)

REASON_HELP = (
    "Why, for the journal and the auditors. A payload with a reason field of its own ("
    + ", ".join(_OWN_REASON)
    + ") takes it there too, unless --data gives one."
)


def with_reason(trigger: str, payload: dict[str, Any], reason: str | None) -> dict[str, Any]:
    """`--reason` is the journal's why. For a trigger whose payload needs a `reason` too,
    the sentence typed once is both: `do X dissolve --reason "..."` is not refused for a
    missing field. A `reason` given in --data is kept as it is."""
    if reason is None or trigger not in _OWN_REASON or "reason" in payload:
        return payload
    return {**payload, "reason": reason}
