"""The programme registry: one entity workflow per namespace holding the office's programmes.

Kept as the playbooks are (`workflows.playbooks`), and for the same reasons: the list must
outlive a restart and be the same for every worker and API process of a cluster, and
Temporal is the one store all of them reach. A workflow of its own rather than a second
list in the playbook registry: that registry's input is its list of versions, and running
registries could not read a changed input. Adding is an update whose validator refuses
before anything is written; reading is a query. Coalitions never read it while they run:
the service checks a start's programme before the start.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from lemniscate.models.names import normalised_name
    from lemniscate.states import programmes
    from lemniscate.workflows.io import refusal

PROGRAMME_REGISTRY_WORKFLOW = "ProgrammeRegistry"
PROGRAMME_REGISTRY_ID = "lemniscate/programmes"
ADD_PROGRAMME = "add_programme"  # what a refusal of an addition is said to be about


@workflow.defn(name=PROGRAMME_REGISTRY_WORKFLOW)
class ProgrammeRegistryWorkflow:
    @workflow.init
    def __init__(self, known: list[str]) -> None:
        self._known = list(known)

    @workflow.run
    async def run(self, known: list[str]) -> None:
        await workflow.wait_condition(
            lambda: workflow.info().is_continue_as_new_suggested() and workflow.all_handlers_finished()
        )
        workflow.continue_as_new(self._known)

    @workflow.update(name="add")
    def add(self, name: str) -> list[str]:
        self._known.append(normalised_name(name))
        return list(self._known)

    @add.validator
    def _may_add(self, name: str) -> None:
        reasons = programmes.refusals_to_add(self._known, name)
        if reasons:
            raise refusal(ADD_PROGRAMME, reasons)

    @workflow.query(name="programmes")
    def programmes(self) -> list[str]:
        return list(self._known)
