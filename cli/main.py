"""`lemniscate`: run and steer vital coalitions from the terminal.

Exit codes: one table in `cli.exits`, shown at the end of `lemniscate --help`.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections.abc import Awaitable, Callable

import click

from lemniscate.cli import exits, render, speech
from lemniscate.cli.audit import audit
from lemniscate.cli.bulk import bulk
from lemniscate.cli.closing import report
from lemniscate.cli.codec_server import codec_server
from lemniscate.cli.common import (
    ACTOR_ID_OPTION,
    ACTOR_OPTION,
    REASON_HELP,
    actor_from,
    fail,
    handles_errors,
    load_data,
    service,
    with_reason,
)
from lemniscate.cli.doctor import doctor
from lemniscate.cli.followups import agenda, follow_ups_text
from lemniscate.cli.keys import keys
from lemniscate.cli.playbook import playbook
from lemniscate.cli.portfolio import count, list_
from lemniscate.cli.programme import programme
from lemniscate.cluster import ClusterSettings
from lemniscate.coalitions import Gate
from lemniscate.states.closing_report import closing_report
from lemniscate.states.describe import mermaid, method_description


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=exits.help_table(),
)
@click.version_option(package_name="lemniscate")
@click.option(
    "--lang",
    type=click.Choice(["nl", "en"]),
    default=None,
    help="Language of what people read (default: LC_ALL/LC_MESSAGES/LANG, else LEMNISCATE_LANGUAGE, "
    "else nl). JSON output is the same in every language.",
)
def cli(lang: str | None) -> None:
    """Lemniscate runs vital coalitions: alliances of governments and civil society
    organisations that go round the zij-ik-wij-het lemniscate, are founded, execute,
    and one day transform or close. Every coalition is a durable Temporal workflow.

    \b
    Start here:
      lemniscate up                      embedded Temporal server + worker + a demo
      lemniscate method                  the states, steps, guards and payloads
      lemniscate list                    the portfolio
      lemniscate show taskforce-wonen-zorg
      lemniscate do taskforce-wonen-zorg plan_collaboration
      lemniscate keys add --id aedes-piet --role partner --organisation Aedes

    The CLI is the operator's tool, on the server: it talks to Temporal directly and acts
    as whom --as names (nothing checks that claim but access to Temporal; a partner reads
    only its organisation's coalitions, without others' confidential records). People and
    integrations use the dashboard and the HTTP API, each with a key of its own from
    `lemniscate keys`.

    Connection: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_* as
    for any Temporal client; unset TEMPORAL_ADDRESS means the embedded server of
    `lemniscate up` (data in LEMNISCATE_DATA_DIR, default ./.lemniscate).
    """
    speech.choose(lang)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Everything as JSON, with payload schemas.")
@click.option("--mermaid", "as_mermaid", is_flag=True, help="A Mermaid state diagram.")
def method(as_json: bool, as_mermaid: bool) -> None:
    """Print the method: states with round and side, steps with their guards, and the
    records each state accepts.

    \b
    Examples:
      lemniscate method
      lemniscate method --json | jq '.triggers[] | select(.name=="record_interview")'
      lemniscate method --mermaid > method.mmd
    """
    if as_json and as_mermaid:
        fail("choose one of --json and --mermaid.")
    if as_json:
        click.echo(json.dumps(method_description(), indent=2, ensure_ascii=False))
    elif as_mermaid:
        click.echo(mermaid(), nl=False)
    else:
        click.echo(render.method_text())


@cli.command()
@click.option(
    "--data",
    required=True,
    metavar="JSON|@FILE",
    help="The start payload (see `lemniscate method --json`, key 'start').",
)
@ACTOR_OPTION
@ACTOR_ID_OPTION
@click.option("--reason", default=None, help="Why, for the journal.")
@click.option("--json", "as_json", is_flag=True, help="Print the new coalition as JSON.")
@handles_errors
async def start(data: str, as_: str, actor_id: str | None, reason: str | None, as_json: bool) -> None:
    """Start a coalition. Its id is the slug you give; the workflow id is coalition/<slug>.

    \b
    Example:
      lemniscate start --data '{"id": "res-drechtsteden", "name": "RES Drechtsteden",
        "task": {"title": "Regional energy strategy", "programme": "RES"},
        "initiators": ["Gemeente Dordrecht"], "coordinator": "anna",
        "partners": [{"name": "Netbeheerder"}, {"name": "Energiecooperatie"}]}'
    """
    svc = await service()
    view = await svc.start(load_data(data), actor_from(as_, actor_id), reason, source="cli")
    click.echo(view.model_dump_json(indent=2) if as_json else render.coalition(view))


@cli.command(name="do")
@click.argument("coalition_id")
@click.argument("trigger")
@click.option("--data", default=None, metavar="JSON|@FILE", help="The trigger's payload.")
@ACTOR_OPTION
@ACTOR_ID_OPTION
@click.option("--reason", default=None, help=REASON_HELP)
@click.option("--request-id", default=None, help="Idempotency key: a retry with the same id applies once.")
@handles_errors
async def do(
    coalition_id: str,
    trigger: str,
    data: str | None,
    as_: str,
    actor_id: str | None,
    reason: str | None,
    request_id: str | None,
) -> None:
    """Fire one trigger on a coalition. Prints the new state, or the reasons it was
    refused (exit code 2). A refused trigger changes nothing.

    \b
    Examples:
      lemniscate do taskforce-wonen-zorg map_domain
      lemniscate do taskforce-wonen-zorg record_intent --data '{"intent": "..."}'
      lemniscate do taskforce-wonen-zorg commit --as partner:Aedes --data '{"partner": "Aedes"}'
      lemniscate do taskforce-wonen-zorg record_interview --data @interview-aedes.json
      lemniscate do aantrekkelijke-binnenstad dissolve --reason "Nobody had time."
    """
    payload, actor = with_reason(trigger, load_data(data), reason), actor_from(as_, actor_id)
    # Through the gate before any connection is made: a misspelt trigger or payload, or an
    # actor who may never fire it, is refused (and logged) with Temporal down as well.
    request = Gate().trigger_request(coalition_id, trigger, payload, actor, reason, source="cli")
    svc = await service()
    click.echo(render.accepted(await svc.send(coalition_id, request, request_id, source="cli")))


@cli.command()
@click.argument("coalition_id")
@click.option("--json", "as_json", is_flag=True, help="The whole record and overview as JSON.")
@ACTOR_OPTION
@handles_errors
async def show(coalition_id: str, as_json: bool, as_: str) -> None:
    """Where a coalition stands: state, round, side, blockers, warnings, the steps it can
    take, partners, open actions (once ended: its closing report) and follow-ups.

    \b
    Example:
      lemniscate show taskforce-wonen-zorg
    """
    svc, reader = await service(), actor_from(as_, None)
    view = await svc.view(coalition_id, reader)
    model = await svc.follow_ups(coalition_id, reader)
    if as_json:  # the view as ever, with the follow-up read model and the closing report beside it
        ended = closing_report(view.coalition)
        both = {**view.model_dump(mode="json"), "follow_ups": model.model_dump(mode="json")}
        both["closing_report"] = ended.model_dump(mode="json") if ended else None
        click.echo(json.dumps(both, indent=2, ensure_ascii=False))
    else:
        click.echo("\n".join([render.coalition(view), *follow_ups_text(model)]))


@cli.command()
@click.argument("coalition_id")
@click.option("--full", is_flag=True, help="Include every payload.")
@click.option("--json", "as_json", is_flag=True, help="The journal as JSON.")
@ACTOR_OPTION
@handles_errors
async def history(coalition_id: str, full: bool, as_json: bool, as_: str) -> None:
    """The journal: who did what, when, why, and where the coalition stood after it.

    \b
    Example:
      lemniscate history taskforce-wonen-zorg --full
    """
    entries = await (await service()).journal(coalition_id, actor_from(as_, None))
    if as_json:
        click.echo(json.dumps([e.model_dump(mode="json") for e in entries], indent=2, ensure_ascii=False))
    else:
        click.echo(render.history(entries, full))


@cli.command()
@handles_errors
async def worker() -> None:
    """Run a worker only, against the cluster in TEMPORAL_ADDRESS (or the embedded server
    of a running `lemniscate up`). Stop with Ctrl-C.

    \b
    Example:
      TEMPORAL_ADDRESS=temporal.internal:7233 lemniscate worker
    """
    from lemniscate.workers.logs import configure_logging
    from lemniscate.workers.main import run_worker

    configure_logging()
    await _until_signalled(lambda stop: run_worker(ClusterSettings.from_env(), stop))


async def _until_signalled(body: Callable[[asyncio.Event], Awaitable[None]]) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await body(stop)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option(
    "--port",
    default=lambda: int(os.environ.get("LEMNISCATE_API_PORT", "8000")),
    show_default="8000, or $LEMNISCATE_API_PORT",
    type=click.IntRange(1, 65535),
)
@handles_errors
async def api(host: str, port: int) -> None:
    """Serve the HTTP API (OpenAPI at /docs and /openapi.json) against the cluster in
    TEMPORAL_ADDRESS, or the embedded server of a running `lemniscate up`. Keys and roles
    come from LEMNISCATE_API_KEYS_FILE (default <data dir>/api-keys.json), managed with
    `lemniscate keys` or the API's /keys; changes apply at once, without a restart.

    \b
    Example:
      LEMNISCATE_API_KEYS_FILE=/etc/lemniscate/keys.json lemniscate api --host 0.0.0.0
    """
    from lemniscate.cli.web import serve_web
    from lemniscate.workers.logs import configure_logging

    configure_logging()
    click.echo(f"API on http://{host}:{port} (OpenAPI: http://{host}:{port}/docs)")
    await _until_signalled(lambda stop: serve_web(ClusterSettings.from_env(), host, port, stop))


@cli.command()
@click.option(
    "--demo/--no-demo",
    default=True,
    show_default=True,
    help="Create two demo coalitions from the source texts if they do not exist.",
)
@click.option("--headless", is_flag=True, help="Do not serve the Temporal Web UI.")
@click.option(
    "--api-port",
    default=lambda: int(os.environ.get("LEMNISCATE_API_PORT", "8000")),
    show_default="8000, or $LEMNISCATE_API_PORT",
    type=click.IntRange(0, 65535),
    help="Port of the HTTP API on 127.0.0.1; 0 leaves the API out.",
)
@click.option("--log-format", type=click.Choice(["json", "console"]), default="json", show_default=True)
@handles_errors
async def up(demo: bool, headless: bool, api_port: int, log_format: str) -> None:
    """Run everything on this machine: the Temporal dev server (kept in a SQLite file, so
    coalitions survive a restart), the custom search attributes, the worker, the HTTP API
    and demo coalitions. With TEMPORAL_ADDRESS set, only the worker starts, against that cluster.
    Stop with Ctrl-C.

    \b
    Examples:
      lemniscate up
      LEMNISCATE_DATA_DIR=/var/lib/lemniscate lemniscate up --no-demo --headless
    """
    from lemniscate.cli.up import run_up
    from lemniscate.workers.logs import configure_logging

    configure_logging(json=log_format == "json")
    await _until_signalled(
        lambda stop: run_up(
            ClusterSettings.from_env(),
            stop,
            demo=demo,
            headless=headless,
            api_port=api_port,
            announce=click.echo,
        )
    )


cli.add_command(list_)
cli.add_command(count)
cli.add_command(agenda)
cli.add_command(bulk)
cli.add_command(audit)
cli.add_command(doctor)
cli.add_command(codec_server)
cli.add_command(keys)
cli.add_command(playbook)
cli.add_command(report)
cli.add_command(programme)


def main() -> None:
    try:
        cli()
        code = 0
    except SystemExit as stopping:
        code = stopping.code if isinstance(stopping.code, int) else (0 if stopping.code is None else 1)
    from lemniscate.workers.logs import flush_logs  # here: most commands never log

    flush_logs()  # queued lines: os._exit below skips the exit handlers that write them
    sys.stdout.flush()
    sys.stderr.flush()
    # The SDK's Rust threads can outlive the interpreter's teardown and abort it (sdk-python
    # issue #300): the command has finished its work, so leave without that teardown.
    os._exit(code)
