"""The outbox and the status boards, on MemoryStore, SQLite and PostgreSQL alike.

Claims must give each message (and each board) to exactly one sender, also with several senders at once,
and must cost what is due, not what was ever sent.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import event

from bot.core.domain.outbox import DeliveryState, MessageKind, OutboxMessage, StatusBoard, remiss_delivery_key
from bot.core.ports.store import Store, Transaction
from storage import SqlStore
from tests.storage.samples import CASE, NOW, official, org_key
from tests.storage.test_storage_concurrency import THREADS, at_once
from tests.storage.test_storage_contract import Boom, in_transaction

LEASE = timedelta(minutes=2)
OTHER_CASE = "KS 2021/123"
STATUS_CHANNEL = "C0REMISSER"
STOCKHOLM_SUMMER = timezone(timedelta(hours=2))


def message(n: int, case_number: str = CASE, **changes: Any) -> OutboxMessage:
    """The remiss DM to official n of organisation n, as the service would enqueue it."""
    base = OutboxMessage(
        key=remiss_delivery_key(case_number, org_key(n), official(n)),
        kind=MessageKind.REMISS,
        case_number=case_number,
        created_at=NOW,
        to_user=official(n),
        organisation_key=org_key(n),
    )
    return replace(base, **changes)


def sent(claimed: OutboxMessage, at: datetime = NOW) -> OutboxMessage:
    """What a sender hands back after Slack accepted the message."""
    return replace(
        claimed,
        state=DeliveryState.SENT,
        attempts=claimed.attempts + 1,
        channel_id=f"D0{claimed.to_user}",
        # Unique per message: one DM channel per official, one second per id.
        ts=f"{1696235400 + (claimed.id or 0)}.000100",
        sent_at=at,
        uncertain=False,
    )


def _id(m: OutboxMessage) -> int:
    assert m.id is not None
    return m.id


def enqueue(store: Store, messages: Iterable[OutboxMessage]) -> list[bool]:
    with store.transaction() as repo:
        return [repo.outbox.enqueue(m) for m in messages]


def claim(store: Store, at: datetime = NOW, limit: int = 10) -> list[OutboxMessage]:
    with store.transaction() as repo:
        return repo.outbox.claim_messages(at, LEASE, limit)


def finish(store: Store, *messages: OutboxMessage) -> None:
    with store.transaction() as repo:
        for m in messages:
            repo.outbox.finish_message(m)


def keys(messages: Iterable[OutboxMessage]) -> list[str]:
    return [m.key for m in messages]


def all_messages(store: Store, case_number: str = CASE) -> list[OutboxMessage]:
    with store.read() as repo:
        return repo.outbox.messages_for(case_number)


def touch(store: Store, case_number: str = CASE, channel: str = STATUS_CHANNEL) -> None:
    with store.transaction() as repo:
        repo.outbox.touch_status(case_number, channel)


def claim_boards(store: Store, at: datetime = NOW, limit: int = 10) -> list[StatusBoard]:
    with store.transaction() as repo:
        return repo.outbox.claim_status(at, LEASE, limit)


def board(store: Store, case_number: str = CASE) -> StatusBoard:
    with store.read() as repo:
        found = repo.outbox.get_status(case_number)
    assert found is not None
    return found


# -- enqueueing --------------------------------------------------------------------------------------
def test_a_message_comes_back_exactly_as_it_was_enqueued_with_times_in_utc(store: Store) -> None:
    local = datetime(2023, 10, 2, 10, 30, 15, 123456, tzinfo=STOCKHOLM_SUMMER)
    original = message(
        1,
        kind=MessageKind.STATUS_EVENT,
        created_at=local,
        audit_id=42,
        attempts=3,
        next_attempt_at=local + timedelta(minutes=5),
        error="Läsfel <&> 👍",
        uncertain=True,
    )
    enqueue(store, [original])

    [loaded] = all_messages(store)

    assert loaded.id is not None
    assert replace(loaded, id=None) == original
    assert loaded.created_at.tzinfo == UTC
    assert loaded.created_at.hour == 8
    assert loaded.kind is MessageKind.STATUS_EVENT
    assert loaded.state is DeliveryState.PENDING


def test_enqueueing_one_key_twice_records_one_message_and_the_transaction_goes_on(store: Store) -> None:
    first = message(1)
    with store.transaction() as repo:
        added = repo.outbox.enqueue(first)
        again = repo.outbox.enqueue(replace(first, to_user="U0SOMEONE", created_at=NOW + timedelta(hours=1)))
        # A refused enqueue doesn't spoil the transaction.
        other = repo.outbox.enqueue(message(2))
    retried = enqueue(store, [first])

    assert (added, again, other, retried) == (True, False, True, [False])
    loaded = all_messages(store)
    assert keys(loaded) == [first.key, message(2).key]
    assert loaded[0].to_user == official(1)
    assert loaded[0].created_at == NOW


def test_messages_enqueued_all_at_once_come_back_in_order_leaving_out_known_keys(store: Store) -> None:
    known = message(2, error="first")
    enqueue(store, [known])
    batch = [message(n, attempts=n) for n in (5, 1, 2, 7)] + [message(5, error="twice in the batch")]

    with store.transaction() as repo:
        repo.outbox.enqueue_all(batch)
        repo.outbox.enqueue_all([])

    loaded = all_messages(store)
    # Oldest first is the order they were recorded in: the known one, then the batch's order.
    assert keys(loaded) == [message(n).key for n in (2, 5, 1, 7)]
    assert [replace(m, id=None) for m in loaded] == [known, *batch[:2], batch[3]]
    assert [claimed.key for claimed in claim(store, limit=2)] == [message(2).key, message(5).key]


def test_an_exception_in_a_transaction_undoes_enqueues_claims_and_touches(store: Store) -> None:
    enqueue(store, [message(1)])
    touch(store)

    def write_everything_then_fail(repo: Transaction) -> None:
        repo.outbox.enqueue(message(2))
        repo.outbox.claim_messages(NOW, LEASE, 10)
        repo.outbox.touch_status(CASE, STATUS_CHANNEL)
        repo.outbox.claim_status(NOW, LEASE, 10)
        raise Boom

    with pytest.raises(Boom):
        in_transaction(store, write_everything_then_fail)

    [only] = all_messages(store)
    assert only.state is DeliveryState.PENDING
    assert only.claimed_until is None
    assert board(store) == StatusBoard(CASE, STATUS_CHANNEL, version=1, rendered_version=0)


def test_a_read_refuses_to_write_to_the_outbox_or_the_boards(store: Store) -> None:
    with store.read() as repo, pytest.raises(RuntimeError, match="read-only"):
        repo.outbox.enqueue(message(1))
    with store.read() as repo, pytest.raises(RuntimeError, match="read-only"):
        repo.outbox.claim_messages(NOW, LEASE, 10)
    with store.read() as repo, pytest.raises(RuntimeError, match="read-only"):
        repo.outbox.touch_status(CASE, STATUS_CHANNEL)


def test_what_the_last_digest_said_is_kept_per_channel_replaced_undone_with_its_transaction(store: Store) -> None:
    with store.read() as repo:
        assert repo.outbox.last_digest(STATUS_CHANNEL) is None
    with store.transaction() as repo:
        repo.outbox.record_digest(STATUS_CHANNEL, "first")
        repo.outbox.record_digest("U0MIA", "other")
    with store.transaction() as repo:
        repo.outbox.record_digest(STATUS_CHANNEL, "second")
        assert repo.outbox.last_digest(STATUS_CHANNEL) == "second"

    def record_then_fail(repo: Transaction) -> None:
        repo.outbox.record_digest(STATUS_CHANNEL, "third")
        raise Boom

    with pytest.raises(Boom):
        in_transaction(store, record_then_fail)
    with store.read() as repo:
        assert (repo.outbox.last_digest(STATUS_CHANNEL), repo.outbox.last_digest("U0MIA")) == ("second", "other")
    with store.read() as repo, pytest.raises(RuntimeError, match="read-only"):
        repo.outbox.record_digest(STATUS_CHANNEL, "fourth")


# -- claiming ----------------------------------------------------------------------------------------
def test_claims_take_the_oldest_first_up_to_the_limit_as_sending_with_a_lease(store: Store) -> None:
    messages = [message(n) for n in range(1, 6)]
    enqueue(store, messages)

    first = claim(store, limit=3)
    second = claim(store, limit=3)
    third = claim(store, limit=3)

    assert keys(first) == keys(messages[:3])
    assert keys(second) == keys(messages[3:])
    assert third == []
    assert all(m.state is DeliveryState.SENDING for m in first + second)
    assert all(m.claimed_until == NOW + LEASE for m in first + second)
    assert not any(m.uncertain for m in first + second)
    assert [_id(m) for m in first + second] == sorted(_id(m) for m in first + second)
    # What was returned is what is stored.
    assert all_messages(store) == first + second


def test_a_claimed_message_waits_out_its_lease_then_comes_back_uncertain(store: Store) -> None:
    enqueue(store, [message(1)])
    [claimed] = claim(store)

    during = claim(store, at=NOW + LEASE - timedelta(seconds=1))
    at_the_end = claim(store, at=NOW + LEASE)
    [reclaimed] = claim(store, at=NOW + LEASE + timedelta(seconds=1))

    assert (during, at_the_end) == ([], [])
    assert reclaimed.key == claimed.key
    # The sender died holding it: the message may already be in Slack.
    assert reclaimed.uncertain is True
    assert reclaimed.state is DeliveryState.SENDING
    assert reclaimed.claimed_until == NOW + LEASE + timedelta(seconds=1) + LEASE


def test_a_message_finished_as_sent_is_never_claimed_again(store: Store) -> None:
    enqueue(store, [message(1), message(2)])
    first, second = claim(store)

    finish(store, sent(first, NOW + timedelta(seconds=3)))

    [only] = claim(store, at=NOW + timedelta(days=1))
    assert only.key == second.key
    stored = all_messages(store)[0]
    assert stored == replace(sent(first, NOW + timedelta(seconds=3)), claimed_until=None)
    assert stored.state is DeliveryState.SENT


def test_a_message_to_retry_is_claimed_only_when_its_next_attempt_is_due(store: Store) -> None:
    enqueue(store, [message(1)])
    [claimed] = claim(store)
    retry_at = NOW + timedelta(seconds=5)
    # A 5xx: the attempt may have reached Slack, so the sender marks it uncertain.
    finish(store, replace(claimed, state=DeliveryState.PENDING, attempts=1, next_attempt_at=retry_at, uncertain=True))

    early = claim(store, at=retry_at - timedelta(microseconds=1))
    [due] = claim(store, at=retry_at)

    assert early == []
    assert due.attempts == 1
    assert due.uncertain is True
    assert due.next_attempt_at == retry_at
    assert due.claimed_until == retry_at + LEASE


def test_finished_messages_in_every_end_state_stay_out_of_claims(store: Store) -> None:
    enqueue(store, [message(n) for n in range(1, 4)])
    first, second, third = claim(store)

    finish(
        store,
        sent(first),
        replace(second, state=DeliveryState.UNREACHABLE, attempts=1, error="user_not_found"),
        replace(third, state=DeliveryState.FAILED, attempts=12, error="internal_error"),
    )

    assert claim(store, at=NOW + timedelta(days=30)) == []
    assert [m.state for m in all_messages(store)] == [
        DeliveryState.SENT,
        DeliveryState.UNREACHABLE,
        DeliveryState.FAILED,
    ]
    assert all(m.claimed_until is None for m in all_messages(store))


def test_finishing_a_message_that_was_never_enqueued_is_refused(store: Store) -> None:
    with store.transaction() as repo, pytest.raises(ValueError, match="no outbox message"):
        repo.outbox.finish_message(message(1))


def test_a_claim_with_nothing_due_or_no_room_claims_nothing(store: Store) -> None:
    enqueue(store, [message(1, next_attempt_at=NOW + timedelta(hours=1))])

    assert claim(store) == []
    assert claim(store, at=NOW + timedelta(hours=2), limit=0) == []
    assert all_messages(store)[0].state is DeliveryState.PENDING


# -- finding messages --------------------------------------------------------------------------------
def test_a_sent_message_is_found_by_its_place_in_slack(store: Store) -> None:
    enqueue(store, [message(1), message(2), message(1, OTHER_CASE)])
    claimed = claim(store)
    finish(store, *(sent(m) for m in claimed))
    second = sent(claimed[1])
    assert second.channel_id is not None
    assert second.ts is not None

    with store.read() as repo:
        found = repo.outbox.find_remiss_dm(second.channel_id, second.ts)
        wrong_channel = repo.outbox.find_remiss_dm("D0SOMEWHERE", second.ts)
        wrong_ts = repo.outbox.find_remiss_dm(second.channel_id, "1.000000")

    assert found == replace(second, claimed_until=None)
    assert (wrong_channel, wrong_ts) == (None, None)


def test_a_refresh_recorded_at_a_remiss_dms_place_before_the_dm_was_recorded_is_not_taken_for_it(
    store: Store,
) -> None:
    # A refresh enqueued before a remiss DM (a hand-over, Skicka igen) but sent after it edits that DM and
    # records its place: it has the lower id, and the thread under the DM must still lead to the DM.
    refresh = replace(message(1), key="remiss-refresh:1", kind=MessageKind.REMISS_REFRESH)
    enqueue(store, [refresh, message(1)])
    first, dm = claim(store)
    sent_dm = sent(dm)
    finish(store, sent_dm, replace(sent(first), channel_id=sent_dm.channel_id, ts=sent_dm.ts))
    assert sent_dm.channel_id is not None and sent_dm.ts is not None

    with store.read() as repo:
        found = repo.outbox.find_remiss_dm(sent_dm.channel_id, sent_dm.ts)

    assert found is not None
    assert (found.key, found.kind) == (dm.key, MessageKind.REMISS)


def test_messages_about_a_remiss_or_one_recipient_are_listed_oldest_first(store: Store) -> None:
    handed_over = message(1, kind=MessageKind.HANDED_OVER, key="handed-over:1", to_user="U0PREVIOUS")
    status_event = message(2, kind=MessageKind.STATUS_EVENT, key="status-event:1", to_user=None, organisation_key=None)
    enqueue(store, [message(1), message(2), message(1, OTHER_CASE), handed_over, status_event])

    with store.read() as repo:
        remiss_messages = repo.outbox.messages_for(CASE)
        recipient_messages = repo.outbox.messages_for(CASE, org_key(1))
        other = repo.outbox.messages_for(OTHER_CASE)
        unknown = repo.outbox.messages_for("KS 1999/1")

    assert keys(remiss_messages) == [message(1).key, message(2).key, handed_over.key, status_event.key]
    assert keys(recipient_messages) == [message(1).key, handed_over.key]
    assert keys(other) == [message(1, OTHER_CASE).key]
    assert unknown == []


# -- status boards -----------------------------------------------------------------------------------
def test_touching_a_status_creates_its_board_then_bumps_its_version_in_its_first_channel(store: Store) -> None:
    with store.read() as repo:
        assert repo.outbox.get_status(CASE) is None

    touch(store)
    created = board(store)
    touch(store, channel="C0ELSEWHERE")
    touch(store)

    assert created == StatusBoard(CASE, STATUS_CHANNEL, version=1, rendered_version=0, ts=None, claimed_until=None)
    assert created.stale
    assert board(store) == replace(created, version=3)


def test_only_stale_boards_nobody_holds_are_claimed(store: Store) -> None:
    for case_number in ("A-1", "B-2", "C-3", "D-4"):
        touch(store, case_number)
    first = {b.case_number: b for b in claim_boards(store)}
    with store.transaction() as repo:
        # B-2 is rendered and so up to date; A-1 and D-4 are let go unrendered (the sender hit an error);
        # C-3 stays held by a live sender until NOW + LEASE.
        repo.outbox.finish_status(replace(first["B-2"], rendered_version=1, ts="1696235400.000100"))
        repo.outbox.finish_status(first["A-1"])
        repo.outbox.finish_status(first["D-4"])

    during = claim_boards(store, at=NOW + timedelta(seconds=30))
    after = claim_boards(store, at=NOW + LEASE + timedelta(seconds=1))

    assert sorted(first) == ["A-1", "B-2", "C-3", "D-4"]
    assert [b.case_number for b in during] == ["A-1", "D-4"]
    assert all(b.claimed_until == NOW + timedelta(seconds=30) + LEASE for b in during)
    assert [b.case_number for b in after] == ["C-3"]
    assert not board(store, "B-2").stale


def test_claimed_boards_come_in_case_number_order_up_to_the_limit(store: Store) -> None:
    for case_number in ("C-3", "A-1", "B-2"):
        touch(store, case_number)

    first = claim_boards(store, limit=2)
    second = claim_boards(store, limit=2)

    assert [b.case_number for b in first] == ["A-1", "B-2"]
    assert [b.case_number for b in second] == ["C-3"]
    assert claim_boards(store) == []
    assert claim_boards(store, at=NOW + timedelta(days=1), limit=0) == []


def test_a_board_touched_while_it_is_rendered_stays_stale(store: Store) -> None:
    touch(store)
    [claimed] = claim_boards(store)
    # The remiss changes while the sender renders version 1.
    touch(store)

    with store.transaction() as repo:
        repo.outbox.finish_status(replace(claimed, ts="1696235400.000100", rendered_version=claimed.version))
    finished = board(store)
    [again] = claim_boards(store, at=NOW + timedelta(seconds=1))

    assert finished == StatusBoard(CASE, STATUS_CHANNEL, version=2, rendered_version=1, ts="1696235400.000100")
    assert finished.stale
    assert (again.version, again.rendered_version, again.ts) == (2, 1, "1696235400.000100")


def test_finishing_a_board_never_lowers_its_rendered_version_nor_forgets_its_ts(store: Store) -> None:
    for _ in range(3):
        touch(store)
    [claimed] = claim_boards(store)
    with store.transaction() as repo:
        repo.outbox.finish_status(replace(claimed, rendered_version=3, ts="1696235400.000100"))
        # A slower sender, whose lease ran out, finishes an older render afterwards.
        repo.outbox.finish_status(replace(claimed, rendered_version=1, ts=None, version=99))

    assert board(store) == StatusBoard(CASE, STATUS_CHANNEL, version=3, rendered_version=3, ts="1696235400.000100")
    assert claim_boards(store, at=NOW + timedelta(days=1)) == []


INTERVAL = timedelta(seconds=10)


def render(store: Store, claimed: StatusBoard, at: datetime) -> None:
    """As DeliveryUseCases.status_rendered: Slack shows the claimed version since `at`."""
    with store.transaction() as repo:
        repo.outbox.finish_status(
            replace(claimed, ts="1696235400.000100", rendered_version=claimed.version, rendered_at=at)
        )


def test_a_board_rendered_at_t_is_not_claimed_again_before_t_plus_the_interval(store: Store) -> None:
    touch(store)
    [first] = claim_boards_every(store, NOW)
    render(store, first, NOW)
    touch(store)  # an answer a moment later

    too_soon = claim_boards_every(store, NOW + INTERVAL - timedelta(milliseconds=1))
    [due] = claim_boards_every(store, NOW + INTERVAL)

    assert too_soon == []
    assert (due.version, due.rendered_version, due.rendered_at) == (2, 1, NOW)
    assert due.claimed_until == NOW + INTERVAL + LEASE


def test_a_board_never_rendered_or_quiet_for_the_interval_is_claimed_at_once(store: Store) -> None:
    touch(store, "A-1")
    touch(store, "B-2")
    [a, b] = claim_boards_every(store, NOW)
    render(store, a, NOW - INTERVAL)  # rendered long enough ago
    render(store, b, NOW)
    touch(store, "A-1")
    touch(store, "B-2")
    touch(store, "C-3")  # never rendered

    assert [x.case_number for x in claim_boards_every(store, NOW)] == ["A-1", "C-3"]


def test_the_next_status_edit_is_when_the_earliest_waiting_board_is_due(store: Store) -> None:
    def next_edit(at: datetime) -> datetime | None:
        with store.read() as repo:
            return repo.outbox.next_status_edit(at, INTERVAL)

    assert next_edit(NOW) is None
    touch(store, "A-1")
    touch(store, "B-2")
    assert next_edit(NOW) == NOW  # never rendered: due now
    [a, b] = claim_boards_every(store, NOW)
    assert next_edit(NOW) is None  # both held by a live sender
    render(store, a, NOW)
    render(store, b, NOW + timedelta(seconds=3))
    assert next_edit(NOW) is None  # both up to date
    touch(store, "B-2")
    touch(store, "A-1")
    later = NOW + timedelta(seconds=4)
    assert next_edit(later) == NOW + INTERVAL  # A-1's, the earlier
    [a_again] = claim_boards_every(store, NOW + INTERVAL)
    assert a_again.case_number == "A-1"
    assert next_edit(NOW + INTERVAL) == NOW + timedelta(seconds=3) + INTERVAL


def test_with_no_interval_a_stale_board_is_claimed_whenever_it_was_rendered(store: Store) -> None:
    touch(store)
    [claimed] = claim_boards_every(store, NOW)
    render(store, claimed, NOW + timedelta(hours=1))  # a clock since set back, or another replica's ahead
    touch(store)

    with store.read() as repo:
        assert repo.outbox.next_status_edit(NOW, timedelta(0)) == NOW
    assert [b.version for b in claim_boards_every(store, NOW, timedelta(0))] == [2]


def test_finishing_a_board_never_moves_its_rendered_at_back(store: Store) -> None:
    touch(store)
    [claimed] = claim_boards_every(store, NOW)
    render(store, claimed, NOW + timedelta(seconds=5))
    render(store, claimed, NOW)  # a slower sender finishing an older render
    with store.transaction() as repo:
        repo.outbox.finish_status(replace(claimed, rendered_at=None))  # released after an error

    assert board(store).rendered_at == NOW + timedelta(seconds=5)


def claim_boards_every(store: Store, at: datetime, interval: timedelta = INTERVAL) -> list[StatusBoard]:
    with store.transaction() as repo:
        return repo.outbox.claim_status(at, LEASE, 10, interval)


def test_finishing_a_board_that_was_never_touched_is_refused(store: Store) -> None:
    with store.transaction() as repo, pytest.raises(ValueError, match="no status board"):
        repo.outbox.finish_status(StatusBoard(CASE, STATUS_CHANNEL))


# -- several senders at once -------------------------------------------------------------------------
SENDERS = 4


def test_four_senders_claiming_two_hundred_messages_send_each_exactly_once(store: Store) -> None:
    enqueue(store, [message(n) for n in range(1, 201)])
    claimed_by: list[list[str]] = [[] for _ in range(SENDERS)]

    def send_until_empty(i: int) -> None:
        while batch := claim(store, limit=5):
            claimed_by[i].extend(keys(batch))
            finish(store, *(sent(m) for m in batch))

    at_once(send_until_empty, SENDERS)

    counts = Counter(key for keys_ in claimed_by for key in keys_)
    assert set(counts) == {message(n).key for n in range(1, 201)}
    assert set(counts.values()) == {1}
    stored = all_messages(store)
    assert len(stored) == 200
    assert all(m.state is DeliveryState.SENT and m.attempts == 1 for m in stored)


def test_eight_replicas_enqueueing_one_key_at_once_record_it_once(store: Store) -> None:
    def enqueue_once(_: int) -> bool:
        with store.transaction() as repo:
            return repo.outbox.enqueue(message(1))

    added = at_once(enqueue_once)

    assert sorted(added, key=bool) == [False] * (THREADS - 1) + [True]
    assert keys(all_messages(store)) == [message(1).key]


@pytest.mark.parametrize("exists", [True, False], ids=["board exists", "first touches race"])
def test_eight_writers_touching_one_board_at_once_lose_no_bump(store: Store, exists: bool) -> None:
    touches = 5
    if exists:
        touch(store)

    def touch_repeatedly(_: int) -> None:
        for _ in range(touches):
            touch(store)

    at_once(touch_repeatedly)

    assert board(store).version == (1 if exists else 0) + THREADS * touches


def test_four_senders_claiming_stale_boards_render_each_once(store: Store) -> None:
    cases = [f"KS 2023/{n:03d}" for n in range(40)]
    for case_number in cases:
        touch(store, case_number)
    claimed_by: list[list[str]] = [[] for _ in range(SENDERS)]

    def render_until_empty(i: int) -> None:
        while boards := claim_boards(store, limit=3):
            claimed_by[i].extend(b.case_number for b in boards)
            with store.transaction() as repo:
                for b in boards:
                    repo.outbox.finish_status(replace(b, rendered_version=b.version, ts=f"{i}.000100"))

    at_once(render_until_empty, SENDERS)

    counts = Counter(case_number for claimed in claimed_by for case_number in claimed)
    assert sorted(counts) == cases
    assert set(counts.values()) == {1}
    assert not any(board(store, case_number).stale for case_number in cases)


# -- cost --------------------------------------------------------------------------------------------
def thousands_sent_and_ten_due(store: Store) -> list[OutboxMessage]:
    """5,000 messages of which all but 10 were sent; returns the 10, oldest first.

    The due ones are spread out, the last of each block of 500: a scan in id order would read nearly
    everything before finding them; only the indexes on the state skip the sent ones. The sent ones are
    enqueued as SENT, which stores the same rows as claiming and finishing them would, in a fraction of
    the time.
    """
    messages = [message(n) for n in range(5_000)]
    due = [m for i, m in enumerate(messages) if i % 500 == 499]
    enqueue(store, (m if m in due else sent(m) for m in messages))
    return due


def test_a_claim_among_thousands_of_sent_messages_finds_the_few_due(store: Store) -> None:
    due = thousands_sent_and_ten_due(store)

    claimed = claim(store, at=NOW + timedelta(minutes=1), limit=50)

    assert keys(claimed) == keys(due)
    assert sum(m.state is DeliveryState.SENT for m in all_messages(store)) == 4_990


@pytest.mark.parametrize("store", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_on_postgres_the_claim_reads_the_state_indexes_not_the_whole_table(store: Store) -> None:
    assert isinstance(store, SqlStore)
    due = thousands_sent_and_ten_due(store)
    with store.engine.begin() as connection:
        # Autovacuum keeps the statistics current in production; a test can't wait for it.
        connection.exec_driver_sql("ANALYZE outbox_message")
    selects: list[tuple[str, Any]] = []

    def record(_conn: object, _cursor: object, statement: str, parameters: Any, *_: object) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "outbox_message" in statement:
            selects.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        claimed = claim(store, limit=50)
    finally:
        event.remove(store.engine, "before_cursor_execute", record)
    # The claim's own SELECT, with its own parameters, explained (not run).
    [(statement, parameters)] = selects
    with store.engine.begin() as connection:
        plan = "\n".join(str(row[0]) for row in connection.exec_driver_sql(f"EXPLAIN {statement}", parameters))

    assert keys(claimed) == keys(due)
    assert "FOR UPDATE SKIP LOCKED" in statement
    # Which of the two (state, …) indexes serves the SENDING range is the planner's choice; either is a
    # range over the live rows only.
    assert "Index Scan on ix_outbox_message_state_" in plan, plan
    assert "Seq Scan" not in plan, plan


def test_the_outbox_is_counted_by_state_and_its_longest_wait_is_the_oldest_due_pending_message(store: Store) -> None:
    earlier = NOW - timedelta(minutes=5)
    enqueue(store, [message(1, created_at=earlier), message(2, created_at=earlier)])
    first, second = claim(store, limit=2)
    finish(store, sent(first))
    # Put back to be tried in ten minutes: it waits for nobody before then.
    finish(store, replace(second, state=DeliveryState.PENDING, next_attempt_at=NOW + timedelta(minutes=10)))
    with store.read() as repo:
        assert repo.outbox.oldest_due(NOW) is None
        assert repo.outbox.oldest_due(NOW + timedelta(minutes=11)) == NOW + timedelta(minutes=10)
    enqueue(store, [message(3, created_at=NOW)])
    with store.read() as repo:
        counts = repo.outbox.count_by_state(list(DeliveryState))
        unsent = repo.outbox.count_by_state([DeliveryState.PENDING, DeliveryState.FAILED])
        assert repo.outbox.oldest_due(NOW + timedelta(minutes=1)) == NOW
        assert repo.outbox.oldest_due(NOW + timedelta(minutes=11)) == NOW
    assert {state: n for state, n in counts.items() if n} == {DeliveryState.SENT: 1, DeliveryState.PENDING: 2}
    assert {state: n for state, n in unsent.items() if n} == {DeliveryState.PENDING: 2}
