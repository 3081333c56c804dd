"""The rules both stores apply, decided once in the domain: reminder reconciliation, the directory after a new
list, append-only versions and extensions, e-mail keys, what a sender may claim."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.core.domain.organisation import Directory, Organisation, OrgKind, email_key
from bot.core.domain.outbox import DeliveryState, MessageKind, OutboxMessage, StatusBoard
from bot.core.domain.recipient import Recipient
from bot.core.domain.reminders import PlannedReminder, ReminderKind, ReminderState, reconcile
from bot.core.domain.remiss import Extension

CASE, ORG = "STK-2023-137", "tekniska-namnden"
P = ReminderState.PLANNED


def reminder(day: int, kind: ReminderKind = ReminderKind.BEFORE_DEADLINE) -> PlannedReminder:
    return PlannedReminder(
        case_number=CASE,
        organisation_key=ORG,
        kind=kind,
        due_at=datetime(2023, 11, day, 8, tzinfo=UTC),
        local_date=date(2023, 11, day),
        deadline=date(2023, 11, 30),
        working_days_left=30 - day,
        to="recipient",
    )


def test_reconcile_cancels_planned_ones_left_out_replans_known_ones_and_adds_the_rest() -> None:
    kept, dropped, revived, new = reminder(16), reminder(23), reminder(28), reminder(29)
    existing = {kept.key: P, dropped.key: P, revived.key: ReminderState.CANCELLED}
    decision = reconcile(existing, [kept, revived, new])
    assert decision.cancel == (dropped.key,)
    assert decision.replan == (kept, revived)
    assert decision.add == (new,)


def test_reconcile_leaves_sent_and_skipped_reminders_as_history() -> None:
    sent, skipped = reminder(16), reminder(23)
    existing = {sent.key: ReminderState.SENT, skipped.key: ReminderState.SKIPPED}
    assert reconcile(existing, [sent]) == reconcile(existing, [])
    decision = reconcile(existing, [sent, skipped])
    assert (decision.cancel, decision.replan, decision.add) == ((), (), ())


def org(key: str) -> Organisation:
    return Organisation(key=key, name=key.title(), short_name=key, kind=OrgKind.NAMND)


def test_a_new_directory_list_keeps_the_unlisted_ones_inactive_after_the_listed() -> None:
    stored = Directory((org("a"), org("b"), org("c")))
    after = stored.replaced_by(Directory((org("c"), org("d"))))
    assert [(o.key, o.active) for o in after] == [("c", True), ("d", True), ("a", False), ("b", False)]


def test_versions_and_extensions_are_append_only() -> None:
    stored = Recipient(CASE, ORG, ("U1",), date(2023, 11, 30))
    grant = Extension(date(2023, 11, 30), date(2023, 12, 8), "UK", datetime(2023, 11, 1, tzinfo=UTC), "")
    later = replace(stored, extensions=[grant])
    assert later.appended_since(stored) == ([], [grant])
    with pytest.raises(ValueError, match="append-only"):
        stored.appended_since(later)


def test_email_addresses_are_matched_case_insensitively() -> None:
    assert email_key("  Anna.Berg@Example.SE ") == "anna.berg@example.se"


def test_an_outbox_message_is_claimable_when_due_or_abandoned_and_an_abandoned_claim_is_uncertain() -> None:
    now, lease = datetime(2023, 11, 1, 8, tzinfo=UTC), timedelta(minutes=2)
    pending = OutboxMessage("k", MessageKind.REMINDER, CASE, now)
    later = replace(pending, next_attempt_at=now + lease)
    live = pending.claimed(now, lease)
    assert pending.claimable(now) and not later.claimable(now) and not live.claimable(now)
    assert (live.state, live.claimed_until, live.uncertain) == (DeliveryState.SENDING, now + lease, False)
    dead_later = now + 2 * lease
    assert live.abandoned(dead_later) and live.claimed(dead_later, lease).uncertain


def test_a_status_board_is_claimable_when_stale_and_not_held_by_a_live_sender() -> None:
    now = datetime(2023, 11, 1, 8, tzinfo=UTC)
    board = StatusBoard(CASE, "C1")
    assert board.claimable(now)
    assert not replace(board, claimed_until=now).claimable(now)
    assert not replace(board, rendered_version=1).claimable(now)


def test_a_status_board_rendered_a_moment_ago_waits_out_the_interval_then_is_due() -> None:
    now, interval = datetime(2023, 11, 1, 8, tzinfo=UTC), timedelta(seconds=10)
    rendered = StatusBoard(CASE, "C1", version=2, rendered_version=1, rendered_at=now)
    assert rendered.next_edit_at(interval) == now + interval
    assert not rendered.due(now + timedelta(seconds=9), interval)
    assert not rendered.claimable(now + timedelta(seconds=9), interval)
    assert rendered.due(now + interval, interval) and rendered.claimable(now + interval, interval)
    # No interval: due as soon as it is stale, as before, even rendered "later" by a clock set back.
    assert rendered.claimable(now, timedelta(0)) and rendered.claimable(now)
    assert replace(rendered, rendered_at=now + timedelta(hours=1)).claimable(now)
    # Up to date, it is never due, however long ago it was rendered.
    assert not replace(rendered, rendered_version=2).due(now + timedelta(days=1), interval)


def test_the_first_change_after_a_quiet_spell_is_due_at_once() -> None:
    now, interval = datetime(2023, 11, 1, 8, tzinfo=UTC), timedelta(seconds=10)
    never = StatusBoard(CASE, "C1")
    quiet = StatusBoard(CASE, "C1", version=5, rendered_version=4, rendered_at=now - timedelta(minutes=5))
    assert never.next_edit_at(interval) is None and never.claimable(now, interval)
    assert quiet.claimable(now, interval)


def test_a_status_board_waits_until_its_next_edit_unless_up_to_date_or_held() -> None:
    now, interval = datetime(2023, 11, 1, 8, tzinfo=UTC), timedelta(seconds=10)
    waiting = StatusBoard(CASE, "C1", version=2, rendered_version=1, rendered_at=now - timedelta(seconds=4))
    assert waiting.waits_until(now, interval) == now + timedelta(seconds=6)
    assert StatusBoard(CASE, "C1").waits_until(now, interval) == now  # never rendered: now
    assert replace(waiting, rendered_version=2).waits_until(now, interval) is None
    assert replace(waiting, claimed_until=now + timedelta(minutes=1)).waits_until(now, interval) is None
