"""The dashboard's log-in for people, through their organisation's identity provider
(OpenID Connect, `dashboard.oidc`): two routes, on when `LEMNISCATE_OIDC_ISSUER` is set.

`/dashboard/oidc/login` sends the browser to the provider, holding the round-trip in a
signed cookie; `/dashboard/oidc/callback` is where the provider sends it back (the redirect
URI to register there), and opens a session like a key's (`Sessions.login_person`).
"""

from __future__ import annotations

from collections.abc import Callable

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from lemniscate.cluster import OidcSettings
from lemniscate.dashboard import web
from lemniscate.dashboard.oidc import TITLE, IdentityProvider, Refused
from lemniscate.dashboard.session import LOGIN_PATH, Sessions

CALLBACK = f"{LOGIN_PATH}/callback"
Problem = Callable[[Request, int, str, str], Response]

log = structlog.get_logger("lemniscate.oidc")


def redirect_uri(settings: OidcSettings, request: Request) -> str:
    """The callback's address as the browser reaches it: `LEMNISCATE_PUBLIC_URL` behind a
    proxy that rewrites the host, else this request's own scheme and host."""
    base = settings.public_url or str(request.base_url).rstrip("/")
    return base + CALLBACK


def add_routes(router: APIRouter, sessions: Sessions, settings: OidcSettings, problem: Problem) -> None:
    """The routes on the dashboard's `router` (prefix /dashboard)."""
    provider = IdentityProvider(settings)
    prefix = LOGIN_PATH.removeprefix(router.prefix)

    @router.get(f"{prefix}/login")
    async def begin(request: Request, next: str | None = None) -> Response:
        try:
            begun = await provider.begin(redirect_uri(settings, request))
        except Refused as refused:
            return problem(request, refused.status, TITLE, refused.detail)
        response = RedirectResponse(begun.url, 303)
        sessions.hold_login(response, request, {**begun.held, "next": web.safe_next(next)})
        return response

    @router.get(f"{prefix}/callback")
    async def callback(request: Request) -> Response:
        held = sessions.held_login(request)
        try:
            person = await provider.finish(redirect_uri(settings, request), request.query_params, held)
        except Refused as refused:
            log.warning("log-in refused", status=refused.status, detail=refused.detail)
            response = problem(request, refused.status, TITLE, refused.detail)
        else:
            log.info(
                "person logged in", actor=person.id, role=person.role.value, organisation=person.organisation
            )
            response = RedirectResponse(web.safe_next((held or {}).get("next")), 303)
            sessions.login_person(response, request, person)
        sessions.forget_login(response)
        return response
