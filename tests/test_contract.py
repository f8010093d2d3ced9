"""The OpenAPI document as a contract (api/contract.py): short operation ids, security
schemes instead of header parameters, every problem as the one `Problem` schema, and
examples that are what real calls answer."""

from __future__ import annotations

import re
from typing import Any

import jsonschema
import pytest

from lemniscate import states
from lemniscate.api.contract import camel
from lemniscate.api.limits import RateLimit
from lemniscate.api.problems import PROBLEM_JSON
from lemniscate.examples import walks
from tests.support.web_stack import WebStack, auth, start_taskforce


@pytest.fixture(scope="module")
async def document(web: WebStack) -> dict[str, Any]:
    answer = await web.http.get("/openapi.json")
    assert answer.status_code == 200
    document: dict[str, Any] = answer.json()
    return document


# Operations whose address is the credential: a calendar program reads a feed without a key.
ANONYMOUS = {"readFeed"}


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, op) for path, ops in document["paths"].items() for method, op in ops.items()]


def problem_validator(document: dict[str, Any]) -> jsonschema.protocols.Validator:
    schema = {"$ref": "#/components/schemas/Problem", "components": document["components"]}
    return jsonschema.Draft202012Validator(schema)


async def test_operations_have_short_ids_security_and_declared_problems(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.1")
    assert set(document["components"]["securitySchemes"]) == {"bearer", "apiKey"}
    assert "HTTPValidationError" not in str(document)
    ids = [op["operationId"] for _, _, op in operations(document)]
    assert len(ids) == len(set(ids))
    assert {"listCoalitions", "startCoalition", "getCoalition", "getJournal", "fireMapDomain"} <= set(ids)
    assert {f"fire{camel(t)}" for t in states.TRIGGERS} <= set(ids)
    for path, method, op in operations(document):
        assert re.fullmatch(r"[a-z]+[A-Za-z0-9]*", op["operationId"]), op["operationId"]
        assert op["tags"], (path, method)
        names = {p["name"].lower() for p in op.get("parameters", [])}
        assert not names & {"authorization", "x-api-key"}, (path, method)
        if op["operationId"] in ANONYMOUS:  # said so explicitly: no scheme at all
            assert op["security"] == [], (path, method)
        else:
            assert op["security"] == [{"bearer": []}, {"apiKey": []}], (path, method)
            assert "401" in op["responses"]
        for status, response in op["responses"].items():
            if int(status) >= 400:
                content = response["content"]
                assert list(content) == [PROBLEM_JSON], (path, method, status)
                assert content[PROBLEM_JSON]["schema"] == {"$ref": "#/components/schemas/Problem"}


async def test_examples_are_problems_and_what_real_calls_answer(
    web: WebStack, document: dict[str, Any]
) -> None:
    validator = problem_validator(document)
    fire = document["paths"]["/coalitions/{coalition_id}/triggers/map_domain"]["post"]["responses"]
    examples = {
        status: {name: e["value"] for name, e in response["content"][PROBLEM_JSON]["examples"].items()}
        for status, response in fire.items()
        if int(status) >= 400
    }
    for by_name in examples.values():
        for example in by_name.values():
            validator.validate(example)

    await start_taskforce(web, "contract-taskforce")
    calls = {
        ("401", "unauthenticated"): await web.http.get(
            "/coalitions", headers={"Authorization": "Bearer not-a-key"}
        ),
        ("403", "forbidden"): await web.http.post(
            "/coalitions/contract-taskforce/triggers/record_intent",
            json={"intent": "x"},
            headers=auth("auditor"),
        ),
        ("404", "not-found"): await web.http.get("/coalitions/nope", headers=auth("coordinator")),
        ("409", "exists"): await web.http.post(
            "/coalitions", json=walks.taskforce_start("contract-taskforce"), headers=auth("coordinator")
        ),
        ("422", "refused"): await web.http.post(
            "/coalitions/contract-taskforce/triggers/map_domain", json={}, headers=auth("coordinator")
        ),
        ("422", "invalid"): await web.http.get("/coalitions?round=7", headers=auth("coordinator")),
        ("400", "not-json"): await web.http.post(
            "/subscriptions", content=b"", headers={**auth("coordinator"), "Content-Type": "application/json"}
        ),
    }
    for (status, name), answer in calls.items():
        assert answer.status_code == int(status), answer.text
        assert answer.headers["content-type"] == PROBLEM_JSON
        real = answer.json()
        validator.validate(real)
        example = examples[status][name]
        # The same answer but for the coalition and path it was about.
        same = ("type", "title", "status", "trigger", "reason_codes", "errors")
        assert {k: real.get(k) for k in same} == {k: example.get(k) for k in same}, (status, name)


async def test_webhooks_declare_each_event_type_and_its_data(document: dict[str, Any]) -> None:
    hooks = document["webhooks"]
    assert set(hooks) == {"transition", "follow_up"}
    for kind, cloud_type in (
        ("transition", "nl.lemniscate.coalition.transition"),
        ("follow_up", "nl.lemniscate.coalition.follow_up"),
    ):
        post = hooks[kind]["post"]
        assert {p["name"] for p in post["parameters"]} == {
            "webhook-id",
            "webhook-timestamp",
            "webhook-signature",
        }
        event = post["requestBody"]["content"]["application/cloudevents+json"]["schema"]
        assert event["properties"]["type"] == {"const": cloud_type}
        data = event["properties"]["data"]["$ref"].rsplit("/", 1)[1]
        assert data in document["components"]["schemas"]


async def test_if_match_fires_only_at_the_version_the_client_saw(
    web: WebStack, document: dict[str, Any]
) -> None:
    slug = "contract-if-match"
    await start_taskforce(web, slug)
    read = await web.http.get(f"/coalitions/{slug}", headers=auth("coordinator"))
    version = read.headers["ETag"]
    assert version == f'"{read.json()["status"]["journal_length"]}"'

    path = f"/coalitions/{slug}/triggers/record_intent"
    first = await web.http.post(
        path, json={"intent": "Act together."}, headers={**auth("coordinator"), "If-Match": version}
    )
    assert first.status_code == 200, first.text
    assert first.headers["ETag"] == f'"{first.json()["seq"]}"' != version

    # Another client decided on the version before: refused, told where the coalition is now.
    late = await web.http.post(
        path, json={"intent": "Something else."}, headers={**auth("coordinator"), "If-Match": version}
    )
    assert late.status_code == 412 and late.headers["content-type"] == PROBLEM_JSON
    problem = late.json()
    problem_validator(document).validate(problem)
    assert problem["type"] == "/problems/moved" and problem["reason_codes"] == ["precondition.moved"]
    assert problem["etag"] == first.headers["ETag"] and problem["state"] == "intent_and_interests"
    journal = (await web.http.get(f"/coalitions/{slug}/journal", headers=auth("coordinator"))).json()
    assert [e["event"]["trigger"] for e in journal].count("record_intent") == 1

    anything = await web.http.post(
        path, json={"intent": "x"}, headers={**auth("coordinator"), "If-Match": "*"}
    )
    assert anything.status_code == 200
    wrong = await web.http.post(
        path, json={"intent": "x"}, headers={**auth("coordinator"), "If-Match": "W/x"}
    )
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "header.if-match"
    declared = document["paths"]["/coalitions/{coalition_id}/triggers/record_intent"]["post"]["responses"]
    assert "412" in declared and "ETag" in declared["200"]["headers"]


async def test_a_key_over_its_rate_is_told_when_to_ask_again(web: WebStack, document: dict[str, Any]) -> None:
    app: Any = web.transport.app
    before = app.state.rate_limit
    clock = [1000.0]
    app.state.rate_limit = RateLimit(rate=2, burst=3, clock=lambda: clock[0])
    try:
        answers = [(await web.http.get("/method", headers=auth("auditor"))).status_code for _ in range(4)]
        assert answers == [200, 200, 200, 429]
        limited = await web.http.get("/method", headers=auth("auditor"))
        assert limited.status_code == 429 and limited.headers["Retry-After"] == "1"
        problem_validator(document).validate(limited.json())
        assert limited.json()["type"] == "/problems/rate-limited"
        # Another key has a bucket of its own; and the same key may go on once time passes.
        assert (await web.http.get("/method", headers=auth("coordinator"))).status_code == 200
        clock[0] += 0.5
        assert (await web.http.get("/method", headers=auth("auditor"))).status_code == 200
    finally:
        app.state.rate_limit = before
    declared = document["paths"]["/coalitions"]["get"]["responses"]["429"]
    assert "Retry-After" in declared["headers"]
