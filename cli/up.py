"""`lemniscate up`: the embedded default, or a worker against an existing cluster."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from contextlib import AsyncExitStack
from typing import Any

from temporalio.client import Client

from lemniscate.api.keystore import ensure_dev_key_file, key_file
from lemniscate.cli.web import serve_web
from lemniscate.cluster import ClusterSettings, EmbeddedServer, OidcSettings, connect, ensure_registered
from lemniscate.cluster.settings import ENV_OIDC_CLIENT_ID, ENV_OIDC_CLIENT_SECRET, ENV_OIDC_ISSUER
from lemniscate.coalitions import CoalitionExists, CoalitionService
from lemniscate.examples import walks
from lemniscate.workers.main import create_worker

# How far the demo walks the taskforce: through round 1 and its exploration meeting into
# round 2, so that `show` has partners, an outcome and a first action to display.
DEMO_STEPS = 24
API_HOST = "127.0.0.1"


async def create_demo(service: CoalitionService) -> list[str]:
    """The Taskforce Wonen en Zorg partway through round 1, and a freshly started city
    centre coalition; left alone when they already exist."""
    created = []
    for start, steps in (
        (walks.taskforce_start(), walks.taskforce_to_execution()[:DEMO_STEPS]),
        (walks.city_start(), []),
    ):
        try:
            await service.start(start, walks.COORDINATOR, reason="demo", source="cli")
        except CoalitionExists:
            continue
        for step in steps:
            await service.trigger(start["id"], step.trigger, step.payload, step.actor, source="cli")
        created.append(str(start["id"]))
    return created


async def _first_of(waiting: Coroutine[Any, Any, Any], task: asyncio.Task[None]) -> None:
    """Wait for `waiting`, unless `task` ends first: then raise what ended it."""
    waiter = asyncio.ensure_future(waiting)
    await asyncio.wait([waiter, task], return_when=asyncio.FIRST_COMPLETED)
    if task.done() and not waiter.done():
        waiter.cancel()
        task.result()
        raise RuntimeError("the API stopped before it was ready")


def people_login_lines(oidc: OidcSettings | None) -> list[str]:
    """The banner's word on the log-in for people (docs/access.md, "People: OpenID Connect")."""
    if oidc is not None:
        return [f"  people       log in with their organisation: OpenID Connect, {oidc.issuer}"]
    return [
        "  people       OpenID Connect log-in is off; to turn it on set",
        f"               {ENV_OIDC_ISSUER}, {ENV_OIDC_CLIENT_ID} and {ENV_OIDC_CLIENT_SECRET}",
        "               (docs/access.md, People: OpenID Connect)",
    ]


async def run_up(
    settings: ClusterSettings,
    stop: asyncio.Event,
    *,
    demo: bool,
    headless: bool,
    api_port: int,
    announce: Callable[[str], None],
) -> None:
    oidc = OidcSettings.from_env() if api_port else None  # a mistake there stops the start, first
    async with AsyncExitStack() as stack:
        client: Client
        ui = None
        if settings.embedded:
            server = await stack.enter_async_context(EmbeddedServer(settings, headless=headless))
            client, ui = server.client, server.ui_url
        else:
            client = await connect(settings)
            await ensure_registered(client, settings.namespace)
        await stack.enter_async_context(create_worker(client, settings.task_queue))
        service = CoalitionService(client, settings.task_queue)
        created = await create_demo(service) if demo else []
        api_lines = []
        if api_port:
            new_key = ensure_dev_key_file(key_file(settings))
            ready = asyncio.Event()
            serving = asyncio.create_task(serve_web(settings, API_HOST, api_port, stop, client, ready, oidc))

            async def stop_api() -> None:
                stop.set()  # also when leaving early through an error
                await serving

            stack.push_async_callback(stop_api)
            await _first_of(ready.wait(), serving)
            api_lines = [
                f"  dashboard    http://{API_HOST}:{api_port}/dashboard/",
                f"  HTTP API     http://{API_HOST}:{api_port}/docs  (keys: {key_file(settings)})",
            ]
            if new_key:
                # Only its hash is stored: this banner is the one place the secret appears.
                api_lines += [
                    f"  login key    {new_key}",
                    "               (coordinator; shown this once, only its hash is kept; "
                    "more: lemniscate keys add --help)",
                ]
            api_lines += people_login_lines(oidc)
        lines = [
            "Lemniscate is up.",
            f"  Temporal     {settings.target_address}  namespace {settings.namespace}"
            + ("  (embedded dev server)" if settings.embedded else ""),
        ]
        if settings.embedded:
            lines.append(f"  data         {settings.db_path}")
        if ui:
            lines.append(f"  Web UI       {ui}")
        lines.append(f"  task queue   {settings.task_queue}")
        lines += api_lines
        if demo:
            lines.append(
                "  demo         "
                + (", ".join(created) + " created" if created else "demo coalitions already exist")
            )
        lines += [
            "  try          lemniscate list",
            f"               lemniscate show {walks.TASKFORCE_ID}",
            "  stop         Ctrl-C",
        ]
        announce("\n".join(lines))
        await stop.wait()
        announce("Stopping: worker first, then the server.")
