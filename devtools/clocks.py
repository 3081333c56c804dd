"""Clocks for tests, the demo and the benchmarks: one moved by hand, one shared by several processes."""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.core.clock import Clock, SystemClock

# A file holding the time every bot process of a test reads (see FileClock).
FAKE_CLOCK_FILE_ENV = "REMISSBOT_FAKE_CLOCK_FILE"

log = logging.getLogger(__name__)


class FakeClock:
    """A clock that only moves when told to; thread-safe because Bolt listeners run in a pool."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = start.astimezone(UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, delta: timedelta) -> datetime:
        with self._lock:
            self._now += delta
            return self._now

    def set(self, when: datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        with self._lock:
            self._now = when.astimezone(UTC)


class FileClock:
    """A fake clock shared by several processes: the time is an ISO 8601 moment with offset in a file.

    For tests and the demo only, never production: an end-to-end test runs several bot processes (replicas)
    and moves their time together by rewriting the file. Each `now()` reads the file; `set()` replaces it
    atomically, so a reader never sees half a time.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    def now(self) -> datetime:
        text = self.path.read_text(encoding="utf-8").strip()
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            raise ValueError(f"{self.path} must hold an aware time (with offset), not {text!r}")
        return moment.astimezone(UTC)

    def set(self, when: datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("FileClock needs an aware datetime")
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(when.astimezone(UTC).isoformat())
        os.replace(temporary, self.path)

    def advance(self, delta: timedelta) -> datetime:
        moment = self.now() + delta
        self.set(moment)
        return moment


def configured_clock(env: Mapping[str, str] | None = None) -> Clock:
    """The system clock, unless REMISSBOT_FAKE_CLOCK_FILE names a FileClock's file (tests and the demo)."""
    env = os.environ if env is None else env
    path = env.get(FAKE_CLOCK_FILE_ENV)
    if not path:
        return SystemClock()
    clock = FileClock(path)
    clock.now()  # a missing or unreadable file stops the start, rather than every tick later
    log.warning("%s is set: the time is read from %s (for tests and the demo only)", FAKE_CLOCK_FILE_ENV, path)
    return clock
