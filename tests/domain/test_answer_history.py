"""An organisation late in its last two remisses gets its first reminder earlier: the rule over its past remisses,
judged as the statistics judge them (statistics.judge), and the plan it changes (opt-in:
REMISSBOT_EARLY_REMINDER_FOR_LATE_ORGS)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from bot.core.domain.answer_history import late_in_last_remisses, late_organisations, latest
from bot.core.domain.reminders import EARLIER_LATE_HISTORY, PolicyError, ReminderKind, ReminderPolicy, plan_reminders
from bot.core.domain.remiss import RemissStatus, ResponseKind
from bot.core.domain.statistics import Outcome, RecipientHistory, VersionFact, judge
from tests.domain.test_reminders import CAL, SENT_ON, TZ, make_recipient, make_remiss

TODAY = date(2023, 10, 2)
YTTRANDE, DELEGATION, PRELIMINARY, DECLINED = (
    ResponseKind.YTTRANDE,
    ResponseKind.DELEGATION,
    ResponseKind.PRELIMINARY,
    ResponseKind.DECLINED,
)


def past(
    case: str,
    deadline: date,
    *versions: tuple[ResponseKind, datetime],
    closed: bool = True,
) -> RecipientHistory:
    """An organisation in remiss `case` (sent in January), due `deadline`, with these answers."""
    return RecipientHistory(
        case_number=case,
        organisation_key="mkb",
        sender_key="stadskontoret",
        status=RemissStatus.CLOSED if closed else RemissStatus.SENT,
        sent_at=datetime(2023, 1, 9, 9, 0, tzinfo=UTC),
        remiss_deadline=deadline,
        versions=tuple(VersionFact(n, kind, at) for n, (kind, at) in enumerate(versions, start=1)),
    )


def late(histories: list[RecipientHistory]) -> bool:
    return late_in_last_remisses(histories, calendar=CAL, tz=TZ, today=TODAY)


ON_TIME = past("A-1", date(2023, 3, 15), (YTTRANDE, datetime(2023, 3, 15, 22, 30, tzinfo=UTC)))  # 23.30 that day
LATE = past("A-2", date(2023, 5, 10), (DELEGATION, datetime(2023, 5, 10, 22, 30, tzinfo=UTC)))  # 00.30 the day after
MISSING = past("A-3", date(2023, 6, 14))


def test_the_rule_judges_as_the_statistics_do_by_the_stockholm_day_the_final_answer_came() -> None:
    assert [judge(h, CAL, TZ, TODAY).outcome for h in (ON_TIME, LATE, MISSING)] == [
        Outcome.ON_TIME,
        Outcome.LATE,
        Outcome.NO_ANSWER,
    ]


@pytest.mark.parametrize(
    ("history", "expected"),
    [
        ([ON_TIME, LATE, MISSING], True),  # the last two: late, then none at all
        ([LATE, MISSING, replace(ON_TIME, remiss_deadline=date(2023, 9, 1))], False),  # the latest was on time
        ([MISSING, LATE, ON_TIME], True),  # the order given does not matter: by deadline
        ([LATE], False),  # one remiss is no habit yet
        ([], False),
        ([ON_TIME, ON_TIME], False),
    ],
)
def test_late_in_its_last_two_remisses(history: list[RecipientHistory], expected: bool) -> None:
    assert late(history) is expected


def test_only_remisses_that_are_over_count_a_sent_one_still_open_does_not() -> None:
    still_open = past("A-4", date(2023, 10, 20), closed=False)  # its deadline has not come: not missing yet
    passed = past("A-5", date(2023, 9, 29), closed=False)  # sent, past its deadline, not closed: counts
    closed_early = past("A-6", date(2023, 12, 1), closed=True)  # closed before its deadline: counts
    assert latest([ON_TIME, LATE, still_open], TODAY) == [LATE, ON_TIME]
    assert late([ON_TIME, LATE, still_open]) is False
    assert late([ON_TIME, LATE, passed]) is True
    assert latest([ON_TIME, closed_early, passed], TODAY) == [closed_early, passed]


def test_its_own_deadline_counts_an_anstand_makes_a_later_answer_on_time() -> None:
    extended = replace(LATE, extended_to=(date(2023, 5, 24),))
    assert late([MISSING, LATE]) is True
    assert late([MISSING, extended]) is False


def test_a_preliminary_answer_in_time_then_the_final_one_after_the_deadline_is_late_as_in_the_statistics() -> None:
    """The preliminary answer kept the window; the board's yttrande three days after the deadline is what came late.
    Under the first answer's date it would have been on time."""
    deadline = date(2023, 6, 14)
    kept_the_window = past(
        "A-7",
        deadline,
        (PRELIMINARY, datetime(2023, 6, 12, 10, 0, tzinfo=UTC)),
        (YTTRANDE, datetime(2023, 6, 19, 10, 0, tzinfo=UTC)),
    )
    assert judge(kept_the_window, CAL, TZ, TODAY).outcome is Outcome.LATE
    assert late([LATE, kept_the_window]) is True


def test_a_decline_or_a_preliminary_answer_only_is_not_late_whenever_it_came_as_the_statistics_judge_them() -> None:
    """The statistics count a decline as its own outcome, and a preliminary answer as waiting for the board's."""
    after = datetime(2023, 6, 20, 10, 0, tzinfo=UTC)  # six days after the deadline
    declined_late = past("A-8", date(2023, 6, 14), (DECLINED, after))
    preliminary_late = past("A-8", date(2023, 6, 14), (PRELIMINARY, after))
    assert judge(declined_late, CAL, TZ, TODAY).outcome is Outcome.DECLINED
    assert judge(preliminary_late, CAL, TZ, TODAY).outcome is Outcome.PRELIMINARY
    assert late([LATE, declined_late]) is False
    assert late([LATE, preliminary_late]) is False
    # A withdrawn final answer is no answer: none at all.
    withdrawn = replace(past("A-8", date(2023, 6, 14), (YTTRANDE, after)), withdrawn_version=1)
    assert late([LATE, withdrawn]) is True


def test_the_organisations_late_in_their_last_two_among_several() -> None:
    other = [replace(h, organisation_key="miljonamnden") for h in (ON_TIME, LATE)]
    assert late_organisations([ON_TIME, LATE, MISSING, *other], calendar=CAL, tz=TZ, today=TODAY) == {"mkb"}
    assert late_organisations([], calendar=CAL, tz=TZ, today=TODAY) == frozenset()


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
