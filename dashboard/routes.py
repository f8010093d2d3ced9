"""The dashboard's pages: log-in, the portfolio, one coalition, and the forms they post.

Everything goes through `CoalitionService`, the same operations the API and the CLI use, as
the person who logged in: the service's and the workflow's checks decide (and log what they
refuse), the pages only explain.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Coroutine
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware

from lemniscate import states
from lemniscate.api.auth import key_digest
from lemniscate.api.deps import ServiceFactory, key_ring
from lemniscate.cluster import ClusterConfigError, ClusterSettings, ClusterUnavailableError, OidcSettings
from lemniscate.coalitions import (
    CoalitionExists,
    CoalitionFinished,
    CoalitionNotFound,
    CoalitionRefused,
    InvalidRequest,
)
from lemniscate.dashboard import (
    closing,
    export,
    journal,
    lemniscate,
    names,
    offers,
    ordering,
    people,
    playbooks,
    portfolio,
    speech,
    trigger_pages,
    views,
    web,
    week,
)
from lemniscate.dashboard.assets import static_url
from lemniscate.dashboard.consequences import CONFIRM, CONSEQUENCES, NOT_CONFIRMED
from lemniscate.dashboard.flash import PARAM, Flashes
from lemniscate.dashboard.forms import decode, item_indices
from lemniscate.dashboard.headers import SecurityHeaders
from lemniscate.dashboard.session import Sessions
from lemniscate.dashboard.trigger_pages import (
    FINAL_STEPS,
    SPECS,
    START_SPECS,
    STEPS,
    by_need,
    form_url,
    readable,
    submitted_of,
    trigger_forms,
)
from lemniscate.dashboard.views import Submitted
from lemniscate.models.events import Actor
from lemniscate.models.sentence import Sentence
from lemniscate.states import policy
from lemniscate.states.words import FOLLOW_UP_KIND_WORDS

__all__ = ["SPECS", "START_SPECS", "mount"]  # the forms' fields, for the tests that fuzz them

Handler = Callable[[Request], Coroutine[Any, Any, Response]]
HERE = Path(__file__).parent
PAGE_SIZE = 25  # rows per page unless ?size= asks for 1 to MAX_PAGE_SIZE
MAX_PAGE_SIZE = 200
UI_URL_ENV = "LEMNISCATE_TEMPORAL_UI_URL"


def _settings() -> ClusterSettings | None:
    try:
        return ClusterSettings.from_env()
    except ClusterConfigError:
        return None  # the API reports a bad configuration itself; the page just has no link


def mount(
    app: FastAPI,
    service: ServiceFactory,
    settings: ClusterSettings | None = None,
    oidc: OidcSettings | None = None,
) -> None:
    """Serve the dashboard under /dashboard of `app` (built by `api.app.create_app`).

    `settings` name the Temporal namespace and Web UI for the raw-history links; by default
    they are read from the environment, as `lemniscate api` and `lemniscate up` do. `oidc`
    is the identity provider people log in with, if any (`OidcSettings.from_env`).
    """
    sessions = Sessions()
    flashes = Flashes()
    speech.configure(
        dict(
            humanize=views.humanize,
            name_of=names.name_of,
            word=names.word,
            roles=names.ROLES,
            REASON=web.REASON,
            geo=lemniscate,
            form_context=views.form_context,
            indices=item_indices,
            step_names=sorted(STEPS),
            portfolio_link=portfolio.link,
            final_steps=FINAL_STEPS,
            organisation_login=oidc is not None,
            follow_up_kinds=FOLLOW_UP_KIND_WORDS,
            channels=views.CHANNELS,
            outcomes=views.OUTCOMES,
            static_url=static_url,
            resolved_by=views.resolved_by,
            form_url=form_url,
            consequences=CONSEQUENCES,
            CONFIRM=CONFIRM,
            NOT_CONFIRMED=NOT_CONFIRMED,
        )
    )
    cluster = settings or _settings()
    ui_base = views.temporal_ui_base(cluster, os.environ.get(UI_URL_ENV))

    def page(request: Request, name: str, status: int = 200, **context: Any) -> Response:
        lang = speech.of(request)
        shown = {"actor": sessions.of(request, key_ring(request)), "here": web.page_of(request), **context}
        answer = speech.templates(lang).TemplateResponse(request, name, shown, status_code=status)
        answer.headers["Content-Language"] = lang
        return answer

    def problem(request: Request, status: int, title: str, detail: str | list[str]) -> Response:
        """A page for what went wrong; `title` and each sentence of `detail` are said in the
        page's language."""
        details = [detail] if isinstance(detail, str) else detail
        return page(request, "problem.html", status, title=title, details=details)

    class PageRoute(APIRoute):
        """Answers what can go wrong on any page with a page, not the API's JSON problem:
        these routes are read by people. The app's own handlers stay as they are."""

        def get_route_handler(self) -> Handler:
            handler = super().get_route_handler()

            async def guarded(request: Request) -> Response:
                try:
                    return await handler(request)
                except web.LoginRequired as needed:
                    return RedirectResponse("/dashboard/login?" + urlencode({"next": needed.next_path}), 303)
                except CoalitionNotFound as missing:
                    title = Sentence("web.problem.not_found", "No such coalition")
                    return problem(request, 404, title, web.said(missing))
                except CoalitionFinished as finished:
                    title = Sentence("web.problem.finished", "Coalition finished")
                    return problem(request, 410, title, web.said(finished))
                except ClusterUnavailableError as error:
                    title = Sentence("web.problem.unavailable", "Temporal is not reachable")
                    detail = Sentence(
                        "web.problem.unavailable_detail",
                        "{error} The page works again once it is.",
                        error=web.said(error),
                    )
                    return problem(request, 503, title, detail)

            return guarded

    router = APIRouter(prefix="/dashboard", include_in_schema=False, route_class=PageRoute)

    def actor_of(request: Request) -> Actor:
        actor = sessions.of(request, key_ring(request))
        if actor is None:
            query = f"?{request.url.query}" if request.url.query else ""
            raise web.LoginRequired(request.url.path + query)
        return actor

    # Log-in ------------------------------------------------------------------------------

    @router.get("/login", response_class=HTMLResponse)
    async def login_form(request: Request, next: str | None = None) -> Response:
        if sessions.of(request, key_ring(request)) is not None:
            return RedirectResponse(web.safe_next(next), 303)
        return page(request, "login.html", next=web.safe_next(next), error=None)

    @router.post("/login")
    async def login(request: Request) -> Response:
        values = await web.posted(request)
        target = web.safe_next(web.first(values, "next"))
        presented = web.first(values, "key")
        if key_ring(request).identify(presented) is None:
            return page(
                request,
                "login.html",
                401,
                next=target,
                error=Sentence(
                    "web.login.unknown_key", "That key is not known. Ask whoever runs Lemniscate for yours."
                ),
            )
        response = RedirectResponse(target, 303)
        sessions.login(response, request, key_digest(presented))
        return response

    if oidc is not None:
        people.add_routes(router, sessions, oidc, problem)

    @router.post("/language")
    async def choose_language(request: Request) -> Response:
        """The person's own choice of language, kept in a cookie; back to the page they were
        on (post/redirect/get), so a reload does not post again."""
        values = await web.posted(request)
        response = RedirectResponse(web.safe_next(web.first(values, "next")), 303)
        if web.same_origin(request):  # another site does not pick someone's language
            speech.remember(response, request, web.first(values, "lang"))
        return response

    @router.post("/logout")
    async def logout(request: Request) -> Response:
        response = RedirectResponse("/dashboard/login", 303)
        sessions.logout(response, request)
        return response

    week.add_routes(router, service, actor_of, page)
    trigger_pages.add_routes(router, service, actor_of, page, problem, flashes)
    journal.add_routes(
        router, service, actor_of, page, views.timeline, partial(views.temporal_ui_link, cluster, ui_base)
    )
    playbooks.add_routes(router, service, actor_of, page)
    closing.add_routes(router, service, actor_of, problem)
    export.add_routes(router, service, actor_of, problem)

    # The portfolio -----------------------------------------------------------------------

    @router.get("/", response_class=HTMLResponse)
    async def portfolio_page(request: Request) -> Response:
        held = flashes.get(request, request.query_params.get(PARAM))
        return await render_portfolio(request, actor_of(request), held)

    async def render_portfolio(request: Request, actor: Actor, submitted: Submitted | None) -> Response:
        status = 200
        now = datetime.now(UTC)
        lang = speech.of(request)
        svc = await service()
        known = await svc.programmes.known()
        where, filters, notes = portfolio.filter_from_query(request.query_params, now, known)
        if any(portfolio.is_refusal(note) for note in notes):
            status = 422  # asked for what no query can say: shown without it, and said so
        token = request.query_params.get("page")
        asked = request.query_params.get("size", "")
        size = min(int(asked), MAX_PAGE_SIZE) if asked.isdigit() and int(asked) else PAGE_SIZE
        sized = {"size": str(size)} if size != PAGE_SIZE else {}
        sort = filters.get("sort", ordering.URGENCY)
        try:
            listed = await portfolio.page(svc, where, actor, now, size, token, sort)
        except ordering.TooMany as too_many:
            notes.append(too_many.args[0])
            listed, sort = await portfolio.page(svc, where, actor, now, size, None), ordering.URGENCY
        except InvalidRequest:  # a page link from before a restart of the cluster
            notes.append(
                Sentence(
                    "web.portfolio.stale_page", "That page link no longer works; here is the first page."
                )
            )
            listed, token = await portfolio.page(svc, where, actor, now, size, None), None
        counted = await portfolio.counts(svc, where, actor, now)
        week = portfolio.end_of_week(now)
        return page(
            request,
            "portfolio.html",
            status,
            filters=filters,
            notes=notes,
            page=listed,
            counts=counted,
            map=views.portfolio_map(counted.by_node, listed.rows, filters),
            due={r.id: views.follow_up(r.next_follow_up_at, now, week, lang) for r in listed.rows},
            week_end=week,
            first_href=portfolio.link(filters, **sized) if token else None,
            next_href=portfolio.link(filters, page=listed.next_token, **sized) if listed.next_token else None,
            start_specs=START_SPECS if not policy.may_start(actor) else None,  # no reasons: allowed
            submitted=submitted,
            rounds=[r.value for r in states.Round],
            sides=[s.value for s in states.Side],
            all_states=[s.id for s in states.STATES],
            programmes=known,
            sort=sort,
            csv_href="/dashboard/portfolio.csv?" + urlencode(filters),
            sorts=ordering.SORT_NAMES,
            statuses=portfolio.STATUSES,
            start_choices={"programme": [offers.Choice(p, p) for p in known]},
        )

    @router.post("/coalitions")
    async def start(request: Request) -> Response:
        actor = actor_of(request)
        if not web.same_origin(request):
            return problem(request, 403, *web.CROSS_SITE)
        values = await web.posted(request)
        payload, errors = decode(START_SPECS, values)
        try:
            view = await (await service()).start(
                readable(payload, errors), actor, web.reason(values), source="dashboard"
            )
        except (CoalitionExists, CoalitionRefused) as refused:
            if isinstance(refused, CoalitionRefused) and refused.forbidden:  # nobody offered the form
                return problem(request, 403, web.NOT_ALLOWED, refused.reasons)
            submitted = (
                Submitted(states.START, values, {"id": [web.said(refused)]})
                if isinstance(refused, CoalitionExists)
                else submitted_of(states.START, values, errors, refused)
            )
            # Back to the form, as a GET (post/redirect/get): a reload does not post again.
            token = urlencode({PARAM: flashes.keep(request, submitted)})
            return RedirectResponse(f"/dashboard/?{token}#form-start", 303)
        return RedirectResponse(
            f"/dashboard/coalitions/{quote(view.coalition.id)}?" + urlencode({"done": states.START}), 303
        )

    # One coalition -----------------------------------------------------------------------

    @router.get("/coalitions/{slug}", response_class=HTMLResponse)
    async def coalition_page(request: Request, slug: str) -> Response:
        actor = actor_of(request)
        svc = await service()
        view = await svc.view(slug, actor)
        entries = await svc.journal(slug, actor, max(0, view.status.journal_length - journal.ON_THE_PAGE))
        follow_ups = await svc.follow_ups(slug, actor)
        c, o = view.coalition, view.overview
        forms = trigger_forms(view, actor)
        held = flashes.get(request, request.query_params.get(PARAM))
        records = by_need(forms)
        today = date.today()
        lang = speech.of(request)
        done = request.query_params.get("done")  # only a known name: the link is shareable
        seq = request.query_params.get("seq", "")
        return page(
            request,
            "coalition.html",
            view=view,
            c=c,
            o=o,
            s=view.status,
            map=views.coalition_map(o.state, o.round.value),
            grid=views.partner_grid(c),
            steps=sorted((f for f in forms if f.step), key=lambda f: (f.name in FINAL_STEPS, not f.allowed)),
            records=[f for f in records if f.allowed],
            closed_records=[f for f in records if not f.allowed],
            offered={f.name for f in forms},  # the forms a blocker may link to
            opened={f.name for f in records if f.allowed},  # folded on the page itself
            may_change=policy.may_change(actor),
            due={a.id: views.action_due(a, today, lang) for a in c.actions},
            timeline=views.timeline(entries),
            fu=follow_ups,
            submitted=held if held is not None and held.trigger in STEPS else None,
            done=done if done in (*states.TRIGGERS, states.START) else None,
            done_seq=seq if seq.isdigit() else None,
            temporal_link=views.temporal_ui_link(cluster, ui_base, c.id),
            levels=[level.value for level in views.LEVELS],
            **closing.section(c),
        )

    app.include_router(router)
    app.add_middleware(SecurityHeaders)
    # Gzip shrinks a coalition page about tenfold; no page holds a secret beside reflected
    # input (no CSRF token: forms are checked by Origin), so it leaks nothing BREACH-style.
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.mount("/dashboard/static", StaticFiles(directory=HERE / "static"), name="dashboard-static")
