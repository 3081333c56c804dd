"""Working-day arithmetic, local times across daylight saving, and the window report, on a hand-made calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.domain.calendar import (
    WorkingCalendar,
    add_working_days,
    analyse_window,
    end_of_day,
    is_christmas,
    is_office_time,
    is_summer_week,
    local_time_on,
    next_working_day,
    previous_working_day,
    working_day_on_or_after,
    working_day_on_or_before,
    working_days_between,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# January 2025: Monday 13th to Friday 17th, with a made-up holiday on Wednesday 15th.
FRI_10, SAT_11, SUN_12, MON_13, TUE_14, WED_15, THU_16, FRI_17 = (
    date(2025, 1, d) for d in (10, 11, 12, 13, 14, 15, 16, 17)
)


class ToyCalendar:
    """Weekends and a fixed set of holidays: enough to check the arithmetic by hand."""

    def __init__(self, holidays: dict[date, str]) -> None:
        self.holidays = holidays

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.holidays

    def holiday_name(self, day: date) -> str | None:
        return self.holidays.get(day)


CAL: WorkingCalendar = ToyCalendar({WED_15: "Testdagen"})
WEEKDAYS_ONLY: WorkingCalendar = ToyCalendar({})


def test_the_next_and_previous_working_day_skip_weekends_and_holidays() -> None:
    assert next_working_day(CAL, FRI_10) == MON_13
    assert next_working_day(CAL, TUE_14) == THU_16
    assert previous_working_day(CAL, MON_13) == FRI_10
    assert previous_working_day(CAL, THU_16) == TUE_14


def test_on_or_before_and_on_or_after_keep_a_working_day_and_move_off_a_day_off() -> None:
    assert working_day_on_or_before(CAL, THU_16) == THU_16
    assert working_day_on_or_before(CAL, WED_15) == TUE_14
    assert working_day_on_or_after(CAL, SAT_11) == MON_13
    assert working_day_on_or_after(CAL, MON_13) == MON_13


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (MON_13, 1, TUE_14),
        (MON_13, 2, THU_16),
        (MON_13, 3, FRI_17),
        (MON_13, -1, FRI_10),
        (FRI_17, -2, TUE_14),
        (SAT_11, 1, MON_13),
        (SUN_12, -1, FRI_10),
        (WED_15, 0, WED_15),
    ],
)
def test_adding_working_days_never_counts_the_start_day(start: date, n: int, expected: date) -> None:
    assert add_working_days(CAL, start, n) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (MON_13, FRI_17, 3),  # Tue, Thu, Fri: the start day is excluded, the end day included
        (FRI_17, MON_13, -3),
        (MON_13, MON_13, 0),
        (FRI_10, SUN_12, 0),
        (SAT_11, MON_13, 1),
        (TUE_14, WED_15, 0),
    ],
)
def test_working_days_between_counts_the_half_open_interval(start: date, end: date, expected: int) -> None:
    assert working_days_between(CAL, start, end) == expected


@pytest.mark.parametrize("n", range(-12, 13))
def test_working_days_between_undoes_add_working_days_from_a_working_day(n: int) -> None:
    assert working_days_between(CAL, THU_16, add_working_days(CAL, THU_16, n)) == n


def test_nine_in_the_morning_is_seven_utc_in_summer_time_and_eight_in_winter_time() -> None:
    assert local_time_on(date(2023, 10, 27), time(9, 0), STOCKHOLM).astimezone(UTC) == datetime(
        2023, 10, 27, 7, 0, tzinfo=UTC
    )
    assert local_time_on(date(2023, 10, 30), time(9, 0), STOCKHOLM).astimezone(UTC) == datetime(
        2023, 10, 30, 8, 0, tzinfo=UTC
    )


def test_a_wall_time_that_never_happens_moves_forward_and_one_that_happens_twice_means_the_first() -> None:
    skipped = local_time_on(date(2023, 3, 26), time(2, 30), STOCKHOLM)
    assert skipped.astimezone(UTC) == datetime(2023, 3, 26, 1, 30, tzinfo=UTC)
    assert skipped.time() == time(3, 30)
    repeated = local_time_on(date(2023, 10, 29), time(2, 30), STOCKHOLM)
    assert repeated.astimezone(UTC) == datetime(2023, 10, 29, 0, 30, tzinfo=UTC)


def test_a_day_ends_at_local_midnight_even_when_it_has_twenty_five_hours() -> None:
    assert end_of_day(date(2023, 10, 27), STOCKHOLM) == datetime(2023, 10, 27, 22, 0, tzinfo=UTC)
    assert end_of_day(date(2023, 10, 30), STOCKHOLM) == datetime(2023, 10, 30, 23, 0, tzinfo=UTC)
    assert end_of_day(date(2023, 10, 29), STOCKHOLM) - end_of_day(date(2023, 10, 28), STOCKHOLM) == timedelta(hours=25)
    assert end_of_day(date(2023, 3, 26), STOCKHOLM) - end_of_day(date(2023, 3, 25), STOCKHOLM) == timedelta(hours=23)


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        (datetime(2025, 1, 13, 7, 59), False),
        (datetime(2025, 1, 13, 8, 0), True),
        (datetime(2025, 1, 13, 16, 59), True),
        (datetime(2025, 1, 13, 17, 0), False),
        (datetime(2025, 1, 13, 22, 0), False),
    ],
)
def test_office_hours_are_from_eight_to_five_local_time(local: datetime, expected: bool) -> None:
    moment = local.replace(tzinfo=STOCKHOLM).astimezone(UTC)
    assert is_office_time(moment, STOCKHOLM) is expected


def test_office_hours_are_configurable_and_exclude_days_off_when_a_calendar_is_given() -> None:
    ten_on_sunday = datetime(2025, 1, 12, 10, 0, tzinfo=STOCKHOLM)
    assert is_office_time(ten_on_sunday, STOCKHOLM)
    assert not is_office_time(ten_on_sunday, STOCKHOLM, calendar=CAL)
    assert not is_office_time(datetime(2025, 1, 15, 10, 0, tzinfo=STOCKHOLM), STOCKHOLM, calendar=CAL)
    assert not is_office_time(datetime(2025, 1, 13, 8, 30, tzinfo=STOCKHOLM), STOCKHOLM, (time(9, 0), time(16, 0)))


def test_office_time_needs_an_aware_moment() -> None:
    with pytest.raises(ValueError, match="aware"):
        is_office_time(datetime(2025, 1, 13, 10, 0), STOCKHOLM)


def test_a_window_is_short_below_the_threshold_and_not_at_it() -> None:
    # Monday 6 to Friday 24 January 2025 on weekdays only: 14 working days after the Monday.
    at_threshold = analyse_window(WEEKDAYS_ONLY, date(2025, 1, 6), date(2025, 1, 27))
    assert at_threshold.working_days == 15
    assert not at_threshold.short
    below = analyse_window(WEEKDAYS_ONLY, date(2025, 1, 6), date(2025, 1, 24))
    assert below.working_days == 14
    assert below.short
    assert below.needs_warning
    assert not analyse_window(WEEKDAYS_ONLY, date(2025, 1, 6), date(2025, 1, 24), threshold=10).short


def test_a_deadline_on_a_holiday_or_a_weekend_is_accepted_and_flagged() -> None:
    on_holiday = analyse_window(CAL, date(2024, 12, 2), WED_15)
    assert not on_holiday.deadline_is_working_day
    assert on_holiday.deadline_holiday == "Testdagen"
    assert on_holiday.needs_warning
    on_saturday = analyse_window(WEEKDAYS_ONLY, date(2025, 1, 6), date(2025, 2, 15))
    assert not on_saturday.deadline_is_working_day
    assert on_saturday.deadline_holiday is None
    assert on_saturday.needs_warning


def test_christmas_runs_from_23_december_to_trettondedag_jul() -> None:
    assert not is_christmas(date(2024, 12, 22))
    assert is_christmas(date(2024, 12, 23))
    assert is_christmas(date(2025, 1, 1))
    assert is_christmas(date(2025, 1, 6))
    assert not is_christmas(date(2025, 1, 7))


def test_a_window_spans_christmas_when_any_day_after_sending_falls_in_it() -> None:
    assert not analyse_window(WEEKDAYS_ONLY, date(2024, 11, 25), date(2024, 12, 20)).spans_christmas
    assert analyse_window(WEEKDAYS_ONLY, date(2024, 11, 25), date(2024, 12, 23)).spans_christmas
    assert analyse_window(WEEKDAYS_ONLY, date(2025, 1, 5), date(2025, 2, 14)).spans_christmas
    # Sent on trettondedag itself: the answering starts after Christmas.
    assert not analyse_window(WEEKDAYS_ONLY, date(2025, 1, 6), date(2025, 2, 14)).spans_christmas


def test_the_summer_weeks_are_iso_weeks_27_to_32() -> None:
    # 2024: week 27 starts Monday 1 July, week 32 ends Sunday 11 August.
    assert not is_summer_week(date(2024, 6, 30))
    assert is_summer_week(date(2024, 7, 1))
    assert is_summer_week(date(2024, 8, 11))
    assert not is_summer_week(date(2024, 8, 12))
    assert not analyse_window(WEEKDAYS_ONLY, date(2024, 6, 3), date(2024, 6, 28)).spans_summer
    assert analyse_window(WEEKDAYS_ONLY, date(2024, 6, 3), date(2024, 7, 1)).spans_summer
    assert not analyse_window(WEEKDAYS_ONLY, date(2024, 8, 11), date(2024, 9, 13)).spans_summer


def test_a_calendar_without_working_days_fails_instead_of_looping() -> None:
    class NeverWorking:
        def is_working_day(self, day: date) -> bool:
            return False

        def holiday_name(self, day: date) -> str | None:
            return None

    with pytest.raises(ValueError, match="no working day"):
        next_working_day(NeverWorking(), MON_13)
