"""The forms of one coalition, each at its own address, and what their posts answer.

The coalition page lists the forms a person may send (the step forms inline, the records
folded); a record's form is loaded from `/dashboard/coalitions/{id}/forms/{trigger}`: a page
of its own that works without a script, or, asked with `?part=form`, just the form, which
the page's script puts into the folded record when it is opened. Every post answers with a
redirect (post/redirect/get): to the coalition page when it was kept, else back to the form
with what was typed and why it was refused (`dashboard.flash`), so a reload never posts
again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lemniscate import states
from lemniscate.api.deps import ServiceFactory
from lemniscate.coalitions import CoalitionRefused, InvalidPayload, Unreadable
from lemniscate.coalitions.gate import Payload
from lemniscate.dashboard import names, offers, views, web
from lemniscate.dashboard.consequences import unconfirmed
from lemniscate.dashboard.flash import PARAM, Flashes
from lemniscate.dashboard.forms import Errors, FieldSpec, as_reasons, decode, errors_of, fields
from lemniscate.dashboard.views import Submitted
from lemniscate.language import office_zone
from lemniscate.models.events import Actor
from lemniscate.models.sentence import Sentence
from lemniscate.states.describe import method_description
from lemniscate.states.names import TriggerName as T
from lemniscate.workflows.io import CoalitionView

_DESCRIPTION = method_description()
SPECS: dict[str, tuple[FieldSpec, ...]] = {
    t["name"]: fields(t["payload_schema"]) for t in _DESCRIPTION["triggers"]
}
START_SPECS = fields(_DESCRIPTION["start"]["payload_schema"])
STEPS = frozenset(t["name"] for t in _DESCRIPTION["triggers"] if t["kind"] == "step")
# Steps that end or undo a coalition's course: shown last, and not as the obvious button.
FINAL_STEPS = (T.dissolve, T.start_closing, T.close, T.return_to_round_one, T.transform)
# Fields a fresh form fills in with who is sending it.
_WHO_FIELDS = frozenset({"interviewer"})

Page = Callable[..., Response]
Problem = Callable[[Request, int, str, str | list[str]], Response]
ActorOf = Callable[[Request], Actor]


@dataclass(frozen=True)
class TriggerForm:
    name: str
    summary: str
    step: bool
    allowed: bool
    blockers: list[str]
    specs: tuple[FieldSpec, ...]
    choices: dict[str, list[offers.Choice]]
    defaults: dict[str, list[str]] = field(default_factory=dict)


def defaults(specs: tuple[FieldSpec, ...], actor: Actor, now: datetime | None = None) -> dict[str, list[str]]:
    """What a fresh form starts with: today (in the office's time zone) in each required
    date, the sender in the fields that name who did it. An optional date (a due date)
    stays empty: today there would say something nobody chose."""
    today = (now or datetime.now(office_zone())).astimezone(office_zone()).date().isoformat()
    found: dict[str, list[str]] = {}

    def walk(specs: tuple[FieldSpec, ...], prefix: str) -> None:
        for spec in specs:
            path = prefix + spec.name
            if spec.kind == "object":
                walk(spec.children, path + ".")
            elif spec.kind == "date" and spec.required:
                found[path] = [today]
            elif spec.name in _WHO_FIELDS and spec.kind == "text":
                found[path] = [actor.display_name]

    walk(specs, "")
    return found


def trigger_forms(view: CoalitionView, actor: Actor, here_only: bool = True) -> list[TriggerForm]:
    """The forms this person gets on this coalition, in the method's order: those of the
    state it is in, or (`here_only=False`, for a form's own page) every one, a form of
    another state with the sentence that says so as its blocker."""
    c, o = view.coalition, view.overview
    worked_out = {t.trigger: t.blockers for t in states.overview(c).triggers}
    return [
        TriggerForm(
            t.trigger,
            t.summary,
            t.trigger in STEPS,
            t.allowed,
            views.with_codes(t.blockers, worked_out.get(t.trigger, [])),
            SPECS[t.trigger],
            offers.choices(c, actor, t.trigger),
            defaults(SPECS[t.trigger], actor),
        )
        for t in o.triggers
        if (t.available_here or not here_only) and offers.offered(actor, t.trigger, c)
    ]


def by_need(forms: list[TriggerForm]) -> list[TriggerForm]:
    """The records in the order the coalition needs them: first those that supply what a
    step is blocked on (in the order of the steps' blockers), then the others open now,
    then those the playbook holds back."""
    wanted: list[str] = []
    for form in forms:
        if form.step:
            for blocker in form.blockers:
                wanted += [t for t in views.resolvers(blocker) if t not in wanted]
    records = [f for f in forms if not f.step]
    rank = {name: index for index, name in enumerate(wanted)}
    return sorted(records, key=lambda f: (not f.allowed, rank.get(f.name, len(rank))))


def form_url(slug: str, trigger: str) -> str:
    return f"/dashboard/coalitions/{quote(slug, safe='')}/forms/{quote(trigger, safe='')}"


def coalition_url(slug: str) -> str:
    return f"/dashboard/coalitions/{quote(slug, safe='')}"


def readable(payload: dict[str, Any], errors: Errors) -> Payload:
    """What the service gets from a form: the payload, or what the form found wrong with it
    (refused and logged by the service like any other refusal)."""
    return Unreadable(as_reasons(errors)) if errors else payload


def submitted_of(
    trigger: str, values: dict[str, list[str]], errors: Errors, refused: CoalitionRefused
) -> Submitted:
    """A refused form, shown again with what was typed: a payload's mistakes next to their
    fields (the form's own findings, else the fields the service's sentences name), any
    other refusal's sentences above the form."""
    if isinstance(refused, InvalidPayload):
        return Submitted(trigger, values, errors or errors_of(refused.reasons))
    return Submitted(trigger, values, refused=refused.reasons)


NO_TRIGGER = Sentence("web.problem.no_trigger", "No such step or record")


def _no_trigger(trigger: str) -> Sentence:
    return Sentence(
        "web.problem.no_trigger_detail",
        "The method has no step or record '{trigger}'.",
        trigger=trigger[:100],
    )


def add_routes(
    router: APIRouter,
    service: ServiceFactory,
    actor_of: ActorOf,
    page: Page,
    problem: Problem,
    flashes: Flashes,
) -> None:
    @router.get("/coalitions/{slug}/forms/{trigger}", response_class=HTMLResponse)
    async def form_page(request: Request, slug: str, trigger: str) -> Response:
        actor = actor_of(request)
        if trigger not in states.TRIGGERS:
            return problem(request, 404, NO_TRIGGER, _no_trigger(trigger))
        view = await (await service()).view(slug, actor)
        everywhere = trigger_forms(view, actor, here_only=False)
        form = next((f for f in everywhere if f.name == trigger), None)
        if form is None:
            title = Sentence("web.problem.no_form", "No such form here")
            detail = Sentence(
                "web.problem.no_form_detail",
                "This coalition offers you no form for {step}.",
                step=names.name_of(trigger),
            )
            return problem(request, 404, title, detail)
        fragment = request.query_params.get("part") == "form"
        held = None if fragment else flashes.get(request, request.query_params.get(PARAM))
        return page(
            request,
            "_form_part.html" if fragment else "form.html",
            view=view,
            c=view.coalition,
            o=view.overview,
            form=form,
            submitted=held if held is not None and held.trigger == trigger else None,
            offered={f.name for f in everywhere},
        )

    @router.post("/coalitions/{slug}/triggers/{trigger}")
    async def fire(request: Request, slug: str, trigger: str) -> Response:
        actor = actor_of(request)
        if trigger not in states.TRIGGERS:
            return problem(request, 404, NO_TRIGGER, _no_trigger(trigger))
        if not web.same_origin(request):
            return problem(request, 403, *web.CROSS_SITE)
        svc = await service()
        view = await svc.view(slug, actor)
        values = await web.posted(request)
        offered = offers.offered(actor, trigger, view.coalition)

        def back(submitted: Submitted) -> Response:
            """To the form again, with what was typed and what was wrong (303: a GET)."""
            token = urlencode({PARAM: flashes.keep(request, submitted)})
            if trigger in STEPS:  # a step's form is on the coalition page itself
                return RedirectResponse(f"{coalition_url(slug)}?{token}#form-{trigger}", 303)
            return RedirectResponse(f"{form_url(slug, trigger)}?{token}#form-{trigger}", 303)

        if offered and (held := unconfirmed(trigger, values)):
            return back(held)  # not sent: a step that cannot be undone is confirmed first
        payload, errors = decode(SPECS[trigger], values)
        try:
            accepted = await svc.trigger(
                slug, trigger, readable(payload, errors), actor, web.reason(values), source="dashboard"
            )
        except CoalitionRefused as refused:  # nothing changed: show why, with what was typed
            if refused.forbidden and not offered:  # the page has no form to show it in
                return problem(request, 403, web.NOT_ALLOWED, refused.reasons)
            return back(submitted_of(trigger, values, errors, refused))
        done = urlencode({"done": trigger, "seq": accepted.seq})
        return RedirectResponse(f"{coalition_url(slug)}?{done}", 303)
