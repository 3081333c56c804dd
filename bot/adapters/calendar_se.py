"""The Swedish working calendar: weekends, public holidays and the de facto days off, from `holidays`."""

from __future__ import annotations

from datetime import date
from functools import cache

import holidays

from bot.core.domain.calendar import WorkingCalendar

# Midsommarafton, julafton and nyårsafton are not public holidays in law, but nobody is at work: the
# "de_facto" category brings them in.
CATEGORIES = ("public", "de_facto")
SATURDAY = 5


class SwedishCalendar(WorkingCalendar):
    """Working days in Sweden. Holidays are looked up once per year and shared (the lookup is not free)."""

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < SATURDAY and day not in _holidays_in(day.year)

    def holiday_name(self, day: date) -> str | None:
        return _holidays_in(day.year).get(day)


@cache
def _holidays_in(year: int) -> dict[date, str]:
    # include_sundays=False explicitly: the library's default has flipped before (0.107), and with it every
    # Sunday would be named "Söndag"; weekends are handled by weekday() above.
    found = holidays.country_holidays("SE", years=year, categories=CATEGORIES, language="sv", include_sundays=False)
    return {day: str(name) for day, name in found.items()}
