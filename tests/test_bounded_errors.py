"""Problem documents and the refusal log are bounded: a payload with 100,000 wrong items gets
twenty field errors and a count of the rest, in the API, the CLI's reasons and the dashboard
alike (one formatter, `states.errors`); no message echoes an input value; the refusal log
keeps the bounded reasons, rotates by size, and with encryption on keeps only field names."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, ValidationError
from temporalio.testing import WorkflowEnvironment

from lemniscate import states
from lemniscate.audit.refusals import read_refusals
from lemniscate.coalitions import refusals
from lemniscate.coalitions.refusals import WITHHELD, record_refusal
from lemniscate.examples import walks
from lemniscate.states.errors import MAX_REASONS, MAX_SENTENCE, bounded, split_more
from tests.support.web_stack import WebStack, auth, web_stack

SLUG = "bounded"
SECRET = "canary-91b2-value-that-must-not-be-echoed"


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bounded") / "refusals.jsonl"


@pytest.fixture(scope="module")
async def stack(log: Path, dev_server: WorkflowEnvironment) -> AsyncIterator[WebStack]:
    async with web_stack(dev_server, log) as stack:
        started = await stack.http.post(
            "/coalitions", json=walks.taskforce_start(SLUG), headers=auth("coordinator")
        )
        assert started.status_code == 201, started.text
        yield stack


def test_bounding_keeps_twenty_clipped_sentences_and_counts_the_rest() -> None:
    shown = bounded([f"item {n}: " + "x" * 1000 for n in range(25)])
    assert len(shown) == MAX_REASONS + 1 and shown[-1] == "… and 5 more problems."
    assert all(len(sentence) <= MAX_SENTENCE for sentence in shown)
    assert bounded(shown) == shown  # bounding twice counts nothing twice
    assert split_more(shown) == (shown[:-1], 5)
    assert bounded(["one"]) == ["one"]


def test_describe_errors_never_echoes_the_input() -> None:
    class Strict(BaseModel):
        model_config = ConfigDict(extra="forbid")
        n: int
        items: list[int]

    with pytest.raises(ValidationError) as error:
        Strict.model_validate({"n": SECRET, "items": [SECRET] * 500, "k" * 5000: 1})
    lines = states.describe_errors(error.value)
    assert len(lines) == MAX_REASONS + 1 and lines[-1] == f"… and {502 - MAX_REASONS} more problems."
    assert not any(SECRET in line for line in lines)
    assert all(len(line) <= MAX_SENTENCE for line in lines)
    # A field name the sender made up is quoted and clipped, and still names the field.
    with pytest.raises(ValidationError) as error:
        Strict.model_validate({"n": 1, "items": [], "k" * 5000: 1})
    [line] = states.describe_errors(error.value)
    assert len(line) < 120 and line.endswith(": Extra inputs are not permitted")
    assert states.errors.named_field(line) == ("k" * 59 + "…", "Extra inputs are not permitted")


async def test_a_thousand_wrong_fields_get_a_small_problem_document(stack: WebStack, log: Path) -> None:
    # As many wrong fields as fit in a payload's bound (models.bounds): each one an error.
    wrong = 1_000
    payload = {"topic": "Housing", "partners": ["VNG"], **{f"f{i}": SECRET for i in range(wrong)}}
    answered = await stack.http.post(
        f"/coalitions/{SLUG}/triggers/map_topic", json=payload, headers=auth("coordinator")
    )
    assert answered.status_code == 422
    assert len(answered.content) < 10_000, len(answered.content)
    problem = answered.json()
    assert len(problem["errors"]) == MAX_REASONS and problem["more_errors"] == wrong - MAX_REASONS
    assert problem["errors"][0] == {
        "field": "f0",
        "reason": "Extra inputs are not permitted",
        "code": "pydantic.extra_forbidden",
    }
    assert problem["reasons"][-1] == f"… and {wrong - MAX_REASONS} more problems."
    assert SECRET not in answered.text

    # The dashboard shows the same reasons (the one formatter), bounded as well.
    line = log.read_text("utf-8").splitlines()[-1]
    assert len(line) < 10_000 and SECRET not in line
    logged = read_refusals(SLUG, log).items[-1]
    assert logged.reasons == problem["reasons"] and logged.source == "api"


async def test_the_dashboard_shows_the_bounded_reasons(stack: WebStack) -> None:
    dashboard = await stack.dashboard("coordinator")
    try:
        page = await dashboard.post(
            f"/dashboard/coalitions/{SLUG}/triggers/map_topic",
            data={"topic": "x" * 50_000, "partners": "\n".join(["y" * 300] * 150)},
            follow_redirects=True,
        )
    finally:
        await dashboard.aclose()
    assert [r.status_code for r in page.history] == [303] and page.status_code == 200
    # What was typed is given back in its field, to be shortened; the reasons stay bounded.
    said = re.sub(r'value="x+"', "", page.text)
    assert len(page.text) < 200_000 and "x" * 1000 not in said


def test_the_refusal_log_rotates_by_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(refusals, "MAX_BYTES", 4_000)
    path = tmp_path / "refusals.jsonl"
    for n in range(60):
        record_refusal(f"c-{n}", "record_intent", walks.COORDINATOR, ["intent: " + "z" * 250], path=path)
    files = sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock"))
    assert files == ["refusals.jsonl", *(f"refusals.jsonl.{n}" for n in range(1, refusals.BACKUPS + 1))]
    assert all((tmp_path / name).stat().st_size <= 4_000 for name in files)
    # The newest survive, oldest dropped, and the audit reads across the rotated files.
    assert read_refusals("c-59", path).count == 1 and read_refusals("c-0", path).count == 0
    kept = [
        json.loads(line)["coalition_id"] for name in reversed(files[1:]) for line in (tmp_path / name).open()
    ]
    assert kept == sorted(kept, key=lambda c: int(c[2:]))


def test_with_encryption_on_the_log_keeps_only_the_fields(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEMNISCATE_ENCRYPTION_KEYS", "k1:" + "A" * 43 + "=")
    path = tmp_path / "refusals.jsonl"
    reasons = [f"name: {SECRET} is already a partner of this coalition.", f"{SECRET} has no interview."]
    record_refusal("enc", "add_partner", walks.COORDINATOR, reasons, path=path)
    text = path.read_text("utf-8")
    assert SECRET not in text
    assert read_refusals("enc", path).items[0].reasons == [f"name: {WITHHELD}", WITHHELD]
