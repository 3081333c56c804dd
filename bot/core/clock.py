"""Time, injected: the Clock protocol, the system clock, and the organisation's timezone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


def local_date(moment: datetime, tz: ZoneInfo = STOCKHOLM) -> date:
    """The calendar date at `moment` in the organisation's timezone (deadlines end at local midnight)."""
    return moment.astimezone(tz).date()
