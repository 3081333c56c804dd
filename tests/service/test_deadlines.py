"""DeadlineUseCases on the STK round: anstånd asked, granted or refused, and the deadline moved for everyone."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.core.clock import STOCKHOLM
from bot.core.domain.audit import AuditAction
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.outbox import MessageKind
from bot.core.domain.reminders import ReminderKind, ReminderState
from bot.core.domain.remiss import RecipientStatus
from bot.core.usecases import UseCases
from devtools.clocks import FakeClock
from tests.service import support
from tests.service.support import (
    CASE,
    COORDINATOR,
    FULL_ROUND,
    NINE,
    coordinator,
    delegation,
    reminders_sent,
    walk,
)

clock = support.clock  # the STK round's fixtures
service = support.service


def test_only_a_coordinator_grants_an_extension_and_it_shows_in_the_overview(
    service: UseCases, clock: FakeClock
) -> None:
    case = "STK-2023-137"
    with pytest.raises(DomainError) as refused:
        service.deadlines.grant_extension(service.actor("UTN1"), case, "tekniska-namnden", date(2023, 12, 14))
    assert refused.value.code is ErrorCode.NOT_COORDINATOR
    service.deadlines.grant_extension(coordinator(service), case, "tekniska-namnden", date(2023, 12, 14), "Nämndmöte")
    clock.set(datetime(2023, 12, 5, 9, 0, tzinfo=UTC))
    rows = {row.organisation.key: row for row in service.queries.overview(case).rows}
    assert rows["tekniska-namnden"].status is RecipientStatus.NOT_OPENED
    assert rows["tekniska-namnden"].recipient.deadline == date(2023, 12, 14)
    assert rows["miljonamnden"].status is RecipientStatus.OVERDUE


def test_an_extension_replans_that_recipient_only(service: UseCases, clock: FakeClock) -> None:
    walk(service, clock, datetime(2023, 11, 22, 12, 0, tzinfo=STOCKHOLM))
    service.deadlines.grant_extension(
        coordinator(service), CASE, "tekniska-namnden", date(2023, 12, 8), "Nämnden 7 dec"
    )
    walk(service, clock, datetime(2023, 12, 12, 17, 30, tzinfo=STOCKHOLM))
    sent = reminders_sent(service)
    assert sent["tekniska-namnden:UTN1"] == [
        (date(2023, 10, 5), NINE, "nudge_unopened"),
        (date(2023, 11, 16), NINE, "before_deadline"),
        # 8 December is the new deadline: 10, 5 and 2 working days before it, its morning, the day after;
        # the old plan's 23 November reminder (5 days before 30 November) is gone.
        (date(2023, 11, 24), NINE, "before_deadline"),
        (date(2023, 12, 1), NINE, "before_deadline"),
        (date(2023, 12, 6), NINE, "before_deadline"),
        (date(2023, 12, 8), NINE, "deadline_morning"),
        (date(2023, 12, 11), NINE, "overdue"),
    ]
    assert sent["miljonamnden:UANNA"] == FULL_ROUND
    with service.store.read() as repo:
        old = [
            s
            for s in repo.reminders.reminders_for(CASE, "tekniska-namnden")
            if s.reminder.local_date == date(2023, 11, 30)
        ]
    assert [(s.state, s.reason) for s in old] == [(ReminderState.CANCELLED, "replanned")]


def test_a_requested_extension_is_granted_once_and_replans(service: UseCases, clock: FakeClock) -> None:
    clock.set(datetime(2023, 11, 20, 10, 0, tzinfo=STOCKHOLM))
    request = service.deadlines.request_extension(
        service.actor("UTN1"), CASE, "tekniska-namnden", date(2023, 12, 14), "Nämnden sammanträder 13 december"
    )
    decided = service.deadlines.decide_extension(
        coordinator(service), request.id or 0, grant=True, deadline=date(2023, 12, 8)
    )
    assert decided.granted_deadline == date(2023, 12, 8)
    with pytest.raises(DomainError) as twice:
        service.deadlines.decide_extension(coordinator(service), request.id or 0, grant=False)
    assert twice.value.code is ErrorCode.REQUEST_ALREADY_DECIDED
    row = next(r for r in service.queries.overview(CASE).rows if r.organisation.key == "tekniska-namnden")
    assert row.recipient.deadline == date(2023, 12, 8)
    with service.store.read() as repo:
        kinds = [m.kind for m in repo.outbox.messages_for(CASE, "tekniska-namnden")]
        planned = [
            s for s in repo.reminders.reminders_for(CASE, "tekniska-namnden") if s.state is ReminderState.PLANNED
        ]
    assert MessageKind.EXTENSION_REQUEST in kinds and MessageKind.EXTENSION_DECIDED in kinds
    assert {s.reminder.deadline for s in planned} == {date(2023, 12, 8)}
    with pytest.raises(DomainError) as earlier:
        service.deadlines.request_extension(service.actor("UANNA"), CASE, "miljonamnden", date(2023, 11, 29))
    assert earlier.value.code is ErrorCode.EXTENSION_NOT_LATER


def test_moving_the_deadline_for_everyone_replans_and_tells_those_who_have_not_answered(
    service: UseCases, clock: FakeClock
) -> None:
    clock.set(datetime(2023, 11, 20, 10, 0, tzinfo=STOCKHOLM))
    service.answering.submit(service.actor("UTN1"), CASE, "tekniska-namnden", delegation("Klart."))
    service.deadlines.change_deadline(coordinator(service), CASE, date(2023, 12, 15), "Fler behöver tid")
    with service.store.read() as repo:
        told = sorted(m.to_user or "" for m in repo.outbox.messages_for(CASE) if m.kind is MessageKind.DEADLINE_CHANGED)
        planned = [s for s in repo.reminders.reminders_for(CASE, "mkb") if s.state is ReminderState.PLANNED]
    assert told == ["UANNA", "UMKB1", "UMKB2"]
    assert {s.reminder.deadline for s in planned} == {date(2023, 12, 15)}
    assert min(s.reminder.local_date for s in planned if s.reminder.kind is ReminderKind.DEADLINE_MORNING) == date(
        2023, 12, 15
    )


def test_a_deadline_moved_in_the_evening_reaches_the_officials_next_working_morning(
    service: UseCases, clock: FakeClock
) -> None:
    clock.set(datetime(2023, 11, 24, 19, 45, tzinfo=STOCKHOLM))  # a Friday evening
    service.deadlines.change_deadline(coordinator(service), CASE, date(2023, 12, 8))
    with service.store.read() as repo:
        waiting = {m.next_attempt_at for m in repo.outbox.messages_for(CASE) if m.kind is MessageKind.DEADLINE_CHANGED}
    assert waiting == {datetime(2023, 11, 27, 8, 0, tzinfo=STOCKHOLM)}


def test_one_open_request_at_a_time_and_no_grant_earlier_than_the_deadline(service: UseCases, clock: FakeClock) -> None:
    clock.set(datetime(2023, 11, 20, 10, 0, tzinfo=STOCKHOLM))
    first = service.deadlines.request_extension(service.actor("UTN1"), CASE, "tekniska-namnden", date(2023, 12, 14))
    with pytest.raises(DomainError) as again:
        service.deadlines.request_extension(service.actor("UTN1"), CASE, "tekniska-namnden", date(2023, 12, 20))
    assert again.value.code is ErrorCode.EXTENSION_PENDING
    with service.store.read() as repo:
        assert len(repo.remisses.extension_requests(CASE, "tekniska-namnden")) == 1
        assert [e.action.value for e in repo.remisses.list_audit(CASE, "tekniska-namnden")].count(
            "extension_requested"
        ) == 1
    with pytest.raises(DomainError) as earlier:
        service.deadlines.decide_extension(coordinator(service), first.id or 0, grant=True, deadline=date(2023, 11, 29))
    assert earlier.value.code is ErrorCode.EXTENSION_NOT_LATER


def test_an_anstand_overtaken_by_a_later_deadline_for_everyone_follows_everyone(
    service: UseCases, clock: FakeClock
) -> None:
    clock.set(datetime(2023, 11, 20, 10, 0, tzinfo=STOCKHOLM))
    service.deadlines.grant_extension(coordinator(service), CASE, "tekniska-namnden", date(2023, 12, 8))
    service.deadlines.change_deadline(coordinator(service), CASE, date(2024, 1, 15))
    rows = {r.organisation.key: r.recipient.deadline for r in service.queries.overview(CASE).rows}
    assert rows["tekniska-namnden"] == date(2024, 1, 15) == rows["mkb"]
    with service.store.read() as repo:
        told = {m.organisation_key for m in repo.outbox.messages_for(CASE) if m.kind is MessageKind.DEADLINE_CHANGED}
    assert "tekniska-namnden" in told
    # Moved back to 4 December: Tekniska nämndens anstånd to 8 December is later again, so it stands.
    service.deadlines.change_deadline(coordinator(service), CASE, date(2023, 12, 4))
    rows = {r.organisation.key: r.recipient.deadline for r in service.queries.overview(CASE).rows}
    assert rows["tekniska-namnden"] == date(2023, 12, 8)
    assert rows["mkb"] == date(2023, 12, 4)


def test_a_request_is_read_back_and_an_unknown_one_is_refused(service: UseCases, clock: FakeClock) -> None:
    clock.set(datetime(2023, 11, 20, 10, 0, tzinfo=STOCKHOLM))
    asked = service.deadlines.request_extension(
        service.actor("UANNA"), CASE, "miljonamnden", date(2023, 12, 14), " Nämnden möts 13 december "
    )
    found = service.deadlines.extension_request(asked.id or 0)
    assert (found.organisation_key, found.requested_by, found.reason, found.is_pending) == (
        "miljonamnden",
        "UANNA",
        "Nämnden möts 13 december",
        True,
    )
    with pytest.raises(DomainError) as unknown:
        service.deadlines.extension_request(9999)
    assert unknown.value.code is ErrorCode.UNKNOWN_REQUEST


def test_a_refused_request_keeps_the_deadline_and_the_official_is_told_in_office_hours(
    service: UseCases, clock: FakeClock
) -> None:
    clock.set(datetime(2023, 11, 20, 18, 30, tzinfo=STOCKHOLM))  # a Monday evening
    asked = service.deadlines.request_extension(service.actor("UANNA"), CASE, "miljonamnden", date(2023, 12, 14))
    with pytest.raises(DomainError) as outsider:
        service.deadlines.decide_extension(service.actor("UANNA"), asked.id or 0, grant=False)
    assert outsider.value.code is ErrorCode.NOT_COORDINATOR
    refused = service.deadlines.decide_extension(coordinator(service), asked.id or 0, grant=False, note="Nej")
    assert (refused.state.value, refused.decided_by, refused.granted_deadline) == ("refused", COORDINATOR, None)
    row = next(r for r in service.queries.overview(CASE).rows if r.organisation.key == "miljonamnden")
    assert row.recipient.deadline == date(2023, 11, 30)
    with service.store.read() as repo:
        told = [m for m in repo.outbox.messages_for(CASE, "miljonamnden") if m.kind is MessageKind.EXTENSION_DECIDED]
    assert [(m.to_user, m.next_attempt_at) for m in told] == [("UANNA", datetime(2023, 11, 21, 8, 0, tzinfo=STOCKHOLM))]
    refusal = [e for e in service.queries.audit_trail(CASE) if e.action is AuditAction.EXTENSION_REFUSED]
    assert [e.details_dict for e in refusal] == [{"note": "Nej", "request": str(asked.id)}]
