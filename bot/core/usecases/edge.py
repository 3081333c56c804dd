"""State at the Slack edge: events Slack delivers again, and forms kept between their steps."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from bot.core.ports.store import StoreUnavailable
from bot.core.usecases.base import UseCase

log = logging.getLogger(__name__)


class EdgeUseCases(UseCase):
    """Slack's repeated deliveries and the forms that don't fit in Slack's private_metadata.

    The rule for Slack's repeated deliveries: an event is marked handled together with its work, never before
    it. Work that writes the database claims the event in the same transaction (merge_draft_answers), so
    both commit or neither does; work only Slack sees (a reply posted) runs through once(). Slack delivers
    an event again when it got no 200 in time, so a claim left without its work would drop that delivery.
    """

    def claim_delivery(self, event_id: str) -> bool:
        """True the first time Slack delivers this event; a retry of a handled event gets False."""
        with self.store.transaction() as repo:
            first = repo.edge.claim_delivery(event_id, self.now())
        if not first:
            self.shared.metrics.duplicate_event()
        return first

    def once(self, event_id: str | None, work: Callable[[], object]) -> bool:
        """Do an event's work that only Slack sees (posting a reply) once: False when an earlier delivery did.

        The event is claimed before the work and released when the work raises, so a later delivery does it.
        """
        if event_id is None:
            work()
            return True
        if not self.claim_delivery(event_id):
            return False
        try:
            work()
        except BaseException:
            try:
                with self.store.transaction() as repo:
                    repo.edge.release_delivery(event_id)
            except StoreUnavailable:
                log.warning("Could not release event %s after its work failed; a retry of it is dropped", event_id)
            raise
        return True

    def prune_deliveries(self, older_than: timedelta = timedelta(days=7)) -> int:
        """Forget old Slack deliveries; Slack retries an event within minutes, so a week is plenty."""
        with self.store.transaction() as repo:
            return repo.edge.prune_deliveries(self.now() - older_than)

    # -- forms between their steps -------------------------------------------------------------------------
    def keep_form(self, key: str, payload: str, ttl: timedelta = timedelta(hours=24)) -> None:
        """Keep a form that doesn't fit in Slack's private_metadata until its next step (any replica)."""
        with self.store.transaction() as repo:
            repo.edge.put_pending_form(key, payload, self.now() + ttl)

    def kept_form(self, key: str) -> str | None:
        with self.store.read() as repo:
            return repo.edge.get_pending_form(key, self.now())

    def drop_form(self, key: str) -> None:
        with self.store.transaction() as repo:
            repo.edge.delete_pending_form(key)

    def prune_forms(self) -> int:
        with self.store.transaction() as repo:
            return repo.edge.prune_pending_forms(self.now())
