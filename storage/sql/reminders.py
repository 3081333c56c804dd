"""The reminders port on SQL: planned rows, claimed when due (SKIP LOCKED), and per-remiss policy."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, update
from sqlmodel import col, select

from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.reminders import PlannedReminder, ReminderState, ScheduledReminder, reconcile
from storage.sql.context import FRESH, FRESH_UPDATE, SqlRepository
from storage.sql.mapping import reminder_fields, scheduled_from
from storage.tables import ReminderRow, RemissRow


def _planned_row(reminder: PlannedReminder) -> dict[str, Any]:
    """The columns of a reminder recorded as planned."""
    return {"key": reminder.key, **reminder_fields(reminder), "state": ReminderState.PLANNED.value, "reason": ""}


class SqlReminders(SqlRepository):
    """bot.core.ports.reminders.ReminderRepository over one transaction's SqlContext."""

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
        """Make the recipient's still-planned reminders exactly `plan` (see the port)."""
        self._ctx.require_writable()
        existing = {
            row.key: ReminderState(row.state)
            for row in self._session.exec(
                select(ReminderRow).where(
                    ReminderRow.case_number == case_number, ReminderRow.organisation_key == organisation_key
                ),
                execution_options=FRESH,
            ).all()
        }
        # The domain decides (reconcile); the statements here only carry its decision out.
        decision = reconcile(existing, plan)
        if decision.cancel:
            self._session.execute(
                update(ReminderRow)
                .where(col(ReminderRow.key).in_(decision.cancel), col(ReminderRow.state) == ReminderState.PLANNED.value)
                .values(state=ReminderState.CANCELLED.value, reason=cancel_reason, decided_at=at),
                execution_options=FRESH_UPDATE,
            )
        for reminder in decision.replan:
            self._session.execute(
                update(ReminderRow)
                .where(col(ReminderRow.key) == reminder.key)
                .values(**reminder_fields(reminder), state=ReminderState.PLANNED.value, reason="", decided_at=None),
                execution_options=FRESH_UPDATE,
            )
        if decision.add:
            # ON CONFLICT DO NOTHING: another replica planning the same reminder at the same moment wins.
            statement = self._ctx.insert(ReminderRow).on_conflict_do_nothing(index_elements=["key"])
            self._session.execute(statement, [_planned_row(reminder) for reminder in decision.add])

    def add_reminders(self, plan: Sequence[PlannedReminder]) -> None:
        """New planned reminders in one INSERT (sending to 500 recipients plans about 3,500)."""
        self._ctx.require_writable()
        rows = [_planned_row(reminder) for reminder in plan]
        if rows:
            statement = self._ctx.insert(ReminderRow).on_conflict_do_nothing(index_elements=["key"])
            self._session.execute(statement, rows)

    def claim_due_reminders(self, now: datetime, limit: int) -> list[ScheduledReminder]:
        """Planned reminders due by `now`, oldest first, locked for this transaction (see the port)."""
        self._ctx.require_writable()
        if limit <= 0:
            return []
        query = (
            select(ReminderRow)
            .where(col(ReminderRow.state) == ReminderState.PLANNED.value, col(ReminderRow.due_at) <= now)
            .order_by(col(ReminderRow.due_at), col(ReminderRow.id))
            .limit(limit)
            .execution_options(**FRESH)
        )
        return [scheduled_from(row) for row in self._ctx.candidates(query)]

    def settle_reminder(self, key: str, state: ReminderState, reason: str, at: datetime) -> bool:
        self._ctx.require_writable()
        statement = (
            update(ReminderRow)
            .where(col(ReminderRow.key) == key, col(ReminderRow.state) == ReminderState.PLANNED.value)
            .values(state=state.value, reason=reason, decided_at=at)
        )
        return bool(self._session.exec(statement, execution_options=FRESH_UPDATE).rowcount == 1)

    def oldest_due_reminder(self, now: datetime) -> datetime | None:
        query = select(func.min(col(ReminderRow.due_at))).where(
            col(ReminderRow.state) == ReminderState.PLANNED.value, col(ReminderRow.due_at) <= now
        )
        found: datetime | None = self._session.exec(query).one()
        return found

    def reminders_for(self, case_number: str, organisation_key: str | None = None) -> list[ScheduledReminder]:
        query = select(ReminderRow).where(ReminderRow.case_number == case_number)
        if organisation_key is not None:
            query = query.where(ReminderRow.organisation_key == organisation_key)
        query = query.order_by(col(ReminderRow.due_at), col(ReminderRow.id))
        return [scheduled_from(row) for row in self._session.exec(query, execution_options=FRESH).all()]

    def reminder_policy(self, case_number: str) -> dict[str, Any] | None:
        query = select(RemissRow.reminder_policy).where(RemissRow.case_number == case_number)
        found = self._session.exec(query).first()
        return dict(found) if found else None

    def set_reminder_policy(self, case_number: str, policy: dict[str, Any] | None) -> None:
        self._ctx.require_writable()
        statement = (
            update(RemissRow)
            .where(col(RemissRow.case_number) == case_number)
            .values(reminder_policy=dict(policy) if policy else None)
        )
        if self._session.exec(statement, execution_options=FRESH_UPDATE).rowcount == 0:
            raise DomainError(ErrorCode.UNKNOWN_REMISS, case_number=case_number)
