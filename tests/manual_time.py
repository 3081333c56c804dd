"""Monotonic seconds for tests: time that passes only when it is moved, so every moment a test sees is exact and
no assertion depends on the machine's speed."""

from __future__ import annotations


class ManualTime:
    """Seconds that pass only when something waits: the code under test through `sleep`, or a test moving it on."""

    def __init__(self, start: float = 1_000_000.0) -> None:
        self.now = start

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds
