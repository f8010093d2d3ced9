"""Free loopback ports, so servers of parallel tests never collide."""

from __future__ import annotations

import socket
from pathlib import Path

from lemniscate.cluster import ClusterSettings


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def embedded_settings(data_dir: Path) -> ClusterSettings:
    """Settings of an embedded server of a test's own, in `data_dir`, on free ports."""
    server_port, ui_port = free_ports(2)
    return ClusterSettings.from_env(
        {
            "LEMNISCATE_DATA_DIR": str(data_dir),
            "LEMNISCATE_SERVER_PORT": str(server_port),
            "LEMNISCATE_UI_PORT": str(ui_port),
        }
    )
