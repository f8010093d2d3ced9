"""Which language a person reads: their own choice, else what their browser asks for
(`Accept-Language`), else the office's default (`LEMNISCATE_LANGUAGE`); on the command line
`--lang`, else `LC_ALL`/`LC_MESSAGES`/`LANG`, else the same default."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Final, Literal

from babel import Locale, UnknownLocaleError

Language = Literal["nl", "en"]
LANGUAGES: Final[tuple[Language, ...]] = ("nl", "en")
LANGUAGE_ENV: Final = "LEMNISCATE_LANGUAGE"
DEFAULT_LANGUAGE: Final[Language] = "nl"  # the office's users read Dutch first
_MAX_HEADER: Final = 500  # an Accept-Language longer than this is read only so far


def known(value: str | None) -> Language | None:
    """`value` as one of the languages, from a tag such as "nl-NL", "en_GB.UTF-8" or "EN"."""
    if not value:
        return None
    tag = value.split(".")[0].split("@")[0].replace("_", "-").split("-")[0].strip().lower()
    return tag if tag in LANGUAGES else None


def office_default(environ: Mapping[str, str] | None = None) -> Language:
    env = os.environ if environ is None else environ
    return known(env.get(LANGUAGE_ENV)) or DEFAULT_LANGUAGE


def _accepted(header: str) -> list[str]:
    """The tags of an Accept-Language header, most wanted first (q=0 means "not this")."""
    weighted = []
    for position, part in enumerate(header[:_MAX_HEADER].split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and quality > 0:
            weighted.append((-quality, position, tag.strip()))
    return [tag for _, _, tag in sorted(weighted)]


def choose(
    chosen: str | None = None,
    accept_language: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Language:
    """The language of a request: the person's own `chosen` one, else the first of
    `accept_language` that Lemniscate speaks, else the office default."""
    if picked := known(chosen):
        return picked
    for tag in _accepted(accept_language or ""):
        try:
            Locale.parse(tag, sep="-")
        except (ValueError, UnknownLocaleError):
            continue
        if picked := known(tag):
            return picked
    return office_default(environ)


def from_environment(option: str | None = None, environ: Mapping[str, str] | None = None) -> Language:
    """The language of a command: `--lang`, else the locale variables as gettext reads them,
    else the office default."""
    env = os.environ if environ is None else environ
    if picked := known(option):
        return picked
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:
            # "C" and "POSIX" name no language: the office default applies.
            return known(value) or office_default(env)
    return office_default(env)
