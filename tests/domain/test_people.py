"""Who a recipient's messages go to (officials, stand-ins, who is away) and the refusals about people."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.people import (
    Person,
    absence,
    away_on,
    check_reassignment,
    reminder_addressees,
    remiss_addressees,
    stand_in_conflicts,
    stands_in_for,
)

AT = datetime(2023, 11, 13, 9, tzinfo=UTC)
TODAY = date(2023, 11, 13)


def test_the_remiss_goes_to_the_officials_then_the_stand_ins_each_once() -> None:
    assert remiss_addressees(("UOFF",), ("UVICE", "UOFF", "UVICE2")) == ("UOFF", "UVICE", "UVICE2")
    assert remiss_addressees((), ("UVICE",)) == ("UVICE",)


def test_reminders_go_to_officials_and_stand_ins_who_are_not_away() -> None:
    assert reminder_addressees(("UOFF",), ("UVICE",)) == ("UOFF", "UVICE")
    assert reminder_addressees(("UOFF",), ("UVICE",), {"UOFF"}) == ("UVICE",)
    assert reminder_addressees(("UOFF", "UOFF2"), (), {"UOFF"}) == ("UOFF2",)


def test_a_reminder_with_everyone_away_still_goes_to_all_of_them_rather_than_to_nobody() -> None:
    assert reminder_addressees(("UOFF",), (), {"UOFF"}) == ("UOFF",)
    assert reminder_addressees(("UOFF",), ("UVICE",), {"UOFF", "UVICE"}) == ("UOFF", "UVICE")


def test_a_stand_in_stands_in_for_the_officials_and_an_official_for_nobody() -> None:
    assert stands_in_for("UVICE", ("UOFF",), ("UVICE",)) == ("UOFF",)
    assert stands_in_for("UOFF", ("UOFF",), ("UOFF",)) == ()
    assert stands_in_for("USTRANGER", ("UOFF",), ("UVICE",)) == ()


def test_away_until_a_day_after_today_covers_every_day_through_it() -> None:
    away = absence("UOFF", date(2023, 11, 20), TODAY, AT)
    assert away_on([away], date(2023, 11, 20)) == {"UOFF"}
    assert away_on([away], date(2023, 11, 21)) == frozenset()


@pytest.mark.parametrize("until", [TODAY, date(2023, 11, 10)])
def test_away_until_today_or_a_past_day_is_refused(until: date) -> None:
    with pytest.raises(DomainError) as refused:
        absence("UOFF", until, TODAY, AT)
    assert (refused.value.code, refused.value.field) == (ErrorCode.AWAY_NOT_FUTURE, "until")


def test_reassigning_to_the_same_person_a_bot_a_deactivated_or_an_unknown_user_is_refused() -> None:
    cases = [
        (("UOFF",), Person("UOFF"), "UOFF", ErrorCode.REASSIGN_TO_SAME),
        (("UOFF",), Person("UBOT", is_bot=True), "UBOT", ErrorCode.REASSIGN_TO_BOT),
        (("UOFF",), Person("UGONE", deleted=True), "UGONE", ErrorCode.REASSIGN_TO_DEACTIVATED),
        (("UOFF",), None, "UNOBODY", ErrorCode.REASSIGN_TO_DEACTIVATED),
    ]
    for officials, person, to_user, code in cases:
        with pytest.raises(DomainError) as refused:
            check_reassignment(officials, person, to_user)
        assert (refused.value.code, refused.value.field) == (code, "to_user")
    check_reassignment(("UOFF",), Person("UNEW"), "UNEW")  # a person who can take it: no refusal
    check_reassignment(("UOFF", "UOFF2"), Person("UOFF"), "UOFF")  # one of two becomes the only one


def test_a_stand_in_who_is_also_a_contact_is_found_as_written_whatever_the_case() -> None:
    assert stand_in_conflicts(("U1", "Anna@Malmo.se"), ("anna@malmo.se", "U2", "U1")) == ("anna@malmo.se", "U1")
    assert stand_in_conflicts(("U1",), ("U2",)) == ()
