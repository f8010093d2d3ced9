"""The journal's hash chain: each entry's hash covers the entry and its predecessor's hash.

Pure and deterministic (hashlib over canonical JSON), so the workflow can seal entries as it
writes them and an auditor can recompute every hash years later from an exported report,
with nothing but this module. Imported inside the workflow sandbox: keep it free of I/O.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

ALGORITHM: Final = "sha256 over canonical JSON (sorted keys, no spaces, UTF-8) of the entry without 'hash'"
# What the first entry chains from. A fixed, documented value, so a chain can be checked
# without anything but the entries themselves.
GENESIS: Final = hashlib.sha256(b"lemniscate journal genesis v1").hexdigest()
HASH_FIELD: Final = "hash"
PREV_FIELD: Final = "prev_hash"


def canonical_json(value: Any) -> str:
    """One spelling for one value: sorted keys, no whitespace, non-ASCII kept as UTF-8.

    Floats keep Python's shortest round-trip repr, which JSON readers reproduce exactly."""
    # NaN is not refused: raising here, inside the workflow, would fail its task forever.
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _without_nulls(value: Any) -> Any:
    # null and absent mean the same in every record here; treating them alike lets a later
    # version add an optional field to the journal without breaking the hashes of old entries.
    if isinstance(value, Mapping):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def entry_hash(entry: Mapping[str, Any]) -> str:
    """The hash of a journal entry given as its JSON object (`model_dump(mode="json")`).

    Whatever the entry's `hash` field holds is left out; everything else, `prev_hash`
    included, is covered. Null values count as absent (in objects, at any depth)."""
    body = _without_nulls({k: v for k, v in entry.items() if k != HASH_FIELD})
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


def link_of(previous: Mapping[str, Any] | None) -> str:
    """What the next entry's `prev_hash` must be after `previous` (GENESIS for the first).

    An entry written before the chain existed has no hash of its own; its computed hash
    stands in, so the chain still covers it from there on."""
    if previous is None:
        return GENESIS
    sealed = previous.get(HASH_FIELD)
    return sealed if isinstance(sealed, str) else entry_hash(previous)


@dataclass(frozen=True)
class ChainBreak:
    """Where a chain does not hold: the entry (by seq and position) and what is wrong."""

    seq: int | None
    position: int  # 1-based index in the list checked
    problem: str

    def __str__(self) -> str:
        where = f"entry #{self.seq}" if self.seq is not None else f"entry at position {self.position}"
        return f"{where}: {self.problem}"


def verify_chain(entries: Sequence[Mapping[str, Any]], head: str | None = None) -> list[ChainBreak]:
    """Every break in `entries` (journal entries as JSON objects, in order), and whether the
    last hash is `head` when one is given. Empty when the chain holds."""
    breaks: list[ChainBreak] = []
    previous: Mapping[str, Any] | None = None
    for position, entry in enumerate(entries, start=1):
        seq = entry.get("seq") if isinstance(entry.get("seq"), int) else None
        if seq != position:
            breaks.append(
                ChainBreak(
                    seq, position, f"seq is {seq}, expected {position} (an entry was removed, added or moved)"
                )
            )
        expected_prev = link_of(previous)
        if entry.get(PREV_FIELD) != expected_prev:
            breaks.append(
                ChainBreak(
                    seq,
                    position,
                    f"prev_hash {entry.get(PREV_FIELD)} does not match the previous entry ({expected_prev})",
                )
            )
        sealed = entry.get(HASH_FIELD)
        computed = entry_hash(entry)
        if sealed is None:
            breaks.append(
                ChainBreak(
                    seq, position, "carries no hash (recorded before the chain was introduced, or stripped)"
                )
            )
        elif sealed != computed:
            breaks.append(
                ChainBreak(
                    seq,
                    position,
                    f"content does not match its hash: recorded "
                    f"{sealed}, computed {computed} (the entry "
                    "was altered)",
                )
            )
        previous = entry
    if head is not None:
        actual = link_of(previous) if previous is not None else GENESIS
        if head != actual:
            breaks.append(
                ChainBreak(
                    None, len(entries), f"the chain head {head} is not the last entry's hash ({actual})"
                )
            )
    return breaks


def chain_head(entries: Sequence[Mapping[str, Any]]) -> str:
    """The hash the chain ends in: the last entry's (GENESIS for no entries)."""
    return link_of(entries[-1]) if entries else GENESIS
