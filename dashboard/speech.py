"""The dashboard in the reader's language: which language a request reads, and one Jinja2
environment per language with that language's gettext installed (Jinja2's i18n extension).

The language is the person's own choice (the switch on every page, kept in a cookie), else
what the browser asks for (`Accept-Language`), else the office's `LEMNISCATE_LANGUAGE`:
`language.choose` decides, so the dashboard, the API and the CLI decide alike.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any, Final

from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from lemniscate import language
from lemniscate.dashboard.messages import table
from lemniscate.models.sentence import Sentence

TEMPLATES: Final = Path(__file__).parent / "templates"
COOKIE: Final = "lemniscate_language"
COOKIE_LIFETIME: Final = 365 * 24 * 3600  # a choice of language outlives any session
NAMES: Final[dict[str, str]] = {"nl": "Nederlands", "en": "English"}  # each in its own words


def of(request: Request) -> language.Language:
    return language.choose(request.cookies.get(COOKIE), request.headers.get("accept-language"))


def remember(response: Response, request: Request, chosen: str) -> None:
    """Keep the person's choice. Lax, not Strict like the session: the choice must hold on
    the first page someone opens from a link in an e-mail; it grants nothing."""
    response.set_cookie(
        COOKIE,
        language.choose(chosen),
        max_age=COOKIE_LIFETIME,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/dashboard",
    )


def _when(lang: str) -> Callable[[datetime | None, str], str]:
    def when(moment: datetime | None, form: str = "medium") -> str:
        return language.format_moment(moment, lang, form) if moment else "—"

    return when


def _day(lang: str) -> Callable[[date | str | None, str], str]:
    def day(value: date | str | None, form: str = "long") -> str:
        if not value:
            return "—"
        parsed = date.fromisoformat(value) if isinstance(value, str) else value
        return language.format_date(parsed, lang, form)

    return day


def _say(lang: str) -> Callable[[str | None], str]:
    def say(text: str | None) -> str:
        return language.translate(text, lang) if text else ""

    return say


def _say_sentence(lang: str) -> Callable[[str], str]:
    """Only what was made as a Sentence: a name a person typed (a partner, an action) is
    shown as typed, never looked up in the catalogs."""

    def say_sentence(text: str) -> str:
        return language.translate(text, lang) if isinstance(text, Sentence) else text

    return say_sentence


# What every template may call besides the i18n functions; set once by `routes.mount`.
def _as_json(value: Any) -> Markup:
    """A payload as a person reads it: indented, with its letters as typed (Jinja's `tojson`
    writes an apostrophe as \\u0027, being made for scripts). Escaped for the text of an
    element, where only &, < and > mean anything: quotes stay quotes, not &#34;."""
    text = json.dumps(value, indent=2, ensure_ascii=False, default=str)
    return Markup(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


_globals: dict[str, Any] = {}


def configure(globals_: Mapping[str, Any]) -> None:
    _globals.update(globals_)
    templates.cache_clear()


@cache
def templates(lang: str) -> Jinja2Templates:
    """The templates of `lang`, built once: `_()` and `{% trans %}` say that language, the
    filters `say`, `when` and `day` say sentences and dates in it."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(),
        extensions=["jinja2.ext.i18n"],
    )
    env.policies["ext.i18n.trimmed"] = True  # as extraction reads them (language/extraction.py)
    env.install_gettext_translations(language.translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        _globals,
        lang=lang,
        languages=NAMES,
        messages=table(lang),
    )
    env.filters.update(
        say=_say(lang), say_sentence=_say_sentence(lang), when=_when(lang), day=_day(lang), as_json=_as_json
    )
    return Jinja2Templates(env=env)
