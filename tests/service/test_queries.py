"""QueryUseCases: the status table, the open remisses, what a user has to answer, the audit trail (Historik),
monitoring's gauges."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.core.clock import STOCKHOLM
from bot.core.domain.audit import AuditAction
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.outbox import DeliveryState, MessageKind
from bot.core.domain.remiss import RecipientStatus, RemissStatus
from bot.core.ports.store import Store
from bot.core.usecases import UseCases
from bot.core.usecases.results import Gauges, RemissInput
from devtools.clocks import FakeClock
from tests.service.support import (
    CASE,
    START,
    RecordingUsers,
    coordinator,
    delegation,
    fresh,
    sent,
    stk_2023_137,
)
from tests.summary import round as summary_round


def test_the_to_answer_list_shows_my_open_remisses_with_days_left(service: UseCases) -> None:
    sent(service)
    rows = service.queries.assignments(service.actor("UMKB2"))
    assert [(r.remiss.case_number, r.organisation.key, r.days_left) for r in rows] == [("STK-2023-137", "mkb", 59)]
    assert service.queries.assignments(service.actor("UNOBODY")) == []


def test_the_deadline_day_ends_at_midnight_in_stockholm(service: UseCases, clock: FakeClock) -> None:
    sent(service)
    clock.set(datetime(2023, 11, 30, 22, 59, tzinfo=UTC))  # 23:59 in Stockholm
    assert service.queries.overview("STK-2023-137").counts[RecipientStatus.OVERDUE] == 0
    clock.set(datetime(2023, 11, 30, 23, 0, tzinfo=UTC))  # midnight in Stockholm
    assert service.queries.overview("STK-2023-137").counts[RecipientStatus.OVERDUE] == 4


def test_a_case_number_typed_with_extra_spaces_shows_the_remiss_with_every_recipient(service: UseCases) -> None:
    sent(service)
    as_typed = service.queries.overview("  STK-2023-137 ")
    assert as_typed.remiss.case_number == "STK-2023-137"
    assert as_typed == service.queries.overview("STK-2023-137")
    assert len(as_typed.rows) == 4


def test_the_open_remisses_are_the_sent_ones_soonest_deadline_first(service: UseCases) -> None:
    service.drafting.create_draft(coordinator(service), stk_2023_137())
    assert service.queries.open_remisses() == []
    service.drafting.send(coordinator(service), "STK-2023-137")
    later = RemissInput(
        **{**stk_2023_137(["mkb"]).__dict__, "case_number": "STK-2023-140", "deadline": date(2023, 12, 20)}
    )
    earlier = RemissInput(**{**later.__dict__, "case_number": "STK-2023-141", "deadline": date(2023, 10, 20)})
    for data in (later, earlier):
        service.drafting.create_draft(coordinator(service), data)
        service.drafting.send(coordinator(service), data.case_number)
    found = service.queries.open_remisses()
    assert [o.remiss.case_number for o in found] == ["STK-2023-141", "STK-2023-137", "STK-2023-140"]
    assert [len(o.rows) for o in found] == [1, 4, 1]


def test_the_audit_trail_of_an_unknown_remiss_is_refused(service: UseCases) -> None:
    with pytest.raises(DomainError) as unknown:
        service.queries.audit_trail("STK-2023-999")
    assert unknown.value.code is ErrorCode.UNKNOWN_REMISS


def test_the_case_record_holds_the_remiss_every_recipient_with_its_versions_and_the_directory() -> None:
    found = summary_round.stk_2023_137()  # the summary tests' round: every kind of answer, with versions
    case = summary_round.round_service(found).queries.case_record(summary_round.CASE_NUMBER)

    assert case.remiss.case_number == summary_round.CASE_NUMBER
    assert sorted(r.organisation_key for r in case.recipients) == sorted(r.organisation_key for r in found.recipients)
    assert sum(len(r.responses) for r in case.recipients) == sum(len(r.responses) for r in found.recipients)
    assert case.directory.get("stadskontoret") is not None


def test_the_case_record_of_an_unknown_remiss_is_refused(service: UseCases) -> None:
    with pytest.raises(DomainError) as refused:
        service.queries.case_record("STK-1999-1")
    assert refused.value.code is ErrorCode.UNKNOWN_REMISS


def test_the_gauges_count_the_unsent_messages_by_state_and_how_long_the_oldest_due_one_waited(
    store: Store, clock: FakeClock, users: RecordingUsers
) -> None:
    service = fresh(clock, users, store)
    service.drafting.create_draft(coordinator(service), stk_2023_137())
    assert service.queries.gauges() == Gauges({}, 0.0, 0.0, 0)  # a draft is not open and has sent nothing

    service.drafting.send(coordinator(service), CASE)
    clock.advance(timedelta(seconds=90))
    # Five remiss DMs and two status lines (the remiss sent; Kulturnämnden has no contact), due since sending.
    assert service.queries.gauges() == Gauges({DeliveryState.PENDING: 7}, 90.0, 0.0, 1)

    claimed = {(m.kind, m.to_user): m for m in service.delivery.claim_outgoing(limit=10)}
    service.delivery.outgoing_sent(claimed[MessageKind.REMISS, "UTN1"], "DTN1", "1696230090.000100")
    service.delivery.outgoing_undeliverable(claimed[MessageKind.REMISS, "UMKB2"], "user_not_found", unreachable=True)
    clock.advance(timedelta(seconds=30))
    # The sent one is no longer counted; the coordinator's line about the unreachable one waits 30 s.
    assert service.queries.gauges() == Gauges(
        {DeliveryState.SENDING: 5, DeliveryState.UNREACHABLE: 1, DeliveryState.PENDING: 1}, 30.0, 0.0, 1
    )


def test_the_gauges_say_how_long_a_due_reminder_waited_and_a_closed_remiss_is_not_open(
    store: Store, clock: FakeClock, users: RecordingUsers
) -> None:
    service = fresh(clock, users, store)
    sent(service)
    for message in service.delivery.claim_outgoing(limit=10):
        service.delivery.outgoing_sent(message, "D1", message.key)
    clock.set(datetime(2023, 10, 5, 9, 10, tzinfo=STOCKHOLM))  # the nudges were due at 09:00
    assert service.queries.gauges() == Gauges({}, 0.0, 600.0, 1)

    service.reminding.remind()  # the nudges settled: five messages and the coordinator's digest, due at once
    assert service.queries.gauges() == Gauges({DeliveryState.PENDING: 6}, 0.0, 0.0, 1)

    service.lifecycle.close(coordinator(service), CASE)
    assert service.queries.gauges().open_remisses == 0


def test_the_audit_record_is_the_whole_trail_oldest_first_with_the_remiss_and_the_directory(
    store: Store, clock: FakeClock, users: RecordingUsers
) -> None:
    service = fresh(clock, users, store)
    sent(service)
    clock.advance(timedelta(hours=1))
    service.answering.submit(service.actor("UTN1"), CASE, "tekniska-namnden", delegation("Ja."))

    record = service.queries.audit_record(CASE)

    assert record.remiss.case_number == CASE and record.remiss.status is RemissStatus.SENT
    assert [(e.action, e.organisation_key, e.at) for e in record.entries] == [
        (AuditAction.CREATED, None, START),
        (AuditAction.SENT, None, START),
        (AuditAction.UNREACHABLE, "kulturnamnden", START),  # no contact to send it to
        (AuditAction.SUBMITTED, "tekniska-namnden", START + timedelta(hours=1)),
    ]
    assert record.directory.require("tekniska-namnden").name == "Tekniska nämnden"  # names the organisations
    with pytest.raises(DomainError) as unknown:
        service.queries.audit_record("STK-2023-999")
    assert unknown.value.code is ErrorCode.UNKNOWN_REMISS


def test_historik_shows_a_coordinator_the_audit_record_and_refuses_anyone_else(
    store: Store, clock: FakeClock, users: RecordingUsers
) -> None:
    service = fresh(clock, users, store)
    sent(service)
    service.answering.decline(service.actor("UANNA"), CASE, "miljonamnden", "Berörs inte")

    trail = service.queries.history(coordinator(service), CASE)

    assert trail == service.queries.audit_record(CASE)
    assert trail.entries[-1].action is AuditAction.DECLINED
    for official in ("UANNA", "UTN1"):
        with pytest.raises(DomainError) as refused:
            service.queries.history(service.actor(official), CASE)
        assert refused.value.code is ErrorCode.NOT_COORDINATOR
    with pytest.raises(DomainError) as unknown:
        service.queries.history(coordinator(service), "STK-2023-999")
    assert unknown.value.code is ErrorCode.UNKNOWN_REMISS
