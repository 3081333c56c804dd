"""An organisation late in its last two remisses gets its first reminder earlier: the rule over its past answers,
and the plan it changes (opt-in: REMISSBOT_EARLY_REMINDER_FOR_LATE_ORGS)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from bot.core.domain.answer_history import PastAnswer, Timeliness, late_in_last_remisses, latest
from bot.core.domain.reminders import EARLIER_LATE_HISTORY, PolicyError, ReminderKind, ReminderPolicy, plan_reminders
from tests.domain.test_reminders import CAL, SENT_ON, TZ, make_recipient, make_remiss

TODAY = date(2023, 10, 2)


def past(case: str, deadline: date, answered: datetime | None, *, closed: bool = True) -> PastAnswer:
    return PastAnswer(case, deadline, answered, closed=closed)


ON_TIME = past("A-1", date(2023, 3, 15), datetime(2023, 3, 15, 22, 30, tzinfo=UTC))  # 23.30 in Stockholm: that day
LATE = past("A-2", date(2023, 5, 10), datetime(2023, 5, 10, 22, 30, tzinfo=UTC))  # 00.30 the day after
MISSING = past("A-3", date(2023, 6, 14), None)


def test_an_answer_counts_as_late_by_the_stockholm_day_it_came_and_no_answer_as_missing() -> None:
    assert ON_TIME.timeliness(TZ) is Timeliness.ON_TIME
    assert LATE.timeliness(TZ) is Timeliness.LATE
    assert MISSING.timeliness(TZ) is Timeliness.MISSING


@pytest.mark.parametrize(
    ("history", "expected"),
    [
        ([ON_TIME, LATE, MISSING], True),  # the last two: late, then none at all
        ([LATE, MISSING, replace(ON_TIME, deadline=date(2023, 9, 1))], False),  # the latest was on time
        ([MISSING, LATE, ON_TIME], True),  # the order given does not matter: by deadline
        ([LATE], False),  # one remiss is no habit yet
        ([], False),
        ([ON_TIME, ON_TIME], False),
    ],
)
def test_late_in_its_last_two_remisses(history: list[PastAnswer], expected: bool) -> None:
    assert late_in_last_remisses(history, TODAY, TZ) is expected


def test_only_remisses_that_are_over_count_a_sent_one_still_open_does_not() -> None:
    still_open = past("A-4", date(2023, 10, 20), None, closed=False)  # its deadline has not come: not missing yet
    passed = past("A-5", date(2023, 9, 29), None, closed=False)  # sent, past its deadline, not closed: counts
    closed_early = past("A-6", date(2023, 12, 1), None, closed=True)  # closed before its deadline: counts
    assert latest([ON_TIME, LATE, still_open], TODAY) == [LATE, ON_TIME]
    assert late_in_last_remisses([ON_TIME, LATE, still_open], TODAY, TZ) is False
    assert late_in_last_remisses([ON_TIME, LATE, passed], TODAY, TZ) is True
    assert latest([ON_TIME, closed_early, passed], TODAY) == [closed_early, passed]


EARLY = ReminderPolicy(earlier_for_late=3)


def before_deadline(policy: ReminderPolicy, *, late: bool, sent_on: date = SENT_ON) -> list[tuple[date, int, str]]:
    remiss = make_remiss(sent_on=sent_on)
    planned = plan_reminders(
        remiss, make_recipient(remiss), sent_on=sent_on, policy=policy, calendar=CAL, tz=TZ, late_history=late
    )
    return [(r.local_date, r.working_days_left, r.because) for r in planned if r.kind is ReminderKind.BEFORE_DEADLINE]


def test_an_often_late_organisations_first_reminder_comes_three_working_days_earlier_and_says_why() -> None:
    usual = [(date(2023, 11, 16), 10, ""), (date(2023, 11, 23), 5, ""), (date(2023, 11, 28), 2, "")]
    assert before_deadline(ReminderPolicy(), late=False) == usual
    assert before_deadline(EARLY, late=False) == usual
    assert before_deadline(ReminderPolicy(), late=True) == usual, "off by default: a late history changes nothing"
    assert before_deadline(EARLY, late=True) == [
        (date(2023, 11, 13), 13, EARLIER_LATE_HISTORY),
        (date(2023, 11, 23), 5, ""),
        (date(2023, 11, 28), 2, ""),
    ]


def test_the_earlier_reminder_is_left_out_when_it_would_come_before_the_remiss() -> None:
    # Sent on 14 November: 13 working days before 30 November is 13 November, before it was sent.
    assert before_deadline(EARLY, late=True, sent_on=date(2023, 11, 14)) == [
        (date(2023, 11, 16), 10, ""),
        (date(2023, 11, 23), 5, ""),
        (date(2023, 11, 28), 2, ""),
    ]


def test_the_number_of_days_earlier_is_a_number_of_working_days() -> None:
    with pytest.raises(PolicyError):
        ReminderPolicy(earlier_for_late=0)
