"""Free loopback ports, so servers of parallel tests never collide.

A port the kernel hands out for `bind(0)` comes from its ephemeral range, the same range
every outgoing connection and every Go listener on port 0 (the dev server's own services)
takes from. Between closing the probe and the server binding it, such a port can be taken,
and `lemniscate up` then stops with "address already in use". So ports are handed out from
below that range instead, where nothing binds by chance, one after another per process:
each pytest-xdist worker in a slice of its own, any other process from where its id points."""

from __future__ import annotations

import itertools
import os
import socket
from collections.abc import Iterator
from pathlib import Path

from lemniscate.cluster import ClusterSettings

_RANGE_FILE = Path("/proc/sys/net/ipv4/ip_local_port_range")
_LOWEST = 20000


def _below_ephemeral() -> range:
    try:
        ephemeral_low = int(_RANGE_FILE.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        ephemeral_low = 32768  # Linux's default
    return range(_LOWEST, max(ephemeral_low, _LOWEST + 2000))


_PORTS = _below_ephemeral()


def _candidates() -> Iterator[int]:
    ports = _PORTS
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if worker.startswith("gw"):
        count = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
        return itertools.cycle(ports[int(worker[2:]) % count :: count])
    # Processes of their own (bench workers, a second pytest) start elsewhere in the range.
    start = os.getpid() * 97 % len(ports)
    return itertools.cycle([*ports[start:], *ports[:start]])


_NEXT = _candidates()


def _is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_ports(count: int) -> list[int]:
    ports: list[int] = []
    for _ in range(len(_PORTS)):
        if len(ports) == count:
            break
        port = next(_NEXT)
        if _is_free(port):
            ports.append(port)
    if len(ports) < count:
        raise RuntimeError(f"fewer than {count} free ports below the ephemeral range")
    return ports


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
