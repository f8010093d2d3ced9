"""The language of a command's human output: `--lang`, else the locale (`LC_ALL`,
`LC_MESSAGES`, `LANG`), else the office's (`LEMNISCATE_LANGUAGE`). JSON output never
changes with it."""

from __future__ import annotations

from typing import Final

import click

from lemniscate.language import Language, from_environment, translate

_KEY: Final = "lemniscate.language"


def choose(option: str | None) -> None:
    """Fix the language of this command (called by the `lemniscate` group)."""
    context = click.get_current_context(silent=True)
    if context is not None:
        context.find_root().meta[_KEY] = from_environment(option)


def language() -> Language:
    context = click.get_current_context(silent=True)
    chosen = context.find_root().meta.get(_KEY) if context is not None else None
    return chosen if chosen in ("nl", "en") else from_environment(None)


def say(text: str) -> str:
    """`text` (a core Sentence, or a literal) in the command's language."""
    return translate(text, language())
