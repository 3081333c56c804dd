"""The edge-state port in memory: Slack event deliveries, forms in progress, the e-mail → user id cache."""

from __future__ import annotations

from datetime import datetime

from bot.core.domain.organisation import email_key
from devtools.memory.state import MemoryPart, copied


class MemoryEdge(MemoryPart):
    """bot.core.ports.edge.EdgeRepository over one in-memory state; objects are copied in and out."""

    # -- Slack deliveries and users ------------------------------------------------------------------
    def claim_delivery(self, event_id: str, at: datetime) -> bool:
        """True the first time an event id is seen; False for a retried delivery already handled."""
        self._require_writable()
        if event_id in self._state.deliveries:
            return False
        self._state.deliveries[event_id] = copied(at)
        return True

    def release_delivery(self, event_id: str) -> None:
        """Forget that an event id was seen (its work failed), so a later delivery of it is handled."""
        self._require_writable()
        self._state.deliveries.pop(event_id, None)

    def prune_deliveries(self, before: datetime) -> int:
        self._require_writable()
        old = [event_id for event_id, at in self._state.deliveries.items() if at < before]
        for event_id in old:
            del self._state.deliveries[event_id]
        return len(old)

    def put_pending_form(self, key: str, payload: str, expires_at: datetime) -> None:
        self._require_writable()
        self._state.pending_forms[key] = (payload, copied(expires_at))

    def get_pending_form(self, key: str, now: datetime) -> str | None:
        found = self._state.pending_forms.get(key)
        return found[0] if found is not None and found[1] > now else None

    def delete_pending_form(self, key: str) -> None:
        self._require_writable()
        self._state.pending_forms.pop(key, None)

    def prune_pending_forms(self, now: datetime) -> int:
        self._require_writable()
        old = [k for k, (_, expires) in self._state.pending_forms.items() if expires <= now]
        for key in old:
            del self._state.pending_forms[key]
        return len(old)

    def cached_user_id(self, email: str) -> str | None:
        return self._state.user_ids.get(email_key(email))

    def cache_user_id(self, email: str, user_id: str, at: datetime) -> None:
        self._require_writable()
        copied(at)  # refuses a naive time, as the SQL store does
        self._state.user_ids[email_key(email)] = user_id
