"""DeliveryUseCases: the courier's protocol. Claim what to send, read what a message needs as it is now, and
record what became of it (sent, retried, undeliverable); the same for each remiss's status message."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.core.domain.audit import AuditAction
from bot.core.domain.outbox import MAX_ATTEMPTS, DeliveryState, MessageKind, OutboxMessage
from bot.core.usecases import UseCases
from devtools.clocks import FakeClock
from tests.service.support import COORDINATOR, coordinator, delegation, sent, stk_2023_137


def claimed(service: UseCases, kind: MessageKind) -> list[OutboxMessage]:
    return [m for m in service.delivery.claim_outgoing(100) if m.kind is kind]


def state_of(service: UseCases, key: str) -> OutboxMessage:
    with service.store.read() as repo:
        return next(m for m in repo.outbox.messages_for("STK-2023-137") if m.key == key)


def test_each_message_is_claimed_by_one_sender_until_its_lease_runs_out(service: UseCases, clock: FakeClock) -> None:
    sent(service)
    first = service.delivery.claim_outgoing(100)
    assert {m.kind for m in first} == {MessageKind.REMISS, MessageKind.STATUS_EVENT}
    assert service.delivery.claim_outgoing(100) == []
    clock.advance(timedelta(minutes=2))
    assert {m.key for m in service.delivery.claim_outgoing(100)} == {m.key for m in first}


def test_a_remiss_dm_is_rendered_from_the_state_as_it_is_when_sent(service: UseCases) -> None:
    sent(service)
    message = next(m for m in claimed(service, MessageKind.REMISS) if m.to_user == "UTN1")
    service.answering.record_opened(service.actor("UTN1"), "STK-2023-137", "tekniska-namnden")
    delivery = service.delivery.delivery(message)
    assert (delivery.remiss.case_number, delivery.sender_name, delivery.organisation and delivery.organisation.key) == (
        "STK-2023-137",
        "Stadskontoret",
        "tekniska-namnden",
    )
    assert delivery.recipient is not None and delivery.recipient.opened_at is not None
    assert delivery.status is not None and delivery.status.channel == COORDINATOR


def test_a_sent_message_is_found_again_by_where_it_is_in_slack(service: UseCases) -> None:
    sent(service)
    message = next(m for m in claimed(service, MessageKind.REMISS) if m.to_user == "UMKB2")
    service.delivery.outgoing_sent(message, "DMKB2", "1700000000.000200")
    assert state_of(service, message.key).state is DeliveryState.SENT
    assert service.delivery.recipient_of_message("DMKB2", "1700000000.000200") == ("STK-2023-137", "mkb")
    assert service.delivery.recipient_of_message("DMKB2", "1700000000.999999") is None


def test_the_last_answers_line_in_the_thread_offers_the_summary(service: UseCases) -> None:
    service.drafting.create_draft(coordinator(service), stk_2023_137(["mkb"]))
    service.drafting.send(coordinator(service), "STK-2023-137")
    service.delivery.claim_outgoing(100)
    service.answering.submit(service.actor("UMKB1"), "STK-2023-137", "mkb", delegation("Svar"))
    (line,) = claimed(service, MessageKind.STATUS_EVENT)
    service.delivery.outgoing_sent(line, "CCOORD", "1700000001.000100")
    (offer,) = claimed(service, MessageKind.SUMMARY_READY)
    assert service.delivery.delivery(offer).recipients_answered


def test_each_answers_line_in_the_thread_is_rendered_with_its_own_event(service: UseCases) -> None:
    service.drafting.create_draft(coordinator(service), stk_2023_137(["mkb", "tekniska-namnden"]))
    service.drafting.send(coordinator(service), "STK-2023-137")
    service.delivery.claim_outgoing(100)
    service.answering.submit(service.actor("UMKB1"), "STK-2023-137", "mkb", delegation("Svar"))
    service.answering.submit(service.actor("UTN1"), "STK-2023-137", "tekniska-namnden", delegation("Svar"))

    lines = claimed(service, MessageKind.STATUS_EVENT)
    events = [service.delivery.delivery(line).event for line in lines]

    assert [(e.action, e.actor, e.organisation_key) for e in events if e is not None] == [
        (AuditAction.SUBMITTED, "UMKB1", "mkb"),
        (AuditAction.SUBMITTED, "UTN1", "tekniska-namnden"),
    ]
    assert [line.audit_id for line in lines] == [e.id for e in events if e is not None]


def test_a_failed_send_is_tried_again_later_and_given_up_after_the_last_attempt(
    service: UseCases, clock: FakeClock
) -> None:
    sent(service)
    message = next(m for m in claimed(service, MessageKind.REMISS) if m.to_user == "UTN1")
    service.delivery.outgoing_retry(message, "timeout", after=None, uncertain=True)
    retried = state_of(service, message.key)
    assert (retried.state, retried.attempts, retried.uncertain) == (DeliveryState.PENDING, 1, True)
    assert retried.next_attempt_at == clock.now() + timedelta(seconds=5)
    service.delivery.outgoing_retry(replace(retried, attempts=MAX_ATTEMPTS - 1), "timeout", after=None, uncertain=False)
    assert state_of(service, message.key).state is DeliveryState.FAILED


def test_a_person_slack_refuses_is_recorded_and_the_coordinator_told(service: UseCases) -> None:
    sent(service)
    message = next(m for m in claimed(service, MessageKind.REMISS) if m.to_user == "UANNA")
    service.delivery.outgoing_undeliverable(message, "user_not_found", unreachable=True)
    assert state_of(service, message.key).state is DeliveryState.UNREACHABLE
    lost = [e for e in service.queries.audit_trail("STK-2023-137") if e.action is AuditAction.UNREACHABLE]
    assert [(e.organisation_key, e.details_dict.get("user")) for e in lost][-1] == ("miljonamnden", "UANNA")


def test_the_status_message_is_claimed_rendered_or_released_for_the_next_round(
    service: UseCases, clock: FakeClock
) -> None:
    sent(service)
    (board,) = service.delivery.claim_status_boards()
    assert (board.case_number, board.stale) == ("STK-2023-137", True)
    assert service.delivery.claim_status_boards() == []
    service.delivery.release_status(board)
    (again,) = service.delivery.claim_status_boards()
    service.delivery.status_rendered(again, "1700000000.000300")
    assert service.delivery.claim_status_boards() == []
    with service.store.read() as repo:
        shown = repo.outbox.get_status("STK-2023-137")
    assert shown is not None and (shown.ts, shown.stale) == ("1700000000.000300", False)


def test_an_answer_just_after_an_edit_waits_out_the_interval_and_the_courier_is_told_how_long(
    service: UseCases, clock: FakeClock
) -> None:
    assert service.config.status_edit_interval == timedelta(seconds=10)  # the default, as deployed
    sent(service)
    (board,) = service.delivery.claim_status_boards()
    service.delivery.status_rendered(board, "1700000000.000300")
    assert service.delivery.until_next_status_edit() is None  # up to date
    clock.advance(timedelta(seconds=3))
    service.answering.submit(service.actor("UMKB2"), "STK-2023-137", "mkb", delegation("Vi tillstyrker."))

    assert service.delivery.claim_status_boards() == []
    assert service.delivery.until_next_status_edit() == timedelta(seconds=7)
    clock.advance(timedelta(seconds=7))
    (due,) = service.delivery.claim_status_boards()
    assert due.stale and due.rendered_at == clock.now() - timedelta(seconds=10)
