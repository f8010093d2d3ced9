"""Making one record from another that holds the same facts under the same names."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def copied(source: object, names: Iterable[str]) -> dict[str, Any]:
    """The attributes `names` of `source`, as the keyword arguments of the record made from it."""
    return {name: getattr(source, name) for name in names}
