"""The dashboard's static files as the pages link them: each address carries a fingerprint
of the file's content (`?v=`), so a browser may keep it for a year (`IMMUTABLE`) and still
fetches the new file the moment an upgrade changes it. An address without the current
fingerprint (an old page, a hand-typed link) is revalidated instead (`REVALIDATE`)."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Final

STATIC: Final = Path(__file__).parent / "static"
URL_PREFIX: Final = "/dashboard/static/"
IMMUTABLE: Final = "public, max-age=31536000, immutable"
REVALIDATE: Final = "no-cache"


@cache
def _files() -> frozenset[str]:
    return frozenset(p.name for p in STATIC.iterdir() if p.is_file())


@cache
def fingerprint(name: str) -> str:
    """The first 12 hex digits of the SHA-256 of static file `name` (read once per process:
    the files change only with a new release)."""
    return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]


def static_url(name: str) -> str:
    """The address of static file `name`, fingerprinted."""
    return f"{URL_PREFIX}{name}?v={fingerprint(name)}"


def cache_control(path: str, query: bytes) -> str:
    """The Cache-Control of a request for `path` (under `URL_PREFIX`) with query `query`."""
    name = path.removeprefix(URL_PREFIX)
    # Only the folder's own files are fingerprinted: any other name (a 404 to StaticFiles)
    # neither reads a file nor grows the cache.
    if name not in _files():
        return REVALIDATE
    return IMMUTABLE if query == f"v={fingerprint(name)}".encode() else REVALIDATE
