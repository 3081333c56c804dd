"""A preliminary answer through the use cases: its final after the deadline, the reminders after the planned
board meeting, the coordinator's "påminn igen", and a final refused as too late kept as the draft."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.core.clock import STOCKHOLM
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.reminders import ReminderKind, ReminderState
from bot.core.domain.remiss import Answer, Position, ResponseContent, ResponseKind
from bot.core.usecases import UseCases
from devtools.clocks import FakeClock
from tests.service import support
from tests.service.support import CASE, coordinator, reminders_sent, walk

clock = support.clock  # the STK round's fixtures: sent 2 October on the Swedish calendar
service = support.service

ORG = "tekniska-namnden"
OFFICIAL = "UTN1"
BOARD = date(2023, 12, 7)


def local(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=STOCKHOLM)


def preliminary(planned: date = BOARD) -> ResponseContent:
    return ResponseContent(
        ResponseKind.PRELIMINARY, (Answer(1, "Preliminärt.", Position.TILLSTYRKER),), planned_board_date=planned
    )


def final() -> ResponseContent:
    answers = (Answer(1, "Nämnden tillstyrker.", Position.TILLSTYRKER),)
    return ResponseContent(ResponseKind.YTTRANDE, answers, meeting_date=BOARD, paragraph="§ 123")


def submit(service: UseCases, content: ResponseContent) -> None:
    service.answering.submit(service.actor(OFFICIAL), CASE, ORG, content)


def planned_final_reminders(service: UseCases) -> list[tuple[ReminderKind, date, ReminderState]]:
    return [
        (row.scheduled.reminder.kind, row.scheduled.reminder.local_date, row.scheduled.state)
        for row in service.reminding.reminder_plan(CASE)
        if row.organisation.key == ORG and row.scheduled.reminder.kind.value.startswith("final")
    ]


def test_a_preliminary_answer_plans_the_reminder_after_the_board_and_the_escalation(
    service: UseCases, clock: FakeClock
) -> None:
    clock.set(local(2023, 11, 28))
    submit(service, preliminary())
    assert planned_final_reminders(service) == [
        (ReminderKind.FINAL_ANSWER, date(2023, 12, 8), ReminderState.PLANNED),
        (ReminderKind.FINAL_ESCALATION, date(2023, 12, 11), ReminderState.PLANNED),
    ]
    walk(service, clock, local(2023, 12, 12, 12))
    assert (date(2023, 12, 8), local(2023, 12, 8, 9).time(), "final_answer") in reminders_sent(service)[f"{ORG}:UTN1"]
    assert [d for d, _, _ in reminders_sent(service)["coordinator"]] == [date(2023, 12, 4), date(2023, 12, 11)]


def test_a_new_planned_date_replans_the_reminders(service: UseCases, clock: FakeClock) -> None:
    clock.set(local(2023, 11, 20))
    submit(service, preliminary())
    submit(service, preliminary(date(2023, 12, 14)))
    planned = [(k, d) for k, d, s in planned_final_reminders(service) if s is ReminderState.PLANNED]
    assert planned == [
        (ReminderKind.FINAL_ANSWER, date(2023, 12, 15)),
        (ReminderKind.FINAL_ESCALATION, date(2023, 12, 18)),
    ]


def test_the_final_after_the_deadline_is_taken_and_recorded_as_the_final(service: UseCases, clock: FakeClock) -> None:
    clock.set(local(2023, 11, 28))
    submit(service, preliminary())
    clock.set(local(2023, 12, 8))
    submit(service, final())
    trail = [e for e in service.queries.audit_trail(CASE) if e.organisation_key == ORG and e.action.value == "edited"]
    assert trail[-1].details_dict["final"] == "True"
    rows = service.queries.overview(CASE).rows
    assert [r.response_kind for r in rows if r.organisation.key == ORG] == [ResponseKind.YTTRANDE]


def test_a_final_after_the_grace_is_refused_and_kept_as_the_draft(service: UseCases, clock: FakeClock) -> None:
    clock.set(local(2023, 11, 28))
    submit(service, preliminary())
    clock.set(local(2023, 12, 22))
    with pytest.raises(DomainError) as refused:
        submit(service, final())
    assert refused.value.code is ErrorCode.FINAL_ANSWER_TOO_LATE
    assert refused.value.params["kept"] is True
    row = service.answering.answer_context(service.actor(OFFICIAL), CASE, ORG)
    assert row.recipient.draft is not None and row.recipient.draft.content == final()
    assert [r.kind for r in row.recipient.responses] == [ResponseKind.PRELIMINARY]


def test_checking_a_final_after_the_grace_refuses_it_but_keeps_no_draft(service: UseCases, clock: FakeClock) -> None:
    clock.set(local(2023, 11, 28))
    submit(service, preliminary())
    clock.set(local(2023, 12, 22))
    with pytest.raises(DomainError) as refused:
        service.answering.check_submission(service.actor(OFFICIAL), CASE, ORG, final())
    assert refused.value.code is ErrorCode.FINAL_ANSWER_TOO_LATE and "kept" not in refused.value.params
    # Only submitting keeps it as the draft (above), with its files: the form checks before it fetches them.
    row = service.answering.answer_context(service.actor(OFFICIAL), CASE, ORG)
    assert row.recipient.draft is None and [r.kind for r in row.recipient.responses] == [ResponseKind.PRELIMINARY]


def test_pamind_igen_reaches_an_official_whose_final_is_missing_and_the_stand_in(
    service: UseCases, clock: FakeClock
) -> None:
    clock.set(local(2023, 11, 28))
    submit(service, preliminary())
    clock.set(local(2023, 12, 11))
    service.reminding.remind_again(coordinator(service), CASE, ORG)
    with service.store.read() as repo:
        again = [m for m in repo.outbox.messages_for(CASE) if m.key.startswith("reminder-again:")]
    assert [m.to_user for m in again] == ["UTN1", "UTNVICE"]
    delivery = service.delivery.delivery(again[0])
    assert delivery.reminder is not None and delivery.reminder.kind is ReminderKind.FINAL_ANSWER
