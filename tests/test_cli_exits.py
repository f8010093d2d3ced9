"""The CLI's exit codes are one table, the same in the README and in `lemniscate --help`;
`--reason` is the journal's why, and fills a payload's own `reason` only where it has one."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from lemniscate.audit.refusals import ENV_REFUSAL_LOG
from lemniscate.cli.common import with_reason
from lemniscate.cli.exits import EXIT_CODES, EXIT_UNAVAILABLE, markdown_table
from lemniscate.cli.main import cli
from tests.support.ports import free_ports

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_exit_codes_are_one_table_in_the_readme_and_the_help() -> None:
    assert markdown_table() in README.read_text("utf-8")
    shown = CliRunner().invoke(cli, ["--help"]).output
    assert "Exit codes:" in shown
    for code, meaning in EXIT_CODES:
        assert f"{code}  {meaning}" in shown
    assert [code for code, _ in EXIT_CODES] == [0, 1, 2, 3, 4]


def test_reason_fills_only_a_payload_that_has_a_reason_of_its_own() -> None:
    why = "Nobody had time."
    assert with_reason("dissolve", {}, why) == {"reason": why}
    assert with_reason("dissolve", {"reason": "In the data."}, why) == {"reason": "In the data."}
    assert with_reason("record_intent", {"intent": "x"}, why) == {"intent": "x"}
    assert with_reason("dissolve", {}, None) == {}
    assert "dissolve" in CliRunner().invoke(cli, ["do", "--help"]).output


def test_dissolve_with_only_reason_passes_the_gate(tmp_path: Path) -> None:
    """Not refused for a missing field: it gets as far as connecting (nothing listens)."""
    (port,) = free_ports(1)
    log = tmp_path / "refusals.jsonl"
    env = {"TEMPORAL_ADDRESS": f"127.0.0.1:{port}", ENV_REFUSAL_LOG: str(log)}
    result = CliRunner().invoke(
        cli, ["do", "some-coalition", "dissolve", "--reason", "Nobody had time."], env=env
    )
    assert result.exit_code == EXIT_UNAVAILABLE, result.output
    assert "Field required" not in result.output and not log.exists()
    refused = CliRunner().invoke(cli, ["do", "some-coalition", "dissolve"], env=env)
    assert refused.exit_code == 2 and "reason: Field required" in refused.output
    assert [json.loads(line)["trigger"] for line in log.read_text().splitlines()] == ["dissolve"]
