"""What a coalition's run carries, weighed against Temporal's payload limit (`models.bounds`).

Two weights: the coalition's record (every view returns it and every snapshot holds it),
and the journal entries this run recorded (the segment the next run is handed). Weighing a
record means dumping it, so the weights are kept as running upper bounds, each entry adding
its payload and a fixed overhead, and measured exactly only near the budget. The counters
change only as entries are recorded, in the handler, so replaying a run weighs the same.
"""

from __future__ import annotations

from collections.abc import Callable

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from lemniscate.models import bounds
    from lemniscate.models.coalition import Coalition
    from lemniscate.models.sentence import Sentence


def weight(coalition: Coalition) -> int:
    return len(coalition.model_dump_json())


class Budget:
    def __init__(self, coalition: Coalition) -> None:
        self.state_bytes = weight(coalition)
        self.segment_bytes = 0

    def recorded(self, after: Coalition, payload_size: int) -> None:
        """An entry carrying `payload_size` bytes was recorded and made `after`."""
        added = payload_size + bounds.ENTRY_OVERHEAD
        self.segment_bytes += added
        self.state_bytes += added
        if self.state_bytes > bounds.STATE_BUDGET // 2:
            self.state_bytes = weight(after)

    def refusal(self, payload_size: int, after: Callable[[], Coalition]) -> str | None:
        """Why the entry may not be recorded, if the coalition it makes (`after`, computed
        only near the budget) would be too large to carry."""
        if self.state_bytes + payload_size + bounds.ENTRY_OVERHEAD <= bounds.STATE_BUDGET:
            return None
        grown = weight(after())  # not kept: only recording changes the counters
        if grown <= bounds.STATE_BUDGET:
            return None
        return Sentence(
            "budget.record-too-large",
            "this coalition's record would grow to {grown:,} bytes, past the {budget:,} that "
            "Temporal carries in one piece. Keep long texts in a document and name it here, or "
            "shorten what the coalition already holds.",
            grown=grown,
            budget=bounds.STATE_BUDGET,
        )

    @property
    def segment_full(self) -> bool:
        """The entries of this run are as many as one snapshot should hand on."""
        return self.segment_bytes >= bounds.JOURNAL_SEGMENT_BUDGET
