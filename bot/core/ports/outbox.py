"""The outbox port: messages recorded before they are sent, and the status message of each remiss."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from bot.core.domain.outbox import DeliveryState, OutboxMessage, StatusBoard


class OutboxRepository(Protocol):
    """Outbox messages and status boards, inside one transaction."""

    # The outbox: messages recorded before they are sent
    def enqueue(self, message: OutboxMessage) -> bool:
        """Record a message to send; False (and nothing changed) when one with this key exists already."""
        ...

    def enqueue_all(self, messages: Sequence[OutboxMessage]) -> None:
        """Record messages to send, in this order, leaving out any whose key exists already (as enqueue does);
        in one go, as sending a remiss records hundreds."""
        ...

    def claim_messages(self, now: datetime, lease: timedelta, limit: int) -> list[OutboxMessage]:
        """Claim up to `limit` messages for sending, oldest first, each for exactly one claimer.

        Claimable: PENDING with `next_attempt_at` <= now (or None), and SENDING whose `claimed_until` has
        passed (a sender died holding it: those come back with `uncertain=True`). Claimed messages are
        returned as SENDING with `claimed_until = now + lease`.
        """
        ...

    def finish_message(self, message: OutboxMessage) -> None:
        """Store the outcome of a send (matched by key): state, attempts, next_attempt_at, channel_id, ts,
        sent_at, error, uncertain; `claimed_until` is cleared."""
        ...

    def find_remiss_dm(self, channel_id: str, ts: str) -> OutboxMessage | None:
        """The remiss DM sent to this place in Slack (to know which remiss a DM thread is about). Only the DM
        itself: a refresh that edited it in place records the same place and is not it."""
        ...

    def messages_for(self, case_number: str, organisation_key: str | None = None) -> list[OutboxMessage]:
        """Every message about a remiss (and one recipient), oldest first."""
        ...

    def count_by_state(self, states: Collection[DeliveryState]) -> dict[DeliveryState, int]:
        """How many messages are in each of `states` (one without messages may be left out). Its cost follows
        those states' messages: asked for the unsent ones, never the ever-growing number sent."""
        ...

    def oldest_due(self, now: datetime) -> datetime | None:
        """When the longest-waiting PENDING message became due (its next_attempt_at, else its created_at);
        None when no message is due at `now`."""
        ...

    # The status message of each remiss
    def touch_status(self, case_number: str, channel: str) -> None:
        """Mark the remiss's status message out of date (creating its board, in `channel`, if none)."""
        ...

    def claim_status(
        self, now: datetime, lease: timedelta, limit: int, interval: timedelta = timedelta(0)
    ) -> list[StatusBoard]:
        """Claim stale boards (rendered_version < version) not claimed by another live sender and last rendered
        at least `interval` ago (StatusBoard.claimable)."""
        ...

    def next_status_edit(self, now: datetime, interval: timedelta) -> datetime | None:
        """The earliest StatusBoard.waits_until of the boards: when the next stale one may be edited (a time at or
        before `now`, not necessarily the earliest such: one is due now); None when none is stale (or every stale
        one is held by a live sender)."""
        ...

    def finish_status(self, board: StatusBoard) -> None:
        """Store ts, rendered_version and rendered_at (never lowering either) and release the claim; version is
        untouched."""
        ...

    def get_status(self, case_number: str) -> StatusBoard | None: ...

    # What the last digest in each channel said (a fingerprint), so that the next one is not the same
    def last_digest(self, channel: str) -> str | None:
        """The fingerprint of the last digest offered in `channel`; None before the first."""
        ...

    def record_digest(self, channel: str, said: str) -> None:
        """Remember `said` as the fingerprint of the digest just offered in `channel`."""
        ...
