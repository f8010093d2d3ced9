"""The canary test: with encryption keys set, partner data from an interview never reaches
the Temporal server's SQLite files, yet the CLI reads it back, and so does the `temporal`
CLI through the codec server. A second run without keys finds the canary in the files, so
the search itself is shown to work."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner, Result

from lemniscate.cli.main import cli
from lemniscate.cluster import find_temporal_cli
from lemniscate.examples import walks
from tests.support.ports import free_ports
from tests.support.processes import Up, python_command

SLUG = "canary-coalition"
TOKEN = "canary-codec-token"


def _env(data_dir: Path, keys: str | None) -> dict[str, str]:
    # A server of its own per run: the canary is looked for in its SQLite files.
    server_port, ui_port = free_ports(2)
    env = {
        "LEMNISCATE_DATA_DIR": str(data_dir),
        "LEMNISCATE_SERVER_PORT": str(server_port),
        "LEMNISCATE_UI_PORT": str(ui_port),
        "LEMNISCATE_TASK_QUEUE": "canary",
    }
    if keys is not None:
        env["LEMNISCATE_ENCRYPTION_KEYS"] = keys
    return env


@pytest.fixture()
def ups() -> Iterator[list[Up]]:
    started: list[Up] = []
    yield started
    for up in started:
        up.kill()


def _run(env: dict[str, str], *args: str) -> Result:
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, f"{args}: {result.output}"
    return result


def _walk(env: dict[str, str], canary: str) -> tuple[str, str]:
    """Start a coalition and record an interview quoting the canary; returns the output of
    `show --json` and `history --full`."""
    _run(env, "start", "--data", json.dumps(walks.taskforce_start(SLUG)))
    answers = {
        "drive": f"Aedes wants homes for older tenants. {canary}",
        "developments": "Ageing.",
        "expected_yield": "Joint decisions.",
        "willingness_to_adapt": "Yes.",
        "extra_efforts": "Staff time.",
        "worries_about_partners": f"Confidential: {canary}",
        "agreement_form": "A covenant.",
    }
    _run(
        env,
        "do",
        SLUG,
        "record_interview",
        "--data",
        json.dumps(
            {"partner": "Aedes", "answers": answers, "held_on": "2027-01-10", "interviewer": "coordinator"}
        ),
        "--reason",
        f"interview, {canary}",
    )
    return _run(env, "show", SLUG, "--json").output, _run(env, "history", SLUG, "--full").output


def _server_files(data_dir: Path) -> list[Path]:
    files = sorted(data_dir.glob("temporal.db*"))  # the database and any -wal / -shm beside it
    assert data_dir / "temporal.db" in files
    return files


def _occurs(needle: str, files: list[Path]) -> list[str]:
    return [f.name for f in files if needle.encode() in f.read_bytes()]


def _wait_until_serving(url: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{url} did not answer within {timeout:g} s")


def _temporal_show(env: dict[str, str], *codec: str) -> str:
    """The payload data in `temporal workflow show --output json`, base64-decoded and joined."""
    address = f"127.0.0.1:{env['LEMNISCATE_SERVER_PORT']}"
    shown = subprocess.run(
        [
            str(find_temporal_cli()),
            "workflow",
            "show",
            "-w",
            f"coalition/{SLUG}",
            "--output",
            "json",
            "--address",
            address,
            *codec,
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    data: list[str] = []

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("data"), str) and "metadata" in node:
                data.append(base64.b64decode(node["data"]).decode("utf-8", "replace"))
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(json.loads(shown.stdout))
    assert data, "no payloads in the history"
    return "\n".join(data)


def test_canary_never_reaches_the_server_but_everyone_authorised_reads_it(
    tmp_path: Path, ups: list[Up]
) -> None:
    canary = f"CANARY-{uuid.uuid4().hex}"
    old_key, new_key = (base64.b64encode(os.urandom(32)).decode() for _ in range(2))
    data_dir = tmp_path / "encrypted"
    # Rotated keys: the old one stays for reading, the new one writes.
    env = _env(data_dir, f"old:{old_key},new:{new_key}")
    env["LEMNISCATE_ENCRYPTION_KEY_ID"] = "new"
    up = Up(env)
    ups.append(up)
    up.start()

    shown, history = _walk(env, canary)
    aedes = next(p for p in json.loads(shown)["coalition"]["partners"] if p["name"] == "Aedes")
    assert canary in aedes["interview"]["answers"]["drive"]
    assert canary in history

    # Temporal's own CLI sees ciphertext, and the clear text through the codec server.
    assert canary not in _temporal_show(env)
    (codec_port,) = free_ports(1)
    codec_env = {**env, "LEMNISCATE_CODEC_TOKEN": TOKEN}
    codec_server = python_command(
        "lemniscate.cli.codec_server",
        "codec_server",
        ["--port", str(codec_port)],
        codec_env,
        tmp_path / "codec.log",
    )
    try:
        endpoint = f"http://127.0.0.1:{codec_port}"
        _wait_until_serving(f"{endpoint}/health")
        assert canary in _temporal_show(env, "--codec-endpoint", endpoint, "--codec-auth", f"Bearer {TOKEN}")
        unauthorised = httpx.post(f"{endpoint}/decode", json={"payloads": []})
        assert unauthorised.status_code == 401
    finally:
        codec_server.kill()

    assert up.stop() == 0
    files = _server_files(data_dir)
    assert _occurs(canary, files) == []
    assert _occurs("Confidential", files) == []
    # The coalition's slug is in the workflow id, which is never encrypted: proof that the
    # files were read and searched at all.
    assert _occurs(SLUG, files) != []


def test_without_keys_the_canary_is_in_the_server_files(tmp_path: Path, ups: list[Up]) -> None:
    canary = f"CANARY-{uuid.uuid4().hex}"
    data_dir = tmp_path / "plain"
    up = Up(_env(data_dir, None))
    ups.append(up)
    up.start()
    _walk(up.env, canary)
    assert up.stop() == 0
    assert _occurs(canary, _server_files(data_dir)) != []
