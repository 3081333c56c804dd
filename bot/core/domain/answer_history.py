"""The opt-in earlier-reminder rule (REMISSBOT_EARLY_REMINDER_FOR_LATE_ORGS): an organisation late in its last two
remisses gets its first reminder earlier. "Late" is the statistics' judgement (statistics.judge), written once:

- late in a remiss: judged LATE (its current final answer, an yttrande or via delegation, first submitted after
  its own deadline, by the Stockholm date) or NO_ANSWER (none, and the remiss is closed or its deadline passed).
  A preliminary answer in time followed by a final one after the deadline is late, as in the statistics;
- not late: ON_TIME; DECLINED (a decline is an answer, whenever it came); PRELIMINARY (only a preliminary answer
  so far: the board's final answer has not come, which is what a preliminary answer says, whenever it came).
  Once the final answer comes it is judged by its own date.

Only finished remisses count (closed, or past the organisation's own deadline); "last two" are the two latest of
them by its own deadline (then case number). The histories come from RemissRepository.statistics_history."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, tzinfo

from bot.core.domain.calendar import WorkingCalendar
from bot.core.domain.remiss import RemissStatus
from bot.core.domain.statistics import COUNTED_STATUSES, Outcome, RecipientHistory, judge

# How many of the organisation's latest remisses must all have been late for its first reminder to come earlier.
LATE_IN_A_ROW = 2
# The statistics' outcomes that count as late for the rule.
LATE_OUTCOMES = frozenset({Outcome.LATE, Outcome.NO_ANSWER})


def is_finished(history: RecipientHistory, today: date) -> bool:
    """Closed, or past the organisation's own deadline: what it did there counts."""
    return history.status is RemissStatus.CLOSED or history.deadline < today


def latest(histories: Iterable[RecipientHistory], today: date, count: int = LATE_IN_A_ROW) -> list[RecipientHistory]:
    """One organisation's `count` latest remisses that are finished on `today` (sent or closed ones only), latest
    first (by its own deadline, then case number)."""
    over = [h for h in histories if h.status in COUNTED_STATUSES and is_finished(h, today)]
    return sorted(over, key=lambda h: (h.deadline, h.case_number), reverse=True)[:count]


def late_in_last_remisses(
    histories: Iterable[RecipientHistory],
    *,
    calendar: WorkingCalendar,
    tz: tzinfo,
    today: date,
    count: int = LATE_IN_A_ROW,
) -> bool:
    """Judged late (LATE or NO_ANSWER) in each of one organisation's `count` latest finished remisses. An
    organisation with fewer than `count` of them behind it has not shown a habit yet: False."""
    last = latest(histories, today, count)
    return len(last) == count and all(judge(h, calendar, tz, today).outcome in LATE_OUTCOMES for h in last)


def late_organisations(
    histories: Iterable[RecipientHistory], *, calendar: WorkingCalendar, tz: tzinfo, today: date
) -> frozenset[str]:
    """The organisations among these histories (of several organisations) late in their last two remisses."""
    by_org: dict[str, list[RecipientHistory]] = defaultdict(list)
    for history in histories:
        by_org[history.organisation_key].append(history)
    return frozenset(
        key for key, own in by_org.items() if late_in_last_remisses(own, calendar=calendar, tz=tz, today=today)
    )
