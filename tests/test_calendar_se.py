"""The Swedish working calendar from `holidays`: public holidays and the de facto days off are not working days."""

from __future__ import annotations

from datetime import date

import pytest

from bot.adapters.calendar_se import SwedishCalendar
from bot.core.domain.calendar import add_working_days, working_days_between

CAL = SwedishCalendar()

# Written out by hand, not computed, so the library is checked against the almanac.
DAYS_OFF = {
    2023: {
        "Långfredagen": date(2023, 4, 7),
        "Påskdagen": date(2023, 4, 9),
        "Annandag påsk": date(2023, 4, 10),
        "Kristi himmelsfärdsdag": date(2023, 5, 18),
        "Nationaldagen": date(2023, 6, 6),
        "Midsommarafton": date(2023, 6, 23),
        "Julafton": date(2023, 12, 24),
        "Nyårsafton": date(2023, 12, 31),
    },
    2024: {
        "Långfredagen": date(2024, 3, 29),
        "Påskdagen": date(2024, 3, 31),
        "Annandag påsk": date(2024, 4, 1),
        "Kristi himmelsfärdsdag": date(2024, 5, 9),
        "Nationaldagen": date(2024, 6, 6),
        "Midsommarafton": date(2024, 6, 21),
        "Julafton": date(2024, 12, 24),
        "Nyårsafton": date(2024, 12, 31),
    },
    2025: {
        "Långfredagen": date(2025, 4, 18),
        "Påskdagen": date(2025, 4, 20),
        "Annandag påsk": date(2025, 4, 21),
        "Kristi himmelsfärdsdag": date(2025, 5, 29),
        "Nationaldagen": date(2025, 6, 6),
        "Midsommarafton": date(2025, 6, 20),
        "Julafton": date(2025, 12, 24),
        "Nyårsafton": date(2025, 12, 31),
    },
    2026: {
        "Långfredagen": date(2026, 4, 3),
        "Påskdagen": date(2026, 4, 5),
        "Annandag påsk": date(2026, 4, 6),
        "Kristi himmelsfärdsdag": date(2026, 5, 14),
        "Nationaldagen": date(2026, 6, 6),
        "Midsommarafton": date(2026, 6, 19),
        "Julafton": date(2026, 12, 24),
        "Nyårsafton": date(2026, 12, 31),
    },
}
CASES = [(name, day) for year in DAYS_OFF.values() for name, day in year.items()]


@pytest.mark.parametrize(("name", "day"), CASES, ids=[f"{d.isoformat()}-{n}" for n, d in CASES])
def test_public_holidays_and_de_facto_days_off_are_not_working_days_and_have_swedish_names(
    name: str, day: date
) -> None:
    assert not CAL.is_working_day(day)
    assert CAL.holiday_name(day) == name


def test_an_ordinary_tuesday_is_a_working_day_without_a_holiday_name() -> None:
    assert CAL.is_working_day(date(2023, 10, 3))
    assert CAL.holiday_name(date(2023, 10, 3)) is None


def test_weekends_are_not_working_days_and_an_ordinary_sunday_is_not_named_a_holiday() -> None:
    # Pins include_sundays=False: with it on, every Sunday would be called "Söndag".
    assert not CAL.is_working_day(date(2023, 10, 7))
    assert not CAL.is_working_day(date(2023, 10, 8))
    assert CAL.holiday_name(date(2023, 10, 8)) is None


def test_alla_helgons_dag_2023_is_a_saturday_and_so_costs_no_working_day_in_november() -> None:
    assert CAL.holiday_name(date(2023, 11, 4)) == "Alla helgons dag"
    assert working_days_between(CAL, date(2023, 10, 31), date(2023, 11, 30)) == 22


def test_counting_working_days_skips_midsommarafton_and_the_christmas_days() -> None:
    assert add_working_days(CAL, date(2024, 6, 20), 1) == date(2024, 6, 24)
    assert add_working_days(CAL, date(2023, 12, 22), 1) == date(2023, 12, 27)
    assert add_working_days(CAL, date(2023, 12, 29), 1) == date(2024, 1, 2)


def test_years_are_looked_up_on_demand_across_a_year_boundary() -> None:
    assert not CAL.is_working_day(date(2027, 1, 1))
    assert CAL.holiday_name(date(2027, 1, 6)) == "Trettondedag jul"
