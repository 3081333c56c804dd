"""The edge-state port on SQL: Slack event deliveries, forms in progress, the e-mail → user id cache."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlmodel import col

from bot.core.domain.organisation import email_key
from storage.sql.context import SqlRepository
from storage.tables import PendingFormRow, ProcessedDeliveryRow, SlackUserCacheRow


class SqlEdge(SqlRepository):
    """bot.core.ports.edge.EdgeRepository over one transaction's SqlContext."""

    # -- Slack deliveries and users ------------------------------------------------------------------
    def claim_delivery(self, event_id: str, at: datetime) -> bool:
        """True the first time an event id is seen; False for a retried delivery already handled."""
        self._ctx.require_writable()
        # ON CONFLICT DO NOTHING: a duplicate is not an error, so the transaction stays usable, and on
        # PostgreSQL a concurrent claim of the same id waits for the first one's commit before deciding.
        statement = (
            self._ctx.insert(ProcessedDeliveryRow)
            .values(event_id=event_id, received_at=at)
            .on_conflict_do_nothing(index_elements=["event_id"])
            .returning(col(ProcessedDeliveryRow.event_id))
        )
        return self._session.execute(statement).first() is not None

    def release_delivery(self, event_id: str) -> None:
        self._ctx.require_writable()
        self._session.execute(delete(ProcessedDeliveryRow).where(col(ProcessedDeliveryRow.event_id) == event_id))

    def prune_deliveries(self, before: datetime) -> int:
        self._ctx.require_writable()
        result = self._session.execute(
            delete(ProcessedDeliveryRow).where(col(ProcessedDeliveryRow.received_at) < before)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    def put_pending_form(self, key: str, payload: str, expires_at: datetime) -> None:
        self._ctx.require_writable()
        row = self._session.get(PendingFormRow, key)
        if row is None:
            row = PendingFormRow(key=key, payload=payload, expires_at=expires_at)
        else:
            row.payload, row.expires_at = payload, expires_at
        self._session.add(row)
        self._session.flush()

    def get_pending_form(self, key: str, now: datetime) -> str | None:
        row = self._session.get(PendingFormRow, key)
        return row.payload if row is not None and row.expires_at > now else None

    def delete_pending_form(self, key: str) -> None:
        self._ctx.require_writable()
        self._session.execute(delete(PendingFormRow).where(col(PendingFormRow.key) == key))

    def prune_pending_forms(self, now: datetime) -> int:
        self._ctx.require_writable()
        result = self._session.execute(delete(PendingFormRow).where(col(PendingFormRow.expires_at) <= now))
        return int(getattr(result, "rowcount", 0) or 0)

    def cached_user_id(self, email: str) -> str | None:
        row = self._session.get(SlackUserCacheRow, email_key(email))
        return row.user_id if row is not None else None

    def cache_user_id(self, email: str, user_id: str, at: datetime) -> None:
        self._ctx.require_writable()
        statement = (
            self._ctx.insert(SlackUserCacheRow)
            .values(email=email_key(email), user_id=user_id, cached_at=at)
            .on_conflict_do_update(index_elements=["email"], set_={"user_id": user_id, "cached_at": at})
        )
        self._session.execute(statement)
