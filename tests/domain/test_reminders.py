"""The reminder plan on the real Swedish calendar, walked with a fake clock, and the decision at sending time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.adapters.calendar_se import SwedishCalendar
from bot.core.domain.calendar import analyse_window
from bot.core.domain.recipient import Recipient
from bot.core.domain.reminders import (
    Decision,
    MeetingAdvice,
    MeetingAlternative,
    PlannedReminder,
    PolicyError,
    ReminderKind,
    ReminderPolicy,
    meeting_advice,
    missing_for,
    plan_reminders,
    should_send,
    snooze_day,
)
from bot.core.domain.remiss import (
    Answer,
    Remiss,
    ResponseContent,
    ResponseKind,
)
from devtools.clocks import FakeClock
from tests.domain import samples

TZ = ZoneInfo("Europe/Stockholm")
CAL = SwedishCalendar()
POLICY = ReminderPolicy()
CASE = "STK-2023-137"
ORG = "tekniska-namnden"
SENT_ON = date(2023, 10, 2)
DEADLINE = date(2023, 11, 30)

K = ReminderKind
# STK-2023-137, sent Monday 2 October 2023, due Thursday 30 November 2023. Alla helgons dag (4 November) is a
# Saturday, so November loses no working day. Summer time ends on 29 October: 09:00 is 07:00 UTC before
# and 08:00 UTC after.
WALK = [
    (K.NUDGE_UNOPENED, "recipient", datetime(2023, 10, 5, 7, 0, tzinfo=UTC), 40),
    (K.BEFORE_DEADLINE, "recipient", datetime(2023, 11, 16, 8, 0, tzinfo=UTC), 10),
    (K.BEFORE_DEADLINE, "recipient", datetime(2023, 11, 23, 8, 0, tzinfo=UTC), 5),
    (K.BEFORE_DEADLINE, "recipient", datetime(2023, 11, 28, 8, 0, tzinfo=UTC), 2),
    (K.DEADLINE_MORNING, "recipient", datetime(2023, 11, 30, 8, 0, tzinfo=UTC), 0),
    (K.OVERDUE, "recipient", datetime(2023, 12, 1, 8, 0, tzinfo=UTC), -1),
    (K.ESCALATION, "coordinator", datetime(2023, 12, 4, 8, 0, tzinfo=UTC), -2),
]


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A Stockholm wall time as the aware UTC instant the clock holds."""
    return datetime(year, month, day, hour, minute, tzinfo=TZ).astimezone(UTC)


def make_remiss(deadline: date = DEADLINE, sent_on: date = SENT_ON) -> Remiss:
    created_at = at(sent_on.year, sent_on.month, sent_on.day, 8)
    remiss = samples.make_remiss(case_number=CASE, deadline=deadline, created_at=created_at, today=sent_on)
    remiss.mark_sent(at(sent_on.year, sent_on.month, sent_on.day, 10))
    return remiss


def make_recipient(remiss: Remiss) -> Recipient:
    return Recipient(remiss.case_number, ORG, ("UANNA",), remiss.deadline)


def plan(
    remiss: Remiss,
    recipient: Recipient,
    sent_on: date = SENT_ON,
    *,
    meetings: tuple[date, ...] = (),
    submission_lead_days: int | None = None,
    snoozed_to: tuple[date, ...] = (),
) -> list[PlannedReminder]:
    return plan_reminders(
        remiss,
        recipient,
        sent_on=sent_on,
        policy=POLICY,
        calendar=CAL,
        tz=TZ,
        meetings=meetings,
        submission_lead_days=submission_lead_days,
        snoozed_to=snoozed_to,
    )


def answers(*texts: str) -> ResponseContent:
    return ResponseContent(
        kind=ResponseKind.YTTRANDE,
        answers=tuple(Answer(i, t) for i, t in enumerate(texts, start=1) if t),
        meeting_date=date(2023, 11, 16),
        paragraph="§ 312",
    )


def decide(reminder: PlannedReminder, recipient: Recipient, now: datetime, remiss: Remiss | None = None) -> Decision:
    return should_send(reminder, recipient, now=now, tz=TZ, policy=POLICY, calendar=CAL, remiss=remiss)


def walk(
    reminders: list[PlannedReminder],
    recipient: Recipient,
    *,
    start: datetime,
    end: datetime,
    events: dict[datetime, Callable[[datetime], object]] | None = None,
) -> tuple[list[tuple[ReminderKind, str, datetime]], dict[str, Decision]]:
    """Run the clock in quarter hours as the periodic sender job would, applying events when their time comes.

    Returns what was sent (kind, to, local time) and every reminder's final decision.
    """
    clock = FakeClock(start)
    pending = {r.key: r for r in reminders}
    final: dict[str, Decision] = {}
    sent: list[tuple[ReminderKind, str, datetime]] = []
    events = dict(events or {})
    while clock.now() <= end:
        now = clock.now()
        for when in sorted(w for w in events if w <= now):
            events.pop(when)(when)
        for key, reminder in list(pending.items()):
            decision = decide(reminder, recipient, now)
            if decision is Decision.SEND:
                sent.append((reminder.kind, reminder.to, now.astimezone(TZ).replace(tzinfo=None)))
            if decision.is_final:
                final[key] = decision
                del pending[key]
        clock.advance(timedelta(minutes=15))
    return sent, final


# -- the walk of STK-2023-137 ----------------------------------------------------------------------------
def test_stk_2023_137_plans_every_reminder_on_its_working_day_at_nine_local_time_across_the_dst_change() -> None:
    remiss = make_remiss()
    reminders = plan(remiss, make_recipient(remiss))
    assert [(r.kind, r.to, r.due_at, r.working_days_left) for r in reminders] == WALK
    assert [r.local_date for r in reminders] == [
        date(2023, 10, 5),  # Thursday: 3 working days after Monday 2 October
        date(2023, 11, 16),
        date(2023, 11, 23),
        date(2023, 11, 28),
        date(2023, 11, 30),
        date(2023, 12, 1),  # Friday
        date(2023, 12, 4),  # Monday
    ]
    assert {r.due_at.astimezone(TZ).time() for r in reminders} == {time(9, 0)}
    assert all(r.deadline == DEADLINE and r.meeting is None for r in reminders)
    assert reminders[1].key == "reminder:STK-2023-137:tekniska-namnden:before_deadline:2023-11-16"


def test_walking_the_clock_from_sending_to_4_december_sends_each_reminder_once_at_nine() -> None:
    remiss = make_remiss()
    recipient = make_recipient(remiss)
    sent, final = walk(plan(remiss, recipient), recipient, start=at(2023, 10, 2, 0), end=at(2023, 12, 4, 23, 45))
    assert sent == [(kind, to, due.astimezone(TZ).replace(tzinfo=None)) for kind, to, due, _ in WALK]
    assert set(final.values()) == {Decision.SEND}


def test_an_opened_remiss_gets_no_nudge_and_an_answer_stops_every_later_reminder() -> None:
    remiss = make_remiss()
    recipient = make_recipient(remiss)
    events: dict[datetime, Callable[[datetime], object]] = {
        at(2023, 10, 3, 14): lambda when: recipient.open(remiss, "UANNA", when),
        # A minute before the 23 November reminder is claimed.
        at(2023, 11, 23, 8, 59): lambda when: recipient.submit(
            remiss, answers("a", "b", "c", "d"), "UANNA", when, when.date()
        ),
    }
    sent, final = walk(
        plan(remiss, recipient), recipient, start=at(2023, 10, 2, 0), end=at(2023, 12, 4, 23, 45), events=events
    )
    assert sent == [(K.BEFORE_DEADLINE, "recipient", datetime(2023, 11, 16, 9, 0))]
    assert sorted(final.values()) == sorted([Decision.SKIP_OPENED, Decision.SEND] + [Decision.SKIP_ANSWERED] * 5)


def test_a_decline_stops_reminders_and_the_escalation_too() -> None:
    remiss = make_remiss()
    recipient = make_recipient(remiss)
    events: dict[datetime, Callable[[datetime], object]] = {
        at(2023, 12, 1, 15): lambda when: recipient.decline(remiss, "Berör inte nämnden", "UANNA", when),
    }
    sent, _ = walk(
        plan(remiss, recipient), recipient, start=at(2023, 11, 29, 0), end=at(2023, 12, 4, 23, 45), events=events
    )
    assert [kind for kind, _, _ in sent] == [K.DEADLINE_MORNING, K.OVERDUE]


# -- daylight saving, midsommar, Christmas ---------------------------------------------------------------
def test_a_deadline_after_the_october_change_keeps_nine_local_time_on_both_sides() -> None:
    remiss = make_remiss(deadline=date(2023, 10, 30), sent_on=date(2023, 10, 9))
    reminders = plan(remiss, make_recipient(remiss), sent_on=date(2023, 10, 9))
    assert [(r.kind, r.due_at) for r in reminders] == [
        (K.NUDGE_UNOPENED, datetime(2023, 10, 12, 7, 0, tzinfo=UTC)),
        (K.BEFORE_DEADLINE, datetime(2023, 10, 16, 7, 0, tzinfo=UTC)),
        (K.BEFORE_DEADLINE, datetime(2023, 10, 23, 7, 0, tzinfo=UTC)),
        (K.BEFORE_DEADLINE, datetime(2023, 10, 26, 7, 0, tzinfo=UTC)),
        (K.DEADLINE_MORNING, datetime(2023, 10, 30, 8, 0, tzinfo=UTC)),
        (K.OVERDUE, datetime(2023, 10, 31, 8, 0, tzinfo=UTC)),
        (K.ESCALATION, datetime(2023, 11, 1, 8, 0, tzinfo=UTC)),
    ]
    report = analyse_window(CAL, date(2023, 10, 9), date(2023, 10, 30))
    assert report.working_days == 15
    assert not report.needs_warning


@pytest.mark.parametrize(
    ("sent_on", "deadline", "report_fields", "expected"),
    [
        pytest.param(
            date(2024, 6, 18),
            date(2024, 6, 28),
            {"working_days": 7, "short": True, "spans_summer": False},
            # The 10-days-before reminder would be 13 June, before the remiss was sent: not planned.
            [
                (K.BEFORE_DEADLINE, date(2024, 6, 20), 5),
                (K.NUDGE_UNOPENED, date(2024, 6, 24), 4),  # 19, 20, (midsommarafton 21), 24 June
                (K.BEFORE_DEADLINE, date(2024, 6, 26), 2),
                (K.DEADLINE_MORNING, date(2024, 6, 28), 0),
                (K.OVERDUE, date(2024, 7, 1), -1),
                (K.ESCALATION, date(2024, 7, 2), -2),
            ],
            id="a_remiss_sent_just_before_midsommar_is_short_and_its_reminders_skip_midsommarafton",
        ),
        pytest.param(
            date(2024, 6, 3),
            date(2024, 6, 21),
            # nationaldagen 6 June and midsommarafton don't count
            {"deadline_is_working_day": False, "deadline_holiday": "Midsommarafton", "working_days": 12},
            [
                (K.BEFORE_DEADLINE, date(2024, 6, 5), 10),
                (K.NUDGE_UNOPENED, date(2024, 6, 7), 9),  # 4, 5, (nationaldagen 6), 7 June
                (K.BEFORE_DEADLINE, date(2024, 6, 13), 5),
                (K.BEFORE_DEADLINE, date(2024, 6, 18), 2),
                (K.DEADLINE_MORNING, date(2024, 6, 20), 0),
                (K.OVERDUE, date(2024, 6, 24), -1),
                (K.ESCALATION, date(2024, 6, 25), -2),
            ],
            id="a_deadline_on_midsommarafton_is_flagged_and_its_last_reminders_go_on_the_day_before",
        ),
    ],
)
def test_a_window_around_midsommar_is_reported_and_its_reminders_skip_the_holidays(
    sent_on: date, deadline: date, report_fields: dict[str, object], expected: list[tuple[K, date, int]]
) -> None:
    report = analyse_window(CAL, sent_on, deadline)
    assert {name: getattr(report, name) for name in report_fields} == report_fields
    remiss = make_remiss(deadline=deadline, sent_on=sent_on)
    reminders = plan(remiss, make_recipient(remiss), sent_on=sent_on)
    assert [(r.kind, r.local_date, r.working_days_left) for r in reminders] == expected


def test_a_remiss_over_christmas_has_only_14_working_days_and_no_reminder_on_a_holiday() -> None:
    sent_on, deadline = date(2023, 12, 18), date(2024, 1, 10)
    report = analyse_window(CAL, sent_on, deadline)
    assert (report.working_days, report.short, report.spans_christmas) == (14, True, True)
    remiss = make_remiss(deadline=deadline, sent_on=sent_on)
    reminders = plan(remiss, make_recipient(remiss), sent_on=sent_on)
    assert [(r.kind, r.local_date) for r in reminders] == [
        (K.NUDGE_UNOPENED, date(2023, 12, 21)),
        (K.BEFORE_DEADLINE, date(2023, 12, 22)),  # 10 working days: back over nyårsdagen and annandag jul
        (K.BEFORE_DEADLINE, date(2024, 1, 3)),
        (K.BEFORE_DEADLINE, date(2024, 1, 8)),
        (K.DEADLINE_MORNING, date(2024, 1, 10)),
        (K.OVERDUE, date(2024, 1, 11)),
        (K.ESCALATION, date(2024, 1, 12)),
    ]
    assert all(CAL.is_working_day(r.local_date) for r in reminders)


def test_stk_2023_137_window_has_43_working_days_and_no_warning() -> None:
    report = analyse_window(CAL, SENT_ON, DEADLINE)
    assert report.working_days == 43
    assert not report.needs_warning


# -- planning rules ---------------------------------------------------------------------------------------
def test_two_reminders_on_one_day_become_the_more_urgent_one() -> None:
    remiss = make_remiss(deadline=date(2023, 10, 19))
    reminders = plan(remiss, make_recipient(remiss))
    # The nudge and "10 working days left" both fall on Thursday 5 October.
    assert [(r.kind, r.local_date) for r in reminders if r.local_date == date(2023, 10, 5)] == [
        (K.BEFORE_DEADLINE, date(2023, 10, 5))
    ]


def test_no_reminder_on_the_day_the_remiss_is_sent_nor_before_it() -> None:
    sent_on = date(2023, 11, 28)
    remiss = make_remiss(sent_on=sent_on)
    reminders = plan(remiss, make_recipient(remiss), sent_on=sent_on)
    # "2 days left" would be 28 November itself; the nudge (3 working days on) would be after the deadline.
    assert [(r.kind, r.local_date) for r in reminders] == [
        (K.DEADLINE_MORNING, date(2023, 11, 30)),
        (K.OVERDUE, date(2023, 12, 1)),
        (K.ESCALATION, date(2023, 12, 4)),
    ]


def test_a_policy_of_its_own_changes_the_plan() -> None:
    remiss = make_remiss()
    policy = ReminderPolicy(
        nudge_unopened_after=None, before_deadline=(3,), on_deadline_morning=False, send_at=time(13, 30)
    )
    reminders = plan_reminders(remiss, make_recipient(remiss), sent_on=SENT_ON, policy=policy, calendar=CAL, tz=TZ)
    assert [(r.kind, r.due_at.astimezone(TZ).replace(tzinfo=None)) for r in reminders] == [
        (K.BEFORE_DEADLINE, datetime(2023, 11, 27, 13, 30)),
        (K.OVERDUE, datetime(2023, 12, 1, 13, 30)),
        (K.ESCALATION, datetime(2023, 12, 4, 13, 30)),
    ]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"send_at": time(18, 0)},
        {"send_at": time(7, 0)},
        {"office_hours": (time(17, 0), time(8, 0))},
        {"before_deadline": (5, 0)},
        {"overdue_after": 0},
    ],
)
def test_a_policy_that_could_never_send_or_counts_zero_days_is_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(PolicyError, match=r"outside_office_hours|hours_order|not_days"):
        ReminderPolicy(**kwargs)  # type: ignore[arg-type]


def test_an_extension_in_the_middle_replans_to_the_new_deadline_and_the_old_reminders_are_stale() -> None:
    remiss = make_remiss()
    recipient = make_recipient(remiss)
    before = plan(remiss, recipient)
    recipient.extend(remiss, date(2023, 12, 14), "UCOORD", at(2023, 11, 20, 11), "Nämnden sammanträder 12 dec")
    after = plan(remiss, recipient)
    assert [(r.kind, r.local_date, r.working_days_left) for r in after] == [
        (K.NUDGE_UNOPENED, date(2023, 10, 5), 50),
        (K.BEFORE_DEADLINE, date(2023, 11, 30), 10),
        (K.BEFORE_DEADLINE, date(2023, 12, 7), 5),
        (K.BEFORE_DEADLINE, date(2023, 12, 12), 2),
        (K.DEADLINE_MORNING, date(2023, 12, 14), 0),
        (K.OVERDUE, date(2023, 12, 15), -1),
        (K.ESCALATION, date(2023, 12, 18), -2),
    ]
    assert {r.key for r in before} & {r.key for r in after} == {before[0].key}
    old_23_november = before[2]
    assert decide(old_23_november, recipient, at(2023, 11, 23)) is Decision.SKIP_SUPERSEDED
    assert decide(after[1], recipient, at(2023, 11, 30)) is Decision.SEND


def test_a_snooze_comes_back_on_the_next_working_day_or_the_date_asked_for() -> None:
    assert snooze_day(date(2023, 11, 16), CAL) == date(2023, 11, 17)
    assert snooze_day(date(2023, 11, 17), CAL) == date(2023, 11, 20)
    assert snooze_day(date(2024, 6, 20), CAL) == date(2024, 6, 24)
    assert snooze_day(date(2023, 11, 16), CAL, until=date(2023, 11, 18)) == date(2023, 11, 20)
    assert snooze_day(date(2023, 11, 16), CAL, until=date(2023, 11, 22)) == date(2023, 11, 22)
    assert snooze_day(date(2023, 11, 16), CAL, until=date(2023, 11, 16)) == date(2023, 11, 17)


def test_a_snoozed_reminder_joins_the_plan_unless_a_planned_one_falls_on_that_day() -> None:
    remiss = make_remiss()
    reminders = plan(remiss, make_recipient(remiss), snoozed_to=(date(2023, 11, 17), date(2023, 11, 23)))
    assert [(r.kind, r.local_date) for r in reminders if date(2023, 11, 16) <= r.local_date <= date(2023, 11, 23)] == [
        (K.BEFORE_DEADLINE, date(2023, 11, 16)),
        (K.SNOOZED, date(2023, 11, 17)),
        (K.BEFORE_DEADLINE, date(2023, 11, 23)),
    ]


# -- the decision at sending time ----------------------------------------------------------------------------
def reminder_on_16_november() -> tuple[Remiss, Recipient, PlannedReminder]:
    remiss = make_remiss()
    recipient = make_recipient(remiss)
    return remiss, recipient, plan(remiss, recipient)[1]


def test_an_answer_a_minute_before_the_reminder_is_claimed_means_no_reminder() -> None:
    remiss, recipient, reminder = reminder_on_16_november()
    recipient.submit(remiss, answers("a", "b", "c", "d"), "UANNA", at(2023, 11, 16, 8, 59), date(2023, 11, 16))
    assert decide(reminder, recipient, at(2023, 11, 16, 9, 0)) is Decision.SKIP_ANSWERED


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at(2023, 11, 16, 7, 0), Decision.WAIT),  # a restart before the reminder's time: not due yet
        (at(2023, 11, 16, 8, 59), Decision.WAIT),
        (at(2023, 11, 16, 9, 0), Decision.SEND),
        (at(2023, 11, 16, 10, 30), Decision.SEND),  # a restart the same morning: sent late
        (at(2023, 11, 16, 16, 59), Decision.SEND),
        (at(2023, 11, 16, 17, 0), Decision.SKIP_MISSED),  # office hours are over: not at night, not tomorrow
        (at(2023, 11, 16, 22, 0), Decision.SKIP_MISSED),
        (at(2023, 11, 17, 8, 0), Decision.SKIP_MISSED),  # a restart the next day
    ],
)
def test_a_reminder_goes_late_on_its_own_day_in_office_hours_and_never_after(now: datetime, expected: Decision) -> None:
    _, recipient, reminder = reminder_on_16_november()
    assert decide(reminder, recipient, now) is expected


def test_after_an_outage_the_missed_reminders_are_skipped_and_only_todays_goes() -> None:
    remiss = make_remiss()
    recipient = make_recipient(remiss)
    reminders = plan(remiss, recipient)
    # Down from Wednesday 22 November at noon to Tuesday 28 November at 10:30.
    decisions = {r.local_date: decide(r, recipient, at(2023, 11, 28, 10, 30)) for r in reminders}
    assert decisions == {
        date(2023, 10, 5): Decision.SKIP_MISSED,
        date(2023, 11, 16): Decision.SKIP_MISSED,
        date(2023, 11, 23): Decision.SKIP_MISSED,
        date(2023, 11, 28): Decision.SEND,
        date(2023, 11, 30): Decision.WAIT,
        date(2023, 12, 1): Decision.WAIT,
        date(2023, 12, 4): Decision.WAIT,
    }


def test_the_nudge_is_skipped_once_the_remiss_has_been_opened() -> None:
    remiss = make_remiss()
    recipient = make_recipient(remiss)
    nudge = plan(remiss, recipient)[0]
    assert decide(nudge, recipient, at(2023, 10, 5)) is Decision.SEND
    recipient.open(remiss, "UANNA", at(2023, 10, 4, 15))
    assert decide(nudge, recipient, at(2023, 10, 5)) is Decision.SKIP_OPENED


def test_the_escalation_is_skipped_for_a_recipient_who_answered_late() -> None:
    remiss = make_remiss()
    recipient = make_recipient(remiss)
    escalation = plan(remiss, recipient)[-1]
    assert (escalation.to, escalation.escalation_group) == ("coordinator", "escalation:STK-2023-137:2023-12-04")
    assert decide(escalation, recipient, at(2023, 12, 4)) is Decision.SEND
    recipient.submit(remiss, answers("a"), "UANNA", at(2023, 12, 1, 16), date(2023, 12, 1))
    assert decide(escalation, recipient, at(2023, 12, 4)) is Decision.SKIP_ANSWERED


def test_nothing_is_sent_about_a_withdrawn_remiss() -> None:
    remiss, recipient, reminder = reminder_on_16_november()
    remiss.withdraw(at(2023, 11, 10, 12))
    assert decide(reminder, recipient, at(2023, 11, 16), remiss=remiss) is Decision.SKIP_CLOSED


# -- board meetings ------------------------------------------------------------------------------------------
MEETINGS = (date(2023, 10, 19), date(2023, 11, 16))


def test_the_last_meeting_before_the_deadline_and_its_submission_day_16_november_ready_2_november() -> None:
    advice = meeting_advice(MEETINGS, 14, sent_on=SENT_ON, deadline=DEADLINE, calendar=CAL)
    assert advice == MeetingAdvice(meeting=date(2023, 11, 16), submission_date=date(2023, 11, 2), no_meeting_fits=False)
    assert advice.alternatives == ()


def test_a_submission_day_on_a_weekend_moves_back_to_the_working_day_before() -> None:
    # Monday 20 November minus 16 days is Saturday 4 November (Alla helgons dag).
    advice = meeting_advice((date(2023, 11, 20),), 16, sent_on=SENT_ON, deadline=DEADLINE, calendar=CAL)
    assert advice is not None and advice.submission_date == date(2023, 11, 3)


def test_a_meeting_on_the_deadline_day_fits_and_one_after_it_does_not_count() -> None:
    advice = meeting_advice(
        (date(2023, 11, 30), date(2023, 12, 7)), None, sent_on=SENT_ON, deadline=DEADLINE, calendar=CAL
    )
    assert advice == MeetingAdvice(meeting=date(2023, 11, 30), submission_date=None, no_meeting_fits=False)


@pytest.mark.parametrize(
    ("meetings", "sent_on", "expected"),
    [
        ((date(2023, 12, 7),), SENT_ON, MeetingAdvice(None, None, no_meeting_fits=True)),
        # The last meeting is 19 October; its submission day, 5 October, passed before sending on 9 October.
        (
            (date(2023, 10, 19), date(2023, 12, 7)),
            date(2023, 10, 9),
            MeetingAdvice(date(2023, 10, 19), date(2023, 10, 5), True),
        ),
        # Nothing can be made ready on the very day the remiss arrives.
        ((date(2023, 10, 19),), date(2023, 10, 5), MeetingAdvice(date(2023, 10, 19), date(2023, 10, 5), True)),
    ],
)
def test_no_meeting_fits_when_none_is_before_the_deadline_or_its_submission_day_has_passed(
    meetings: tuple[date, ...], sent_on: date, expected: MeetingAdvice
) -> None:
    advice = meeting_advice(meetings, 14, sent_on=sent_on, deadline=DEADLINE, calendar=CAL)
    assert advice == expected
    assert advice.alternatives == (
        MeetingAlternative.DELEGATION,
        MeetingAlternative.PRELIMINARY,
        MeetingAlternative.EXTENSION,
    )


def test_an_organisation_without_meeting_dates_gets_no_advice() -> None:
    assert meeting_advice((), 14, sent_on=SENT_ON, deadline=DEADLINE, calendar=CAL) is None


def test_reminders_to_a_board_name_its_meeting_up_to_the_deadline() -> None:
    remiss = make_remiss()
    reminders = plan(remiss, make_recipient(remiss), meetings=MEETINGS, submission_lead_days=14)
    advice = MeetingAdvice(date(2023, 11, 16), date(2023, 11, 2), no_meeting_fits=False)
    assert [(r.kind, r.meeting) for r in reminders] == [
        (K.NUDGE_UNOPENED, advice),
        # Two working days before the inlämningsdag (2 November): 31 October.
        (K.BEFORE_SUBMISSION, advice),
        (K.BEFORE_DEADLINE, advice),
        (K.BEFORE_DEADLINE, advice),
        (K.BEFORE_DEADLINE, advice),
        (K.DEADLINE_MORNING, advice),
        (K.OVERDUE, None),
        (K.ESCALATION, None),
    ]


def test_when_no_meeting_fits_the_nudge_and_the_first_reminder_after_it_suggest_the_alternatives() -> None:
    remiss = make_remiss()
    reminders = plan(remiss, make_recipient(remiss), meetings=(date(2023, 12, 7),), submission_lead_days=14)
    carrying = [(r.kind, r.local_date) for r in reminders if r.meeting is not None and r.meeting.alternatives]
    assert carrying == [(K.NUDGE_UNOPENED, date(2023, 10, 5)), (K.BEFORE_DEADLINE, date(2023, 11, 16))]


# -- what is missing ----------------------------------------------------------------------------------------
def test_missing_questions_come_from_the_draft_and_are_all_of_them_without_one() -> None:
    remiss = make_remiss()
    recipient = make_recipient(remiss)
    assert missing_for(recipient, remiss) == [1, 2, 3, 4]
    recipient.save_draft(remiss, answers("Ja", "Nej"), "UANNA", at(2023, 11, 10, 14))
    assert missing_for(recipient, remiss) == [3, 4]
    recipient.submit(remiss, answers("Ja", "Nej", "", ""), "UANNA", at(2023, 11, 20, 14), date(2023, 11, 20))
    assert missing_for(recipient, remiss) == []
