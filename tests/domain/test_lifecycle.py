"""Avsluta, återöppna, återkalla: the transitions and every refusal (issue 13, items 1 and 8)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from bot.core.domain import lifecycle
from bot.core.domain.audit import AuditAction
from bot.core.domain.calendar import WeekendCalendar, add_working_days
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.remiss import AnswerRules, RemissStatus, ResponseContent, ResponseKind
from tests.domain.samples import T0, make_remiss, recipient, sent_remiss
from tests.domain.test_remiss import yttrande

LATER = T0 + timedelta(days=60)


def refusal(call: object, *args: object) -> DomainError:
    with pytest.raises(DomainError) as refused:
        call(*args)  # type: ignore[operator]
    return refused.value


def test_closing_records_who_and_when_and_a_second_close_says_when_and_by_whom() -> None:
    remiss = sent_remiss()
    entry = lifecycle.close(remiss, "UCOORD", LATER)
    assert remiss.status is RemissStatus.CLOSED and remiss.closed_at == LATER and remiss.closed_by == "UCOORD"
    assert entry.action is AuditAction.CLOSED and entry.actor == "UCOORD"
    again = refusal(lifecycle.close, remiss, "UOTHER", LATER + timedelta(hours=1))
    assert again.code is ErrorCode.ALREADY_CLOSED
    assert again.params == {"case_number": remiss.case_number, "at": LATER, "by": "UCOORD"}
    assert remiss.closed_by == "UCOORD"  # nothing changed


def test_a_draft_cannot_be_closed_or_reopened_but_can_be_withdrawn() -> None:
    draft = make_remiss()
    assert refusal(lifecycle.close, draft, "UCOORD", LATER).code is ErrorCode.CLOSE_DRAFT
    assert refusal(lifecycle.reopen, draft, "UCOORD", LATER).code is ErrorCode.NOT_CLOSED
    entry = lifecycle.withdraw(draft, "Fel underlag", "UCOORD", LATER)
    assert draft.status is RemissStatus.WITHDRAWN and entry.details_dict == {"reason": "Fel underlag", "was": "draft"}


def test_reopening_undoes_closing_and_is_audited_with_what_it_undid() -> None:
    remiss = sent_remiss()
    lifecycle.close(remiss, "system", LATER)
    entry = lifecycle.reopen(remiss, "UCOORD", LATER + timedelta(days=1))
    assert remiss.status is RemissStatus.SENT and remiss.closed_at is None and remiss.closed_by == ""
    assert entry.action is AuditAction.REOPENED and entry.details_dict["closed_by"] == "system"
    assert refusal(lifecycle.reopen, remiss, "UCOORD", LATER).code is ErrorCode.NOT_CLOSED


def test_a_withdrawn_remiss_cannot_be_reopened_closed_or_withdrawn_again() -> None:
    remiss = sent_remiss()
    lifecycle.withdraw(remiss, "Ärendet är avskrivet", "UCOORD", LATER)
    assert remiss.withdrawn_reason == "Ärendet är avskrivet"
    for call, args in (
        (lifecycle.reopen, (remiss, "UCOORD", LATER)),
        (lifecycle.close, (remiss, "UCOORD", LATER)),
        (lifecycle.withdraw, (remiss, "igen", "UCOORD", LATER)),
    ):
        refused = refusal(call, *args)
        assert refused.code is ErrorCode.REMISS_WITHDRAWN
        assert refused.params["reason"] == "Ärendet är avskrivet"


def test_withdrawing_needs_a_reason_and_a_closed_remiss_is_refused_until_reopened() -> None:
    remiss = sent_remiss()
    empty = refusal(lifecycle.withdraw, remiss, "   ", "UCOORD", LATER)
    assert empty.code is ErrorCode.FIELD_REQUIRED and empty.field == "reason"
    assert refusal(lifecycle.withdraw, remiss, "x" * 1001, "UCOORD", LATER).code is ErrorCode.FIELD_TOO_LONG
    lifecycle.close(remiss, "UCOORD", LATER)
    assert refusal(lifecycle.withdraw, remiss, "Fel", "UCOORD", LATER).code is ErrorCode.WITHDRAW_CLOSED
    lifecycle.reopen(remiss, "UCOORD", LATER)
    lifecycle.withdraw(remiss, "Fel", "UCOORD", LATER)
    assert remiss.status is RemissStatus.WITHDRAWN


def test_auto_close_counts_working_days_from_the_last_deadline_anstand_included() -> None:
    remiss, late, early = sent_remiss(), recipient("a"), recipient("b")
    late.extend(remiss, date(2023, 12, 8), "UCOORD", T0)  # a Friday
    rules = AnswerRules(WeekendCalendar())
    assert lifecycle.last_deadline(remiss, [late, early]) == date(2023, 12, 8)
    assert lifecycle.auto_close_on(remiss, [late, early], rules, 10) == date(2023, 12, 22)
    assert lifecycle.auto_close_on(remiss, [early], rules, 1) == date(2023, 12, 1)
    assert lifecycle.auto_close_on(remiss, [early], rules, 0) is None  # "av": never
    # Reopened after that day: counted from the reopening, not closed again the next morning.
    assert lifecycle.auto_close_on(remiss, [early], rules, 1, reopened_on=date(2024, 1, 22)) == date(2024, 1, 23)
    lifecycle.close(remiss, "UCOORD", LATER)
    assert lifecycle.auto_close_on(remiss, [early], rules, 10) is None  # closed already


def test_auto_close_waits_for_a_preliminary_answers_final_one() -> None:
    remiss, waiting = sent_remiss(), recipient("a")
    answered = yttrande(*(f"Svar {q.number}" for q in remiss.questions))
    preliminary = replace(
        answered, kind=ResponseKind.PRELIMINARY, planned_board_date=date(2024, 1, 25), meeting_date=None, paragraph=""
    )
    waiting.submit(remiss, preliminary, "UA", T0, T0.date(), AnswerRules(WeekendCalendar()))
    rules = AnswerRules(WeekendCalendar())
    due = waiting.final_answer_due(rules)
    assert due is not None and due > remiss.deadline
    assert lifecycle.last_deadline(remiss, [waiting], rules) == due
    assert lifecycle.auto_close_on(remiss, [waiting], rules, 1) == add_working_days(WeekendCalendar(), due, 1)


def test_an_answer_after_closing_is_stored_marked_and_a_decline_too() -> None:
    remiss, answering, declining = sent_remiss(), recipient("a"), recipient("b")
    lifecycle.close(remiss, "UCOORD", LATER)
    content = ResponseContent(kind=ResponseKind.PRELIMINARY, planned_board_date=date(2024, 3, 1))
    answering.save_draft(remiss, content, "UANNA", LATER)  # work in progress is kept after closing too
    entry = answering.submit(remiss, yttrande("Sent svar"), "UANNA", LATER, date(2023, 12, 20))
    assert entry.details_dict["after_close"] == "True" and entry.details_dict["late"] == "True"
    assert answering.current_response is not None and answering.current_response.after_close
    declined = declining.decline(remiss, "Ingen tid", "UANNA", LATER)
    assert declined.details_dict["after_close"] == "True"
    lifecycle.reopen(remiss, "UCOORD", LATER)
    edited = answering.submit(remiss, yttrande("Svar i tid"), "UANNA", T0, date(2023, 11, 1))
    assert "after_close" not in edited.details_dict and answering.responses[0].after_close  # the mark stays


def test_closing_does_not_reopen_an_answer_given_in_time_for_changes_after_the_deadline() -> None:
    remiss, answered = sent_remiss(), recipient("a")
    answered.submit(remiss, yttrande("I tid"), "UANNA", T0, T0.date())
    lifecycle.close(remiss, "UCOORD", LATER)
    refused = refusal(answered.submit, remiss, yttrande("Ändrat efteråt"), "UANNA", LATER, date(2023, 12, 20))
    assert refused.code is ErrorCode.DEADLINE_PASSED
    assert [r.version for r in answered.responses] == [1]
