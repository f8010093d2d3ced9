"""`/playbooks`: the office's playbooks over HTTP, through the service's registry
(`coalitions.playbooks.PlaybookRegistry`), as `lemniscate playbook` has them: list, show,
publish (an office changer: `states.policy.may_publish_playbook`) and the impact of a new
version on the coalitions under way (each reader sees only the coalitions it may read).

Playbooks are the office's rules, not anyone's confidence: every identified caller reads
them. Registered by api/app.py's `create_app`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, Field

from lemniscate import states
from lemniscate.api.contract import READS_BODY, operation
from lemniscate.api.deps import Caller, ServiceFactory, json_data
from lemniscate.coalitions.errors import InvalidPayload
from lemniscate.models.playbook import Playbook, PublishedPlaybook
from lemniscate.models.sentence import Sentence
from lemniscate.states.adoption import Impact
from lemniscate.states.playbook_files import parse_data
from lemniscate.workflows.playbooks import PUBLISH

NameParam = Annotated[str, Path(max_length=200)]
VersionParam = Annotated[int, Path(ge=1, le=1_000_000)]


class PlaybookSummary(BaseModel):
    ref: str = Field(description="NAME@VERSION, as a coalition's start names it")
    name: str
    version: int
    description: str
    hash: str = Field(description="the content hash a coalition's journal records when it pins it")


def playbook_router(service: ServiceFactory) -> APIRouter:
    router = APIRouter()

    @router.get(
        "/playbooks",
        **operation("listPlaybooks", "playbooks", "Every playbook version: built in, then published"),
    )
    async def list_playbooks(caller: Caller) -> list[PlaybookSummary]:
        known = await (await service()).playbooks.all()
        return [
            PlaybookSummary(
                ref=p.ref, name=p.name, version=p.version, description=p.description, hash=p.content_hash
            )
            for p in known
        ]

    @router.get(
        "/playbooks/{name}/{version}",
        **operation(
            "getPlaybook", "playbooks", "One playbook version, every setting spelt out", problems=(404, 422)
        ),
    )
    async def show_playbook(name: NameParam, version: VersionParam, caller: Caller) -> Playbook:
        return await (await service()).playbooks.get(name, version)

    @router.post(
        "/playbooks",
        status_code=201,
        **operation(
            "publishPlaybook",
            "playbooks",
            "Publish a new immutable playbook version (the JSON form of a playbook document)",
            problems=(*READS_BODY, 403),
        ),
    )
    async def publish_playbook(request: Request, caller: Caller) -> PublishedPlaybook:
        data = await json_data(request)
        if not isinstance(data, dict):
            raise InvalidPayload(PUBLISH, [Sentence("payload.not-object", "payload: must be a JSON object")])
        try:
            playbook = parse_data(data)
        except states.Refused as refused:
            raise InvalidPayload(PUBLISH, refused.reasons) from None
        return await (await service()).playbooks.publish(playbook, caller)

    @router.get(
        "/playbooks/{name}/{version}/impact",
        **operation(
            "getPlaybookImpact",
            "playbooks",
            "What adopting this version would change for each running coalition on an older one",
            problems=(404, 422),
        ),
    )
    async def playbook_impact(name: NameParam, version: VersionParam, caller: Caller) -> list[Impact]:
        return await (await service()).playbook_impact(name, version, caller)

    return router
