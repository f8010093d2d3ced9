"""The embedded server's data directory and database are private to the user who runs it:
the directory 0700, `temporal.db` 0600, whatever the umask, also for a directory an older
version left world-readable. Against a real dev server, which must still start, keep its
data and serve, with the file made before it opens it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from temporalio.api.workflowservice.v1 import ListNamespacesRequest

from lemniscate.cluster.devserver import EmbeddedServer
from tests.support.ports import embedded_settings


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_data_directory_and_database_are_private_whatever_the_umask(tmp_path: Path) -> None:
    data = tmp_path / "fresh" / ".lemniscate"
    before = os.umask(0o022)  # the usual umask, under which files are world-readable
    try:
        async with EmbeddedServer(embedded_settings(data), headless=True) as server:
            namespaces = await server.client.workflow_service.list_namespaces(ListNamespacesRequest())
            assert namespaces.namespaces  # made under the server's own umask, and working
            assert _mode(data) == 0o700
            assert _mode(server.db_path) == 0o600
            for other in data.iterdir():  # the log, the lock, SQLite's -wal and -shm files
                assert _mode(other) & 0o077 == 0, f"{other.name} is readable by others"
    finally:
        os.umask(before)


async def test_an_existing_world_readable_directory_is_tightened(tmp_path: Path) -> None:
    data = tmp_path / "old"
    settings = embedded_settings(data)
    async with EmbeddedServer(settings, headless=True):
        pass  # a database with its schema, as an older version left it
    data.chmod(0o755)
    settings.db_path.chmod(0o644)
    async with EmbeddedServer(settings, headless=True) as server:
        assert _mode(data) == 0o700
        assert _mode(server.db_path) == 0o600
