"""Operations on coalitions through Temporal: the one path from every surface (the CLI, the
API, the dashboard, bulk operations).

Each request passes the `Gate` first (who asked, then the payload, parsed once), so a user
gets the policy's sentences and field paths before anything is sent; the workflow's update
validator checks again, because it alone sees the coalition's current state for certain.
Every refusal, the gate's or the workflow's, is logged with the surface it came from (the
`source` of each call) and raised as a `CoalitionRefused`; see `coalitions.errors`.
"""

from __future__ import annotations

import builtins
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from temporalio.client import (
    Client,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowQueryFailedError,
    WorkflowUpdateFailedError,
)
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from lemniscate import states
from lemniscate.coalitions import agenda, answers, calendar, feeds
from lemniscate.coalitions.bulk_runs import BulkRuns
from lemniscate.coalitions.errors import (
    CoalitionExists,
    CoalitionFinished,
    CoalitionRefused,
    InvalidPayload,
    InvalidRequest,
)
from lemniscate.coalitions.gate import Gate, Payload
from lemniscate.coalitions.journal import whole_journal
from lemniscate.coalitions.playbooks import PlaybookRegistry
from lemniscate.coalitions.portfolio import (
    PortfolioFilter,
    PortfolioRow,
    admits,
    initial_search_attributes,
    row_from_execution,
)
from lemniscate.coalitions.programmes import ProgrammeRegistry
from lemniscate.coalitions.refusals import Source
from lemniscate.coalitions.subscriptions import SubscriptionRegister
from lemniscate.models.events import Actor
from lemniscate.models.journal import JournalEntry, TriggerRequest
from lemniscate.models.sentence import Sentence
from lemniscate.states import policy, redaction
from lemniscate.states.adoption import Impact
from lemniscate.states.agenda import Window, WorklistItem
from lemniscate.states.followup_view import FollowUps
from lemniscate.workflows.coalition import CoalitionWorkflow
from lemniscate.workflows.io import (
    Accepted,
    CoalitionInput,
    CoalitionView,
    workflow_id,
)

Q = TypeVar("Q")
P = ParamSpec("P")
QUERY_TIMEOUT = timedelta(seconds=5)
QUERY_ATTEMPTS = 3


def _then_view(
    trigger: Callable[Concatenate[CoalitionService, str, str, Payload, Actor, P], Awaitable[Accepted]],
) -> Callable[Concatenate[CoalitionService, str, str, Payload, Actor, P], Awaitable[CoalitionView]]:
    """`trigger` with the same arguments, answering where the coalition stands after it."""

    async def fire(
        service: CoalitionService,
        slug: str,
        trigger_: str,
        payload: Payload,
        actor: Actor,
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> CoalitionView:
        """Fire one trigger and read where the coalition stands after it."""
        await trigger(service, slug, trigger_, payload, actor, *args, **kwargs)
        return await service.view(slug, actor)

    return fire


class CoalitionService:
    """Calls without a `source` are taken for the CLI's, as the refusal log always has;
    `refusal_log` is where refusals go (by default the file the environment names)."""

    def __init__(self, client: Client, task_queue: str, refusal_log: Path | None = None) -> None:
        self._client = client
        self._task_queue = task_queue
        self.gate = Gate(refusal_log)
        self.playbooks = PlaybookRegistry(client, task_queue)
        self.webhooks = SubscriptionRegister(client, task_queue)
        self.programmes = ProgrammeRegistry(client, task_queue)
        self.bulk_runs = BulkRuns(client, task_queue, self.gate)  # start and read bulk operations

    @property
    def task_queue(self) -> str:
        return self._task_queue

    @property
    def client(self) -> Client:
        return self._client

    def _handle(self, slug: str) -> WorkflowHandle[CoalitionWorkflow, CoalitionView]:
        return self._client.get_workflow_handle_for(CoalitionWorkflow.run, workflow_id(slug))

    async def start(
        self, payload: Payload, actor: Actor, reason: str | None = None, *, source: Source = "cli"
    ) -> CoalitionView:
        payload = await self._pinned(states.START, payload, actor, source)
        request, coalition = self.gate.start_request(payload, actor, reason, source=source)
        if coalition.parent is not None:
            await self._require_parent(coalition.parent, coalition.id, actor, source)
        try:
            await self._client.start_workflow(
                CoalitionWorkflow.run,
                CoalitionInput(start=request),
                id=workflow_id(coalition.id),
                task_queue=self._task_queue,
                id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                search_attributes=initial_search_attributes(coalition),
            )
        except WorkflowAlreadyStartedError:
            raise CoalitionExists(
                Sentence(
                    "service.coalition-exists",
                    "a coalition with id {slug} already exists; choose another slug.",
                    slug=repr(coalition.id),
                )
            ) from None
        # Through the retrying query: under load the first answer can time out although
        # the coalition exists, and a retried start would then be refused as a duplicate.
        return await self.view(coalition.id, actor)

    async def _require_parent(self, parent: str, slug: str, actor: Actor, source: Source) -> None:
        """A region's national coalition must exist and run: the region reports to it. Only
        Temporal knows, so this is the service's check, after the gate's."""
        try:
            description = await self._handle(parent).describe()
        except RPCError as error:
            if error.status != RPCStatusCode.NOT_FOUND:
                raise
            reason = Sentence(
                "service.no-parent",
                "parent: there is no coalition {parent}; start it first, or leave parent out.",
                parent=repr(parent),
            )
        else:
            if description.status == WorkflowExecutionStatus.RUNNING:
                return
            status = description.status.name.lower() if description.status else "finished"
            reason = Sentence(
                "service.parent-finished",
                "parent: coalition {parent} is {status}; a region needs a running one.",
                parent=repr(parent),
                status=status,
            )
        raise self.gate.refused(InvalidPayload(states.START, [reason]), slug, actor, source)

    async def trigger(
        self,
        slug: str,
        trigger: str,
        payload: Payload,
        actor: Actor,
        reason: str | None = None,
        request_id: str | None = None,
        *,
        source: Source = "cli",
        expected_seq: int | None = None,
    ) -> Accepted:
        """Fire one trigger. `request_id` is the caller's idempotency key: a retry of the same
        request applies once and gets the first reply; the key with another request is
        refused (`IdempotencyKeyReused`). See `models.idempotency`. With `expected_seq`, only
        if the journal is still that long (`CoalitionMoved` otherwise)."""
        if trigger in (states.TriggerName.adopt_playbook, states.TriggerName.spawn_region):
            payload = await self._pinned(trigger, payload, actor, source, slug)
        request = self.gate.trigger_request(slug, trigger, payload, actor, reason, source=source)
        if expected_seq is not None:
            request = request.model_copy(update={"expected_seq": expected_seq})
        return await self.send(slug, request, request_id, source=source)

    fire = _then_view(trigger)

    async def _pinned(
        self, trigger: str, payload: Payload, actor: Actor, source: Source, slug: str = ""
    ) -> Payload:
        """The payload with the content of the playbook version it names (`PlaybookRegistry.pin`)
        and, for a start, its programme as the office spells it (`ProgrammeRegistry`); a
        version or a programme that does not exist is refused and logged like any refusal."""
        if not isinstance(payload, Mapping):
            return payload
        try:
            pinned = await self.playbooks.pin(trigger, payload)
            return await self.programmes.checked_start(pinned) if trigger == states.START else pinned
        except CoalitionRefused as refusal:
            asked = payload.get("id") if trigger == states.START else slug
            raise self.gate.refused(refusal, asked if isinstance(asked, str) else "", actor, source) from None

    async def playbook_impact(self, name: str, version: int, reader: Actor) -> builtins.list[Impact]:
        """What `name@version` would change for each running coalition on an older version."""
        return await self.playbooks.impact(name, version, reader, self.view, self.list)

    async def send(
        self, slug: str, request: TriggerRequest, request_id: str | None = None, *, source: Source = "cli"
    ) -> Accepted:
        """Send a request the gate let through (`self.gate.trigger_request`)."""
        request, update_id = answers.keyed(request, request_id)
        try:
            return await self._handle(slug).execute_update(CoalitionWorkflow.fire, request, id=update_id)
        except WorkflowUpdateFailedError as error:
            refusal = answers.refusal(request.trigger, error)
            if refusal is None:
                raise
            refused = self.gate.refused(refusal, slug, request.actor, source)  # logged as ever
            if policy.member_scope(request.actor) is not None:
                # A non-member hears what it would of a coalition that does not exist, not
                # the coalition's refusal, which would tell it the coalition is there. Asked
                # only once refused: a member's accepted trigger costs no extra query.
                await self.view(slug, request.actor)
            raise refused from None
        except RPCError as error:
            raise await self._explain(slug, error) from None

    async def view(self, slug: str, reader: Actor) -> CoalitionView:
        """Where the coalition stands, as `reader` may see it (`states.redaction`); a
        coalition `reader` may not read is answered as one that does not exist."""
        view = await self._view(slug, reader)
        if reader.role in policy.CONFIDANTS:
            return view
        return view.model_copy(
            update={
                "coalition": redaction.for_reader(view.coalition, reader),
                # The office's own troubles (addresses that bounced, refused signals).
                "refused_signals": [] if policy.member_scope(reader) else view.refused_signals,
                "failed_notifications": [] if policy.member_scope(reader) else view.failed_notifications,
            }
        )

    async def _view(self, slug: str, reader: Actor) -> CoalitionView:
        """The whole view, once the policy has let `reader` read this coalition."""
        handle = self._handle(slug)
        view = await self._query(
            slug, lambda: handle.query(CoalitionWorkflow.view, rpc_timeout=QUERY_TIMEOUT)
        )
        if not policy.may_read(reader, view.coalition):
            raise answers.missing(slug)
        # Worked out again here from the same record (pure, a fraction of a millisecond), so
        # its sentences reach every surface as Sentences, to be said in the reader's language.
        return view.model_copy(update={"overview": states.overview(view.coalition)})

    async def follow_ups(self, slug: str, reader: Actor, now: datetime | None = None) -> FollowUps:
        """Every follow-up planned and delivered, the overdue actions and the standing
        escalations, as `reader` may see them (`states.followup_view`), as of `now`
        (`agenda.read_model` says what without it)."""
        view = await self._view(slug, reader)
        handle = self._handle(slug)
        book = await self._query(
            slug, lambda: handle.query(CoalitionWorkflow.follow_up_book, rpc_timeout=QUERY_TIMEOUT)
        )
        return agenda.read_model(view, book, reader, now)

    async def agenda(
        self,
        reader: Actor,
        window: Window = Window.all,
        *,
        organisation: str | None = None,
        person: str | None = None,
        limit: int = 50,
        page_token: bytes | None = None,
        now: datetime | None = None,
    ) -> tuple[builtins.list[WorklistItem], int, bytes | None]:
        """One page of a worklist across the coalitions `reader` may see (`coalitions.agenda`)."""
        return await agenda.worklist(
            self,
            reader,
            window,
            organisation=organisation,
            person=person,
            limit=limit,
            page_token=page_token,
            now=now,
        )

    async def calendar(self, slug: str, reader: Actor, lang: str) -> bytes:
        """The coalition's iCalendar feed (`coalitions.calendar`), as `reader` may read it."""
        view = await self.view(slug, reader)
        entries = await self.journal(slug, reader)
        return calendar.feed(view.coalition, entries, lang, datetime.now(UTC))

    async def calendar_across(
        self, reader: Actor, lang: str, *, organisation: str | None = None, person: str | None = None
    ) -> bytes:
        """One organisation's or one person's feed across coalitions (`coalitions.feeds`)."""
        return await feeds.across(self, reader, lang, organisation=organisation, person=person)

    async def journal(self, slug: str, reader: Actor, since: int = 0) -> builtins.list[JournalEntry]:
        """The entries after `since`, from every run of the coalition, as `reader` may see
        them (confidential payloads blanked, `states.redaction`)."""
        if policy.member_scope(reader) is not None:
            await self._view(slug, reader)  # membership is the coalition's: ask it first
        handle = self._handle(slug)
        page = await self._query(
            slug, lambda: handle.query(CoalitionWorkflow.journal_page, since, rpc_timeout=QUERY_TIMEOUT)
        )
        entries = await whole_journal(self._client, workflow_id(slug), page, since)
        return redaction.journal_for_reader(entries, reader)

    async def _query(self, slug: str, ask: Callable[[], Awaitable[Q]]) -> Q:
        for attempt in range(QUERY_ATTEMPTS):
            try:
                return await ask()
            except RPCError as error:
                # A query that lands just as the coalition continues as new can time out
                # while the new run takes its first task: ask again.
                transient = error.status in (RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.CANCELLED)
                if not transient or attempt == QUERY_ATTEMPTS - 1:
                    raise await self._explain(slug, error) from None
            except WorkflowQueryFailedError as error:
                raise await self._explain(slug, error) from None
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def list(
        self, where: PortfolioFilter, reader: Actor, limit: int = 50, page_token: bytes | None = None
    ) -> tuple[list[PortfolioRow], bytes | None]:
        """One page of the coalitions matching `where` that `reader` may see, from visibility,
        never per workflow: the visibility query itself is narrowed to the reader's
        memberships (`policy.member_scope`), so no row of another coalition is fetched."""
        query = where.visible_to(policy.member_scope(reader)).query()
        iterator = self._client.list_workflows(
            query, page_size=limit, next_page_token=page_token, limit=limit
        )
        try:
            rows = [r for r in [row_from_execution(e) async for e in iterator] if admits(where, r)]
        except RPCError as error:
            if page_token is not None and error.status in (
                RPCStatusCode.INVALID_ARGUMENT,
                RPCStatusCode.UNKNOWN,
            ):
                raise InvalidRequest("page_token: not a token this portfolio gave out.") from None
            raise
        return rows, iterator.next_page_token

    async def count(self, where: PortfolioFilter, reader: Actor) -> int:
        """How many coalitions match `where` among those `reader` may see (as `list`)."""
        query = where.visible_to(policy.member_scope(reader)).query()
        return (await self._client.count_workflows(query)).count

    async def _explain(self, slug: str, error: BaseException) -> BaseException:
        """Turn a failed call into what the user needs to hear: missing, finished, or as is."""
        try:
            description = await self._handle(slug).describe()
        except RPCError as rpc:
            if rpc.status == RPCStatusCode.NOT_FOUND:
                return answers.missing(slug)
            return error
        if description.status != WorkflowExecutionStatus.RUNNING:
            status = description.status.name.lower() if description.status else "finished"
            return CoalitionFinished(
                Sentence(
                    "service.finished",
                    "coalition {slug} is {status}; it takes no more triggers.",
                    slug=repr(slug),
                    status=status,
                )
            )
        return error
