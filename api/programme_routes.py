"""`/programmes`: the office's programmes over HTTP, through the service's registry
(`coalitions.programmes.ProgrammeRegistry`), as `lemniscate programme` has them: list, and
add (an office changer: `states.policy.may_manage_programmes`). A start names one of them;
the portfolio filters on them. Every identified caller reads the list. Registered by
api/app.py's `create_app`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from lemniscate.api import contract
from lemniscate.api.contract import operation
from lemniscate.api.deps import Caller, ServiceFactory, json_body
from lemniscate.states import programmes


class Programmes(BaseModel):
    programmes: list[str] = Field(description="as the office spells them, in the order they were added")


class NewProgramme(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=programmes.MAX_LENGTH)


def programme_router(service: ServiceFactory, schemas: dict[str, Any]) -> APIRouter:
    router = APIRouter()

    @router.get(
        "/programmes",
        **operation(
            "listProgrammes",
            "programmes",
            "The office's programmes (none: not managed yet, any programme is taken)",
        ),
    )
    async def list_programmes(caller: Caller) -> Programmes:
        return Programmes(programmes=await (await service()).programmes.known())

    @router.post(
        "/programmes",
        status_code=201,
        **operation(
            "addProgramme",
            "programmes",
            "Add a programme (office changers); a name that matches one, case aside, is refused",
            problems=(403,),
            body=contract.body_schema(NewProgramme, schemas),
        ),
    )
    async def add_programme(
        body: Annotated[NewProgramme, Depends(json_body(NewProgramme))], caller: Caller
    ) -> Programmes:
        return Programmes(programmes=await (await service()).programmes.add(body.name, caller))

    return router
