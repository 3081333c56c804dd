"""Reminders, reminder policies and requests for anstånd, on MemoryStore, SQLite and PostgreSQL alike.

Planning is idempotent and keeps history; a due reminder is claimed by one transaction and settled once,
also with several claimers at once (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: the write lock).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

import pytest

from bot.core.clock import STOCKHOLM
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.extension import ExtensionRequest, RequestState
from bot.core.domain.reminders import (
    EARLIER_LATE_HISTORY,
    MeetingAdvice,
    PlannedReminder,
    ReminderKind,
    ReminderState,
    ScheduledReminder,
)
from bot.core.ports.store import Store, Transaction
from storage import SqlStore
from tests.storage.samples import CASE, DEADLINE, NOW, official, org_key, sent_remiss
from tests.storage.test_storage_concurrency import THREADS, at_once
from tests.storage.test_storage_contract import Boom, in_transaction

OTHER_CASE = "KS 2021/123"
STOCKHOLM_WINTER = timezone(timedelta(hours=1))


def planned(
    n: int,
    day: date,
    kind: ReminderKind = ReminderKind.BEFORE_DEADLINE,
    case_number: str = CASE,
    *,
    at: time = time(9, 0),
    **changes: Any,
) -> PlannedReminder:
    """A reminder to organisation n on `day` at `at` Stockholm time, as plan_reminders makes them."""
    base = PlannedReminder(
        case_number=case_number,
        organisation_key=org_key(n),
        kind=kind,
        due_at=datetime.combine(day, at, tzinfo=STOCKHOLM).astimezone(UTC),
        local_date=day,
        deadline=DEADLINE,
        working_days_left=(DEADLINE - day).days,
        to="coordinator" if kind is ReminderKind.ESCALATION else "recipient",
    )
    return replace(base, **changes)


NUDGE = planned(1, date(2023, 10, 5), ReminderKind.NUDGE_UNOPENED)
TEN_LEFT = planned(1, date(2023, 11, 16))
FIVE_LEFT = planned(1, date(2023, 11, 23))
TWO_LEFT = planned(1, date(2023, 11, 28))
MORNING = planned(1, date(2023, 11, 30), ReminderKind.DEADLINE_MORNING)
OVERDUE = planned(1, date(2023, 12, 1), ReminderKind.OVERDUE)
PLAN = [NUDGE, TEN_LEFT, FIVE_LEFT, TWO_LEFT, MORNING, OVERDUE]


def schedule(
    store: Store,
    plan: Iterable[PlannedReminder],
    n: int = 1,
    case_number: str = CASE,
    *,
    at: datetime = NOW,
    **options: Any,
) -> None:
    with store.transaction() as repo:
        repo.reminders.schedule_reminders(case_number, org_key(n), list(plan), at, **options)


def claim(store: Store, at: datetime, limit: int = 10) -> list[ScheduledReminder]:
    """Claim and let go again (the transaction ends without settling anything)."""
    with store.transaction() as repo:
        return repo.reminders.claim_due_reminders(at, limit)


def settle(store: Store, key: str, state: ReminderState, reason: str = "send", at: datetime = NOW) -> bool:
    with store.transaction() as repo:
        return repo.reminders.settle_reminder(key, state, reason, at)


def stored(store: Store, case_number: str = CASE, n: int | None = None) -> list[ScheduledReminder]:
    with store.read() as repo:
        return repo.reminders.reminders_for(case_number, None if n is None else org_key(n))


def states(store: Store, case_number: str = CASE) -> dict[str, tuple[ReminderState, str]]:
    return {s.key: (s.state, s.reason) for s in stored(store, case_number)}


def keys(reminders: Iterable[ScheduledReminder | PlannedReminder]) -> list[str]:
    return [r.key for r in reminders]


def after(reminder: PlannedReminder, minutes: int = 0) -> datetime:
    return reminder.due_at + timedelta(minutes=minutes)


# -- planning ----------------------------------------------------------------------------------------
def test_a_planned_reminder_comes_back_exactly_as_planned_with_times_in_utc(store: Store) -> None:
    advice = MeetingAdvice(meeting=date(2023, 11, 16), submission_date=date(2023, 11, 2), no_meeting_fits=False)
    # Planned in Stockholm's winter offset: stored and returned as the same moment in UTC.
    local = datetime(2023, 11, 16, 9, 0, tzinfo=STOCKHOLM_WINTER)
    original = replace(TEN_LEFT, due_at=local, meeting=advice)
    escalation = planned(1, date(2023, 12, 4), ReminderKind.ESCALATION, working_days_left=-2, meeting=None)
    no_fit = MeetingAdvice(meeting=None, submission_date=None, no_meeting_fits=True)
    nudge = replace(NUDGE, meeting=no_fit)
    earlier = planned(1, date(2023, 11, 13), working_days_left=13, because=EARLIER_LATE_HISTORY)

    schedule(store, [original, escalation, nudge, earlier], at=local)
    loaded = {s.key: s for s in stored(store)}
    assert loaded[earlier.key].reminder == earlier
    assert loaded[earlier.key].reminder.because == EARLIER_LATE_HISTORY
    assert loaded[nudge.key].reminder.because == ""

    ten = loaded[original.key]
    assert ten.reminder == original
    assert ten.reminder.due_at.tzinfo == UTC
    assert ten.reminder.due_at.hour == 8
    assert (ten.state, ten.reason, ten.decided_at) == (ReminderState.PLANNED, "", None)
    assert ten.id is not None
    assert loaded[escalation.key].reminder == escalation
    assert loaded[escalation.key].reminder.to == "coordinator"
    assert loaded[nudge.key].reminder.meeting == no_fit
    assert loaded[nudge.key].reminder.meeting.alternatives  # type: ignore[union-attr]


def test_settled_times_come_back_in_utc(store: Store) -> None:
    schedule(store, [NUDGE])
    local = datetime(2023, 10, 5, 9, 0, 30, 123456, tzinfo=timezone(timedelta(hours=2)))

    assert settle(store, NUDGE.key, ReminderState.SENT, "send", at=local)

    [loaded] = stored(store)
    assert loaded.decided_at == local
    assert loaded.decided_at is not None and loaded.decided_at.tzinfo == UTC
    assert loaded.decided_at.hour == 7


def test_planning_the_same_plan_twice_records_each_reminder_once(store: Store) -> None:
    schedule(store, PLAN)
    first = stored(store)
    schedule(store, PLAN, at=NOW + timedelta(hours=1))

    assert stored(store) == first
    assert keys(first) == keys(PLAN)
    assert all(s.state is ReminderState.PLANNED for s in first)


def test_reminders_added_in_one_go_are_planned_and_known_keys_are_left_alone(store: Store) -> None:
    schedule(store, [NUDGE])
    assert settle(store, NUDGE.key, ReminderState.SENT)
    other = [planned(2, date(2023, 11, 16)), planned(2, date(2023, 11, 23))]
    with store.transaction() as repo:
        repo.reminders.add_reminders([NUDGE, TEN_LEFT, *other])
    assert states(store) == {
        NUDGE.key: (ReminderState.SENT, "send"),
        TEN_LEFT.key: (ReminderState.PLANNED, ""),
        **{r.key: (ReminderState.PLANNED, "") for r in other},
    }
    assert [s.reminder for s in stored(store, n=2)] == other


def test_replanning_cancels_the_planned_ones_left_out_with_the_reason_and_adds_the_new(store: Store) -> None:
    schedule(store, PLAN)
    # An extension to 8 December: the 23 and 28 November ones and the old morning go; new ones come.
    later = date(2023, 12, 8)
    moved = [replace(r, deadline=later, working_days_left=r.working_days_left + 6) for r in (NUDGE, TEN_LEFT)]
    new = [planned(1, date(2023, 12, 6), deadline=later), planned(1, later, ReminderKind.DEADLINE_MORNING)]
    replanned_at = NOW + timedelta(days=40)

    schedule(store, [*moved, *new], at=replanned_at, cancel_reason="extension")

    loaded = {s.key: s for s in stored(store)}
    assert [loaded[r.key].reminder for r in moved] == moved  # kept, with the new details
    assert all(loaded[r.key].state is ReminderState.PLANNED for r in [*moved, *new])
    for gone in (FIVE_LEFT, TWO_LEFT, MORNING, OVERDUE):
        assert (loaded[gone.key].state, loaded[gone.key].reason) == (ReminderState.CANCELLED, "extension")
        assert loaded[gone.key].decided_at == replanned_at
        assert loaded[gone.key].reminder == gone  # what was planned stays on record
    # Still in due order, history included.
    assert [s.reminder.due_at for s in stored(store)] == sorted(s.reminder.due_at for s in stored(store))


def test_replanning_without_a_reason_says_replanned(store: Store) -> None:
    schedule(store, PLAN)
    schedule(store, PLAN[:1])

    assert {states(store)[r.key] for r in PLAN[1:]} == {(ReminderState.CANCELLED, "replanned")}


def test_sent_and_skipped_reminders_are_history_that_replanning_never_touches(store: Store) -> None:
    schedule(store, PLAN)
    sent_at = after(NUDGE, 1)
    assert settle(store, NUDGE.key, ReminderState.SENT, "send", at=sent_at)
    assert settle(store, TEN_LEFT.key, ReminderState.SKIPPED, "skip_opened", at=after(TEN_LEFT))
    before = {s.key: s for s in stored(store)}

    # Left out of the new plan: not cancelled.
    schedule(store, [TWO_LEFT], at=after(TEN_LEFT, 60))
    # In the new plan with other details: not revived, not rewritten.
    schedule(store, [replace(NUDGE, working_days_left=99), replace(TEN_LEFT, working_days_left=99), TWO_LEFT])

    loaded = {s.key: s for s in stored(store)}
    assert loaded[NUDGE.key] == before[NUDGE.key]
    assert (loaded[NUDGE.key].state, loaded[NUDGE.key].reason) == (ReminderState.SENT, "send")
    assert loaded[NUDGE.key].decided_at == sent_at
    assert loaded[TEN_LEFT.key] == before[TEN_LEFT.key]
    assert (loaded[TEN_LEFT.key].state, loaded[TEN_LEFT.key].reason) == (ReminderState.SKIPPED, "skip_opened")
    assert loaded[TWO_LEFT.key].state is ReminderState.PLANNED


def test_a_cancelled_reminder_planned_again_is_revived_with_the_new_details(store: Store) -> None:
    schedule(store, PLAN)
    schedule(store, [NUDGE], cancel_reason="snoozed")
    assert states(store)[FIVE_LEFT.key] == (ReminderState.CANCELLED, "snoozed")

    changed = replace(FIVE_LEFT, due_at=after(FIVE_LEFT, 60), working_days_left=3)
    schedule(store, [NUDGE, changed])

    [revived] = [s for s in stored(store) if s.key == FIVE_LEFT.key]
    assert revived.reminder == changed
    assert (revived.state, revived.reason, revived.decided_at) == (ReminderState.PLANNED, "", None)
    # Claimed at its new time, not its old one.
    assert keys(claim(store, after(FIVE_LEFT, 30))) == [NUDGE.key]
    assert keys(claim(store, after(changed))) == [NUDGE.key, FIVE_LEFT.key]


def test_replanning_one_recipient_leaves_the_others_and_other_remisses_alone(store: Store) -> None:
    other_org = [planned(2, r.local_date, r.kind) for r in PLAN]
    other_case = [planned(1, r.local_date, r.kind, OTHER_CASE) for r in PLAN]
    schedule(store, PLAN)
    schedule(store, other_org, n=2)
    schedule(store, other_case, case_number=OTHER_CASE)

    schedule(store, [])

    assert {states(store)[r.key] for r in PLAN} == {(ReminderState.CANCELLED, "replanned")}
    assert {states(store)[r.key] for r in other_org} == {(ReminderState.PLANNED, "")}
    assert {s.state for s in stored(store, OTHER_CASE)} == {ReminderState.PLANNED}


def test_planning_claiming_and_settling_are_refused_in_a_read(store: Store) -> None:
    with store.read() as repo, pytest.raises(RuntimeError, match="read-only"):
        repo.reminders.schedule_reminders(CASE, org_key(1), PLAN, NOW)
    with store.read() as repo, pytest.raises(RuntimeError, match="read-only"):
        repo.reminders.claim_due_reminders(NOW, 10)
    with store.read() as repo, pytest.raises(RuntimeError, match="read-only"):
        repo.reminders.settle_reminder(NUDGE.key, ReminderState.SENT, "send", NOW)


def test_a_plan_that_fails_rolls_back_whole(store: Store) -> None:
    schedule(store, PLAN)

    def replan_then_fail(repo: Transaction) -> None:
        repo.reminders.schedule_reminders(CASE, org_key(1), [NUDGE, planned(1, date(2023, 12, 6))], NOW)
        raise Boom

    with pytest.raises(Boom):
        in_transaction(store, replan_then_fail)

    assert {s.state for s in stored(store)} == {ReminderState.PLANNED}
    assert keys(stored(store)) == keys(PLAN)


# -- claiming ----------------------------------------------------------------------------------------
def test_a_claim_returns_only_planned_due_reminders_oldest_first(store: Store) -> None:
    # Three recipients, planned in an order unlike their due order.
    schedule(store, [TWO_LEFT, TEN_LEFT, FIVE_LEFT])
    schedule(store, [planned(2, date(2023, 11, 16)), planned(2, date(2023, 11, 20))], n=2)
    schedule(store, [planned(3, date(2023, 11, 16), at=time(8, 0))], n=3)
    schedule(store, [planned(4, date(2023, 11, 17)), planned(4, date(2023, 11, 21))], n=4)
    assert settle(store, planned(4, date(2023, 11, 17)).key, ReminderState.SKIPPED, "skip_answered")
    schedule(store, [planned(4, date(2023, 11, 21))], n=4)  # …17 is skipped; nothing cancelled
    schedule(store, [], n=2)  # both of organisation 2's are cancelled
    moment = datetime(2023, 11, 23, 9, 0, tzinfo=STOCKHOLM)

    claimed = claim(store, moment)

    assert keys(claimed) == [
        planned(3, date(2023, 11, 16), at=time(8, 0)).key,
        TEN_LEFT.key,
        planned(4, date(2023, 11, 21)).key,
        FIVE_LEFT.key,  # due exactly now
    ]
    assert all(s.state is ReminderState.PLANNED for s in claimed)
    # Claiming alone settles nothing: an unsettled claim is found again by the next tick.
    assert keys(claim(store, moment)) == keys(claimed)
    assert claim(store, moment - timedelta(microseconds=1))[-1].key == planned(4, date(2023, 11, 21)).key


def test_reminders_due_at_one_moment_are_claimed_in_the_order_they_were_planned(store: Store) -> None:
    same_day = [planned(n, date(2023, 11, 16)) for n in (5, 2, 9, 1)]
    for r in same_day:
        schedule(store, [r], n=int(r.organisation_key.split("-")[1]))

    assert keys(claim(store, after(TEN_LEFT))) == keys(same_day)


def test_a_claim_takes_at_most_its_limit_and_nothing_when_nothing_is_due(store: Store) -> None:
    schedule(store, PLAN)

    assert claim(store, NUDGE.due_at - timedelta(seconds=1)) == []
    assert claim(store, after(OVERDUE), limit=0) == []
    assert keys(claim(store, after(OVERDUE), limit=2)) == keys(PLAN[:2])
    assert keys(claim(store, after(OVERDUE), limit=100)) == keys(PLAN)


def test_settled_and_cancelled_reminders_are_never_claimed(store: Store) -> None:
    schedule(store, PLAN)
    settle(store, NUDGE.key, ReminderState.SENT)
    settle(store, TEN_LEFT.key, ReminderState.SKIPPED, "skip_missed")
    schedule(store, [NUDGE, TEN_LEFT, FIVE_LEFT])  # the rest cancelled

    assert keys(claim(store, after(OVERDUE, 60 * 24 * 30))) == [FIVE_LEFT.key]


def test_settling_is_conditional_so_a_reminder_is_settled_once(store: Store) -> None:
    schedule(store, PLAN)
    schedule(store, PLAN[:-1])  # OVERDUE cancelled

    first = settle(store, NUDGE.key, ReminderState.SENT, "send", at=after(NUDGE))
    second = settle(store, NUDGE.key, ReminderState.SKIPPED, "skip_answered", at=after(NUDGE, 1))
    skipped = settle(store, TEN_LEFT.key, ReminderState.SKIPPED, "skip_answered", at=after(TEN_LEFT))
    again = settle(store, TEN_LEFT.key, ReminderState.SENT, "send", at=after(TEN_LEFT, 1))
    cancelled = settle(store, OVERDUE.key, ReminderState.SENT, "send", at=after(OVERDUE))
    unknown = settle(store, "reminder:KS 1999/1:namnd-1:overdue:2023-12-01", ReminderState.SENT)

    assert (first, second, skipped, again, cancelled, unknown) == (True, False, True, False, False, False)
    loaded = {s.key: s for s in stored(store)}
    assert (loaded[NUDGE.key].state, loaded[NUDGE.key].reason) == (ReminderState.SENT, "send")
    assert loaded[NUDGE.key].decided_at == after(NUDGE)
    assert (loaded[TEN_LEFT.key].state, loaded[TEN_LEFT.key].reason) == (ReminderState.SKIPPED, "skip_answered")
    assert (loaded[OVERDUE.key].state, loaded[OVERDUE.key].reason) == (ReminderState.CANCELLED, "replanned")


def test_a_settle_in_a_transaction_that_rolls_back_leaves_the_reminder_planned(store: Store) -> None:
    schedule(store, [NUDGE])

    def settle_then_fail(repo: Transaction) -> None:
        [due] = repo.reminders.claim_due_reminders(after(NUDGE), 10)
        assert repo.reminders.settle_reminder(due.key, ReminderState.SENT, "send", after(NUDGE))
        raise Boom

    with pytest.raises(Boom):
        in_transaction(store, settle_then_fail)

    assert keys(claim(store, after(NUDGE))) == [NUDGE.key]
    assert settle(store, NUDGE.key, ReminderState.SENT)


# -- listing -----------------------------------------------------------------------------------------
def test_reminders_of_a_remiss_or_one_recipient_are_listed_in_due_order(store: Store) -> None:
    second = [planned(2, r.local_date, r.kind) for r in (TEN_LEFT, MORNING)]
    escalation = planned(2, date(2023, 12, 4), ReminderKind.ESCALATION)
    schedule(store, [MORNING, NUDGE, TEN_LEFT])
    schedule(store, [*second, escalation], n=2)
    schedule(store, [planned(1, date(2023, 11, 1), case_number=OTHER_CASE)], case_number=OTHER_CASE)

    with store.read() as repo:
        everyone = repo.reminders.reminders_for(CASE)
        first_org = repo.reminders.reminders_for(CASE, org_key(1))
        second_org = repo.reminders.reminders_for(CASE, org_key(2))
        other = repo.reminders.reminders_for(OTHER_CASE)
        unknown = repo.reminders.reminders_for("KS 1999/1")
        nobody = repo.reminders.reminders_for(CASE, "okand")

    # Same moment: the order they were planned in (TEN_LEFT before organisation 2's, MORNING too).
    assert keys(everyone) == [NUDGE.key, TEN_LEFT.key, second[0].key, MORNING.key, second[1].key, escalation.key]
    assert keys(first_org) == [NUDGE.key, TEN_LEFT.key, MORNING.key]
    assert keys(second_org) == [second[0].key, second[1].key, escalation.key]
    assert len(other) == 1
    assert (unknown, nobody) == ([], [])


# -- reminder policy ---------------------------------------------------------------------------------
def test_a_remiss_reminder_policy_round_trips_and_none_means_the_global_one(store: Store) -> None:
    with store.transaction() as repo:
        sent_remiss(repo, recipients=2)
        sent_remiss(repo, recipients=2, case_number=OTHER_CASE)
    own = {"before_deadline": [15, 5], "send_at": "08:30", "office_hours": ["08:00", "16:00"], "overdue_after": None}

    with store.read() as repo:
        assert repo.reminders.reminder_policy(CASE) is None
    with store.transaction() as repo:
        repo.reminders.set_reminder_policy(CASE, own)
    with store.read() as repo:
        loaded = repo.reminders.reminder_policy(CASE)
        other = repo.reminders.reminder_policy(OTHER_CASE)
    assert loaded == own
    assert other is None
    # A copy: changing what came back changes nothing stored.
    assert loaded is not None
    loaded["send_at"] = "10:00"
    with store.read() as repo:
        assert repo.reminders.reminder_policy(CASE) == own

    with store.transaction() as repo:
        repo.reminders.set_reminder_policy(CASE, {})
    with store.read() as repo:
        assert repo.reminders.reminder_policy(CASE) is None
    with store.transaction() as repo:
        repo.reminders.set_reminder_policy(CASE, own)
        repo.reminders.set_reminder_policy(CASE, None)
    with store.read() as repo:
        assert repo.reminders.reminder_policy(CASE) is None


def test_a_policy_for_an_unknown_remiss_is_refused(store: Store) -> None:
    with pytest.raises(DomainError) as refused, store.transaction() as repo:
        repo.reminders.set_reminder_policy("KS 1999/1", {"send_at": "08:30"})
    assert refused.value.code is ErrorCode.UNKNOWN_REMISS
    with store.read() as repo:
        assert repo.reminders.reminder_policy("KS 1999/1") is None


# -- requests for anstånd ----------------------------------------------------------------------------
def request(n: int = 1, case_number: str = CASE, **changes: Any) -> ExtensionRequest:
    base = ExtensionRequest(
        case_number=case_number,
        organisation_key=org_key(n),
        requested_by=official(n),
        requested_at=datetime(2023, 11, 20, 14, 5, 30, 123456, tzinfo=STOCKHOLM_WINTER),
        requested_deadline=date(2023, 12, 8),
        reason="Nämnden sammanträder 7 december <&> 👍",
    )
    return replace(base, **changes)


def test_an_extension_request_round_trips_with_its_id_and_times_in_utc(store: Store) -> None:
    original = request()
    with store.transaction() as repo:
        added = repo.remisses.add_extension_request(original)
    with store.read() as repo:
        loaded = repo.remisses.get_extension_request(added.id or 0)
        missing = repo.remisses.get_extension_request((added.id or 0) + 1000)

    assert added.id is not None
    assert loaded == added == replace(original, id=added.id)
    assert loaded.requested_at.tzinfo == UTC
    assert loaded.requested_at.hour == 13
    assert (loaded.state, loaded.is_pending) == (RequestState.PENDING, True)
    assert missing is None


def test_a_decided_extension_request_is_saved_whole(store: Store) -> None:
    with store.transaction() as repo:
        added = repo.remisses.add_extension_request(request())
    decided = replace(
        added,
        state=RequestState.GRANTED,
        decided_by="U0COORD01",
        decided_at=datetime(2023, 11, 21, 9, 15, tzinfo=STOCKHOLM_WINTER),
        granted_deadline=date(2023, 12, 6),
    )

    with store.transaction() as repo:
        assert repo.remisses.get_extension_request(added.id or 0) == added
        repo.remisses.save_extension_request(decided)
    with store.read() as repo:
        loaded = repo.remisses.get_extension_request(added.id or 0)

    assert loaded == decided
    assert loaded is not None and loaded.decided_at is not None
    assert loaded.decided_at.tzinfo == UTC
    assert not loaded.is_pending


def test_saving_a_request_that_was_never_added_is_refused(store: Store) -> None:
    with store.transaction() as repo, pytest.raises(ValueError, match="no extension request"):
        repo.remisses.save_extension_request(request(id=4242))


def test_extension_requests_are_listed_per_remiss_or_recipient_in_the_order_made(store: Store) -> None:
    with store.transaction() as repo:
        a = repo.remisses.add_extension_request(request(2))
        b = repo.remisses.add_extension_request(request(1, reason="Första"))
        c = repo.remisses.add_extension_request(request(2, requested_deadline=date(2023, 12, 15)))
        d = repo.remisses.add_extension_request(request(1, OTHER_CASE))

    with store.read() as repo:
        everyone = repo.remisses.extension_requests(CASE)
        second = repo.remisses.extension_requests(CASE, org_key(2))
        other = repo.remisses.extension_requests(OTHER_CASE)
        nobody = repo.remisses.extension_requests("KS 1999/1")

    assert everyone == [a, b, c]
    assert second == [a, c]
    assert other == [d]
    assert nobody == []


# -- several claimers at once ------------------------------------------------------------------------
DUE = 200


def test_eight_ticks_at_once_settle_each_of_two_hundred_due_reminders_exactly_once(store: Store) -> None:
    moment = datetime(2023, 11, 16, 9, 0, 30, tzinfo=STOCKHOLM)
    for n in range(DUE):
        # Every recipient its 10-days-left reminder, due within the last minute, in a scattered order.
        schedule(store, [planned(n, date(2023, 11, 16), at=time(8, 59, (n * 37) % 60))], n=n)
    claimed_by: list[list[str]] = [[] for _ in range(THREADS)]
    settled_by: list[list[str]] = [[] for _ in range(THREADS)]

    def tick(i: int) -> None:
        # As ReminderUseCases.remind: claim a batch and settle each one in the same transaction, until none.
        while True:
            with store.transaction() as repo:
                batch = repo.reminders.claim_due_reminders(moment, 5)
                claimed_by[i].extend(keys(batch))
                for due in batch:
                    if repo.reminders.settle_reminder(due.key, ReminderState.SENT, "send", moment):
                        settled_by[i].append(due.key)
            if not batch:
                return

    at_once(tick)

    everything = {planned(n, date(2023, 11, 16)).key for n in range(DUE)}
    settled = Counter(key for keys_ in settled_by for key in keys_)
    claimed = Counter(key for keys_ in claimed_by for key in keys_)
    assert set(settled) == everything
    assert set(settled.values()) == {1}
    # Not only settled once: claimed once (the claim itself keeps the ticks apart, not just the update).
    assert set(claimed) == everything
    assert set(claimed.values()) == {1}
    assert {s.state for s in stored(store)} == {ReminderState.SENT}
    assert claim(store, moment + timedelta(days=30)) == []


@pytest.mark.parametrize("store", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_on_postgres_a_tick_skips_what_another_holds_instead_of_waiting(store: Store) -> None:
    assert isinstance(store, SqlStore)
    for n in range(10):
        schedule(store, [planned(n, date(2023, 11, 16))], n=n)
    moment = datetime(2023, 11, 16, 9, 1, tzinfo=STOCKHOLM)
    holding = threading.Event()
    release = threading.Event()
    held: list[str] = []

    def slow_tick() -> None:
        with store.transaction() as repo:
            held.extend(keys(repo.reminders.claim_due_reminders(moment, 4)))
            holding.set()
            release.wait(timeout=30)

    slow = threading.Thread(target=slow_tick)
    slow.start()
    try:
        assert holding.wait(timeout=30)
        # A second replica's tick, while the first still holds its four: it gets the next ones at once.
        other = claim(store, moment, limit=10)
    finally:
        release.set()
        slow.join(timeout=30)

    assert held == [planned(n, date(2023, 11, 16)).key for n in range(4)]
    assert keys(other) == [planned(n, date(2023, 11, 16)).key for n in range(4, 10)]
    # Let go unsettled, the first four are due again.
    assert len(claim(store, moment, limit=10)) == 10


def test_the_longest_waiting_due_reminder_is_the_oldest_still_planned(store: Store) -> None:
    schedule(store, PLAN)
    with store.read() as repo:
        assert repo.reminders.oldest_due_reminder(after(NUDGE, -1)) is None
        assert repo.reminders.oldest_due_reminder(after(TEN_LEFT, 5)) == NUDGE.due_at
    assert settle(store, NUDGE.key, ReminderState.SENT)
    with store.read() as repo:
        assert repo.reminders.oldest_due_reminder(after(TEN_LEFT, 5)) == TEN_LEFT.due_at
        assert repo.reminders.oldest_due_reminder(after(TEN_LEFT, -5)) is None
