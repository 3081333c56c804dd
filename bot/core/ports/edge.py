"""The edge-state port: what the Slack edge keeps between requests (event ids, forms, e-mail → user id)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class EdgeRepository(Protocol):
    """Slack event deliveries, forms in progress and user look-ups, inside one transaction."""

    # Slack event deliveries
    def claim_delivery(self, event_id: str, at: datetime) -> bool:
        """True the first time an event id is seen; False for a retried delivery already handled."""
        ...

    def release_delivery(self, event_id: str) -> None:
        """Forget that an event id was seen (its work failed), so a later delivery of it is handled."""
        ...

    def prune_deliveries(self, before: datetime) -> int:
        """Forget deliveries received before this time (Slack retries within minutes); returns how many."""
        ...

    # Forms in progress that are too large for Slack's private_metadata (any replica may continue them)
    def put_pending_form(self, key: str, payload: str, expires_at: datetime) -> None: ...
    def get_pending_form(self, key: str, now: datetime) -> str | None:
        """The form's payload unless it has expired."""
        ...

    def delete_pending_form(self, key: str) -> None: ...
    def prune_pending_forms(self, now: datetime) -> int: ...

    # User look-ups
    def cached_user_id(self, email: str) -> str | None: ...
    def cache_user_id(self, email: str, user_id: str, at: datetime) -> None: ...
