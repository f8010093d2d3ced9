"""The CLI's exit codes: one table, shown by `lemniscate --help` and kept in the README
(tests/test_cli_exits.py holds the two to it)."""

from __future__ import annotations

from typing import Final

EXIT_OK, EXIT_ERROR, EXIT_REFUSED, EXIT_UNAVAILABLE, EXIT_MISMATCH = 0, 1, 2, 3, 4

EXIT_CODES: Final[tuple[tuple[int, str], ...]] = (
    (EXIT_OK, "done"),
    (EXIT_ERROR, "an error, in one line on stderr (no such coalition, say); doctor: a check failed"),
    (EXIT_REFUSED, "refused: the reasons follow, one per line, nothing changed; or a mistyped command"),
    (EXIT_UNAVAILABLE, "Temporal could not be reached"),
    (EXIT_MISMATCH, "audit: the journal does not match the history, or an export fails verification"),
)


def help_table() -> str:
    """The table for `--help`; `\\b` keeps click from rewrapping it."""
    rows = "\n".join(f"  {code}  {meaning}" for code, meaning in EXIT_CODES)
    return f"\b\nExit codes:\n{rows}"


def markdown_table() -> str:
    """The same table as the README has it."""
    rows = "\n".join(f"| {code} | {meaning} |" for code, meaning in EXIT_CODES)
    return f"| exit code | meaning |\n|---|---|\n{rows}"
