"""The playbook registry: one entity workflow per namespace holding every published version.

Why a workflow and not a file or a database: versions must outlive a restart and be the
same for every worker and API process of a cluster, and Temporal is the one store every
one of them already reaches. Publishing is an update (its validator refuses before anything
is written, so a refused version leaves no event), reading is a query. Versions are few and
small and never change; the run continues as new when the server suggests it, carrying
them all (bounded by `states.registry.REGISTRY_BUDGET`). Coalitions never read it while
they run: the service copies a version's content into the request that pins it.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from lemniscate.models.playbook import Playbook, PublishedPlaybook
    from lemniscate.models.records import Record
    from lemniscate.states import registry
    from lemniscate.workflows.io import refusal

REGISTRY_WORKFLOW = "PlaybookRegistry"
REGISTRY_ID = "lemniscate/playbooks"
PUBLISH = "publish_playbook"  # what a refusal of a publication is said to be about


class Publication(Record):
    playbook: Playbook
    published_by: str


@workflow.defn(name=REGISTRY_WORKFLOW)
class PlaybookRegistryWorkflow:
    @workflow.init
    def __init__(self, published: list[PublishedPlaybook]) -> None:
        self._published = list(published)

    @workflow.run
    async def run(self, published: list[PublishedPlaybook]) -> None:
        await workflow.wait_condition(
            lambda: workflow.info().is_continue_as_new_suggested() and workflow.all_handlers_finished()
        )
        workflow.continue_as_new(self._published)

    @workflow.update(name="publish")
    def publish(self, publication: Publication) -> PublishedPlaybook:
        new = publication.playbook
        for kept in self._published:
            if kept.playbook.ref == new.ref:
                return kept  # the same content again (the validator refused any other)
        published = PublishedPlaybook(
            playbook=new,
            hash=new.content_hash,
            published_at=workflow.now(),
            published_by=publication.published_by,
        )
        self._published.append(published)
        return published

    @publish.validator
    def _may_publish(self, publication: Publication) -> None:
        reasons = registry.refusals(self._published, publication.playbook)
        if reasons:
            raise refusal(PUBLISH, reasons)

    @workflow.query(name="published")
    def published(self) -> list[PublishedPlaybook]:
        return list(self._published)
