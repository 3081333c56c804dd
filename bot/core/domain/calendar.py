"""Working days, office hours and local times in the organisation's timezone, over any working calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Protocol

# A window shorter than this many working days is too short for a board to answer properly (a setting).
SHORT_WINDOW_WORKING_DAYS = 15
DEFAULT_OFFICE_HOURS = (time(8, 0), time(17, 0))

# Christmas: from the day before julafton to trettondedag jul. Offices run on skeleton staff and boards
# hold no meetings, so a window through it has fewer real working days than its count suggests.
CHRISTMAS_START = (12, 23)
CHRISTMAS_END = (1, 6)
# The summer weeks: ISO weeks 27–32, i.e. July and early August, when most officials take their four weeks
# of leave and boards hold no meetings. Midsommar (week 25) is a holiday of its own, not part of this.
SUMMER_WEEKS = range(27, 33)

# Walking day by day is plenty for remiss windows (weeks, months); the bound stops a corrupt date from
# looping for ever on a calendar that (wrongly) has no working days at all.
_MAX_SEARCH_DAYS = 366


class WorkingCalendar(Protocol):
    """Which days are working days; the Swedish one lives at the edge (bot.adapters.calendar_se)."""

    def is_working_day(self, day: date) -> bool:
        """Not a weekend, public holiday or de facto day off."""
        ...

    def holiday_name(self, day: date) -> str | None:
        """The holiday's name on `day` ("Midsommarafton"), or None (ordinary days and plain weekends)."""
        ...


class WeekendCalendar:
    """Monday to Friday, no holidays: the stand-in where no real calendar is wired (tests, tools)."""

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5

    def holiday_name(self, day: date) -> str | None:
        return None


def next_working_day(calendar: WorkingCalendar, day: date) -> date:
    """The first working day strictly after `day`."""
    return _step(calendar, day, 1)


def previous_working_day(calendar: WorkingCalendar, day: date) -> date:
    """The last working day strictly before `day`."""
    return _step(calendar, day, -1)


def working_day_on_or_before(calendar: WorkingCalendar, day: date) -> date:
    """`day` if it is a working day, else the working day before it (the last day anyone is in)."""
    return day if calendar.is_working_day(day) else previous_working_day(calendar, day)


def working_day_on_or_after(calendar: WorkingCalendar, day: date) -> date:
    """`day` if it is a working day, else the working day after it."""
    return day if calendar.is_working_day(day) else next_working_day(calendar, day)


def add_working_days(calendar: WorkingCalendar, day: date, n: int) -> date:
    """The `n`th working day after `day` (before it for negative `n`); `day` itself never counts.

    So `add_working_days(cal, Monday, 1)` is Tuesday and `add_working_days(cal, Saturday, 1)` is Monday.
    `n == 0` returns `day` unchanged, working day or not.
    """
    step = 1 if n > 0 else -1
    for _ in range(abs(n)):
        day = _step(calendar, day, step)
    return day


def working_days_between(calendar: WorkingCalendar, start: date, end: date) -> int:
    """The number of working days in the half-open interval (start, end]; negative when end is before start.

    `start` is excluded and `end` included: a remiss sent on `start` has the rest of that day for free and
    is due by the end of `end`. It is the inverse of `add_working_days` from a working day:
    `working_days_between(cal, d, add_working_days(cal, d, n)) == n`. On the deadline day itself 0 are
    left, the next working day -1 (one working day late).
    """
    if end < start:
        return -working_days_between(calendar, end, start)
    return sum(1 for offset in range(1, (end - start).days + 1) if calendar.is_working_day(start + timedelta(offset)))


def local_time_on(day: date, at: time, tz: tzinfo) -> datetime:
    """The instant `at` o'clock on `day` in `tz`, aware in `tz` (09:00 is 07:00 UTC in summer, 08:00 in winter).

    A wall time that occurs twice (the October change) means its first occurrence; one that never occurs
    (the March change) is moved forward by the gap, as clocks do. Office times are never in either.
    """
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC).astimezone(tz)


def end_of_day(day: date, tz: tzinfo) -> datetime:
    """The first instant after `day` in `tz`, in UTC: an answer is due before it (a day may be 23 or 25 hours)."""
    return datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=tz).astimezone(UTC)


def is_office_time(
    moment: datetime,
    tz: tzinfo,
    hours: tuple[time, time] = DEFAULT_OFFICE_HOURS,
    calendar: WorkingCalendar | None = None,
) -> bool:
    """Whether `moment` is within office hours [start, end) local time, and on a working day if a calendar is given."""
    if moment.tzinfo is None:
        raise ValueError("is_office_time needs an aware datetime")
    local = moment.astimezone(tz)
    if calendar is not None and not calendar.is_working_day(local.date()):
        return False
    start, end = hours
    return start <= local.time() < end


def next_office_time(
    moment: datetime,
    tz: tzinfo,
    hours: tuple[time, time] = DEFAULT_OFFICE_HOURS,
    calendar: WorkingCalendar | None = None,
) -> datetime:
    """`moment` itself within office hours, else the start of the next working day's office hours (UTC)."""
    if is_office_time(moment, tz, hours, calendar):
        return moment.astimezone(UTC)
    local = moment.astimezone(tz)
    day = local.date() if local.time() < hours[0] else local.date() + timedelta(days=1)
    if calendar is not None:
        day = working_day_on_or_after(calendar, day)
    return local_time_on(day, hours[0], tz).astimezone(UTC)


@dataclass(frozen=True)
class WindowReport:
    """What the coordinator is told about a remiss's answering window when it is sent.

    `working_days` counts the working days in (sent_on, deadline]. The window spans Christmas or the summer
    weeks when any of those days falls in them.
    """

    sent_on: date
    deadline: date
    working_days: int
    short: bool
    spans_christmas: bool
    spans_summer: bool
    deadline_is_working_day: bool
    deadline_holiday: str | None

    @property
    def needs_warning(self) -> bool:
        """Anything the coordinator should see before sending."""
        return self.short or self.spans_christmas or self.spans_summer or not self.deadline_is_working_day


def analyse_window(
    calendar: WorkingCalendar, sent_on: date, deadline: date, threshold: int = SHORT_WINDOW_WORKING_DAYS
) -> WindowReport:
    """The answering window from `sent_on` to `deadline`: how many working days it really has, and its traps."""
    days = [sent_on + timedelta(offset) for offset in range(1, (deadline - sent_on).days + 1)]
    working = working_days_between(calendar, sent_on, deadline)
    return WindowReport(
        sent_on=sent_on,
        deadline=deadline,
        working_days=working,
        short=working < threshold,
        spans_christmas=any(is_christmas(d) for d in days),
        spans_summer=any(is_summer_week(d) for d in days),
        deadline_is_working_day=calendar.is_working_day(deadline),
        deadline_holiday=calendar.holiday_name(deadline),
    )


def is_christmas(day: date) -> bool:
    """23 December to 6 January (trettondedag jul), both included."""
    return (day.month, day.day) >= CHRISTMAS_START or (day.month, day.day) <= CHRISTMAS_END


def is_summer_week(day: date) -> bool:
    """In one of the summer weeks (ISO weeks 27–32)."""
    return day.isocalendar().week in SUMMER_WEEKS


def _step(calendar: WorkingCalendar, day: date, step: int) -> date:
    for offset in range(1, _MAX_SEARCH_DAYS + 1):
        candidate = day + timedelta(days=step * offset)
        if calendar.is_working_day(candidate):
            return candidate
    raise ValueError(f"no working day within {_MAX_SEARCH_DAYS} days of {day}")
