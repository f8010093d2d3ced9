"""Names of partners, organisations and everything else a person names: one spelling each.

Two names that a reader cannot tell apart must not become two partners. So every `Name` is
normalised when a record is read (`normalised_name`): Unicode NFKC (full-width letters,
ligatures and other compatibility forms become the ordinary ones), invisible format
characters removed (zero-width spaces and joiners, the byte-order mark, soft hyphens, and
bidirectional controls that reorder what is shown), runs of white space made one space.
Control characters (line breaks, tabs, NUL) are refused: a name is one line. `name_key`
is what two names are compared by when a new one must not repeat an existing one: the
normalised name, case-folded.
"""

from __future__ import annotations

import unicodedata

from lemniscate.models.sentence import Sentence


def normalised_name(value: str) -> str:
    # Most names are plain printable ASCII, where NFKC and the format characters change
    # nothing: every record read or copied passes here, so skip the per-character work.
    if value.isascii() and value.isprintable():
        return _collapsed(value)
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise ValueError(
            Sentence(
                "name.one-line",
                "a name is one line of text: remove line breaks, tabs and control characters",
            )
        )
    text = unicodedata.normalize("NFKC", value)
    visible = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return _collapsed(visible)


def _collapsed(text: str) -> str:
    collapsed = " ".join(text.split())
    if not collapsed:
        raise ValueError(Sentence("name.invisible", "a name needs visible characters"))
    return collapsed


def name_key(value: str) -> str:
    """What makes two names the same name: ignoring case, width and invisible characters."""
    return normalised_name(value).casefold()
