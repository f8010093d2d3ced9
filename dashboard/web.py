"""Small request helpers of the dashboard's pages: posted forms, safe redirects, origins."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from fastapi import Request

from lemniscate.api.deps import read_body
from lemniscate.dashboard.forms import RESERVED_PREFIX, form_values
from lemniscate.models.sentence import Sentence

REASON = f"{RESERVED_PREFIX}reason"  # the event's "why", beside every payload's own fields

# The problem pages of a form refused for where it came from or for who sent it.
CROSS_SITE = (
    Sentence("web.problem.refused", "Refused"),
    Sentence("web.problem.cross_site", "This form was posted from another site."),
)
NOT_ALLOWED = Sentence("web.problem.not_allowed", "Not allowed for you")


def said(error: Exception) -> str:
    """An error's sentence as it was made (a core Sentence stays one, to be translated)."""
    first = error.args[0] if error.args else None
    return first if isinstance(first, str) else str(error)


class LoginRequired(Exception):
    """The request has no valid session: the page sends the person to log in, then back."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def safe_next(target: str | None) -> str:
    """Only paths of this dashboard: a log-in link must not send anyone elsewhere."""
    if not target or not target.startswith("/dashboard") or target.startswith("//"):
        return "/dashboard/"
    return target


def page_of(request: Request) -> str:
    """The address of the page a person sees, to come back to after the language switch: a
    form answered in place (a refusal shown at the address it posted to) comes back to the
    page the form was on, which a GET can open."""
    path = request.url.path
    if request.method == "GET":
        return path + (f"?{request.url.query}" if request.url.query else "")
    if "/triggers/" in path:
        return path.split("/triggers/", 1)[0]
    return "/dashboard/login" if path.endswith("/login") else "/dashboard/"


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(scheme: str, host: str | None, port: int | None) -> tuple[str, str, int | None] | None:
    scheme = scheme.lower()
    if not host or scheme not in _DEFAULT_PORTS:
        return None
    return scheme, host.lower().rstrip("."), port or _DEFAULT_PORTS[scheme]


def same_origin(request: Request) -> bool:
    """Defence in depth beside SameSite=Strict: a browser names the page a POST came from,
    and it must be this dashboard's origin, scheme, host and port alike (an http:// page
    on the same host is another origin, and may be anyone's on the network path)."""
    origin = request.headers.get("origin")
    if origin is None:
        return True  # not a browser, or an old one; the cookie's SameSite still holds
    try:
        parts = urlsplit(origin)
        theirs = _origin(parts.scheme, parts.hostname, parts.port)
        if parts.path or parts.query or parts.fragment or parts.username is not None:
            return False  # an Origin header is only scheme://host[:port]
    except ValueError:  # a port that is no number, a malformed IPv6 address
        return False
    ours = _origin(request.url.scheme, request.url.hostname, request.url.port)
    return theirs is not None and theirs == ours


async def posted(request: Request) -> dict[str, list[str]]:
    """The form as path -> values. Forms post application/x-www-form-urlencoded; parsed here
    so no multipart package is needed for what is never a file upload."""
    body = (await read_body(request)).decode("utf-8", "replace")
    return form_values(parse_qsl(body, keep_blank_values=True))


def first(values: dict[str, list[str]], name: str) -> str:
    return (values.get(name) or [""])[0].strip()


def reason(values: dict[str, list[str]]) -> str | None:
    return first(values, REASON) or None
