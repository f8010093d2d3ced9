"""Every text a person reads has its Dutch: the catalogs cover what the source says, and
say it with the same values; and no template holds text outside the catalogs' reach."""

from __future__ import annotations

import re
import string
from html.parser import HTMLParser
from pathlib import Path

import pytest

from lemniscate.language.catalogs import catalog_files, read_catalog
from lemniscate.language.extraction import TEMPLATES, Message, all_messages

LANGUAGE = "nl"


def _catalog() -> dict[tuple[str | None, str], tuple[str, ...]]:
    entries: dict[tuple[str | None, str], tuple[str, ...]] = {}
    for path in catalog_files(LANGUAGE):
        for entry in read_catalog(path, LANGUAGE):
            if not entry.id or entry.fuzzy:
                continue
            msgid = entry.id if isinstance(entry.id, str) else entry.id[0]
            strings = (entry.string,) if isinstance(entry.string, str) else tuple(entry.string or ())
            entries[(entry.context, msgid)] = strings
    return entries


_PERCENT_FIELD = re.compile(r"%\((\w+)\)s")  # the templates' gettext (Jinja's newstyle)


def _fields(text: str) -> set[str]:
    if _PERCENT_FIELD.search(text):
        return set(_PERCENT_FIELD.findall(text))
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


MESSAGES = all_messages()
CATALOG = _catalog()


def test_the_source_says_things_to_translate() -> None:
    # The extraction itself must find the core's sentences, or every check below is empty.
    assert len(MESSAGES) >= 40
    assert any(m.context == "more-problems" and m.plural for m in MESSAGES)


@pytest.mark.parametrize("message", MESSAGES, ids=lambda m: f"{m.context}:{m.id[:40]}")
def test_every_text_has_its_dutch(message: Message) -> None:
    strings = CATALOG.get((message.context, message.id))
    assert strings and all(strings), f"{message.where}: no Dutch for {message.context!r} {message.id!r}"
    said = _fields(message.id) | _fields(message.plural or "")
    for translated in strings:
        extra = _fields(translated) - said
        assert not extra, f"{message.where}: the Dutch names values the sentence lacks: {extra}"


def test_the_catalogs_hold_nothing_the_source_no_longer_says() -> None:
    said = {(m.context, m.id) for m in MESSAGES}
    stale = sorted(str(key) for key in CATALOG if key not in said)
    assert not stale, "run python -m lemniscate.language.update: " + ", ".join(stale[:10])


# Templates: every text a person reads is inside `{% trans %}` or `_()`. What is left of a
# template once those and every other Jinja tag are taken out must hold no words, neither
# as text nor in the attributes a person (or a screen reader) reads.
_TRANSLATED = re.compile(r"{%-?\s*trans\b.*?{%-?\s*endtrans\s*-?%}", re.S)
_JINJA = re.compile(r"{{.*?}}|{%.*?%}|{#.*?#}", re.S)
_WORD = re.compile(r"[^\W\d_]{2,}")  # two letters in a row: a word, not an arrow or a "·"
HUMAN_ATTRIBUTES = frozenset({"aria-label", "title", "placeholder", "alt", "aria-description"})
# The product's name is the same in every language.
UNTRANSLATED_WORDS = frozenset({"Lemniscate"})


def _words(text: str) -> bool:
    return any(word not in UNTRANSLATED_WORDS for word in _WORD.findall(text))


class _Untranslated(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skipping = 0  # inside <script> or <style>: code, not text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skipping += 1
        named = dict(attrs)
        for name, value in attrs:
            human = name in HUMAN_ATTRIBUTES or (
                name == "value" and (tag == "button" or named.get("type") in ("submit", "button", "reset"))
            )
            if human and value and _words(value):
                self.found.append(f"<{tag} {name}={value!r}> (line {self.getpos()[0]})")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping and _words(data):
            self.found.append(f"{data.strip()!r} (line {self.getpos()[0]})")


def untranslated(template: str) -> list[str]:
    """The texts of a template that are said in no language but the one it was written in."""
    stripped = _JINJA.sub(" ", _TRANSLATED.sub(" ", template))
    parser = _Untranslated()
    parser.feed(stripped)
    parser.close()
    return parser.found


def test_the_template_check_finds_untranslated_text() -> None:
    # The check itself must see what it is for, or a pass would mean nothing.
    wrapped = "<p>{% trans %}Fine{% endtrans %} {{ x }} · →</p><span title=\"{{ _('ok') }}\">"
    assert untranslated(wrapped) == []
    assert untranslated("<p>Not wrapped</p>")
    assert untranslated('<input placeholder="any">') and untranslated('<img alt="A figure">')
    assert untranslated('<button value="Send">') and untranslated('<a aria-label="Remove">x</a>')
    assert untranslated("<script>const words = 1;</script>") == []


@pytest.mark.parametrize("path", sorted(TEMPLATES.glob("*.html")), ids=lambda p: p.name)
def test_every_template_text_is_translated(path: Path) -> None:
    found = untranslated(path.read_text("utf-8"))
    assert not found, f"{path.name}: wrap in {{% trans %}} or _(): " + "; ".join(found)
