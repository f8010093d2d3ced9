"""Where Lemniscate's Temporal cluster is, read from the environment.

Connection settings use Temporal's own variable names (the ones the `temporal` CLI and
every SDK read), loaded through `temporalio.envconfig` so their meaning matches the
rest of the Temporal tooling exactly. `LEMNISCATE_*` variables cover the project's own
settings and the embedded dev server.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Final, Self
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator
from temporalio.envconfig import ClientConfigProfile, DataSource

from lemniscate.cluster.errors import ClusterConfigError

ENV_ADDRESS: Final = "TEMPORAL_ADDRESS"
ENV_NAMESPACE: Final = "TEMPORAL_NAMESPACE"
ENV_API_KEY: Final = "TEMPORAL_API_KEY"
ENV_TLS: Final = "TEMPORAL_TLS"
ENV_TLS_CLIENT_CERT_PATH: Final = "TEMPORAL_TLS_CLIENT_CERT_PATH"
ENV_TLS_CLIENT_KEY_PATH: Final = "TEMPORAL_TLS_CLIENT_KEY_PATH"
ENV_TLS_SERVER_CA_CERT_PATH: Final = "TEMPORAL_TLS_SERVER_CA_CERT_PATH"
ENV_TLS_SERVER_NAME: Final = "TEMPORAL_TLS_SERVER_NAME"
ENV_CONFIG_FILE: Final = "TEMPORAL_CONFIG_FILE"
ENV_PROFILE: Final = "TEMPORAL_PROFILE"
ENV_TASK_QUEUE: Final = "LEMNISCATE_TASK_QUEUE"
ENV_DATA_DIR: Final = "LEMNISCATE_DATA_DIR"
ENV_SERVER_PORT: Final = "LEMNISCATE_SERVER_PORT"
ENV_UI_PORT: Final = "LEMNISCATE_UI_PORT"

EMBEDDED_HOST: Final = "127.0.0.1"
DEFAULT_NAMESPACE: Final = "default"
DEFAULT_TASK_QUEUE: Final = "lemniscate"
DEFAULT_DATA_DIR: Final = Path(".lemniscate")
DEFAULT_SERVER_PORT: Final = 7233
DEFAULT_UI_PORT: Final = 8233
DB_FILENAME: Final = "temporal.db"

# The values temporalio.envconfig understands; it reads anything else (even "yes") as
# "TLS on, no explicit flag", which would hide a typo behind a TLS handshake failure.
_TLS_VALUES: Final = {"true": "true", "1": "true", "false": "false", "0": "false"}


class ClusterSettings(BaseModel):
    """How to reach (or run) the Temporal cluster. Build it with `from_env()`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    address: str | None = None
    """`host:port` of a Temporal frontend; None means the embedded dev server."""
    namespace: str = Field(DEFAULT_NAMESPACE, min_length=1)
    api_key: SecretStr | None = None
    tls: bool = False
    tls_server_name: str | None = None
    tls_server_ca_cert_path: Path | None = None
    tls_client_cert_path: Path | None = None
    tls_client_key_path: Path | None = None
    rpc_metadata: dict[str, str] = Field(default_factory=dict)
    """gRPC headers from `TEMPORAL_GRPC_META_*`."""
    task_queue: str = Field(DEFAULT_TASK_QUEUE, min_length=1)
    data_dir: Path = DEFAULT_DATA_DIR
    server_port: int = Field(DEFAULT_SERVER_PORT, ge=1, le=65535)
    ui_port: int = Field(DEFAULT_UI_PORT, ge=1, le=65535)

    @property
    def embedded(self) -> bool:
        """True when Lemniscate runs its own dev server instead of using a cluster."""
        return self.address is None

    @property
    def target_address(self) -> str:
        """The `host:port` a client dials, for either kind of cluster."""
        return self.address or f"{EMBEDDED_HOST}:{self.server_port}"

    @property
    def db_path(self) -> Path:
        """The embedded server's SQLite file."""
        return self.data_dir / DB_FILENAME

    @model_validator(mode="after")
    def _check_consistency(self) -> Self:
        if self.address is not None:
            _check_address(self.address)
        _check_tls_files(self)
        if self.embedded:
            _check_embedded(self)
        return self

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ClusterSettings:
        """Read the settings from `environ` (default: `os.environ`).

        Blank variables count as unset. Raises `ClusterConfigError` naming the variable.
        """
        env = _normalised(os.environ if environ is None else environ)
        profile = _load_profile(env)
        tls_files = profile.tls
        # Same rule as temporalio.envconfig: any TLS setting turns TLS on unless
        # TEMPORAL_TLS=false, and an API key alone (Temporal Cloud) implies it.
        tls = tls_files.disabled is not True if tls_files else profile.api_key is not None
        return cls(
            address=profile.address or None,
            namespace=profile.namespace or DEFAULT_NAMESPACE,
            api_key=SecretStr(profile.api_key) if profile.api_key else None,
            tls=tls,
            tls_server_name=tls_files.server_name if tls_files else None,
            tls_server_ca_cert_path=_as_path(
                tls_files.server_root_ca_cert if tls_files else None, ENV_TLS_SERVER_CA_CERT_PATH
            ),
            tls_client_cert_path=_as_path(
                tls_files.client_cert if tls_files else None, ENV_TLS_CLIENT_CERT_PATH
            ),
            tls_client_key_path=_as_path(
                tls_files.client_private_key if tls_files else None, ENV_TLS_CLIENT_KEY_PATH
            ),
            rpc_metadata=dict(profile.grpc_meta),
            task_queue=env.get(ENV_TASK_QUEUE, DEFAULT_TASK_QUEUE),
            data_dir=Path(env.get(ENV_DATA_DIR, str(DEFAULT_DATA_DIR))).expanduser(),
            server_port=_port(env, ENV_SERVER_PORT, DEFAULT_SERVER_PORT),
            ui_port=_port(env, ENV_UI_PORT, DEFAULT_UI_PORT),
        )


def _normalised(environ: Mapping[str, str]) -> dict[str, str]:
    env = {name: value.strip() for name, value in environ.items() if value.strip()}
    if ENV_TLS in env:
        raw = env[ENV_TLS]
        try:
            env[ENV_TLS] = _TLS_VALUES[raw.lower()]
        except KeyError:
            raise ClusterConfigError(f"{ENV_TLS}={raw!r} is not a boolean: use true or false") from None
    return env


def _load_profile(env: Mapping[str, str]) -> ClientConfigProfile:
    # A TOML config file is read only when asked for (by naming the file or a profile in
    # it): a stray ~/.config/temporalio file must not silently move Lemniscate off the
    # embedded server.
    config_file = env.get(ENV_CONFIG_FILE)
    use_file = config_file is not None or ENV_PROFILE in env
    if config_file is not None and not Path(config_file).expanduser().is_file():
        raise ClusterConfigError(f"{ENV_CONFIG_FILE}={config_file!r}: no such file")
    try:
        return ClientConfigProfile.load(
            profile=env.get(ENV_PROFILE),
            disable_file=not use_file,
            override_env_vars=env,
        )
    # The bridge raises its own ConfigError type, which is not importable as a Python
    # class; its message already names the variables involved.
    except Exception as exc:
        raise ClusterConfigError(f"Temporal client configuration is invalid: {exc}") from exc


def _as_path(source: DataSource | None, variable: str) -> Path | None:
    if source is None:
        return None
    if isinstance(source, Path):
        return source.expanduser()
    data_variable = variable.removesuffix("_PATH") + "_DATA"
    raise ClusterConfigError(
        f"{data_variable} (inline certificate data) is not supported: "
        f"write it to a file and set {variable} instead"
    )


def _port(env: Mapping[str, str], variable: str, default: int) -> int:
    raw = env.get(variable)
    if raw is None:
        return default
    try:
        port = int(raw)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise ClusterConfigError(f"{variable}={raw!r} is not a port number: use an integer from 1 to 65535")
    return port


def _check_address(address: str) -> None:
    example = "e.g. localhost:7233 or my-namespace.a1b2c.tmprl.cloud:7233"
    if "://" in address:
        raise ClusterConfigError(f"{ENV_ADDRESS}={address!r} must be host:port without a scheme ({example})")
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit() or not 1 <= int(port) <= 65535:
        # Without a port the SDK silently dials port 80.
        raise ClusterConfigError(f"{ENV_ADDRESS}={address!r} must be host:port ({example})")


def _check_tls_files(settings: ClusterSettings) -> None:
    cert, key = settings.tls_client_cert_path, settings.tls_client_key_path
    if (cert is None) != (key is None):
        given, missing = (
            (ENV_TLS_CLIENT_CERT_PATH, ENV_TLS_CLIENT_KEY_PATH)
            if cert is not None
            else (ENV_TLS_CLIENT_KEY_PATH, ENV_TLS_CLIENT_CERT_PATH)
        )
        raise ClusterConfigError(
            f"{given} is set but {missing} is not: mutual TLS needs both the client "
            "certificate and its private key"
        )
    files = {
        ENV_TLS_CLIENT_CERT_PATH: cert,
        ENV_TLS_CLIENT_KEY_PATH: key,
        ENV_TLS_SERVER_CA_CERT_PATH: settings.tls_server_ca_cert_path,
    }
    for variable, path in files.items():
        if path is None:
            continue
        if not settings.tls:
            raise ClusterConfigError(f"{variable} is set but {ENV_TLS}=false: remove one of them")
        if not path.is_file():
            raise ClusterConfigError(f"{variable}={str(path)!r}: no such file")


def _check_embedded(settings: ClusterSettings) -> None:
    if settings.api_key is not None:
        raise ClusterConfigError(
            f"{ENV_API_KEY} is set but {ENV_ADDRESS} is not: the embedded dev server takes "
            f"no API key; set {ENV_ADDRESS} to your cluster (e.g. Temporal Cloud) "
            f"or unset {ENV_API_KEY}"
        )
    if settings.tls:
        raise ClusterConfigError(
            f"TLS is configured ({ENV_TLS} or {ENV_TLS}_*) but {ENV_ADDRESS} is not: "
            f"the embedded dev server speaks plain gRPC; set {ENV_ADDRESS} to your cluster "
            "or remove the TLS settings"
        )
    if settings.server_port == settings.ui_port:
        raise ClusterConfigError(
            f"{ENV_SERVER_PORT} and {ENV_UI_PORT} are both {settings.server_port}: "
            "the embedded server needs two different ports"
        )
    if settings.data_dir.exists() and not settings.data_dir.is_dir():
        raise ClusterConfigError(f"{ENV_DATA_DIR}={str(settings.data_dir)!r} exists but is not a directory")


# People log in to the dashboard through their organisation's identity provider (OpenID
# Connect) when an issuer is set; without one, only API keys log in (docs/access.md).
ENV_OIDC_ISSUER: Final = "LEMNISCATE_OIDC_ISSUER"
ENV_OIDC_CLIENT_ID: Final = "LEMNISCATE_OIDC_CLIENT_ID"
ENV_OIDC_CLIENT_SECRET: Final = "LEMNISCATE_OIDC_CLIENT_SECRET"
ENV_OIDC_ROLE_CLAIM: Final = "LEMNISCATE_OIDC_ROLE_CLAIM"
ENV_OIDC_ORGANISATION_CLAIM: Final = "LEMNISCATE_OIDC_ORGANISATION_CLAIM"
ENV_PUBLIC_URL: Final = "LEMNISCATE_PUBLIC_URL"
DEFAULT_ROLE_CLAIM: Final = "lemniscate_role"
DEFAULT_ORGANISATION_CLAIM: Final = "organisation"
_LOOPBACK: Final = frozenset({"127.0.0.1", "::1", "localhost"})


class OidcSettings(BaseModel):
    """The identity provider people log in with. Build it with `from_env()`, which gives
    None while `LEMNISCATE_OIDC_ISSUER` is unset (the log-in over OpenID Connect is off)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    issuer: str
    client_id: str = Field(min_length=1)
    client_secret: SecretStr
    role_claim: str = Field(DEFAULT_ROLE_CLAIM, min_length=1)
    organisation_claim: str = Field(DEFAULT_ORGANISATION_CLAIM, min_length=1)
    public_url: str | None = None
    """The dashboard's address as people's browsers reach it (`https://lemniscate.example`);
    None derives it from each request, which is right unless a proxy rewrites the host."""

    @property
    def discovery_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> OidcSettings | None:
        """Raises `ClusterConfigError` naming the variable that is wrong or missing."""
        env = {k: v.strip() for k, v in (os.environ if environ is None else environ).items() if v.strip()}
        issuer = env.get(ENV_OIDC_ISSUER)
        if issuer is None:
            return None
        _check_url(ENV_OIDC_ISSUER, issuer)
        public_url = env.get(ENV_PUBLIC_URL)
        if public_url is not None:
            _check_url(ENV_PUBLIC_URL, public_url)
        for needed in (ENV_OIDC_CLIENT_ID, ENV_OIDC_CLIENT_SECRET):
            if needed not in env:
                raise ClusterConfigError(
                    f"{ENV_OIDC_ISSUER} is set but {needed} is not: register Lemniscate as a client "
                    "at the identity provider and give its client id and secret"
                )
        return cls(
            issuer=issuer,
            client_id=env[ENV_OIDC_CLIENT_ID],
            client_secret=SecretStr(env[ENV_OIDC_CLIENT_SECRET]),
            role_claim=env.get(ENV_OIDC_ROLE_CLAIM, DEFAULT_ROLE_CLAIM),
            organisation_claim=env.get(ENV_OIDC_ORGANISATION_CLAIM, DEFAULT_ORGANISATION_CLAIM),
            public_url=public_url.rstrip("/") if public_url else None,
        )


def _check_url(variable: str, value: str) -> None:
    # Tokens and the client secret cross this connection: plain HTTP only on this machine.
    parts = urlsplit(value)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname in _LOOPBACK:
        return
    raise ClusterConfigError(
        f"{variable}={value!r} must be an https:// URL (http:// only for 127.0.0.1 or localhost)"
    )
