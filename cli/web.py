"""The web app `lemniscate api` and `lemniscate up` serve: the HTTP API with the dashboard
mounted on it.

The composition root of the two: the dashboard uses the API's dependencies (`api.deps`), so
the API cannot mount it without the two packages importing each other.
"""

from __future__ import annotations

import asyncio

from fastapi import FastAPI
from temporalio.client import Client

from lemniscate.api import app as api
from lemniscate.api.auth import KeyRing
from lemniscate.api.deps import ServiceFactory
from lemniscate.api.keystore import key_file
from lemniscate.api.server import serve, service_factory
from lemniscate.cluster import ClusterSettings, OidcSettings
from lemniscate.dashboard import mount


def create_app(
    service: ServiceFactory,
    keys: KeyRing,
    settings: ClusterSettings | None = None,
    oidc: OidcSettings | None = None,
) -> FastAPI:
    """The API and its dashboard; `settings` name the Temporal namespace and Web UI the
    dashboard links to, `oidc` the identity provider people log in with (both from the
    environment when not given; no `LEMNISCATE_OIDC_ISSUER` there: log-in with keys only)."""
    app = api.create_app(service, keys)
    mount(app, service, settings, oidc or OidcSettings.from_env())
    return app


async def serve_web(
    settings: ClusterSettings,
    host: str,
    port: int,
    stop: asyncio.Event,
    client: Client | None = None,
    ready: asyncio.Event | None = None,
    oidc: OidcSettings | None = None,
) -> None:
    app = create_app(service_factory(settings, client), KeyRing.load(key_file(settings)), settings, oidc)
    await serve(app, host, port, stop, ready)
