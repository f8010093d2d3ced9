"""Bring the catalogs up to date with the source: `python -m lemniscate.language.update`.

Every text found (`extraction`) is added to its domain's catalog of each language without a
translation yet, texts no longer said are dropped, translations made stay. Then write the
missing Dutch (`msgstr`) and run the tests: `tests/test_language_catalogs.py` fails while a
text has none.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from lemniscate.language.catalogs import LOCALES, read_catalog
from lemniscate.language.choice import LANGUAGES
from lemniscate.language.extraction import Message, all_messages, domain_of


def domains(messages: Iterable[Message]) -> dict[tuple[str | None, str], str]:
    """The catalog each text is kept in: where it is said, and the core's (`method`) when
    it is said in several places, so each text is translated once."""
    placed: dict[tuple[str | None, str], str] = {}
    for message in messages:
        key, domain = (message.context, message.id), domain_of(message)
        if placed.get(key) != "method":
            placed[key] = domain if key not in placed or domain == "method" else placed[key]
    return placed


def template(messages: Sequence[Message], domain: str) -> Catalog:
    made = Catalog(domain=domain, project="lemniscate")
    placed = domains(messages)
    for message in messages:
        if placed[(message.context, message.id)] != domain:
            continue
        msgid: str | tuple[str, str] = (message.id, message.plural) if message.plural else message.id
        file, _, line = message.where.rpartition(":")
        made.add(msgid, locations=[(file, int(line) if line.isdigit() else 0)], context=message.context)
    return made


def update(languages: Iterable[str] = LANGUAGES) -> list[str]:
    messages = all_messages()
    written = []
    for language in languages:
        if language == "en":
            continue  # the source language: its texts are the message ids
        folder = LOCALES / language / "LC_MESSAGES"
        folder.mkdir(parents=True, exist_ok=True)
        for domain in sorted({domain_of(m) for m in messages}):
            path = folder / f"{domain}.po"
            catalog = (
                read_catalog(path, language)
                if path.exists()
                else Catalog(locale=language, domain=domain, project="Lemniscate", fuzzy=False)
            )
            catalog.update(template(messages, domain), no_fuzzy_matching=True)
            with path.open("wb") as handle:
                # Without source locations, so moving code does not change the catalogs.
                write_po(handle, catalog, ignore_obsolete=True, width=100, sort_output=True, no_location=True)
            written.append(str(path))
    return written


if __name__ == "__main__":
    for path in update(sys.argv[1:] or LANGUAGES):
        print(path)
