"""Every text a person reads has its Dutch: the catalogs cover what the source says, and
say it with the same values."""

from __future__ import annotations

import string

import pytest

from lemniscate.language.catalogs import catalog_files, read_catalog
from lemniscate.language.extraction import Message, all_messages

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


def _fields(text: str) -> set[str]:
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
