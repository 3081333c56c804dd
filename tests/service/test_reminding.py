"""ReminderUseCases on the STK round: the periodic job, snoozes, the digest, the coordinator's "påminn igen".

STK-2023-137 is sent on Monday 2 October 2023 with its deadline on Thursday 30 November; the clock walks to
4 December, the periodic job running every half hour, and every reminder is checked: who, which day, what time."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.core.clock import STOCKHOLM
from bot.core.domain.audit import AuditAction
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.outbox import MessageKind
from bot.core.domain.reminders import ReminderKind, ReminderPolicy, ReminderState
from bot.core.domain.remiss import RecipientStatus
from bot.core.ports.store import Store
from bot.core.usecases import UseCases
from devtools.clocks import FakeClock
from tests.service import support
from tests.service.support import (
    CASE,
    COORDINATOR,
    FULL_ROUND,
    NINE,
    SENT_AT,
    coordinator,
    delegation,
    reminders_sent,
    stk_round,
    walk,
)

clock = support.clock  # the STK round's fixtures
service = support.service


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
        states = {
            s.reminder.local_date: (s.state, s.reason) for s in repo.reminders.reminders_for(CASE, "tekniska-namnden")
        }
    assert states[date(2023, 10, 5)] == (ReminderState.SKIPPED, "skip_opened")
    assert states[date(2023, 11, 23)] == (ReminderState.SKIPPED, "skip_answered")


def test_an_answer_a_minute_before_the_claim_means_no_reminder(service: UseCases, clock: FakeClock) -> None:
    clock.set(datetime(2023, 11, 28, 8, 59, tzinfo=STOCKHOLM))
    service.answering.decline(service.actor("UANNA"), CASE, "miljonamnden", "Berörs inte")
    clock.set(datetime(2023, 11, 28, 9, 0, tzinfo=STOCKHOLM))
    tick = service.reminding.remind()
    assert tick.sent >= 1  # the others are reminded
    assert "miljonamnden:UANNA" not in reminders_sent(service)


def test_after_an_outage_todays_reminders_go_late_and_older_ones_are_skipped_not_burst(
    service: UseCases, clock: FakeClock
) -> None:
    walk(service, clock, datetime(2023, 11, 22, 17, 30, tzinfo=STOCKHOLM))
    # Down from Thursday 23 November at 08:00 until Tuesday 28 November at 14:10.
    clock.set(datetime(2023, 11, 28, 14, 10, tzinfo=STOCKHOLM))
    service.reminding.remind()
    with service.store.read() as repo:
        by_day = {
            (s.reminder.organisation_key, s.reminder.local_date): s for s in repo.reminders.reminders_for(CASE, "mkb")
        }
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
        skipped = {s.reminder.local_date: s.reason for s in repo.reminders.reminders_for(CASE, "tekniska-namnden")}
    assert skipped[date(2023, 11, 23)] == "snoozed"


def test_a_snooze_past_the_deadline_is_refused_with_the_deadline(service: UseCases, clock: FakeClock) -> None:
    clock.set(datetime(2023, 11, 20, 10, 0, tzinfo=STOCKHOLM))
    with pytest.raises(DomainError) as refused:
        service.reminding.snooze(service.actor("UTN1"), CASE, "tekniska-namnden", date(2023, 12, 5))
    assert refused.value.code is ErrorCode.SNOOZE_AFTER_DEADLINE
    assert refused.value.params["deadline"] == date(2023, 11, 30)


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
        claimed = repo.outbox.claim_messages(clock.now(), timedelta(minutes=1), 500)
    digests = [m for m in claimed if m.kind is MessageKind.DIGEST]
    assert [m.to_user for m in digests] == [COORDINATOR]
    assert digests[0].created_at == datetime(2023, 11, 20, 7, 30, tzinfo=UTC)


def test_a_tick_with_more_due_than_a_batch_all_waiting_for_office_hours_returns(clock: FakeClock) -> None:
    service = stk_round(clock)
    # Office hours moved to start at 10:00 after the reminders were planned for 09:00: at 09:30 they wait.
    later = ReminderPolicy(send_at=time(10, 0), office_hours=(time(10, 0), time(17, 0)))
    service.shared.config = replace(service.config, reminder_policy=later)
    clock.set(datetime(2023, 10, 5, 9, 30, tzinfo=STOCKHOLM))
    tick = service.reminding.remind(limit=2)
    assert (tick.sent, tick.skipped) == (0, 0)
    clock.set(datetime(2023, 10, 5, 10, 0, tzinfo=STOCKHOLM))
    assert service.reminding.remind(limit=2).sent == 3  # the nudge to Tekniska nämnden, Miljönämnden and MKB


def test_a_remiss_gets_its_own_reminder_settings_and_its_recipients_are_replanned(service: UseCases) -> None:
    assert service.reminding.reminder_policy_for(CASE) == service.config.reminder_policy
    service.reminding.set_reminder_policy(coordinator(service), CASE, {"send_at": "10:15", "before_deadline": [3]})
    policy = service.reminding.reminder_policy_for(CASE)
    assert (policy.send_at, policy.before_deadline) == (time(10, 15), (3,))
    planned = [r for r in service.reminding.reminder_plan(CASE) if r.scheduled.state is ReminderState.PLANNED]
    assert {r.scheduled.reminder.due_at.astimezone(STOCKHOLM).time() for r in planned} == {time(10, 15)}
    with pytest.raises(DomainError) as invalid:
        service.reminding.set_reminder_policy(coordinator(service), CASE, {"send_at": "25:00"})
    assert invalid.value.code is ErrorCode.INVALID_REMINDER_POLICY
    with pytest.raises(DomainError) as outsider:
        service.reminding.set_reminder_policy(service.actor("UTN1"), CASE, None)
    assert outsider.value.code is ErrorCode.NOT_COORDINATOR
    service.reminding.set_reminder_policy(coordinator(service), CASE, None)
    assert service.reminding.reminder_policy_for(CASE) == service.config.reminder_policy


def test_the_plan_lists_every_reminder_recipient_by_recipient_in_directory_order(service: UseCases) -> None:
    rows = service.reminding.reminder_plan(CASE)
    order = [row.organisation.key for row in rows]
    assert list(dict.fromkeys(order)) == ["tekniska-namnden", "miljonamnden", "mkb"]
    tn = [row.scheduled.reminder for row in rows if row.organisation.key == "tekniska-namnden"]
    assert [r.due_at for r in tn] == sorted(r.due_at for r in tn)
    assert {r.kind for r in tn} >= {ReminderKind.NUDGE_UNOPENED, ReminderKind.DEADLINE_MORNING}


def test_the_coordinator_reminds_a_late_recipient_again_and_not_one_that_answered(
    service: UseCases, clock: FakeClock
) -> None:
    clock.set(datetime(2023, 12, 4, 10, 0, tzinfo=STOCKHOLM))
    with pytest.raises(DomainError) as outsider:
        service.reminding.remind_again(service.actor("UTN1"), CASE, "mkb")
    assert outsider.value.code is ErrorCode.NOT_COORDINATOR
    service.reminding.remind_again(coordinator(service), CASE, "mkb")
    service.answering.decline(service.actor("UANNA"), CASE, "miljonamnden")
    service.reminding.remind_again(coordinator(service), CASE, "miljonamnden")
    with service.store.read() as repo:
        again = [m for m in repo.outbox.messages_for(CASE) if m.kind is MessageKind.REMINDER]
    assert sorted(m.to_user or "" for m in again) == ["UMKB1", "UMKB2"]
    assert all(m.key.startswith("reminder-again:") for m in again)
    with pytest.raises(DomainError) as stranger:
        service.reminding.remind_again(coordinator(service), CASE, "fritidsnamnden")
    assert stranger.value.code is ErrorCode.NOT_A_RECIPIENT


def test_we_will_answer_is_recorded_and_counts_as_opened(service: UseCases) -> None:
    recipient = service.reminding.intend_to_answer(service.actor("UMKB2"), CASE, "mkb")
    assert recipient.opened_at == SENT_AT
    row = next(r for r in service.queries.overview(CASE).rows if r.organisation.key == "mkb")
    assert row.status is RecipientStatus.OPENED
    actions = [e.action for e in service.queries.audit_trail(CASE) if e.organisation_key == "mkb"]
    assert actions[-1] is AuditAction.INTENDS_TO_ANSWER  # one entry: the opening is implied by it


def test_the_digest_lists_the_open_remisses_of_a_channel_and_is_offered_once_a_day(
    service: UseCases, clock: FakeClock
) -> None:
    assert service.reminding.offer_digest() == 0  # sent today: nothing to report yet
    clock.set(datetime(2023, 10, 3, 8, 45, tzinfo=STOCKHOLM))
    assert service.reminding.offer_digest() == 1
    assert service.reminding.offer_digest() == 0
    assert [o.remiss.case_number for o in service.reminding.digest(COORDINATOR)] == [CASE]
    assert service.reminding.digest("CELSEWHERE") == []


def test_the_digest_counts_down_the_working_days_to_a_near_deadline_or_an_unanswered_anstand(
    store: Store, clock: FakeClock
) -> None:
    service = stk_round(clock, store)
    overview = service.queries.overview(CASE)  # the deadline is Thursday 30 November
    left = [service.reminding.digest_days_left(overview, date(2023, 11, day)) for day in (27, 28, 30)]
    assert left == [None, 2, 0]
    assert service.reminding.digest_days_left(overview, date(2023, 12, 1)) is None  # passed

    service.deadlines.grant_extension(coordinator(service), CASE, "mkb", date(2023, 12, 5))
    overview = service.queries.overview(CASE)
    # Without extensions only the remiss's own deadline counts; with them, MKB's anstånd on Tuesday too (the
    # weekend not counted), and the nearest of them.
    assert service.reminding.digest_days_left(overview, date(2023, 12, 1)) is None
    assert service.reminding.digest_days_left(overview, date(2023, 12, 1), extensions=True) == 2
    assert service.reminding.digest_days_left(overview, date(2023, 11, 30), extensions=True) == 0
    # An anstånd already answered counts no more.
    service.answering.submit(service.actor("UMKB1"), CASE, "mkb", delegation("Ja."))
    overview = service.queries.overview(CASE)
    assert service.reminding.digest_days_left(overview, date(2023, 12, 1), extensions=True) is None


def test_the_digest_lists_a_remiss_closed_within_the_last_week_in_its_own_channel(
    store: Store, clock: FakeClock
) -> None:
    service = stk_round(clock, store)
    assert service.reminding.recently_closed(COORDINATOR) == []  # open

    clock.set(datetime(2023, 12, 5, 10, 0, tzinfo=STOCKHOLM))
    service.lifecycle.close(coordinator(service), CASE)
    closed_at = clock.now()
    assert [(r.case_number, r.closed_at) for r in service.reminding.recently_closed(COORDINATOR)] == [(CASE, closed_at)]
    assert service.reminding.recently_closed("CELSEWHERE") == []  # its status lives in the coordinator's DM

    clock.set(closed_at + timedelta(days=7))
    assert [r.case_number for r in service.reminding.recently_closed(COORDINATOR)] == [CASE]
    clock.advance(timedelta(seconds=1))
    assert service.reminding.recently_closed(COORDINATOR) == []
