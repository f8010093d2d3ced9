"""The production compose file and Dockerfile, checked without a Docker engine: the Compose
specification's schema, images that are pinned official tags or built here, commands that
the `lemniscate` CLI accepts, health checks, dependencies, and the search attributes the
setup job registers."""

from __future__ import annotations

import copy
import fnmatch
import json
import re
import shlex
import tomllib
from pathlib import Path
from typing import Any

import click
import jsonschema
import pytest
import yaml

from lemniscate.cli.codec_server import codec_server
from lemniscate.cli.main import cli
from lemniscate.cluster import search_attributes as sa

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
SCHEMA_FILE = Path(__file__).with_name("compose") / "compose-spec.json"

# Commands the compose file runs that live in their own module until `cli/main.py` adds them
# with `cli.add_command(...)`; once added, the entry here is simply no longer needed.
NOT_YET_IN_GROUP: dict[str, click.Command] = {"codec-server": codec_server}

# Official images only, pinned to a release (no `latest`, no floating major).
OFFICIAL_IMAGE = re.compile(r"^(temporalio/(server|admin-tools|ui)|postgres):\d+\.\d+(\.\d+)?$")
# The Web UI image is left without a health check: nothing waits for it, and its image does
# not promise an HTTP client to probe with.
NO_HEALTHCHECK_NEEDED = {"temporal-ui"}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded = yaml.safe_load(COMPOSE_FILE.read_text("utf-8"))  # also resolves the <<: merges
    assert isinstance(loaded, dict)
    return loaded


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = compose["services"]
    assert isinstance(found, dict)
    return found


def _validator() -> jsonschema.Draft7Validator:
    schema = json.loads(SCHEMA_FILE.read_text("utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def test_compose_file_follows_the_compose_specification(compose: dict[str, Any]) -> None:
    validator = _validator()
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(compose)]
    assert errors == []
    # The check has teeth: a typo in a key or a wrong type is caught.
    broken = copy.deepcopy(compose)
    broken["services"]["worker"]["healthcheck"]["intervall"] = "5s"
    broken["services"]["worker"]["deploy"]["replicas"] = [2]
    assert len(list(validator.iter_errors(broken))) == 2


def _dependencies(service: dict[str, Any]) -> dict[str, str]:
    depends = service.get("depends_on", {})
    if isinstance(depends, list):
        return {name: "service_started" for name in depends}
    return {name: spec.get("condition", "service_started") for name, spec in depends.items()}


def test_dependencies_name_real_services_and_sensible_conditions(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        for target, condition in _dependencies(service).items():
            assert target in services, f"{name} depends on unknown service {target}"
            if condition == "service_healthy":
                assert "healthcheck" in services[target], f"{name} waits for {target}'s health"
            if condition == "service_completed_successfully":
                # A job others wait for must end, and must not be restarted after success.
                restart = services[target].get("restart", "no")
                assert restart == "no" or restart.startswith("on-failure"), (target, restart)


def _jobs(services: dict[str, dict[str, Any]]) -> set[str]:
    return {
        target
        for service in services.values()
        for target, condition in _dependencies(service).items()
        if condition == "service_completed_successfully"
    }


def test_every_long_running_service_has_a_healthcheck(services: dict[str, dict[str, Any]]) -> None:
    long_running = set(services) - _jobs(services) - NO_HEALTHCHECK_NEEDED
    assert {"postgresql", "temporal", "worker", "api", "codec-server"} <= long_running
    for name in sorted(long_running):
        check = services[name].get("healthcheck")
        assert check and check.get("test") and not check.get("disable"), f"{name} has no healthcheck"


def test_images_are_pinned_official_tags_or_built_here(services: dict[str, dict[str, Any]]) -> None:
    tags: dict[str, str] = {}
    for name, service in services.items():
        image = service.get("image")
        if "build" in service:
            context = service["build"] if isinstance(service["build"], str) else service["build"]["context"]
            dockerfile = (
                "Dockerfile"
                if isinstance(service["build"], str)
                else (service["build"].get("dockerfile", "Dockerfile"))
            )
            assert (ROOT / context / dockerfile).is_file(), f"{name}: no {dockerfile} in {context}"
            assert image is None or image.startswith("lemniscate:"), name
            continue
        assert isinstance(image, str) and OFFICIAL_IMAGE.match(image), f"{name}: {image!r}"
        repository, _, tag = image.partition(":")
        tags[repository] = tag
    # Schema migrations must be those of the server release that runs on them.
    assert tags["temporalio/admin-tools"] == tags["temporalio/server"]


def _command(service: dict[str, Any]) -> list[str]:
    command = service.get("command", [])
    return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]


def test_lemniscate_services_run_commands_the_cli_accepts(services: dict[str, dict[str, Any]]) -> None:
    built = {name: _command(s) for name, s in services.items() if "build" in s}
    assert {args[0] for args in built.values()} == {"worker", "api", "codec-server"}
    for name, (subcommand, *args) in built.items():
        command = cli.commands.get(subcommand) or NOT_YET_IN_GROUP.get(subcommand)
        assert command is not None, f"{name}: `lemniscate {subcommand}` does not exist"
        # Parsing the options (without running the command) catches a renamed flag.
        with command.make_context(subcommand, list(args)) as context:
            assert context.params is not None
    with pytest.raises(click.UsageError):
        codec_server.make_context("codec-server", ["--no-such-flag"])


def test_setup_job_registers_exactly_the_search_attributes_the_code_uses(
    services: dict[str, dict[str, Any]],
) -> None:
    pairs = _command(services["temporal-setup"])
    assert pairs == [f"{key.name}={sa.type_name(key)}" for key in sa.ALL]


def test_scripts_the_jobs_run_are_in_the_repository(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        mounts = {}
        for volume in service.get("volumes", []):
            source, _, rest = volume.partition(":")
            if source.startswith("."):
                mounts[rest.split(":")[0]] = ROOT / source
        words = [*(service.get("entrypoint") or []), *_command(service)]
        for word in words:
            for target, source in mounts.items():
                if word.startswith(f"{target}/"):
                    script = source / word.removeprefix(f"{target}/")
                    assert script.is_file(), f"{name} runs {word}, but {script} does not exist"
    assert (ROOT / "deploy/temporal/dynamicconfig/lemniscate.yaml").is_file()


def test_settings_in_the_compose_file_are_read_by_the_code_and_documented(compose: dict[str, Any]) -> None:
    text = COMPOSE_FILE.read_text("utf-8")
    sources = "\n".join(
        p.read_text("utf-8") for package in _packages() for p in (ROOT / package).rglob("*.py")
    )
    guide = (ROOT / "docs" / "deployment.md").read_text("utf-8")
    names = set(re.findall(r"\b(LEMNISCATE_[A-Z_]+)\b", text))
    for service in compose["services"].values():
        names |= {n for n in service.get("environment", {}) if n.startswith("LEMNISCATE_")}
    interpolated = {n for n in re.findall(r"\$\{([A-Z_]+)", text) if n.startswith("LEMNISCATE_")}
    unread = {n for n in names - interpolated if n not in sources}
    assert unread == set(), "set in the compose file but read by no code"
    undocumented = {n for n in re.findall(r"\$\{([A-Z_]+)", text) if n not in guide}
    assert undocumented == set(), "compose variables missing from docs/deployment.md"


def _packages() -> list[str]:
    """The folders the wheel installs: `lemniscate`, found by setuptools, and the top-level
    folders its links make `lemniscate.*`."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    found = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    assert found == ["lemniscate", "lemniscate.*"], found
    links = sorted(p for p in (ROOT / "lemniscate").iterdir() if p.is_symlink())
    return ["lemniscate", *(link.resolve().relative_to(ROOT).as_posix() for link in links)]


def test_dockerfile_installs_every_package_and_runs_lemniscate_unprivileged() -> None:
    lines = [
        line.strip()
        for line in (ROOT / "Dockerfile").read_text("utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert lines[0] == "FROM python:3.11-slim"
    assert "COPY . ." in lines
    ignored = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text("utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for needed in [*_packages(), "pyproject.toml", "README.md"]:
        assert not any(fnmatch.fnmatch(needed, pattern) for pattern in ignored), needed
    assert {".venv", ".git", ".lemniscate", "tests", ".env"} <= set(ignored)
    assert any(line.startswith("RUN pip install") for line in lines)
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    assert 'ENTRYPOINT ["lemniscate"]' in lines
