"""The reminders port: planned reminders, claimed when due by the periodic job, and each remiss's policy."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from bot.core.domain.reminders import PlannedReminder, ReminderState, ScheduledReminder


class ReminderRepository(Protocol):
    """Scheduled reminders and per-remiss reminder settings, inside one transaction."""

    # Reminders: planned rows, claimed when due by the periodic job
    def schedule_reminders(
        self,
        case_number: str,
        organisation_key: str,
        plan: Sequence[PlannedReminder],
        at: datetime,
        *,
        cancel_reason: str = "replanned",
    ) -> None:
        """Make the recipient's still-planned reminders exactly `plan`.

        Planned ones not in it are cancelled (with `cancel_reason`); ones in it are added, or (planned or
        cancelled before) planned again with the new details; sent and skipped ones are history and stay.
        """
        ...

    def add_reminders(self, plan: Sequence[PlannedReminder]) -> None:
        """Record new planned reminders in one go (a remiss just sent); keys already known are left alone."""
        ...

    def claim_due_reminders(self, now: datetime, limit: int) -> list[ScheduledReminder]:
        """Planned reminders due by `now`, oldest first, locked for this transaction (PostgreSQL: FOR UPDATE
        SKIP LOCKED, so replicas take disjoint ones; SQLite: the transaction holds the write lock). The
        caller settles each within the same transaction."""
        ...

    def settle_reminder(self, key: str, state: ReminderState, reason: str, at: datetime) -> bool:
        """Move a planned reminder to its outcome; False (nothing changed) if it was no longer planned.
        A conditional update: its row count decides, so a reminder is settled, and sent, once."""
        ...

    def reminders_for(self, case_number: str, organisation_key: str | None = None) -> list[ScheduledReminder]:
        """Every reminder of a remiss (or one recipient), in due order."""
        ...

    def oldest_due_reminder(self, now: datetime) -> datetime | None:
        """The due moment of the longest-waiting reminder still planned at `now`; None when none is due."""
        ...

    # The remiss's own settings
    def reminder_policy(self, case_number: str) -> dict[str, Any] | None:
        """The remiss's own reminder settings (None: the global policy)."""
        ...

    def set_reminder_policy(self, case_number: str, policy: dict[str, Any] | None) -> None: ...
