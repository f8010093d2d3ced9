"""A coalition's whole journal: the current run's share, then the shares of the runs before
it, each read from the input that run started with (see `workflows.state.RunState.snapshot`).

Entries a run has handed on stay in the history of the run that received them, so no task
carries years of entries; reading them costs one history event per earlier run.
"""

from __future__ import annotations

import structlog
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from lemniscate.models.journal import CoalitionSnapshot, JournalEntry
from lemniscate.workflows.io import CoalitionInput, JournalPage

log = structlog.get_logger("lemniscate.journal")


async def whole_journal(
    client: Client, workflow_id: str, page: JournalPage, since: int = 0
) -> list[JournalEntry]:
    """The entries after `since`: the current run's `page`, preceded by the earlier runs'."""
    entries, first, link = list(page.entries), page.first_seq, page.continues_in
    while link is not None and first > since + 1:
        carried = await _carried_by(client, workflow_id, link)
        if carried is None:
            break
        held = carried.entries()
        entries[:0] = [e for e in held if since < e.seq < first]
        first = held[0].seq if held else first
        link = carried.journal_continues_in
    return entries


async def _carried_by(client: Client, workflow_id: str, run_id: str) -> CoalitionSnapshot | None:
    """The snapshot run `run_id` started from, read from its first history event."""
    handle = client.get_workflow_handle(workflow_id, run_id=run_id)
    try:
        async for event in handle.fetch_history_events(page_size=1):
            started = event.workflow_execution_started_event_attributes
            [run_input] = await client.data_converter.decode(started.input.payloads, [CoalitionInput])
            assert isinstance(run_input, CoalitionInput)
            return run_input.snapshot
    except RPCError as error:
        if error.status != RPCStatusCode.NOT_FOUND:
            raise
    # Past the namespace's retention (or archived): the entries before are not readable here.
    log.warning("journal run not found", workflow_id=workflow_id, run_id=run_id)
    return None
