"""Reminders through the use cases: planned at sending, claimed when due, settled once, replanned on anstånd.

STK-2023-137 is sent on Monday 2 October 2023 with its deadline on Thursday 30 November; the clock walks to
4 December, the periodic job running every half hour, and every reminder is checked: who, which day, what time.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.adapters.calendar_se import SwedishCalendar
from bot.core.clock import STOCKHOLM
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.outbox import MessageKind, OutboxMessage
from bot.core.domain.reminders import ReminderKind, ReminderPolicy, ReminderState
from bot.core.usecases import UseCases, build_use_cases
from devtools.clocks import FakeClock
from devtools.memory import MemoryStore
from tests.test_service import COORDINATOR, RecordingUsers, coordinator, delegation, directory, stk_2023_137

CASE = "STK-2023-137"
SENT_AT = datetime(2023, 10, 2, 10, 0, tzinfo=STOCKHOLM)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(SENT_AT)


@pytest.fixture
def service(clock: FakeClock) -> UseCases:
    service = build_use_cases(
        MemoryStore(),
        clock,
        users=RecordingUsers({"anna.miljo@malmo.se": "UANNA"}),
        coordinators=[COORDINATOR],
        calendar=SwedishCalendar(),
    )
    service.directory.seed_directory(directory())
    service.drafting.create_draft(coordinator(service), stk_2023_137())
    service.drafting.send(coordinator(service), CASE)
    return service


def walk(service: UseCases, clock: FakeClock, until: datetime, step: timedelta = timedelta(minutes=30)) -> None:
    while clock.now() < until:
        clock.advance(step)
        service.reminding.remind()


def reminders_sent(service: UseCases) -> dict[str, list[tuple[date, time, str]]]:
    """Per recipient (or 'coordinator'): the local day, time and kind of every reminder message recorded."""
    found: dict[str, list[tuple[date, time, str]]] = defaultdict(list)
    with service.store.read() as repo:
        messages: list[OutboxMessage] = repo.messages_for(CASE)
        plan = {s.key: s for s in repo.reminders_for(CASE)}
    for m in messages:
        if m.kind is MessageKind.ESCALATION:
            local = m.created_at.astimezone(STOCKHOLM)
            found["coordinator"].append((local.date(), local.time().replace(second=0, microsecond=0), "escalation"))
        elif m.kind is MessageKind.REMINDER:
            scheduled = plan[m.key.rsplit(":", 1)[0]]
            local = scheduled.reminder.due_at.astimezone(STOCKHOLM)
            kind = scheduled.reminder.kind.value
            found[f"{m.organisation_key}:{m.to_user}"].append((local.date(), local.time(), kind))
    return dict(found)


NINE = time(9, 0)
FULL_ROUND = [
    (date(2023, 10, 5), NINE, "nudge_unopened"),
    (date(2023, 11, 16), NINE, "before_deadline"),
    (date(2023, 11, 23), NINE, "before_deadline"),
    (date(2023, 11, 28), NINE, "before_deadline"),
    (date(2023, 11, 30), NINE, "deadline_morning"),
    (date(2023, 12, 1), NINE, "overdue"),
]


def test_the_stk_round_reminds_each_official_on_the_planned_days_at_nine(service: UseCases, clock: FakeClock) -> None:
    walk(service, clock, datetime(2023, 12, 4, 17, 30, tzinfo=STOCKHOLM))
    sent = reminders_sent(service)
    assert sent["tekniska-namnden:UTN1"] == FULL_ROUND
    assert sent["miljonamnden:UANNA"] == FULL_ROUND
    # Both of MKB's officials get each reminder.
    assert sent["mkb:UMKB1"] == FULL_ROUND == sent["mkb:UMKB2"]
    # Kulturnämnden has no contact: nobody to remind, and no reminder recorded as sent.
    assert not any(key.startswith("kulturnamnden") for key in sent)
    # One escalation to the coordinator on Monday 4 December, however many are late.
    assert [(d, k) for d, _, k in sent["coordinator"]] == [(date(2023, 12, 4), "escalation")]


def test_answering_stops_the_reminders_and_opening_stops_the_nudge(service: UseCases, clock: FakeClock) -> None:
    service.answering.record_opened(service.actor("UTN1"), CASE, "tekniska-namnden")
    walk(service, clock, datetime(2023, 11, 20, 12, 0, tzinfo=STOCKHOLM))
    service.answering.submit(service.actor("UTN1"), CASE, "tekniska-namnden", delegation("Vi tillstyrker."))
    walk(service, clock, datetime(2023, 12, 4, 17, 30, tzinfo=STOCKHOLM))
    assert reminders_sent(service)["tekniska-namnden:UTN1"] == [(date(2023, 11, 16), NINE, "before_deadline")]
    with service.store.read() as repo:
        states = {s.reminder.local_date: (s.state, s.reason) for s in repo.reminders_for(CASE, "tekniska-namnden")}
    assert states[date(2023, 10, 5)] == (ReminderState.SKIPPED, "skip_opened")
    assert states[date(2023, 11, 23)] == (ReminderState.SKIPPED, "skip_answered")


def test_an_answer_a_minute_before_the_claim_means_no_reminder(service: UseCases, clock: FakeClock) -> None:
    clock.set(datetime(2023, 11, 28, 8, 59, tzinfo=STOCKHOLM))
    service.answering.decline(service.actor("UANNA"), CASE, "miljonamnden", "Berörs inte")
    clock.set(datetime(2023, 11, 28, 9, 0, tzinfo=STOCKHOLM))
    tick = service.reminding.remind()
    assert tick.sent >= 1  # the others are reminded
    assert "miljonamnden:UANNA" not in reminders_sent(service)


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
        old = [s for s in repo.reminders_for(CASE, "tekniska-namnden") if s.reminder.local_date == date(2023, 11, 30)]
    assert [(s.state, s.reason) for s in old] == [(ReminderState.CANCELLED, "replanned")]


def test_after_an_outage_todays_reminders_go_late_and_older_ones_are_skipped_not_burst(
    service: UseCases, clock: FakeClock
) -> None:
    walk(service, clock, datetime(2023, 11, 22, 17, 30, tzinfo=STOCKHOLM))
    # Down from Thursday 23 November at 08:00 until Tuesday 28 November at 14:10.
    clock.set(datetime(2023, 11, 28, 14, 10, tzinfo=STOCKHOLM))
    service.reminding.remind()
    with service.store.read() as repo:
        by_day = {(s.reminder.organisation_key, s.reminder.local_date): s for s in repo.reminders_for(CASE, "mkb")}
    assert by_day[("mkb", date(2023, 11, 23))].state is ReminderState.SKIPPED
    assert by_day[("mkb", date(2023, 11, 23))].reason == "skip_missed"
    assert by_day[("mkb", date(2023, 11, 28))].state is ReminderState.SENT
    assert by_day[("mkb", date(2023, 11, 28))].decided_at == clock.now()


def test_a_snooze_leaves_the_official_alone_until_the_day_asked_for(service: UseCases, clock: FakeClock) -> None:
    clock.set(datetime(2023, 11, 16, 9, 30, tzinfo=STOCKHOLM))
    service.reminding.remind()
    day = service.reminding.snooze(service.actor("UTN1"), CASE, "tekniska-namnden", date(2023, 11, 27))
    assert day == date(2023, 11, 27)
    walk(service, clock, datetime(2023, 12, 1, 17, 30, tzinfo=STOCKHOLM))
    after = [r for r in reminders_sent(service)["tekniska-namnden:UTN1"] if r[0] > date(2023, 11, 16)]
    assert after == [
        (date(2023, 11, 27), NINE, "snoozed"),
        (date(2023, 11, 28), NINE, "before_deadline"),
        (date(2023, 11, 30), NINE, "deadline_morning"),
        (date(2023, 12, 1), NINE, "overdue"),
    ]
    with service.store.read() as repo:
        skipped = {s.reminder.local_date: s.reason for s in repo.reminders_for(CASE, "tekniska-namnden")}
    assert skipped[date(2023, 11, 23)] == "snoozed"


def test_a_snooze_past_the_deadline_is_refused_with_the_deadline(service: UseCases, clock: FakeClock) -> None:
    clock.set(datetime(2023, 11, 20, 10, 0, tzinfo=STOCKHOLM))
    with pytest.raises(DomainError) as refused:
        service.reminding.snooze(service.actor("UTN1"), CASE, "tekniska-namnden", date(2023, 12, 5))
    assert refused.value.code is ErrorCode.SNOOZE_AFTER_DEADLINE
    assert refused.value.params["deadline"] == date(2023, 11, 30)


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
        kinds = [m.kind for m in repo.messages_for(CASE, "tekniska-namnden")]
        planned = [s for s in repo.reminders_for(CASE, "tekniska-namnden") if s.state is ReminderState.PLANNED]
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
        told = sorted(m.to_user or "" for m in repo.messages_for(CASE) if m.kind is MessageKind.DEADLINE_CHANGED)
        planned = [s for s in repo.reminders_for(CASE, "mkb") if s.state is ReminderState.PLANNED]
    assert told == ["UANNA", "UMKB1", "UMKB2"]
    assert {s.reminder.deadline for s in planned} == {date(2023, 12, 15)}
    assert min(s.reminder.local_date for s in planned if s.reminder.kind is ReminderKind.DEADLINE_MORNING) == date(
        2023, 12, 15
    )


def test_the_digest_is_offered_once_per_working_day_from_half_past_eight(service: UseCases, clock: FakeClock) -> None:
    clock.set(datetime(2023, 11, 20, 8, 0, tzinfo=STOCKHOLM))
    assert service.reminding.remind().digests == 0
    clock.set(datetime(2023, 11, 20, 8, 30, tzinfo=STOCKHOLM))
    assert service.reminding.remind().digests == 1
    assert service.reminding.remind().digests == 0
    # Saturday: none.
    clock.set(datetime(2023, 11, 25, 9, 0, tzinfo=STOCKHOLM))
    assert service.reminding.remind().digests == 0
    with service.store.transaction() as repo:
        claimed = repo.claim_messages(clock.now(), timedelta(minutes=1), 500)
    digests = [m for m in claimed if m.kind is MessageKind.DIGEST]
    assert [m.to_user for m in digests] == [COORDINATOR]
    assert digests[0].created_at == datetime(2023, 11, 20, 7, 30, tzinfo=UTC)


def test_a_deadline_moved_in_the_evening_reaches_the_officials_next_working_morning(
    service: UseCases, clock: FakeClock
) -> None:
    clock.set(datetime(2023, 11, 24, 19, 45, tzinfo=STOCKHOLM))  # a Friday evening
    service.deadlines.change_deadline(coordinator(service), CASE, date(2023, 12, 8))
    with service.store.read() as repo:
        waiting = {m.next_attempt_at for m in repo.messages_for(CASE) if m.kind is MessageKind.DEADLINE_CHANGED}
    assert waiting == {datetime(2023, 11, 27, 8, 0, tzinfo=STOCKHOLM)}


def test_a_tick_with_more_due_than_a_batch_all_waiting_for_office_hours_returns(clock: FakeClock) -> None:
    service = build_use_cases(
        MemoryStore(),
        clock,
        users=RecordingUsers({"anna.miljo@malmo.se": "UANNA"}),
        coordinators=[COORDINATOR],
        calendar=SwedishCalendar(),
    )
    service.directory.seed_directory(directory())
    service.drafting.create_draft(coordinator(service), stk_2023_137())
    service.drafting.send(coordinator(service), CASE)
    # Office hours moved to start at 10:00 after the reminders were planned for 09:00: at 09:30 they wait.
    later = ReminderPolicy(send_at=time(10, 0), office_hours=(time(10, 0), time(17, 0)))
    service.shared.config = replace(service.config, reminder_policy=later)
    clock.set(datetime(2023, 10, 5, 9, 30, tzinfo=STOCKHOLM))
    tick = service.reminding.remind(limit=2)
    assert (tick.sent, tick.skipped) == (0, 0)
    clock.set(datetime(2023, 10, 5, 10, 0, tzinfo=STOCKHOLM))
    assert service.reminding.remind(limit=2).sent == 3  # the nudge to Tekniska nämnden, Miljönämnden and MKB


def test_one_open_request_at_a_time_and_no_grant_earlier_than_the_deadline(service: UseCases, clock: FakeClock) -> None:
    clock.set(datetime(2023, 11, 20, 10, 0, tzinfo=STOCKHOLM))
    first = service.deadlines.request_extension(service.actor("UTN1"), CASE, "tekniska-namnden", date(2023, 12, 14))
    with pytest.raises(DomainError) as again:
        service.deadlines.request_extension(service.actor("UTN1"), CASE, "tekniska-namnden", date(2023, 12, 20))
    assert again.value.code is ErrorCode.EXTENSION_PENDING
    with service.store.read() as repo:
        assert len(repo.extension_requests(CASE, "tekniska-namnden")) == 1
        assert [e.action.value for e in repo.list_audit(CASE, "tekniska-namnden")].count("extension_requested") == 1
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
        told = {m.organisation_key for m in repo.messages_for(CASE) if m.kind is MessageKind.DEADLINE_CHANGED}
    assert "tekniska-namnden" in told
    # Moved back to 4 December: Tekniska nämndens anstånd to 8 December is later again, so it stands.
    service.deadlines.change_deadline(coordinator(service), CASE, date(2023, 12, 4))
    rows = {r.organisation.key: r.recipient.deadline for r in service.queries.overview(CASE).rows}
    assert rows["tekniska-namnden"] == date(2023, 12, 8)
    assert rows["mkb"] == date(2023, 12, 4)
