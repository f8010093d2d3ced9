"""What the tests that drive a coalition workflow (tests/test_workflow_*.py and others) read
a run with: a fresh slug, where a view stands, and a journal checked to be in order."""

from __future__ import annotations

import itertools
import uuid

from lemniscate.models.journal import JournalEntry
from lemniscate.workflows.io import CoalitionView


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def where(view: CoalitionView) -> tuple[str, str, str]:
    return view.overview.state, view.overview.round.value, view.overview.side.value


def assert_journal_in_order(journal: list[JournalEntry], triggers: list[str]) -> None:
    assert [e.seq for e in journal] == list(range(1, len(triggers) + 1))
    assert [e.event.trigger for e in journal] == triggers
    assert journal[0].from_state is None
    for before, after in itertools.pairwise(journal):
        assert after.from_state == before.to_state
        assert after.event.at >= before.event.at
