"""The coordinators' morning digest: when it is worth sending. It comes on a working day when something changed
since the last one, or while a deadline is near, and never says the same as the last one."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date, timedelta

from bot.core.domain.calendar import WorkingCalendar, add_working_days, working_days_between


def near_deadline(calendar: WorkingCalendar, today: date, deadlines: Iterable[date], within: int) -> int | None:
    """The working days left to the nearest deadline not yet passed (0 on the day), when that is `within`
    working days or less; None when no deadline is that near."""
    # Working days left never fall as a deadline moves later: the nearest deadline has the fewest.
    nearest = min((d for d in deadlines if d >= today), default=None)
    # More than `within` working days left is to be on or after the (within + 1)th working day after today: that
    # day is found in `within` steps, where counting the days to a deadline months away would take months of them.
    if nearest is None or nearest >= add_working_days(calendar, today, within + 1):
        return None
    return working_days_between(calendar, today, nearest)


def in_week_of(today: date, deadlines: Iterable[date]) -> list[date]:
    """The deadlines in the calendar week (Monday to Sunday) of `today`, sorted: the digest's "this week"."""
    monday = today - timedelta(days=today.weekday())
    return sorted({d for d in deadlines if monday <= d < monday + timedelta(days=7)})


def what_it_says(lines: Iterable[str]) -> str:
    """A short fingerprint of what a digest says (one line per fact, the date it is sent left out): two
    digests with the same fingerprint say the same thing."""
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()
