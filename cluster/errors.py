"""Errors raised while configuring, reaching or running a Temporal cluster."""

from __future__ import annotations

from pathlib import Path


class ClusterError(Exception):
    """Base class: anything in `cluster` that stops Lemniscate from reaching Temporal."""


# Deliberately not a ValueError: pydantic would wrap a ValueError raised in a validator
# into a ValidationError and lose the sentence that names the environment variable.
class ClusterConfigError(ClusterError):
    """A setting (usually an environment variable) has a bad value."""


class ClusterUnavailableError(ClusterError):
    """No Temporal frontend answered at the configured address."""

    def __init__(self, message: str, *, address: str, namespace: str, reason: str) -> None:
        super().__init__(message)
        self.address = address
        self.namespace = namespace
        self.reason = reason


class EmbeddedServerError(ClusterError):
    """The embedded `temporal server start-dev` could not be found, started or stopped."""

    def __init__(self, message: str, *, log_path: Path | None = None) -> None:
        super().__init__(message)
        self.log_path = log_path


class SearchAttributeError(ClusterError):
    """The cluster's custom search attributes are missing or have the wrong type."""
