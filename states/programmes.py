"""The office's programmes: which names a coalition may be started under and the portfolio
filters on, apart from where the list is kept (`workflows.programmes`).

A programme is matched as a name is (`models.names.name_key`: case, width and invisible
characters aside), and always comes back as the office spelt it when adding it, so
"energietransitie" starts a coalition in "Energietransitie" rather than in a programme of
its own. While the office has added none, programmes are not managed yet and any is taken,
as before the list existed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from lemniscate.models.names import name_key, normalised_name
from lemniscate.models.sentence import Sentence
from lemniscate.states.checks import field

# Enough for any office; each at most 200 characters, so the list stays far below a payload.
MAX_PROGRAMMES: Final = 500
MAX_LENGTH: Final = 200


def canonical(known: Sequence[str], asked: str) -> str | None:
    """The known programme `asked` names, as the office spells it; None when none does."""
    try:
        key = name_key(asked)
    except ValueError:
        return None
    return next((p for p in known if name_key(p) == key), None)


def refusals_to_add(known: Sequence[str], name: str) -> list[str]:
    """Why `name` cannot be added to `known` (empty: it can)."""
    try:
        clean = normalised_name(name)
    except ValueError as error:
        return [field("name", str(error.args[0]))]
    if len(clean) > MAX_LENGTH:
        return [field("name", Sentence("programme.too-long", "at most 200 characters"))]
    taken = canonical(known, clean)
    if taken is not None:
        return [
            field(
                "name",
                Sentence("programme.exists", "the programme {name} exists already", name=repr(taken)),
            )
        ]
    if len(known) >= MAX_PROGRAMMES:
        return [field("name", Sentence("programme.too-many", "an office has at most 500 programmes"))]
    return []


def unknown(asked: str, known: Sequence[str]) -> Sentence:
    """Why a programme the office does not have is refused (a surface names the field)."""
    return Sentence(
        "programme.unknown",
        "there is no programme {name}; the office's programmes are: {known}",
        name=repr(asked[:100]),
        known=", ".join(known[:20]) + (" …" if len(known) > 20 else ""),
    )
