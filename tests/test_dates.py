"""Swedish deadline text to dates: the phrases coordinators type, counted from a fixed Monday."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from bot.adapters.dates import parse_swedish_date, warm_up

MONDAY = date(2023, 10, 2)  # Monday 2 October 2023, ISO week 40
FRIDAY = date(2023, 10, 6)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30 november", date(2023, 11, 30)),
        ("30 november 2023", date(2023, 11, 30)),
        ("torsdag 30 november", date(2023, 11, 30)),
        ("den 24:e december", date(2023, 12, 24)),
        ("15 mars", date(2024, 3, 15)),  # the sv locale alone would read this as year 15
        ("2023-11-30", date(2023, 11, 30)),
        ("30/11", date(2023, 11, 30)),
        ("30.11.2023", date(2023, 11, 30)),
        ("i dag", date(2023, 10, 2)),
        ("i morgon", date(2023, 10, 3)),
        ("imorgon", date(2023, 10, 3)),
        ("i övermorgon", date(2023, 10, 4)),
        ("om tre veckor", date(2023, 10, 23)),
        ("om två veckor", date(2023, 10, 16)),
        ("om 10 dagar", date(2023, 10, 12)),
        ("om en månad", date(2023, 11, 2)),
        ("om ett år", date(2024, 10, 2)),
        ("fredag", date(2023, 10, 6)),
        ("på fredag", date(2023, 10, 6)),
        ("måndag", date(2023, 10, 9)),  # said on a Monday: the next one
        ("nästa fredag", date(2023, 10, 13)),  # Friday of next week
        ("fredag nästa vecka", date(2023, 10, 13)),
        ("nästa vecka", date(2023, 10, 13)),  # a week as a deadline means its Friday
        ("vecka 48", date(2023, 12, 1)),
        ("v. 48", date(2023, 12, 1)),
        ("vecka 12", date(2024, 3, 22)),  # week 12 of 2023 has passed: next year's
        ("vecka 12 2025", date(2025, 3, 21)),
        ("30 november kl. 14", date(2023, 11, 30)),
        ("30 november kl 14:00", date(2023, 11, 30)),
        ("15 mars klockan 9", date(2024, 3, 15)),
        ("  Senast 30 November.  ", date(2023, 11, 30)),
    ],
)
def test_a_swedish_phrase_becomes_the_date_a_swede_means(text: str, expected: date) -> None:
    assert parse_swedish_date(text, today=MONDAY, tz=ZoneInfo("Europe/Stockholm")) == expected


@pytest.mark.parametrize("text", ["", "   ", "blaha", "snart", "om hundra dagar", "vecka 60", "x" * 200])
def test_text_that_names_no_date_gives_none(text: str) -> None:
    assert parse_swedish_date(text, today=MONDAY) is None


def test_a_date_in_the_past_is_still_parsed_so_the_domain_can_refuse_it_by_name() -> None:
    assert parse_swedish_date("1 september 2023", today=MONDAY) == date(2023, 9, 1)


def test_a_weekday_said_on_that_weekday_means_next_week() -> None:
    assert parse_swedish_date("fredag", today=FRIDAY) == date(2023, 10, 13)
    assert parse_swedish_date("nästa fredag", today=FRIDAY) == date(2023, 10, 13)


def test_a_month_ahead_of_the_31st_ends_on_the_last_day_of_a_shorter_month() -> None:
    assert parse_swedish_date("om en månad", today=date(2024, 1, 31)) == date(2024, 2, 29)


def test_relative_dates_count_from_the_local_day_across_a_daylight_saving_change() -> None:
    # Sunday 29 October 2023 is when Sweden leaves summer time.
    assert parse_swedish_date("i morgon", today=date(2023, 10, 28)) == date(2023, 10, 29)
    assert parse_swedish_date("om två veckor", today=date(2023, 10, 28)) == date(2023, 11, 11)


def test_warming_up_does_not_raise() -> None:
    warm_up()
