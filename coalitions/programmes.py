"""The office's programmes through Temporal: list, add, and the check every start passes
(`CoalitionService.start`). The rules are the pure core's (`states.programmes`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from temporalio.client import Client

from lemniscate.coalitions.errors import InvalidPayload, refuse_unless_allowed
from lemniscate.coalitions.portfolio import PortfolioFilter
from lemniscate.coalitions.registers import Register
from lemniscate.models.events import Actor
from lemniscate.models.sentence import Sentence
from lemniscate.states import START, policy, programmes
from lemniscate.states.checks import field
from lemniscate.workflows.programmes import (
    ADD_PROGRAMME,
    PROGRAMME_REGISTRY_ID,
    ProgrammeRegistryWorkflow,
)


class ProgrammeRegistry:
    def __init__(self, client: Client, task_queue: str) -> None:
        self._register = Register(client, task_queue, ProgrammeRegistryWorkflow.run, PROGRAMME_REGISTRY_ID)

    async def add(self, name: str, actor: Actor) -> list[str]:
        """Add `name` to the office's programmes; the registry starts on first use."""
        refuse_unless_allowed(ADD_PROGRAMME, policy.may_manage_programmes(actor))
        return await self._register.change(ADD_PROGRAMME, ProgrammeRegistryWorkflow.add, name)

    async def known(self) -> list[str]:
        """The office's programmes, in the order they were added (none: not managed yet)."""
        return await self._register.read(ProgrammeRegistryWorkflow.programmes)

    async def resolve(self, asked: str) -> tuple[str | None, list[str]]:
        """The programme `asked` names as the office spells it (None: no such programme),
        and the office's programmes; while none is managed, `asked` itself."""
        known = await self.known()
        if not known:
            return asked, known
        return programmes.canonical(known, asked), known

    async def in_filter(self, where: PortfolioFilter) -> tuple[PortfolioFilter, Sentence | None]:
        """`where` with its programme as the office spells it, or why there is no such
        programme (the surface names its own field: `query.programme`, `--programme`)."""
        if where.programme is None:
            return where, None
        found, known = await self.resolve(where.programme)
        if found is None:
            return where, programmes.unknown(where.programme, known)
        return where.model_copy(update={"programme": found}), None

    async def checked_start(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """A start's payload with its programme as the office spells it; an unknown one is
        refused naming `task.programme`. A payload without one is left to the gate."""
        task = payload.get("task")
        asked = task.get("programme") if isinstance(task, Mapping) else None
        if not isinstance(task, Mapping) or not isinstance(asked, str) or not asked.strip():
            return dict(payload)
        programme, known = await self.resolve(asked)
        if programme is None:
            # Its form is wrong (a name not on the list): the field is marked, as any other.
            raise InvalidPayload(START, [field("task.programme", programmes.unknown(asked, known))])
        return {**payload, "task": {**task, "programme": programme}}
