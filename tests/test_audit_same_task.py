"""An audit that never cries wolf, on the real dev server: an action added with a due date
already past makes the engine open its accountability item in the same workflow task as
the update that added it, with no timer or activity in between. That entry rests on the
update, and `lemniscate audit` verifies the trail in every format."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner
from temporalio.testing import WorkflowEnvironment

from lemniscate.audit.refusals import ENV_REFUSAL_LOG
from lemniscate.audit.report import assemble, build_report, gather
from lemniscate.cli.audit import audit
from lemniscate.examples import walks
from lemniscate.examples.walks import COORDINATOR as READER
from tests.support.servers import borrow, running_worker
from tests.support.workflows import eventually, resealed, walk_service

OVERDUE = "audit-overdue"


async def test_accountability_item_opened_with_the_update_verifies(
    dev_server: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with borrow(dev_server, own_namespace=True) as env, running_worker(env.client) as service:
        await service.start(walks.taskforce_start(OVERDUE), walks.COORDINATOR)
        cycle = walks.taskforce_one_cycle()
        to_adjusting = cycle[: [s.trigger for s in cycle].index("adjust") + 1]
        await walk_service(service, OVERDUE, [*walks.taskforce_to_execution(), *to_adjusting])
        past = (datetime.now(UTC) - timedelta(days=6)).date().isoformat()
        reply = await service.trigger(
            OVERDUE, "add_action", {"title": "Late from the start", "owner": "VNG", "due_on": past}, READER
        )
        # Said, not silent: the reply warns that the item opens at once.
        assert f"Action {reply.created} was due on {past}, already past" in " ".join(reply.warnings)
        view = await eventually(
            lambda: service.view(OVERDUE, READER), lambda v: bool(v.coalition.open_accountability())
        )
        journal = await service.journal(OVERDUE, READER)
        added, opened = journal[-2], journal[-1]
        assert (added.event.trigger, opened.event.trigger) == ("add_action", "open_accountability_item")
        assert opened.event.at == added.event.at  # the same workflow task
        assert view.coalition.open_accountability()[0].action == opened.event.payload["action"]

        report = await build_report(service, OVERDUE, READER, refusal_log=tmp_path / "none.jsonl")
        assert report.ok, report.findings
        source = next(r.source for r in report.entries if r.entry.seq == opened.seq)
        assert source is not None and source.kind == "follow-up" and "already due" in source.detail

        # Only what the plan held as due is recognised: an engine step it did not call for,
        # slipped into the same task, is still a mismatch.
        gathered = await gather(service, OVERDUE, READER)
        journal = list(gathered.journal)
        forged = opened.model_copy(
            update={"event": opened.event.model_copy(update={"payload": {"action": "A2"}})}
        )
        journal[opened.seq - 1] = forged
        report = await assemble(
            dataclasses.replace(gathered, journal=resealed(journal)), refusal_log=tmp_path / "none.jsonl"
        )
        assert [f.seq for f in report.findings] == [opened.seq]
        assert "follows no timer that fired" in report.findings[0].message

        cli_env = {
            "TEMPORAL_ADDRESS": env.client.service_client.config.target_host,
            "TEMPORAL_NAMESPACE": env.client.namespace,
            "LEMNISCATE_TASK_QUEUE": service.task_queue,
            ENV_REFUSAL_LOG: str(tmp_path / "refusals.jsonl"),
        }
        for fmt in ("json", "html", "md", "csv"):
            result = await asyncio.to_thread(
                CliRunner().invoke,
                audit,
                [OVERDUE, "--format", fmt, "--output", str(tmp_path / f"trail.{fmt}")],
                env=cli_env,
                catch_exceptions=False,
            )
            assert result.exit_code == 0, (fmt, result.output)
            assert "cross-check passed" in result.stderr
        exported = json.loads((tmp_path / "trail.json").read_text())
        assert exported["findings"] == []
