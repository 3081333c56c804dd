"""A preliminary answer and the board's final one: the planned date, the grace after it in working days."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.adapters.calendar_se import SwedishCalendar
from bot.core.domain.audit import AuditAction
from bot.core.domain.calendar import WeekendCalendar
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.recipient import Recipient
from bot.core.domain.reminders import (
    AFTER_PRELIMINARY,
    Decision,
    PlannedReminder,
    ReminderKind,
    ReminderPolicy,
    plan_reminders,
    should_send,
)
from bot.core.domain.remiss import (
    Answer,
    AnswerRules,
    Position,
    Remiss,
    ResponseContent,
    ResponseKind,
)
from tests.domain.samples import DEADLINE, T0, recipient, sent_remiss

# STK-2023-137: deadline Thursday 30 November 2023, the board meets Thursday 7 December.
BOARD = date(2023, 12, 7)
RULES = AnswerRules(SwedishCalendar(), 10)


def preliminary(planned: date | None = BOARD) -> ResponseContent:
    return ResponseContent(
        kind=ResponseKind.PRELIMINARY, answers=(Answer(1, "Preliminärt: vi tillstyrker"),), planned_board_date=planned
    )


def final(kind: ResponseKind = ResponseKind.YTTRANDE) -> ResponseContent:
    return ResponseContent(
        kind=kind,
        answers=(Answer(1, "Nämnden tillstyrker", Position.TILLSTYRKER),),
        meeting_date=BOARD if kind is ResponseKind.YTTRANDE else None,
        paragraph="§ 123" if kind is ResponseKind.YTTRANDE else "",
        decided_by="Ordföranden" if kind is ResponseKind.DELEGATION else "",
    )


def test_a_planned_board_date_in_the_past_is_refused_naming_the_field() -> None:
    remiss, r = sent_remiss(), recipient()
    with pytest.raises(DomainError) as refused:
        r.submit(remiss, preliminary(date(2023, 11, 27)), "UANNA", T0, date(2023, 11, 28), RULES)
    assert refused.value.code is ErrorCode.PLANNED_DATE_IN_PAST
    assert refused.value.field == "planned_board_date"
    assert r.responses == []


def test_a_planned_board_date_today_is_accepted() -> None:
    remiss, r = sent_remiss(), recipient()
    entry = r.submit(remiss, preliminary(date(2023, 11, 28)), "UANNA", T0, date(2023, 11, 28), RULES)
    assert entry.details_dict["after_deadline"] == "False"


def test_a_planned_board_date_after_the_deadline_is_accepted_and_the_entry_says_so() -> None:
    remiss, r = sent_remiss(), recipient()
    entry = r.submit(remiss, preliminary(), "UANNA", T0, date(2023, 11, 28), RULES)
    assert entry.details_dict["after_deadline"] == "True"
    assert entry.details_dict["planned"] == "2023-12-07"
    assert r.is_preliminary() and r.planned_board_date == BOARD


def test_the_final_answer_is_taken_after_the_deadline_and_both_versions_are_kept() -> None:
    remiss, r = sent_remiss(), recipient()
    r.submit(remiss, preliminary(), "UANNA", T0, date(2023, 11, 28), RULES)
    entry = r.submit(remiss, final(), "UANNA", T0, date(2023, 12, 8), RULES)
    assert entry.action is AuditAction.EDITED
    assert entry.details_dict["final"] == "True"
    assert [v.kind for v in r.responses] == [ResponseKind.PRELIMINARY, ResponseKind.YTTRANDE]
    assert not r.is_preliminary()
    # Once final, the answer is closed like any other after the deadline.
    with pytest.raises(DomainError) as refused:
        r.submit(remiss, final(ResponseKind.DELEGATION), "UANNA", T0, date(2023, 12, 9), RULES)
    assert refused.value.code is ErrorCode.DEADLINE_PASSED


def test_the_final_answer_is_due_the_planned_date_plus_the_grace_in_working_days() -> None:
    remiss, r = sent_remiss(), recipient()
    r.submit(remiss, preliminary(), "UANNA", T0, date(2023, 11, 28), RULES)
    # 7 December + 10 working days: 8, 11–15, 18–21 December.
    assert r.final_answer_due(RULES) == date(2023, 12, 21)
    assert r.changes_until(RULES) == date(2023, 12, 21)
    done = r.submit(remiss, final(ResponseKind.DELEGATION), "UANNA", T0, date(2023, 12, 21), RULES)
    assert done.details_dict["final"] == "True"


def test_the_grace_skips_swedish_holidays() -> None:
    remiss, r = sent_remiss(), recipient()
    r.submit(remiss, preliminary(date(2023, 12, 20)), "UANNA", T0, date(2023, 11, 28), RULES)
    three = replace(RULES, final_grace_days=3)
    # 21, 22 and then 27 December: the weekend, juldagen and annandag jul are not working days.
    assert r.final_answer_due(three) == date(2023, 12, 27)
    assert r.final_answer_due(AnswerRules(WeekendCalendar(), 3)) == date(2023, 12, 25)


def test_a_final_answer_after_the_grace_is_refused_saying_until_when() -> None:
    remiss, r = sent_remiss(), recipient()
    r.submit(remiss, preliminary(), "UANNA", T0, date(2023, 11, 28), RULES)
    with pytest.raises(DomainError) as refused:
        r.submit(remiss, final(), "UANNA", T0, date(2023, 12, 22), RULES)
    assert refused.value.code is ErrorCode.FINAL_ANSWER_TOO_LATE
    assert refused.value.params["due"] == date(2023, 12, 21)
    assert refused.value.params["contact"] == "Mia Idestrom"
    assert [v.kind for v in r.responses] == [ResponseKind.PRELIMINARY]


def test_after_the_deadline_only_a_final_answer_replaces_a_preliminary_one() -> None:
    remiss, r = sent_remiss(), recipient()
    r.submit(remiss, preliminary(), "UANNA", T0, date(2023, 11, 28), RULES)
    with pytest.raises(DomainError) as refused:
        r.submit(remiss, preliminary(date(2023, 12, 14)), "UANNA", T0, date(2023, 12, 8), RULES)
    assert refused.value.code is ErrorCode.FINAL_ANSWER_EXPECTED
    # Before the deadline a preliminary answer may still be changed, also to another planned date.
    r.submit(remiss, preliminary(date(2023, 12, 14)), "UANNA", T0, date(2023, 11, 29), RULES)
    assert r.planned_board_date == date(2023, 12, 14)


def test_the_final_answer_is_never_due_before_the_deadline() -> None:
    remiss, r = sent_remiss(), recipient()
    r.submit(remiss, preliminary(date(2023, 11, 1)), "UANNA", T0, date(2023, 10, 30), RULES)
    assert r.final_answer_due(AnswerRules(WeekendCalendar(), 0)) == DEADLINE
    r.submit(remiss, final(), "UANNA", T0, date(2023, 11, 2), RULES)
    assert r.final_answer_due(RULES) is None and r.changes_until(RULES) == DEADLINE


def test_a_late_first_answer_still_counts_as_late_but_an_edit_after_the_deadline_is_refused() -> None:
    remiss, r = sent_remiss(), recipient()
    r.submit(remiss, final(), "UANNA", T0, DEADLINE + timedelta(days=1), RULES)
    with pytest.raises(DomainError) as refused:
        r.submit(remiss, final(), "UANNA", T0, DEADLINE + timedelta(days=2), RULES)
    assert refused.value.code is ErrorCode.DEADLINE_PASSED


# -- the reminders after the planned board meeting -------------------------------------------------------
TZ = ZoneInfo("Europe/Stockholm")
POLICY = ReminderPolicy()


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=TZ).astimezone(UTC)


def after_preliminary(planned: date = BOARD) -> tuple[Remiss, Recipient]:
    remiss, r = sent_remiss(), recipient()
    r.submit(remiss, preliminary(planned), "UANNA", T0, date(2023, 11, 28), RULES)
    return remiss, r


def final_plan(remiss: Remiss, r: Recipient, policy: ReminderPolicy = POLICY) -> list[PlannedReminder]:
    planned = plan_reminders(remiss, r, sent_on=T0.date(), policy=policy, calendar=SwedishCalendar(), tz=TZ)
    return [p for p in planned if p.kind in AFTER_PRELIMINARY]


def test_the_final_is_asked_for_the_working_day_after_the_board_and_then_escalated() -> None:
    remiss, r = after_preliminary()
    found = final_plan(remiss, r)
    assert [(p.kind, p.to, p.local_date, p.due_at) for p in found] == [
        (ReminderKind.FINAL_ANSWER, "recipient", date(2023, 12, 8), at(date(2023, 12, 8))),
        (ReminderKind.FINAL_ESCALATION, "coordinator", date(2023, 12, 11), at(date(2023, 12, 11))),
    ]
    assert {p.deadline for p in found} == {BOARD}


def test_a_board_meeting_before_a_holiday_is_followed_up_after_it() -> None:
    # A meeting on Friday 22 December 2023: the weekend, juldagen and annandag jul pass before the reminder.
    remiss, r = after_preliminary(date(2023, 12, 22))
    assert [p.local_date for p in final_plan(remiss, r)] == [date(2023, 12, 27), date(2023, 12, 28)]


def test_no_final_reminders_without_a_preliminary_answer_or_when_escalation_is_off() -> None:
    remiss, r = sent_remiss(), recipient()
    assert final_plan(remiss, r) == []
    remiss, r = after_preliminary()
    assert [p.kind for p in final_plan(remiss, r, ReminderPolicy(escalate_after=None))] == [ReminderKind.FINAL_ANSWER]


def test_the_final_reminder_goes_while_the_answer_is_preliminary_and_stops_when_the_final_comes() -> None:
    remiss, r = after_preliminary()
    reminder = final_plan(remiss, r)[0]

    def decide() -> Decision:
        now = at(date(2023, 12, 8))
        return should_send(
            reminder, r, now=now, tz=TZ, policy=ReminderPolicy(), calendar=SwedishCalendar(), remiss=remiss
        )

    assert decide() is Decision.SEND
    r.submit(remiss, final(), "UANNA", T0, date(2023, 12, 7), RULES)
    assert decide() is Decision.SKIP_ANSWERED


def test_a_final_reminder_for_another_planned_date_is_superseded() -> None:
    remiss, r = after_preliminary()
    reminder = final_plan(remiss, r)[0]
    r.submit(remiss, preliminary(date(2023, 12, 14)), "UANNA", T0, date(2023, 11, 29), RULES)
    decision = should_send(
        reminder, r, now=at(date(2023, 12, 8)), tz=TZ, policy=ReminderPolicy(), calendar=SwedishCalendar()
    )
    assert decision is Decision.SKIP_SUPERSEDED


def test_the_final_is_overdue_the_day_after_the_board() -> None:
    _, r = after_preliminary()
    assert not r.final_overdue(BOARD)
    assert r.final_overdue(BOARD + timedelta(days=1))
