"""How Lemniscate reaches, or runs, its Temporal cluster.

- `ClusterSettings.from_env()` reads Temporal's standard variables (TEMPORAL_ADDRESS,
  TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*) and LEMNISCATE_* ones. With
  TEMPORAL_ADDRESS unset, Lemniscate runs its own dev server (`EmbeddedServer`) on a
  SQLite file in LEMNISCATE_DATA_DIR.
- `connect()` is the only way to build a client: it always uses `data_converter()`.
- `search_attributes` holds the typed custom search attribute keys and their
  registration.
- `codec` encrypts payloads (LEMNISCATE_ENCRYPTION_KEYS); `observability` sets up SDK
  metrics (LEMNISCATE_METRICS_ADDRESS) and tracing (LEMNISCATE_TRACING). Both are off by
  default and reach every client through `connect()` and `data_converter()`.
"""

from lemniscate.cluster import observability, search_attributes
from lemniscate.cluster.client import connect, data_converter, tls_config
from lemniscate.cluster.codec import EncryptionCodec, EncryptionKeys, PayloadDecryptionError, codec_from_env
from lemniscate.cluster.devserver import EmbeddedServer, find_temporal_cli
from lemniscate.cluster.errors import (
    ClusterConfigError,
    ClusterError,
    ClusterUnavailableError,
    EmbeddedServerError,
    SearchAttributeError,
)
from lemniscate.cluster.search_attributes import dev_server_flags, ensure_registered, registered_types
from lemniscate.cluster.settings import ClusterSettings, OidcSettings

__all__ = [
    "ClusterConfigError",
    "ClusterError",
    "ClusterSettings",
    "ClusterUnavailableError",
    "EmbeddedServer",
    "EmbeddedServerError",
    "EncryptionCodec",
    "EncryptionKeys",
    "OidcSettings",
    "PayloadDecryptionError",
    "SearchAttributeError",
    "codec_from_env",
    "connect",
    "data_converter",
    "dev_server_flags",
    "ensure_registered",
    "find_temporal_cli",
    "observability",
    "registered_types",
    "search_attributes",
    "tls_config",
]
