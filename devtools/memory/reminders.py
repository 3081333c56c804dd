"""The reminders port in memory: planned reminders, claimed when due, and per-remiss policy."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.reminders import PlannedReminder, ReminderState, ScheduledReminder, reconcile
from devtools.memory.state import MemoryPart, copied


class MemoryReminders(MemoryPart):
    """bot.core.ports.reminders.ReminderRepository over one in-memory state; objects are copied in and out."""

    # -- reminders -----------------------------------------------------------------------------------
    def schedule_reminders(
        self,
        case_number: str,
        organisation_key: str,
        plan: Sequence[PlannedReminder],
        at: datetime,
        *,
        cancel_reason: str = "replanned",
    ) -> None:
        """Make the recipient's still-planned reminders exactly `plan` (the domain's reconcile decides)."""
        self._require_writable()
        at = copied(at)
        reminders = self._state.reminders
        existing = {
            key: stored.state
            for key, stored in reminders.items()
            if stored.reminder.case_number == case_number and stored.reminder.organisation_key == organisation_key
        }
        decision = reconcile(existing, plan)
        for key in decision.cancel:
            reminders[key] = replace(reminders[key], state=ReminderState.CANCELLED, reason=cancel_reason, decided_at=at)
        for reminder in decision.replan:
            reminders[reminder.key] = replace(
                reminders[reminder.key],
                reminder=copied(reminder),
                state=ReminderState.PLANNED,
                reason="",
                decided_at=None,
            )
        self.add_reminders(decision.add)

    def add_reminders(self, plan: Sequence[PlannedReminder]) -> None:
        self._require_writable()
        for reminder in plan:
            if reminder.key not in self._state.reminders:
                self._state.reminders[reminder.key] = ScheduledReminder(
                    reminder=copied(reminder), id=self._state.next_id()
                )

    def claim_due_reminders(self, now: datetime, limit: int) -> list[ScheduledReminder]:
        self._require_writable()
        now = copied(now)
        due = [
            r for r in self._state.reminders.values() if r.state is ReminderState.PLANNED and r.reminder.due_at <= now
        ]
        due.sort(key=lambda r: (r.reminder.due_at, r.id or 0))
        return [copied(r) for r in due[: max(limit, 0)]]

    def oldest_due_reminder(self, now: datetime) -> datetime | None:
        due = [
            r.reminder.due_at
            for r in self._state.reminders.values()
            if r.state is ReminderState.PLANNED and r.reminder.due_at <= now
        ]
        return copied(min(due)) if due else None

    def settle_reminder(self, key: str, state: ReminderState, reason: str, at: datetime) -> bool:
        self._require_writable()
        stored = self._state.reminders.get(key)
        if stored is None or stored.state is not ReminderState.PLANNED:
            return False
        self._state.reminders[key] = replace(stored, state=state, reason=reason, decided_at=copied(at))
        return True

    def reminders_for(self, case_number: str, organisation_key: str | None = None) -> list[ScheduledReminder]:
        found = [
            r
            for r in self._state.reminders.values()
            if r.reminder.case_number == case_number
            and (organisation_key is None or r.reminder.organisation_key == organisation_key)
        ]
        return [copied(r) for r in sorted(found, key=lambda r: (r.reminder.due_at, r.id or 0))]

    def reminder_policy(self, case_number: str) -> dict[str, Any] | None:
        found = self._state.policies.get(case_number)
        return dict(found) if found else None

    def set_reminder_policy(self, case_number: str, policy: dict[str, Any] | None) -> None:
        self._require_writable()
        if case_number not in self._state.remisses:
            raise DomainError(ErrorCode.UNKNOWN_REMISS, case_number=case_number)
        if policy:
            self._state.policies[case_number] = dict(policy)
        else:
            self._state.policies.pop(case_number, None)
