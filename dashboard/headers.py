"""The security headers of every dashboard response, set in one place (an ASGI middleware)
rather than per route, so a new page cannot forget them.

- `Content-Security-Policy`: only the dashboard's own static files run or style the page;
  no inline script or style, no other origin, no plug-ins, forms post only here. A script
  injected through a partner's text therefore does not run even if escaping ever failed.
  (The JSON table of messages in `base.html` is a data block, which CSP does not execute.)
- `frame-ancestors 'none'` and `X-Frame-Options: DENY` (for older browsers): no other site
  can frame a page to trick a click on a trigger's button.
- `X-Content-Type-Options: nosniff`: a response is only what its type says.
- `Referrer-Policy: same-origin`: coalition slugs in the address do not leak to linked sites
  (the Temporal Web UI link included).
- `Cache-Control: no-store` on every page (all of them show partner data or a session's
  form), so neither a shared proxy nor the browser's history keeps them; static files are
  kept for a year when asked for by their fingerprinted address (`dashboard.assets`), and
  revalidated otherwise.

The API's own routes (`/docs` needs Swagger UI's inline script) are left as they are.
"""

from __future__ import annotations

from typing import Final

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lemniscate.dashboard import assets

PREFIX: Final = "/dashboard"
STATIC_PREFIX: Final = "/dashboard/static/"

CONTENT_SECURITY_POLICY: Final = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)

HEADERS: Final[dict[str, str]] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
NO_STORE: Final[dict[str, str]] = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _applies(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


class SecurityHeaders:
    """Adds `HEADERS` to every response under /dashboard, and `NO_STORE` to every one that
    is not a static file."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _applies(scope["path"]):
            await self.app(scope, receive, send)
            return
        if scope["path"].startswith(STATIC_PREFIX):
            extra = {**HEADERS, "Cache-Control": assets.cache_control(scope["path"], scope["query_string"])}
        else:
            extra = {**HEADERS, **NO_STORE}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in extra.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
