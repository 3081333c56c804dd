"""Loopback ports for servers that another process (or a later call) opens: `remissbot serve` started by a test or
a benchmark, say."""

from __future__ import annotations

import random
import socket
from pathlib import Path

# Linux's default ephemeral range, where the kernel picks a port for bind(port 0) and for outgoing connections.
DEFAULT_EPHEMERAL = (32768, 60999)
LOWEST = 20000


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on now, outside the kernel's ephemeral range.

    A port found by binding port 0 is from that range: between closing the probe and the server's own bind, any
    server started on port 0 or any outgoing connection (there are hundreds in a test run) may be given it. The
    server then cannot start, and the caller talks to someone else's server on that port without knowing it.
    Below the range the kernel never hands a port out by itself; only another caller of this function could
    pick the same one, one chance in thousands, and then its server fails to start and says so.
    """
    low = _ephemeral_range()[0]
    ports = list(range(LOWEST, low)) if low > LOWEST + 100 else list(range(1024, low))
    if not ports:  # the kernel hands out every unprivileged port itself: the probe's own is as good as any
        with socket.socket() as probe:
            probe.bind((host, 0))
            return int(probe.getsockname()[1])
    for port in random.sample(ports, min(len(ports), 50)):
        with socket.socket() as probe:
            try:
                probe.bind((host, port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port below the ephemeral range ({low}) on {host}")


def _ephemeral_range() -> tuple[int, int]:
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return DEFAULT_EPHEMERAL
