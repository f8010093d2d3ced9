"""Connecting a Temporal client the way every Lemniscate process must."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter, DefaultFailureConverterWithEncodedAttributes
from temporalio.service import RPCError, TLSConfig

from lemniscate.cluster import observability
from lemniscate.cluster.codec import codec_from_env
from lemniscate.cluster.errors import ClusterConfigError, ClusterUnavailableError
from lemniscate.cluster.settings import (
    ENV_TLS_CLIENT_CERT_PATH,
    ENV_TLS_CLIENT_KEY_PATH,
    ENV_TLS_SERVER_CA_CERT_PATH,
    ClusterSettings,
)
from lemniscate.models.sentence import Sentence

DEFAULT_CONNECT_TIMEOUT: float = 10.0


def data_converter(environ: Mapping[str, str] | None = None) -> DataConverter:
    """The converter for clients, workers and replayers alike.

    Workers and replayers must decode exactly what clients encode, so none of them may
    build their own. With LEMNISCATE_ENCRYPTION_KEYS set (see `cluster.codec`) every
    payload is encrypted, and failure messages and stack traces move into an encoded
    (so encrypted) attribute too, because they may quote partner data.
    """
    codec = codec_from_env(environ)
    if codec is None:
        return pydantic_data_converter
    return dataclasses.replace(
        pydantic_data_converter,
        payload_codec=codec,
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )


def tls_config(settings: ClusterSettings) -> bool | TLSConfig:
    """TLS arguments for `Client.connect`, with the certificate files read."""
    if not settings.tls:
        return False
    return TLSConfig(
        domain=settings.tls_server_name,
        server_root_ca_cert=_read(settings.tls_server_ca_cert_path, ENV_TLS_SERVER_CA_CERT_PATH),
        client_cert=_read(settings.tls_client_cert_path, ENV_TLS_CLIENT_CERT_PATH),
        client_private_key=_read(settings.tls_client_key_path, ENV_TLS_CLIENT_KEY_PATH),
    )


async def connect(settings: ClusterSettings, *, timeout: float = DEFAULT_CONNECT_TIMEOUT) -> Client:
    """Connect to the configured cluster (the embedded server's address if none is set).

    Raises `ClusterUnavailableError` when nothing answers within `timeout` seconds.
    """
    address = settings.target_address
    # Configuration errors (keys, metrics address) surface before any network wait.
    converter = data_converter()
    runtime = observability.runtime()
    interceptors = observability.interceptors()
    try:
        # connect_timeout bounds only the TCP handshake; a peer that accepts and then
        # stays silent would hang the SDK's first call forever without wait_for.
        return await asyncio.wait_for(
            Client.connect(
                address,
                namespace=settings.namespace,
                api_key=settings.api_key.get_secret_value() if settings.api_key else None,
                tls=tls_config(settings),
                rpc_metadata=settings.rpc_metadata,
                data_converter=converter,
                interceptors=interceptors,
                runtime=runtime,
                connect_timeout=timedelta(seconds=timeout),
            ),
            timeout,
        )
    except TimeoutError as exc:
        raise _unavailable(settings, f"no answer within {timeout:g} s") from exc
    # The SDK reports every connection failure as a bare RuntimeError.
    except (RuntimeError, RPCError, OSError) as exc:
        raise _unavailable(settings, _reason(exc)) from exc


def _read(path: Path | None, variable: str) -> bytes | None:
    if path is None:
        return None
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ClusterConfigError(f"{variable}={str(path)!r}: {exc.strerror}") from exc


def _reason(exc: BaseException) -> str:
    text = str(exc)
    # Only the failures seen in practice get a short name; the rest keep the SDK's text.
    known = {
        "Connection refused": "connection refused",
        "dns error": "host name not found",
    }
    for needle, reason in known.items():
        if needle in text:
            return reason
    return text.removeprefix("Failed client connect: ")


def _unavailable(settings: ClusterSettings, reason: str) -> ClusterUnavailableError:
    address = settings.target_address
    if settings.embedded:
        advice = Sentence(
            "cluster.advice-embedded",
            "start the embedded server with `lemniscate up`, or set TEMPORAL_ADDRESS to a running cluster",
        )
    else:
        advice = Sentence(
            "cluster.advice-remote",
            "check TEMPORAL_ADDRESS and the TLS / API key settings, or unset TEMPORAL_ADDRESS and run "
            "`lemniscate up` to use the embedded server",
        )
    return ClusterUnavailableError(
        Sentence(
            "cluster.unavailable",
            "Cannot reach Temporal at {address} (namespace {namespace}): {reason}; {advice}.",
            address=address,
            namespace=repr(settings.namespace),
            reason=reason,
            advice=advice,
        ),
        address=address,
        namespace=settings.namespace,
        reason=reason,
    )
