"""`lemniscate keys add|list|revoke` against a key file of the test's own: the secret is
printed once and never stored, the file is replaced atomically with mode 0600, several
processes adding at once lose nothing, and every refusal exits 2 and changes nothing."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from lemniscate.api.auth import KeyRing, key_digest
from lemniscate.api.keystore import KeyStore, ensure_dev_key_file
from lemniscate.cli.main import cli
from lemniscate.models.events import Role


def keys(path: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["keys", *args, "--file", str(path)])


def stored(path: Path) -> list[dict[str, Any]]:
    loaded: list[dict[str, Any]] = json.loads(path.read_text("utf-8"))
    return loaded


def test_add_prints_the_secret_once_and_stores_only_its_hash(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    added = keys(path, "add", "--id", "crm", "--role", "integration", "--triggers", "start,add_partner")
    assert added.exit_code == 0, added.output
    secret = next(line.strip() for line in added.stdout.splitlines() if line.strip().startswith("lmn_"))
    assert added.stdout.count(secret) == 1
    text = path.read_text("utf-8")
    assert secret not in text
    assert stored(path) == [
        {
            "key_sha256": key_digest(secret),
            "id": "crm",
            "role": "integration",
            "allowed_triggers": ["start", "add_partner"],
        }
    ]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # The key works for the ring the API runs, and the listing never shows it again.
    actor = KeyRing.load(path).identify(secret)
    assert actor is not None and actor.id == "crm" and actor.allowed_triggers == ["start", "add_partner"]
    listed = keys(path, "list")
    assert listed.exit_code == 0 and "crm (integration; may fire start, add_partner)" in listed.stdout
    assert secret not in listed.stdout and key_digest(secret) not in listed.stdout


def test_an_api_started_before_its_key_file_takes_the_first_key_at_once(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    ring = KeyRing.load(path)  # as `lemniscate api` starts in a fresh deployment
    assert ring.identify("lmn_anything-at-all-0123") is None
    secret = json.loads(keys(path, "add", "--id", "anna", "--role", "coordinator", "--json").stdout)["key"]
    actor = ring.identify(secret)
    assert actor is not None and actor.id == "anna"


def test_json_output_shapes(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    added = keys(path, "add", "--id", "aedes-piet", "--role", "partner", "--organisation", "Aedes", "--json")
    assert added.exit_code == 0, added.output
    made = json.loads(added.stdout)
    assert set(made) == {"id", "key"} and made["id"] == "aedes-piet"
    assert KeyRing.load(path).identify(made["key"]) is not None
    listed = json.loads(keys(path, "list", "--json").stdout)
    assert listed == [
        {
            "id": "aedes-piet",
            "role": "partner",
            "organisation": "Aedes",
            "triggers": [],
            "programmes": [],
            "coalitions": [],
            "stored": "sha256",
        }
    ]


def test_revoke_removes_the_key_for_a_ring_already_running(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    anna = json.loads(keys(path, "add", "--id", "anna", "--role", "coordinator", "--json").stdout)["key"]
    els = json.loads(keys(path, "add", "--id", "els", "--role", "auditor", "--json").stdout)["key"]
    ring = KeyRing.load(path)  # as a running API holds it
    assert ring.identify(anna) is not None
    revoked = keys(path, "revoke", "anna")
    assert revoked.exit_code == 0, revoked.output
    assert ring.identify(anna) is None  # no restart, no touching of the file's time
    assert ring.identify(els) is not None
    assert [e["id"] for e in stored(path)] == ["els"]
    again = keys(path, "revoke", "anna")
    assert again.exit_code == 2 and "there is no key 'anna'" in again.stderr


def test_a_hand_written_entry_is_kept_as_it_was_and_listed_as_plaintext(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    old = {"key": "a-hand-written-key-0123456", "id": "legacy", "role": "coordinator"}
    path.write_text(json.dumps([old]), "utf-8")
    assert keys(path, "add", "--id", "new", "--role", "auditor").exit_code == 0
    assert stored(path)[0] == old
    listed = json.loads(keys(path, "list", "--json").stdout)
    assert [(k["id"], k["stored"]) for k in listed] == [("legacy", "plaintext"), ("new", "sha256")]
    assert "a-hand-written-key" not in keys(path, "list").stdout


REFUSALS = [
    (["--id", "anna", "--role", "auditor"], "id: a key 'anna' exists already"),
    (["--id", "x", "--role", "admin"], "role: unknown role 'admin'"),
    (["--id", "x", "--role", "system"], "role: the system role belongs to the engine"),
    (["--id", "x", "--role", "partner"], "organisation: a partner key acts for one organisation"),
    (["--id", "x", "--role", "coordinator", "--triggers", "start"], "triggers: only an integration key"),
    (["--id", "x", "--role", "integration", "--triggers", "start,fly"], "triggers: no trigger 'fly'"),
    (["--id", "two words", "--role", "auditor"], "id: 'two words' is not an id"),
    (["--id", "x", "--role", "partner", "--organisation", "Ae\ndes"], "organisation: a name is one line"),
    (["--id", "x", "--role", "partner", "--organisation", " "], "organisation: "),
]


@pytest.mark.parametrize(("args", "reason"), REFUSALS)
def test_refusals_exit_2_say_why_and_change_nothing(tmp_path: Path, args: list[str], reason: str) -> None:
    path = tmp_path / "keys.json"
    assert keys(path, "add", "--id", "anna", "--role", "coordinator").exit_code == 0
    before = path.read_bytes()
    refused = keys(path, "add", *args)
    assert refused.exit_code == 2, refused.output
    assert refused.stderr.startswith("refused: keys add\n")
    assert reason in refused.stderr
    assert refused.stdout == ""  # no secret printed for a key that was not made
    assert path.read_bytes() == before


def test_an_unreadable_file_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    path.write_text('[{"key": "half an edit', "utf-8")
    refused = keys(path, "add", "--id", "x", "--role", "auditor")
    assert refused.exit_code == 1 and "left as it is" in refused.stderr
    assert path.read_text("utf-8") == '[{"key": "half an edit'


ADD_MANY = """
import sys, time
from pathlib import Path
from lemniscate.api.keystore import KeyStore
path, worker, start = Path(sys.argv[1]), sys.argv[2], float(sys.argv[3])
time.sleep(max(0.0, start - time.time()))  # all processes begin together: they contend
for n in range(15):
    KeyStore(path).add(f"{worker}-{n}", "auditor")
"""


def test_concurrent_processes_lose_no_key(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    start = str(time.time() + 3)
    running = [
        subprocess.Popen([sys.executable, "-c", ADD_MANY, str(path), f"p{w}", start]) for w in range(4)
    ]
    assert [p.wait(timeout=60) for p in running] == [0, 0, 0, 0]
    assert sorted(e["id"] for e in stored(path)) == sorted(f"p{w}-{n}" for w in range(4) for n in range(15))
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # no temp file left


def test_the_cli_adds_from_processes_of_its_own(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    lemniscate = Path(sys.executable).parent / "lemniscate"
    env = {**os.environ, "LEMNISCATE_API_KEYS_FILE": str(path)}  # the file from the environment
    made = subprocess.run(
        [str(lemniscate), "keys", "add", "--id", "crm", "--role", "integration", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert made.returncode == 0, made.stderr
    assert KeyRing.load(path).identify(json.loads(made.stdout)["key"]) is not None


def test_the_dev_key_is_made_once_and_stored_hashed(tmp_path: Path) -> None:
    path = tmp_path / "data" / "api-keys.json"
    secret = ensure_dev_key_file(path)
    assert secret is not None and secret not in path.read_text("utf-8")
    actor = KeyRing.load(path).identify(secret)
    assert actor is not None and actor.role == Role.coordinator
    assert ensure_dev_key_file(path) is None  # a second start keeps the file as it is
    assert len(KeyStore(path).entries()) == 1


def test_help_teaches_with_examples_and_says_the_cli_is_the_operators() -> None:
    for command in (["keys"], ["keys", "add"], ["keys", "list"], ["keys", "revoke"]):
        shown = CliRunner().invoke(cli, [*command, "--help"])
        assert shown.exit_code == 0 and "Examples:" in shown.stdout and "lemniscate keys" in shown.stdout
    top = CliRunner().invoke(cli, ["--help"]).stdout
    assert "operator's tool" in top and "--as" in top
