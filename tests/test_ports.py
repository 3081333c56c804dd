"""devtools.ports.free_port: a port for a server another process opens, out of the kernel's own way."""

from __future__ import annotations

import socket

from devtools.ports import _ephemeral_range, free_port


def test_the_port_is_free_and_below_the_range_the_kernel_hands_out_by_itself() -> None:
    low, _ = _ephemeral_range()
    ports = {free_port() for _ in range(20)}
    assert all(1024 <= port < low for port in ports)
    assert len(ports) > 1  # chosen at random, so two callers rarely pick the same
    with socket.socket() as server:
        server.bind(("127.0.0.1", ports.pop()))


def test_a_server_on_port_zero_is_never_given_it() -> None:
    low, _ = _ephemeral_range()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        assert taken.getsockname()[1] >= low
