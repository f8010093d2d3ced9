"""Which webhook targets Lemniscate calls: http(s) to public addresses only.

A subscription names a URL that the worker will POST to from inside the operator's network,
so an integration key could otherwise point it at the Temporal frontend, a cloud metadata
service (169.254.169.254) or anything else only the worker can reach (server-side request
forgery). The host is resolved and every address it resolves to must be global unicast:
no loopback, private (RFC 1918, unique-local), link-local, shared (CGNAT), multicast,
reserved or unspecified address, also not inside an IPv4-mapped IPv6 address. It is checked
when a subscription is made and again before every delivery (the activity), since a name
can resolve elsewhere later (DNS rebinding); redirects are not followed for the same reason.

`LEMNISCATE_WEBHOOK_ALLOW_PRIVATE=1` lets an operator allow private and loopback targets,
for receivers on the same network (and the test suite's local receivers).
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import socket
from typing import Final
from urllib.parse import urlsplit

from lemniscate.models.sentence import Sentence

ALLOW_PRIVATE_ENV: Final = "LEMNISCATE_WEBHOOK_ALLOW_PRIVATE"
_DEFAULT_PORTS: Final = {"http": 80, "https": 443}


class TargetRefused(ValueError):
    """A webhook target Lemniscate will not call; the message says why, for the caller."""


def private_allowed() -> bool:
    return os.environ.get(ALLOW_PRIVATE_ENV, "").strip().lower() in ("1", "true", "yes")


def _host_and_port(url: str) -> tuple[str, int]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise TargetRefused(Sentence("target.not-url", "{url} is not a valid URL.", url=repr(url))) from None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise TargetRefused(
            Sentence("target.scheme", "only http:// and https:// URLs with a host name are called.")
        )
    if parts.username is not None or parts.password is not None:
        raise TargetRefused(
            Sentence(
                "target.credentials", "credentials in the URL are not sent; authenticate with the signature."
            )
        )
    return parts.hostname, port or _DEFAULT_PORTS[parts.scheme]


def _refusal(host: str, address: str) -> str | None:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone index is no address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_global and not ip.is_multicast:
        return None
    kind = next(
        (
            name
            for name, flag in (
                (Sentence("target.loopback", "loopback"), ip.is_loopback),
                (Sentence("target.link-local", "link-local"), ip.is_link_local),
                (Sentence("target.multicast", "multicast"), ip.is_multicast),
                (Sentence("target.unspecified", "unspecified"), ip.is_unspecified),
                (Sentence("target.private", "private"), ip.is_private),
                (Sentence("target.reserved", "reserved"), ip.is_reserved),
            )
            if flag
        ),
        Sentence("target.non-public", "non-public"),
    )
    shown = host if host == str(ip) else f"{host} ({ip})"
    return Sentence(
        "target.not-public",
        "{address} is a {kind} address; webhooks go only to public addresses "
        "(an operator can allow private ones with {setting}=1).",
        address=shown,
        kind=kind,
        setting=ALLOW_PRIVATE_ENV,
    )


def _addresses(host: str, port: int) -> list[str]:
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise TargetRefused(
            Sentence("target.unresolved", "the host {host} cannot be resolved.", host=repr(host))
        ) from None
    return sorted({str(info[4][0]) for info in found})


def check_target(url: str) -> None:
    """Raise `TargetRefused` unless Lemniscate may POST to `url` now (resolves the host:
    blocking, so call it from a thread or through `check_target_async`)."""
    host, port = _host_and_port(url)
    if private_allowed():
        return
    for address in _addresses(host, port):
        reason = _refusal(host, address)
        if reason is not None:
            raise TargetRefused(reason)


async def check_target_async(url: str) -> None:
    await asyncio.to_thread(check_target, url)
