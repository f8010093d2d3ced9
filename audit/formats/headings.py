"""The headings and column names that HTML and Markdown both show, each said once for the
catalogs: an entry's kind, the sections, and the columns of the tables."""

from __future__ import annotations

from typing import Final

from lemniscate.models.sentence import Sentence

# An entry's kind as English has always shown it: its code name.
KINDS: Final = {
    "start": Sentence("audit.kind-start", "start"),
    "step": Sentence("audit.kind-step", "step"),
    "record": Sentence("audit.kind-record", "record"),
}

COALITION: Final = Sentence("audit.heading-coalition", "Coalition")
RUNS: Final = Sentence("audit.heading-runs", "Workflow runs")
REFUSALS: Final = Sentence("audit.heading-refusals", "Refused attempts")
NOTES: Final = Sentence("audit.heading-notes", "Notes")
CROSSCHECK: Final = Sentence("audit.heading-crosscheck", "Cross-check")
DATA: Final = Sentence("audit.heading-data", "Machine-readable copy")
TRAIL: Final = Sentence("audit.heading-trail", "Trail: every accepted change, in order")

WHEN: Final = Sentence("audit.column-when", "when")
FACT_COLUMNS: Final = (Sentence("audit.column-fact", "fact"), Sentence("audit.column-value", "value"))
RUN_COLUMNS: Final = (
    Sentence("audit.column-run", "run"),
    Sentence("audit.column-run-id", "run id"),
    Sentence("audit.column-started", "started"),
    Sentence("audit.column-closed", "closed"),
    Sentence("audit.column-status", "status"),
    Sentence("audit.column-events", "events"),
)
REFUSAL_COLUMNS: Final = (
    WHEN,
    Sentence("audit.column-trigger", "trigger"),
    Sentence("audit.column-who", "who"),
    Sentence("audit.column-via", "via"),
    Sentence("audit.column-reasons", "reasons"),
)
GUARD_COLUMNS: Final = (
    Sentence("audit.column-guard", "guard"),
    Sentence("audit.column-condition", "condition"),
    Sentence("audit.column-at-that-moment", "at that moment"),
)
