"""What a command that writes a document shares (`lemniscate report`, `lemniscate audit`):
its --format and --output, the format chosen from them, and the writing."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from lemniscate.cli.exits import EXIT_ERROR
from lemniscate.cli.speech import say
from lemniscate.models.sentence import Sentence

C = TypeVar("C", bound=Callable[..., Any])


def document_options(formats: Sequence[str], format_help: str) -> Callable[[C], C]:
    """--format and --output of a command that writes a document (`report`, `audit`); the
    command's parameters are `fmt` and `output`, and `format_of` chooses from them."""

    def decorate(command: C) -> C:
        command = click.option(
            "--output",
            "-o",
            type=click.Path(dir_okay=False, path_type=Path),
            default=None,
            help="Write to this file instead of standard output.",
        )(command)
        return click.option("--format", "fmt", type=click.Choice(formats), default=None, help=format_help)(
            command
        )

    return decorate


def format_of(fmt: str | None, output: Path | None, suffixes: Mapping[str, str], default: str) -> str:
    """The format asked for, else the one --output's suffix names, else `default`."""
    if fmt is not None:
        return fmt
    if output is not None and output.suffix.lower() in suffixes:
        return suffixes[output.suffix.lower()]
    return default


def write_output(document: str | bytes, output: Path | None) -> None:
    """A document to --output, or to standard output without it; a file that cannot be
    written is an error naming it."""
    if output is None:
        if isinstance(document, str):
            click.echo(document, nl=not document.endswith("\n"))
        else:
            click.echo(document, nl=False)  # bytes: written as they are
        return
    try:
        if isinstance(document, str):
            output.write_text(document, "utf-8")
        else:
            output.write_bytes(document)
    except OSError as error:
        said = Sentence(
            "cli.cannot-write",
            "error: --output: cannot write {path}: {why}",
            path=str(output),
            why=str(error.strerror),
        )
        click.echo(say(said), err=True)
        sys.exit(EXIT_ERROR)
