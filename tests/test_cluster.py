"""cluster/: settings parsing, and the real `temporal` / `temporal-test-server` binaries."""

from __future__ import annotations

import asyncio
import os
import socket
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pytest
from temporalio.api.operatorservice.v1 import RemoveSearchAttributesRequest
from temporalio.client import WorkflowExecutionStatus
from temporalio.common import SearchAttributePair, TypedSearchAttributes
from temporalio.testing import WorkflowEnvironment

from lemniscate.cluster import search_attributes as sa
from lemniscate.cluster.client import connect, data_converter, tls_config
from lemniscate.cluster.devserver import EmbeddedServer, find_temporal_cli
from lemniscate.cluster.errors import (
    ClusterConfigError,
    ClusterUnavailableError,
    EmbeddedServerError,
)
from lemniscate.cluster.settings import ClusterSettings
from tests.support.ports import embedded_settings, free_ports

EXPECTED_TYPES = {
    "LemniscateState": "Keyword",
    "LemniscateRound": "Keyword",
    "LemniscateSide": "Keyword",
    "LemniscateProgramme": "Keyword",
    "LemniscatePlaybook": "Keyword",
    "LemniscateOrganisations": "KeywordList",
    "LemniscateAtRisk": "Bool",
    "LemniscateNextFollowUp": "Datetime",
    "LemniscateMembers": "KeywordList",
    "LemniscateEarliestDue": "Datetime",
    "LemniscateEscalated": "Bool",
    "LemniscateName": "Keyword",
    "LemniscateNameGrams": "Text",
    "LemniscateNextKind": "Keyword",
}


@pytest.fixture
def pem_files(tmp_path: Path) -> tuple[Path, Path, Path]:
    cert, key, ca = (tmp_path / name for name in ("client.pem", "client.key", "ca.pem"))
    for path in (cert, key, ca):
        path.write_bytes(b"-----BEGIN " + path.name.encode() + b"-----\n")
    return cert, key, ca


# --- settings ---------------------------------------------------------------------------


def test_defaults_mean_embedded_server() -> None:
    settings = ClusterSettings.from_env({})
    assert settings.embedded
    assert settings.address is None
    assert settings.target_address == "127.0.0.1:7233"
    assert settings.namespace == "default"
    assert settings.task_queue == "lemniscate"
    assert settings.data_dir == Path(".lemniscate")
    assert settings.db_path == Path(".lemniscate/temporal.db")
    assert (settings.server_port, settings.ui_port) == (7233, 8233)
    assert settings.tls is False
    assert settings.api_key is None
    assert tls_config(settings) is False


def test_blank_variables_count_as_unset() -> None:
    settings = ClusterSettings.from_env(
        {"TEMPORAL_ADDRESS": "", "TEMPORAL_NAMESPACE": " ", "TEMPORAL_TLS": "", "HOME": "/x"}
    )
    assert settings == ClusterSettings.from_env({})


def test_project_variables() -> None:
    settings = ClusterSettings.from_env(
        {
            "TEMPORAL_NAMESPACE": "coalitions",
            "LEMNISCATE_TASK_QUEUE": "lq",
            "LEMNISCATE_DATA_DIR": "/var/lib/lemniscate",
            "LEMNISCATE_SERVER_PORT": "7300",
            "LEMNISCATE_UI_PORT": "8300",
        }
    )
    assert settings.embedded
    assert settings.namespace == "coalitions"
    assert settings.task_queue == "lq"
    assert settings.db_path == Path("/var/lib/lemniscate/temporal.db")
    assert settings.target_address == "127.0.0.1:7300"
    assert settings.ui_port == 8300


def test_temporal_cloud_api_key_implies_tls_and_stays_secret() -> None:
    settings = ClusterSettings.from_env(
        {
            "TEMPORAL_ADDRESS": "ns.acct.tmprl.cloud:7233",
            "TEMPORAL_NAMESPACE": "ns.acct",
            "TEMPORAL_API_KEY": "s3cret",
            "TEMPORAL_GRPC_META_X_TEAM": "lemniscate",
        }
    )
    assert not settings.embedded
    assert settings.target_address == "ns.acct.tmprl.cloud:7233"
    assert settings.tls is True
    assert settings.api_key is not None
    assert settings.api_key.get_secret_value() == "s3cret"
    assert "s3cret" not in repr(settings)
    assert settings.rpc_metadata == {"x-team": "lemniscate"}


def test_tls_false_overrides_the_api_key_default() -> None:
    settings = ClusterSettings.from_env(
        {"TEMPORAL_ADDRESS": "proxy:7233", "TEMPORAL_API_KEY": "k", "TEMPORAL_TLS": "FALSE"}
    )
    assert settings.tls is False


def test_mutual_tls_files(pem_files: tuple[Path, Path, Path]) -> None:
    cert, key, ca = pem_files
    settings = ClusterSettings.from_env(
        {
            "TEMPORAL_ADDRESS": "temporal.internal:7233",
            "TEMPORAL_TLS_CLIENT_CERT_PATH": str(cert),
            "TEMPORAL_TLS_CLIENT_KEY_PATH": str(key),
            "TEMPORAL_TLS_SERVER_CA_CERT_PATH": str(ca),
            "TEMPORAL_TLS_SERVER_NAME": "temporal",
        }
    )
    assert settings.tls is True
    assert settings.tls_client_cert_path == cert
    tls = tls_config(settings)
    assert not isinstance(tls, bool)
    assert tls.client_cert == cert.read_bytes()
    assert tls.client_private_key == key.read_bytes()
    assert tls.server_root_ca_cert == ca.read_bytes()
    assert tls.domain == "temporal"


@pytest.mark.parametrize(
    ("env", "variable", "reason"),
    [
        ({"LEMNISCATE_SERVER_PORT": "abc"}, "LEMNISCATE_SERVER_PORT", "not a port number"),
        ({"LEMNISCATE_UI_PORT": "0"}, "LEMNISCATE_UI_PORT", "not a port number"),
        ({"LEMNISCATE_UI_PORT": "70000"}, "LEMNISCATE_UI_PORT", "not a port number"),
        ({"LEMNISCATE_UI_PORT": "7233"}, "LEMNISCATE_UI_PORT", "two different ports"),
        ({"TEMPORAL_TLS": "yes"}, "TEMPORAL_TLS", "not a boolean"),
        ({"TEMPORAL_ADDRESS": "localhost"}, "TEMPORAL_ADDRESS", "host:port"),
        ({"TEMPORAL_ADDRESS": "http://localhost:7233"}, "TEMPORAL_ADDRESS", "without a scheme"),
        ({"TEMPORAL_API_KEY": "k"}, "TEMPORAL_API_KEY", "embedded dev server"),
        ({"TEMPORAL_TLS": "true"}, "TEMPORAL_ADDRESS", "embedded dev server"),
        (
            {"TEMPORAL_ADDRESS": "h:1", "TEMPORAL_TLS_CLIENT_CERT_PATH": "{cert}"},
            "TEMPORAL_TLS_CLIENT_KEY_PATH",
            "needs both",
        ),
        (
            {"TEMPORAL_ADDRESS": "h:1", "TEMPORAL_TLS_CLIENT_KEY_PATH": "{key}"},
            "TEMPORAL_TLS_CLIENT_CERT_PATH",
            "needs both",
        ),
        (
            {"TEMPORAL_ADDRESS": "h:1", "TEMPORAL_TLS_SERVER_CA_CERT_PATH": "/no/such/ca.pem"},
            "TEMPORAL_TLS_SERVER_CA_CERT_PATH",
            "no such file",
        ),
        (
            {
                "TEMPORAL_ADDRESS": "h:1",
                "TEMPORAL_TLS": "false",
                "TEMPORAL_TLS_SERVER_CA_CERT_PATH": "{ca}",
            },
            "TEMPORAL_TLS_SERVER_CA_CERT_PATH",
            "TEMPORAL_TLS=false",
        ),
        (
            {"TEMPORAL_ADDRESS": "h:1", "TEMPORAL_TLS_CLIENT_CERT_DATA": "pem"},
            "TEMPORAL_TLS_CLIENT_CERT_DATA",
            "not supported",
        ),
        ({"TEMPORAL_CONFIG_FILE": "/no/such.toml"}, "TEMPORAL_CONFIG_FILE", "no such file"),
        ({"LEMNISCATE_DATA_DIR": "{cert}"}, "LEMNISCATE_DATA_DIR", "not a directory"),
    ],
)
def test_bad_values_name_the_variable(
    env: dict[str, str], variable: str, reason: str, pem_files: tuple[Path, Path, Path]
) -> None:
    cert, key, ca = pem_files
    env = {name: value.format(cert=cert, key=key, ca=ca) for name, value in env.items()}
    with pytest.raises(ClusterConfigError) as caught:
        ClusterSettings.from_env(env)
    assert variable in str(caught.value)
    assert reason in str(caught.value)


def test_config_file_profile_is_used_only_when_named(tmp_path: Path) -> None:
    config = tmp_path / "temporal.toml"
    config.write_text('[profile.prod]\naddress = "prod.internal:7233"\nnamespace = "prod"\n')
    settings = ClusterSettings.from_env({"TEMPORAL_CONFIG_FILE": str(config), "TEMPORAL_PROFILE": "prod"})
    assert (settings.address, settings.namespace) == ("prod.internal:7233", "prod")
    with pytest.raises(ClusterConfigError, match="nope"):
        ClusterSettings.from_env({"TEMPORAL_CONFIG_FILE": str(config), "TEMPORAL_PROFILE": "nope"})


# --- search attributes ------------------------------------------------------------------


def test_search_attribute_keys() -> None:
    assert {key.name: sa.type_name(key) for key in sa.ALL} == EXPECTED_TYPES
    assert len(sa.ALL) == len(EXPECTED_TYPES)
    assert sa.ROUND_VALUES == ("1", "2", "3", "execution", "closure")
    flags = sa.dev_server_flags()
    assert flags[:2] == ["--search-attribute", "LemniscateState=Keyword"]
    assert "LemniscateOrganisations=KeywordList" in flags
    assert flags.count("--search-attribute") == len(sa.ALL)


async def test_ensure_registered_on_time_skipping_server() -> None:
    # A server of its own: registration must find none of the attributes there yet.
    cli = find_temporal_cli()
    test_server = cli.parent / "temporal-test-server"
    async with await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(test_server), data_converter=data_converter()
    ) as env:
        added = await sa.ensure_registered(env.client)
        assert set(added) == set(EXPECTED_TYPES)
        assert await sa.ensure_registered(env.client, env.client.namespace) == ()
        handle = await env.client.start_workflow(
            "Anything",
            id="sa-check",
            task_queue="nobody",
            search_attributes=TypedSearchAttributes(
                [SearchAttributePair(sa.AT_RISK, True), SearchAttributePair(sa.ROUND, "2")]
            ),
        )
        described = await handle.describe()
        assert described.typed_search_attributes.get(sa.AT_RISK) is True
        assert described.typed_search_attributes.get(sa.ROUND) == "2"


# --- client -----------------------------------------------------------------------------


async def test_connect_to_closed_port_is_a_clear_error() -> None:
    (port,) = free_ports(1)
    settings = ClusterSettings(server_port=port, namespace="coalitions")
    started = time.monotonic()
    with pytest.raises(ClusterUnavailableError) as caught:
        await connect(settings, timeout=2)
    assert time.monotonic() - started < 2
    message = str(caught.value)
    assert f"127.0.0.1:{port}" in message
    assert "'coalitions'" in message
    assert "connection refused" in message
    assert "lemniscate up" in message
    assert "TEMPORAL_ADDRESS" in message
    assert caught.value.address == f"127.0.0.1:{port}"


async def test_connect_to_a_silent_peer_times_out() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        address = f"127.0.0.1:{listener.getsockname()[1]}"
        with pytest.raises(ClusterUnavailableError, match=r"no answer within 0\.5 s") as caught:
            await connect(ClusterSettings(address=address), timeout=0.5)
    assert "check TEMPORAL_ADDRESS" in str(caught.value)


# --- embedded server --------------------------------------------------------------------


def test_find_temporal_cli() -> None:
    cli = find_temporal_cli()
    assert cli.name == "temporal"
    assert cli.is_file()


def test_embedded_server_refuses_a_remote_address() -> None:
    with pytest.raises(EmbeddedServerError, match="TEMPORAL_ADDRESS is set"):
        EmbeddedServer(ClusterSettings(address="elsewhere:7233"))


async def test_embedded_server_persists_and_registers_search_attributes(tmp_path: Path) -> None:
    settings = embedded_settings(tmp_path / "data")
    follow_up = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)

    async with EmbeddedServer(settings) as server:
        assert server.address == settings.target_address
        assert server.db_path == (tmp_path / "data" / "temporal.db").resolve()
        assert server.ui_url == f"http://127.0.0.1:{settings.ui_port}"
        assert await sa.registered_types(server.client) == EXPECTED_TYPES
        ui = await asyncio.to_thread(urllib.request.urlopen, server.ui_url, timeout=5)
        assert ui.status == 200

        # Conflicts are caught before anything is spawned.
        with pytest.raises(EmbeddedServerError, match="already using"):
            await EmbeddedServer(settings, headless=True).start()
        other_dir = settings.model_copy(update={"data_dir": tmp_path / "other"})
        with pytest.raises(EmbeddedServerError, match=r"already in use.*LEMNISCATE_SERVER_PORT"):
            await EmbeddedServer(other_dir, headless=True).start()

        client = await connect(settings)
        handle = await client.start_workflow(
            "Anything",
            id="survives-restart",
            task_queue="nobody",
            search_attributes=TypedSearchAttributes(
                [
                    SearchAttributePair(sa.STATE, "exploring"),
                    SearchAttributePair(sa.ORGANISATIONS, ["gemeente", "woningcorporatie"]),
                    SearchAttributePair(sa.NEXT_FOLLOW_UP, follow_up),
                ]
            ),
        )
        # Simulates a database from before an attribute existed: on restart start-dev
        # ignores --search-attribute for existing namespaces.
        await client.operator_service.remove_search_attributes(
            RemoveSearchAttributesRequest(namespace=settings.namespace, search_attributes=[sa.AT_RISK.name])
        )
        assert sa.AT_RISK.name not in await sa.registered_types(client)
    assert server.db_path.is_file()
    assert server.log_path.is_file()

    async with EmbeddedServer(settings, headless=True) as server:
        assert server.ui_url is None
        assert await sa.registered_types(server.client) == EXPECTED_TYPES
        described = await server.client.get_workflow_handle(handle.id).describe()
        assert described.status == WorkflowExecutionStatus.RUNNING
        assert described.run_id == handle.result_run_id
        found = described.typed_search_attributes
        assert found.get(sa.STATE) == "exploring"
        assert found.get(sa.ORGANISATIONS) == ["gemeente", "woningcorporatie"]
        assert found.get(sa.NEXT_FOLLOW_UP) == follow_up
        pid = server.pid
    assert pid is not None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


async def test_embedded_server_early_exit_points_at_the_log(tmp_path: Path) -> None:
    settings = embedded_settings(tmp_path)
    server = EmbeddedServer(settings, headless=True, extra_args=["--no-such-flag"])
    with pytest.raises(EmbeddedServerError) as caught:
        await server.start()
    message = str(caught.value)
    assert "exited with code 1" in message
    assert str(tmp_path.resolve() / "temporal-server.log") in message
    assert "unknown flag: --no-such-flag" in message
    assert caught.value.log_path == server.log_path
