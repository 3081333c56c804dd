"""Pacing posts to Slack within one process: the send budget as slots in memory.

Both send budgets (this one, and storage.pace's on PostgreSQL for several replicas) hand out slots by the
same rule, `reserve`: the generic cell rate algorithm, a token bucket kept as one number, the time the next
slot falls due. A sender takes the slot, moves that time on by one interval, and waits until its slot comes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

# Slack allows "about one message per second per channel" (PLATFORM-NOTES.md); a little over one second, so
# the moment a call reaches Slack, which moves with the network, does not cross it.
CHANNEL_INTERVAL = 1.05
# A channel's slots are forgotten once this many have built up, all past (an idle channel is a new one).
CHANNEL_MEMORY = 512


def reserve(next_at: float | None, now: float, interval: float, burst: int) -> tuple[float, float]:
    """The slot granted at `now` and the time the next one falls due after it.

    Slots come `interval` apart. Time left unused earns at most `burst` slots at once, so an idle sender can
    send a small burst but never flood Slack afterwards. `next_at` None means never used.
    """
    earliest = now - interval * (burst - 1)
    slot = earliest if next_at is None else max(next_at, earliest)
    return slot, slot + interval


class PacedBudget:
    """What both send budgets share: the workspace's slots `interval` apart with `burst` of credit, a channel's
    own interval (None: channels are not paced), and waiting for a slot with `sleep`."""

    def __init__(
        self, messages_per_second: float, burst: int, channel_interval: float | None, sleep: Callable[[float], None]
    ) -> None:
        self.interval = 1.0 / messages_per_second
        self.burst = burst
        self.channel_interval = channel_interval
        self._sleep = sleep

    def _wait(self, delay: float) -> None:
        if delay > 0:
            self._sleep(delay)


class LocalSendBudget(PacedBudget):
    """bot.core.ports.pace.SendBudget for one process (SQLite, or the tests): a lock around `reserve`.

    Shared by the courier's sending threads. With `channel_interval`, each channel also gets a slot at most
    that often, waited for before the workspace's slot is taken (so a busy channel doesn't hold one).
    """

    def __init__(
        self,
        messages_per_second: float,
        *,
        burst: int = 2,
        channel_interval: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(messages_per_second, burst, channel_interval, sleep)
        self._clock = clock
        self._next: float | None = None
        self._channels: dict[str, float] = {}
        self._lock = threading.Lock()

    def acquire(self, channel: str | None = None) -> None:
        if channel is not None and self.channel_interval is not None:
            with self._lock:
                now = self._clock()
                slot, self._channels[channel] = reserve(self._channels.get(channel), now, self.channel_interval, 1)
                if len(self._channels) > CHANNEL_MEMORY:
                    self._channels = {c: due for c, due in self._channels.items() if due > now}
            self._wait(slot - now)
        with self._lock:
            now = self._clock()
            slot, self._next = reserve(self._next, now, self.interval, self.burst)
        self._wait(slot - now)

    def refund(self) -> None:
        with self._lock:
            # The last slot handed out has come (no one waits for a later one): the next may take its place.
            if self._next is not None and self._next - self.interval <= self._clock():
                self._next -= self.interval

    def hold(self, seconds: float, channel: str | None = None) -> None:
        with self._lock:
            until = self._clock() + seconds
            if channel is None:
                self._next = until if self._next is None else max(self._next, until)
            else:
                self._channels[channel] = max(self._channels.get(channel, until), until)
