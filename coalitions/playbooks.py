"""Playbooks through Temporal: publish, read, pin, compare, and see what a new version would
change for the coalitions under way. The service (`CoalitionService.playbooks`) is the one
path; the rules are the pure core's (`states.registry`, `states.adoption`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from temporalio.client import Client

from lemniscate.coalitions.errors import CoalitionNotFound, CoalitionRefused, refuse_unless_allowed
from lemniscate.coalitions.portfolio import PortfolioFilter
from lemniscate.coalitions.registers import Register
from lemniscate.models.events import Actor
from lemniscate.models.playbook import Playbook, PublishedPlaybook
from lemniscate.states import START, adoption, playbooks, policy, registry
from lemniscate.states.checks import within
from lemniscate.states.names import TriggerName
from lemniscate.workflows.io import CoalitionView
from lemniscate.workflows.playbooks import PUBLISH, REGISTRY_ID, PlaybookRegistryWorkflow, Publication

Viewer = Callable[[str, Actor], Awaitable[CoalitionView]]
Lister = Callable[[PortfolioFilter, Actor, int, bytes | None], Awaitable[tuple[list[Any], bytes | None]]]


def parse_ref(ref: str) -> tuple[str, int | None]:
    """NAME@VERSION (or NAME, the latest) as its parts."""
    name, _, version = ref.partition("@")
    return name, int(version) if version.isdigit() else None


class PlaybookRegistry:
    def __init__(self, client: Client, task_queue: str) -> None:
        self._register = Register(client, task_queue, PlaybookRegistryWorkflow.run, REGISTRY_ID)

    async def publish(self, playbook: Playbook, actor: Actor) -> PublishedPlaybook:
        """Store `playbook` as a new immutable version; the registry starts on first use."""
        refuse_unless_allowed(PUBLISH, policy.may_publish_playbook(actor))
        publication = Publication(playbook=playbook, published_by=actor.id)
        return await self._register.change(PUBLISH, PlaybookRegistryWorkflow.publish, publication)

    async def published(self) -> list[PublishedPlaybook]:
        """Every published version, oldest first (the built-in ones are not among them)."""
        return await self._register.read(PlaybookRegistryWorkflow.published)

    async def all(self) -> list[Playbook]:
        """Every version there is: built in, then published."""
        return registry.known(await self.published())

    async def get(self, name: str, version: int | None) -> Playbook:
        try:
            return registry.find(await self.published(), name, version)
        except playbooks.UnknownPlaybookError as error:
            raise CoalitionNotFound(error.reason) from None

    async def pin(self, trigger: str, payload: Mapping[str, Any]) -> dict[str, Any]:
        """`payload` with the content and hash of the version it names, for a start or an
        `adopt_playbook`: what the coalition pins travels in its own event, so replaying it
        never asks the registry. A version that does not exist is refused here."""
        if trigger == TriggerName.spawn_region:
            # A region is a new coalition: it pins its version as any start does.
            region = payload.get("region")
            if not isinstance(region, Mapping):
                return dict(payload)
            try:
                return {**payload, "region": await self.pin(START, region)}
            except CoalitionRefused as refusal:
                raise CoalitionRefused(trigger, [within("region", r) for r in refusal.reasons]) from None
        adopting = trigger == TriggerName.adopt_playbook
        keys = (
            ("playbook", "version", "content", "hash")
            if adopting
            else ("playbook", "playbook_version", "playbook_content", "playbook_hash")
        )
        name, version = payload.get(keys[0], "default"), payload.get(keys[1])
        if not isinstance(name, str) or not (version is None or isinstance(version, int)):
            return dict(payload)  # the gate names the field that is wrong
        try:
            found = registry.find(await self.published(), name, version)
        except playbooks.UnknownPlaybookError as error:
            raise CoalitionRefused(trigger, [error.reason]) from None
        return {
            **payload,
            keys[1]: found.version,
            keys[2]: found.model_dump(mode="json"),
            keys[3]: found.content_hash,
        }

    async def impact(
        self, name: str, version: int, reader: Actor, view: Viewer, list_: Lister
    ) -> list[adoption.Impact]:
        """For every running coalition on an older version of `name`, what adopting
        `name@version` would change for it, computed from its record."""
        target = await self.get(name, version)
        older = tuple(p.ref for p in await self.all() if p.name == name and p.version < version)
        if not older:
            return []
        where = PortfolioFilter(running_only=True, playbooks=older)
        found: list[adoption.Impact] = []
        token: bytes | None = None
        now = datetime.now(UTC)
        while True:
            rows, token = await list_(where, reader, 500, token)
            for row in rows:
                seen = await view(row.id, reader)
                found.append(adoption.impact(seen.coalition, target, seen.status.last_activity_at, now))
            if not token:
                return sorted(found, key=lambda i: i.coalition)
