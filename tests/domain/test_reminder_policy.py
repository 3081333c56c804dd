"""A remiss's own reminder settings over the global policy, and the next moment anyone may be pinged."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.adapters.calendar_se import SwedishCalendar
from bot.core.domain.calendar import next_office_time
from bot.core.domain.reminders import ReminderPolicy, policy_overrides, policy_with

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def test_a_remiss_policy_changes_only_what_it_names_and_round_trips() -> None:
    base = ReminderPolicy()
    own = policy_with(base, {"send_at": "09:30", "before_deadline": [2, 10, 5, 5], "nudge_unopened_after": None})
    assert own.send_at == time(9, 30)
    assert own.before_deadline == (10, 5, 2)
    assert own.nudge_unopened_after is None
    assert own.overdue_after == base.overdue_after
    assert policy_with(base, policy_overrides(own, base)) == own
    assert policy_overrides(base, base) == {}


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"send_at": "nio"}, "not_time"),
        ({"before_deadline": 5}, "not_list"),
        ({"overdue_after": 0}, "not_days"),
        ({"colour": "red"}, "unknown_setting"),
        ({"send_at": "18:00"}, "outside_office_hours"),
    ],
)
def test_unusable_settings_are_refused_naming_the_problem(overrides: dict[str, object], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        policy_with(ReminderPolicy(), overrides)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # Within office hours: now.
        (datetime(2023, 11, 22, 10, 0, tzinfo=STOCKHOLM), datetime(2023, 11, 22, 10, 0, tzinfo=STOCKHOLM)),
        # Early morning: 08:00 the same day.
        (datetime(2023, 11, 22, 6, 30, tzinfo=STOCKHOLM), datetime(2023, 11, 22, 8, 0, tzinfo=STOCKHOLM)),
        # Friday evening: Monday 08:00.
        (datetime(2023, 11, 24, 17, 0, tzinfo=STOCKHOLM), datetime(2023, 11, 27, 8, 0, tzinfo=STOCKHOLM)),
        # Lillejulafton evening: julafton, juldagen, annandag jul and the weekend are off; Wednesday 27th.
        (datetime(2023, 12, 23, 12, 0, tzinfo=STOCKHOLM), datetime(2023, 12, 27, 8, 0, tzinfo=STOCKHOLM)),
    ],
)
def test_the_next_office_time_skips_evenings_weekends_and_holidays(moment: datetime, expected: datetime) -> None:
    found = next_office_time(moment, STOCKHOLM, (time(8, 0), time(17, 0)), SwedishCalendar())
    assert found == expected
    assert found.tzinfo == UTC


def test_a_board_is_reminded_two_working_days_before_its_inlamningsdag() -> None:
    from datetime import date

    from bot.core.domain.recipient import Recipient
    from bot.core.domain.reminders import ReminderKind, plan_reminders
    from bot.core.domain.remiss import QuestionKind
    from tests.domain.samples import make_remiss

    remiss = make_remiss(
        coordinators=("UMIA",), contact="", questions=[("Fråga?", QuestionKind.FREE_TEXT)], created_by="UMIA"
    )
    recipient = Recipient(
        case_number=remiss.case_number,
        organisation_key="tekniska-namnden",
        officials=("UTN1",),
        remiss_deadline=remiss.deadline,
    )

    def plan(policy: ReminderPolicy, meetings: tuple[date, ...] = (date(2023, 11, 16),)) -> dict[date, str]:
        found = plan_reminders(
            remiss,
            recipient,
            sent_on=date(2023, 10, 2),
            policy=policy,
            calendar=SwedishCalendar(),
            tz=STOCKHOLM,
            meetings=meetings,
            submission_lead_days=14,
        )
        return {r.local_date: r.kind.value for r in found}

    # Meeting 16 November, ready 14 days before: 2 November; two working days before that: 31 October.
    days = plan(ReminderPolicy())
    assert days[date(2023, 10, 31)] == ReminderKind.BEFORE_SUBMISSION.value
    assert plan(ReminderPolicy(before_submission=None)).get(date(2023, 10, 31)) is None
    # No meeting fits (the only one is after the deadline): no inlämningsdag reminder, the advice says why.
    assert ReminderKind.BEFORE_SUBMISSION.value not in plan(ReminderPolicy(), (date(2023, 12, 14),)).values()
