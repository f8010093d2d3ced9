"""The translation catalogs, read once per language from the `.po` files shipped with the
package (no compile step: babel turns them into a gettext object in memory)."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from typing import Final

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALES: Final = Path(__file__).parent / "locales"
SOURCE_LANGUAGE: Final = "en"


def catalog_files(language: str) -> list[Path]:
    return sorted((LOCALES / language / "LC_MESSAGES").glob("*.po"))


def read_catalog(path: Path, language: str) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=language, domain=path.stem)


@cache
def translations(language: str) -> NullTranslations:
    """All domains of `language` as one gettext object; English (the source) and a language
    without catalogs say the message ids themselves."""
    if language == SOURCE_LANGUAGE or not catalog_files(language):
        return NullTranslations()
    merged: Translations | None = None
    for path in catalog_files(language):
        buffer = io.BytesIO()
        # Fuzzy entries are a translator's guess awaiting review: never shown.
        write_mo(buffer, read_catalog(path, language), use_fuzzy=False)
        buffer.seek(0)
        domain = Translations(buffer, domain=path.stem)
        merged = domain if merged is None else merged.merge(domain)
    assert merged is not None
    return merged
