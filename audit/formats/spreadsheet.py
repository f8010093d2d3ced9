"""CSV that a spreadsheet opens safely, written and read back the same way.

OWASP's advice on CSV injection: a cell that starts with `=`, `+`, `-`, `@`, a tab or a
carriage return is a formula to Excel, LibreOffice and Google Sheets (`=HYPERLINK(...)` in a
refusal reason becomes a live link), so such a cell is written with a leading `'`, which the
spreadsheet shows as text. A cell that starts with `'` itself gets one too, so that reading
back (`restore`) is exact and an export stays verifiable. Quoting, commas and line breaks
inside cells are the `csv` module's, with RFC 4180's CRLF between records: with a bare LF
as the terminator the module would leave a cell holding a lone CR unquoted, and a reader
would split the record there.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Final

FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
_GUARD: Final = "'"


def neutralise(value: str) -> str:
    """The cell as written: never read as a formula."""
    return _GUARD + value if value.startswith((*FORMULA_STARTS, _GUARD)) else value


def restore(cell: str) -> str:
    """The value `neutralise` wrote as `cell`."""
    return cell[1:] if cell.startswith(_GUARD) else cell


def write(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A header and rows of text cells, every cell neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()


def write_dicts(columns: Sequence[str], rows: Iterable[Mapping[str, str]]) -> str:
    """As `write`, with each row by column name; a missing column is empty."""
    return write(columns, ([row.get(column, "") for column in columns] for row in rows))


def read(text: str) -> tuple[tuple[str, ...], list[dict[str, str]]]:
    """The header and the rows by column name, each cell as it was before `neutralise`."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = [{key: restore(value or "") for key, value in row.items() if key is not None} for row in reader]
    return tuple(reader.fieldnames or ()), rows
