"""How an organisation answered its earlier remisses, and the rule read from it: an organisation late (or silent)
in its last two gets its first reminder earlier (REMISSBOT_EARLY_REMINDER_FOR_LATE_ORGS)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from enum import StrEnum

# How many of the organisation's latest remisses must all have been late for its first reminder to come earlier.
LATE_IN_A_ROW = 2


class Timeliness(StrEnum):
    ON_TIME = "on_time"  # an answer (of any kind, a decline too) on or before its own deadline
    LATE = "late"  # the first answer came after it
    MISSING = "missing"  # none came


@dataclass(frozen=True)
class PastAnswer:
    """One organisation in one remiss sent to it (not a draft, not withdrawn): when it had to answer, and when
    it first did."""

    case_number: str
    deadline: date  # the organisation's own: the remiss's, or its anstånd (Recipient.deadline)
    answered_at: datetime | None  # its first answer or decline; None when none came
    closed: bool = False

    def is_over(self, today: date) -> bool:
        """Closed, or past the organisation's own deadline: what it did there counts."""
        return self.closed or self.deadline < today

    def timeliness(self, tz: tzinfo) -> Timeliness:
        if self.answered_at is None:
            return Timeliness.MISSING
        return Timeliness.LATE if self.answered_at.astimezone(tz).date() > self.deadline else Timeliness.ON_TIME


def latest(history: Iterable[PastAnswer], today: date, count: int = LATE_IN_A_ROW) -> list[PastAnswer]:
    """The organisation's `count` latest remisses that are over on `today`, latest first (by its own deadline,
    then case number)."""
    over = [past for past in history if past.is_over(today)]
    return sorted(over, key=lambda past: (past.deadline, past.case_number), reverse=True)[:count]


def late_in_last_remisses(history: Iterable[PastAnswer], today: date, tz: tzinfo, count: int = LATE_IN_A_ROW) -> bool:
    """Late or without an answer in each of its `count` latest remisses that are over. An organisation with
    fewer than `count` of them behind it has not shown a habit yet: False."""
    last = latest(history, today, count)
    return len(last) == count and all(past.timeliness(tz) is not Timeliness.ON_TIME for past in last)
