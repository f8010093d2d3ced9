"""`lemniscate keys`: the API keys of integrations and people, added, listed and revoked.

The key file is changed only through `api.keystore`, as the API's `/keys` routes change it;
a running API and the dashboard's sessions follow the file at once.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from lemniscate.api.auth import KeyEntry, KeyFileError
from lemniscate.api.keystore import (
    KEY_ROLES,
    Grants,
    KeyNotFound,
    KeyRefused,
    KeyStore,
    key_file,
    key_out,
)
from lemniscate.cli import render
from lemniscate.cli.common import fail
from lemniscate.cli.exits import EXIT_REFUSED
from lemniscate.cluster import ClusterSettings

F = TypeVar("F", bound=Callable[..., Any])


def _default_file() -> str:
    return str(key_file(ClusterSettings.from_env()))


def _file_option(command: F) -> F:
    return click.option(
        "--file",
        "path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=_default_file,
        show_default="$LEMNISCATE_API_KEYS_FILE, or <data dir>/api-keys.json",
        help="The key file the API reads.",
    )(command)


@click.group()
def keys() -> None:
    """API keys for integrations and people: each a named identity with a role, which the
    journal names. The secret is shown once, at `add`; the file keeps only its hash. A
    running API, and dashboard sessions opened with a key, follow every change at once.

    \b
    Examples:
      lemniscate keys add --id crm --role integration --triggers start,add_partner
      lemniscate keys add --id aedes-piet --role partner --organisation Aedes
      lemniscate keys list
      lemniscate keys revoke crm

    \b
    The CLI is the operator's tool on the server: it talks to Temporal directly and says
    who it is with --as. People and integrations use the dashboard and the API, with a key
    from here. An office admin or a coordinator may do the same over the API:
    POST/GET/DELETE /keys (a coordinator not for office admin keys).
    """


def _describe(entry: KeyEntry) -> str:
    who = f"{entry.role.value} of {entry.organisation}" if entry.organisation else entry.role.value
    may = f"; may fire {', '.join(entry.allowed_triggers)}" if entry.allowed_triggers else ""
    granted = [*(f"programme {p}" for p in entry.programmes), *(f"coalition {c}" for c in entry.coalitions)]
    reads = f"; reads {', '.join(granted)}" if granted else ""
    return f"{entry.id} ({who}{may}{reads})"


def _listed(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def _refused(what: str, reasons: list[str]) -> None:
    click.echo(render.refused(what, reasons), err=True)
    sys.exit(EXIT_REFUSED)


@keys.command()
@click.option("--id", "key_id", required=True, help="The key's name, which the journal shows.")
@click.option("--role", required=True, help=f"One of {', '.join(KEY_ROLES)}.")
@click.option("--organisation", default=None, help="For a partner: the organisation it acts for.")
@click.option(
    "--triggers",
    default="",
    metavar="T1,T2",
    help="For an integration: the triggers it may fire (`lemniscate method` lists them).",
)
@click.option(
    "--programmes",
    default="",
    metavar="P1,P2",
    help="For a programme lead (required), an observer or an auditor: the programmes whose "
    "coalitions it reads.",
)
@click.option(
    "--coalitions",
    default="",
    metavar="C1,C2",
    help="For an observer, a programme lead or an auditor: coalition ids it reads. An auditor "
    "without grants reads the whole office.",
)
@click.option("--json", "as_json", is_flag=True, help='Print {"id": ..., "key": ...} only.')
@_file_option
def add(
    key_id: str,
    role: str,
    organisation: str | None,
    triggers: str,
    programmes: str,
    coalitions: str,
    as_json: bool,
    path: Path,
) -> None:
    """Create a key and print its secret, this once: only its SHA-256 is stored. Refused
    (exit code 2, nothing changed) for an id in use, an unknown role, a partner without
    organisation, triggers for a role other than integration, or unknown triggers.

    \b
    Examples:
      lemniscate keys add --id anna --role coordinator
      lemniscate keys add --id aedes-piet --role partner --organisation Aedes
      lemniscate keys add --id crm --role integration --triggers start,add_partner --json
      lemniscate keys add --id els --role auditor
      lemniscate keys add --id olga --role programme_lead --programmes "Wonen en zorg"
      lemniscate keys add --id otto --role observer
      lemniscate keys add --id root --role office_admin
    """
    grants = Grants(_listed(programmes), _listed(coalitions))
    try:
        made = KeyStore(path).add(key_id, role, organisation, _listed(triggers), grants)
    except KeyRefused as refused:
        _refused("keys add", refused.reasons)
        return
    except (KeyFileError, OSError) as error:
        fail(str(error))
        return
    if as_json:
        click.echo(json.dumps({"id": made.entry.id, "key": made.secret}))
        return
    click.echo(f"Added {_describe(made.entry)} to {path}.")
    click.echo("Its key, shown this once (only its hash is stored; lost means revoke and add again):")
    click.echo(f"\n  {made.secret}\n")
    click.echo("Use it as 'Authorization: Bearer <key>' with the API, or to log in to the dashboard.")


@keys.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="The keys as a JSON array.")
@_file_option
def list_(as_json: bool, path: Path) -> None:
    """The keys: id, role, organisation, triggers, and whether the file holds only the
    hash (sha256) or, for a hand-written entry, the secret itself (plaintext: rotate it).
    Never a secret.

    \b
    Examples:
      lemniscate keys list
      lemniscate keys list --json | jq -r '.[] | select(.role=="partner") | .id'
    """
    try:
        entries = KeyStore(path).entries()
    except KeyFileError as error:
        fail(str(error))
        return
    if as_json:
        click.echo(json.dumps([key_out(entry) for entry in entries], indent=2, ensure_ascii=False))
        return
    if not entries:
        click.echo(f"No keys in {path}. Add one: lemniscate keys add --id ID --role ROLE")
        return
    for entry in entries:
        stored = "" if entry.key_sha256 else "  [secret in the file: rotate it]"
        click.echo(f"{_describe(entry)}{stored}")


@keys.command()
@click.argument("key_id", metavar="ID")
@_file_option
def revoke(key_id: str, path: Path) -> None:
    """Remove a key. A running API refuses it from the next request on, and dashboard
    sessions opened with it end. To rotate a key: add a new one, move its user over, then
    revoke the old.

    \b
    Examples:
      lemniscate keys revoke crm
      lemniscate keys add --id crm-2027 --role integration --triggers start && lemniscate keys revoke crm
    """
    try:
        gone = KeyStore(path).revoke(key_id)
    except KeyNotFound as missing:
        _refused("keys revoke", [str(missing)])
        return
    except (KeyFileError, OSError) as error:
        fail(str(error))
        return
    click.echo(f"Revoked {_describe(gone)}; it no longer opens the API or the dashboard.")
