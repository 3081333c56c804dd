"""When the coordinators' digest is worth sending: a near deadline, the deadlines of this week, what it said."""

from __future__ import annotations

from datetime import date, timedelta

from bot.adapters.calendar_se import SwedishCalendar
from bot.core.domain.calendar import WeekendCalendar, working_days_between
from bot.core.domain.digest import in_week_of, near_deadline, what_it_says

THURSDAY = date(2023, 11, 30)


def test_a_deadline_is_near_within_the_working_days_given_and_not_once_passed() -> None:
    calendar = WeekendCalendar()
    assert near_deadline(calendar, date(2023, 11, 27), [THURSDAY], 2) is None  # three working days left
    assert near_deadline(calendar, date(2023, 11, 28), [THURSDAY], 2) == 2
    assert near_deadline(calendar, THURSDAY, [THURSDAY], 2) == 0
    assert near_deadline(calendar, date(2023, 12, 1), [THURSDAY], 2) is None
    # The nearest of several counts; over a weekend only working days do.
    assert near_deadline(calendar, date(2023, 11, 24), [date(2023, 12, 29), date(2023, 11, 28)], 2) == 2
    assert near_deadline(calendar, date(2023, 11, 28), [THURSDAY], 0) is None


def test_the_week_runs_monday_to_sunday() -> None:
    deadlines = [THURSDAY, date(2023, 12, 4), date(2023, 11, 26), THURSDAY]
    assert in_week_of(date(2023, 11, 27), deadlines) == [THURSDAY]
    assert in_week_of(date(2023, 12, 3), deadlines) == [THURSDAY]
    assert in_week_of(date(2023, 12, 4), deadlines) == [date(2023, 12, 4)]


def test_two_digests_saying_the_same_have_the_same_fingerprint_and_any_difference_shows() -> None:
    assert what_it_says(["a", "b"]) == what_it_says(["a", "b"])
    assert what_it_says(["a", "b"]) != what_it_says(["a", "c"])
    assert what_it_says(["a", "b"]) != what_it_says(["ab"])


def test_near_is_the_count_of_working_days_left_up_to_the_limit_on_any_day_weekend_or_holiday() -> None:
    # Over Christmas and New Year (Swedish holidays), from weekdays, weekends and holidays alike, to deadlines on
    # any kind of day: near_deadline stops counting at the limit, and must say what the whole count says.
    calendar = SwedishCalendar()
    start = date(2023, 12, 15)
    for offset in range(30):
        today = start + timedelta(days=offset)
        for ahead in range(25):
            deadline = today + timedelta(days=ahead)
            left = working_days_between(calendar, today, deadline)
            for within in range(7):
                assert near_deadline(calendar, today, [deadline], within) == (left if left <= within else None)
