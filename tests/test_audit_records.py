"""The audit's records without a server: the refusal log per coalition, sentences read back
from their key values, the chain that names the first broken entry, and where a signal of a
task handed on may be handled."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent

from lemniscate.audit.history import _Tasks
from lemniscate.audit.refusals import ENV_REFUSAL_LOG, log_path, read_refusals, record_refusal
from lemniscate.audit.wording import sentence
from lemniscate.examples import walks
from lemniscate.models import chain
from lemniscate.models.events import Actor, Role


def test_refusal_log_is_appended_and_read_per_coalition(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "logs" / "refusals.jsonl"
    monkeypatch.setenv(ENV_REFUSAL_LOG, str(path))
    assert log_path() == path
    assert not read_refusals("a").available
    partner = Actor(id="piet", role=Role.partner, organisation="Aedes")
    record_refusal("a", "commit", partner, ["only its own records"], source="api")
    record_refusal("b", "map_domain", walks.COORDINATOR, ["not interviewed"])
    with path.open("a") as log:
        log.write('{"cut short\n')
    read = read_refusals("a")
    assert read.available and read.count == 1 and read.unreadable_lines == 1
    assert (read.items[0].actor_organisation, read.items[0].source) == ("Aedes", "api")
    monkeypatch.delenv(ENV_REFUSAL_LOG)
    monkeypatch.setenv("LEMNISCATE_DATA_DIR", str(tmp_path / "data"))
    assert log_path() == tmp_path / "data" / "refusals.jsonl"
    record_refusal("a", "x", partner, [], path=tmp_path)  # a directory: logged, not raised


def test_sentences_fall_back_to_key_values() -> None:
    assert (
        sentence("commit", {"partner": "Aedes", "statement": "We build."})
        == 'Aedes committed to the coalition: "We build."'
    )
    assert sentence("commit", {"organisation": "Aedes"}) == "organisation: Aedes"
    assert sentence("no_such", {"a": {"b": 1}, "c": [1, 2]}) == "a.b: 1; c: 1, 2"
    assert sentence("map_domain", {}, "To step 2.") == "To step 2."


def test_chain_names_the_first_broken_entry() -> None:
    entries: list[dict[str, Any]] = []
    for seq in (1, 2, 3):
        body = {
            "seq": seq,
            "event": {"trigger": f"t{seq}"},
            "prev_hash": chain.link_of(entries[-1] if entries else None),
        }
        entries.append({**body, "hash": chain.entry_hash(body)})
    assert chain.verify_chain(entries, head=entries[-1]["hash"]) == []
    swapped = [entries[0], entries[2], entries[1]]
    assert str(chain.verify_chain(swapped)[0]).startswith("entry #3: seq is 3")
    # null and absent are the same: a later optional field leaves old hashes valid
    assert chain.entry_hash({**entries[0], "new_field": None}) == entries[0]["hash"]


def test_a_task_handed_on_to_the_next_extends_where_a_signal_may_be_handled() -> None:
    """A signal whose first task completed and was at once scheduled again may be handled
    by the next task; a task that completed with something after it ends the search."""

    def at(ms: int) -> datetime:
        return datetime(2026, 11, 23, 12, 0, 0, ms * 1000, tzinfo=UTC)

    kinds = [
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,  # 1
        EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,  # 2
        EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,  # 3, at 3 ms
        EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,  # 4: handed on
        EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,  # 5
        EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,  # 6, at 6 ms
        EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,  # 7
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,  # 8
        EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,  # 9
        EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,  # 10, at 10 ms
        EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,  # 11
        EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,  # 12
        EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,  # 13
        EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,  # 14, at 14 ms
        EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
    ]  # 15
    events = []
    for number, kind in enumerate(kinds, start=1):
        stamp = Timestamp()
        stamp.FromDatetime(at(number))
        events.append(HistoryEvent(event_id=number, event_type=kind, event_time=stamp))
    tasks = _Tasks(events)
    assert tasks.handling(1) == (at(3), at(6))
    assert tasks.handling(8) == (at(10),)  # completed with a command after it: not handed on
