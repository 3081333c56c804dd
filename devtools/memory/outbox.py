"""The outbox port in memory: messages claimed and finished as the SQL store does, and status boards."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from bot.core.domain.outbox import DeliveryState, MessageKind, OutboxMessage, StatusBoard
from devtools.memory.state import MemoryPart, copied


class _Claimable(Protocol):
    def claimable(self, now: datetime) -> bool: ...


Claimed = TypeVar("Claimed", bound=_Claimable)


def _claim(
    candidates: Iterable[Claimed], now: datetime, limit: int, claim: Callable[[Claimed], Claimed]
) -> list[Claimed]:
    """Claim (and store, through `claim`) up to `limit` of the candidates claimable at `now`, in their order;
    copies of what was stored."""
    claimed: list[Claimed] = []
    for candidate in candidates:
        if len(claimed) >= limit:
            break
        if candidate.claimable(now):
            claimed.append(copied(claim(candidate)))
    return claimed


class MemoryOutbox(MemoryPart):
    """bot.core.ports.outbox.OutboxRepository over one in-memory state; objects are copied in and out."""

    # -- the outbox ----------------------------------------------------------------------------------
    def enqueue(self, message: OutboxMessage) -> bool:
        """Record a message to send; False (and nothing changed) when one with this key exists already."""
        self._require_writable()
        if message.key in self._state.outbox:
            return False
        self._state.outbox[message.key] = copied(replace(message, id=self._state.next_id()))
        return True

    def enqueue_all(self, messages: Sequence[OutboxMessage]) -> None:
        for message in messages:
            self.enqueue(message)

    def claim_messages(self, now: datetime, lease: timedelta, limit: int) -> list[OutboxMessage]:
        """Claim up to `limit` messages for sending, oldest first, each for exactly one claimer."""
        self._require_writable()
        now = copied(now)

        def claim(message: OutboxMessage) -> OutboxMessage:
            stored = self._state.outbox[message.key] = message.claimed(now, lease)
            return stored

        return _claim(self._sorted_outbox(), now, limit, claim)

    def finish_message(self, message: OutboxMessage) -> None:
        """Store the outcome of a send (matched by key); `claimed_until` is cleared."""
        self._require_writable()
        stored = self._state.outbox.get(message.key)
        if stored is None:
            raise ValueError(f"no outbox message with key {message.key!r} (was it enqueued?)")
        self._state.outbox[message.key] = copied(replace(stored, **message.delivery_result()))

    def find_remiss_dm(self, channel_id: str, ts: str) -> OutboxMessage | None:
        """The remiss DM sent to this place in Slack (a refresh recorded at the same place is not it)."""
        here = (m for m in self._sorted_outbox() if m.channel_id == channel_id and m.ts == ts)
        found = (m for m in here if m.kind is MessageKind.REMISS)
        message = next(found, None)
        return copied(message) if message is not None else None

    def messages_for(self, case_number: str, organisation_key: str | None = None) -> list[OutboxMessage]:
        """Every message about a remiss (and one recipient), oldest first."""
        return [
            copied(m)
            for m in self._sorted_outbox()
            if m.case_number == case_number and (organisation_key is None or m.organisation_key == organisation_key)
        ]

    def count_by_state(self, states: Collection[DeliveryState]) -> dict[DeliveryState, int]:
        """How many messages are in each of `states` (one without messages is left out)."""
        counts: dict[DeliveryState, int] = {}
        for message in self._state.outbox.values():
            if message.state in states:
                counts[message.state] = counts.get(message.state, 0) + 1
        return counts

    def oldest_due(self, now: datetime) -> datetime | None:
        """When the longest-waiting PENDING message became due; None when none is due at `now`."""
        due = [
            m.next_attempt_at or m.created_at
            for m in self._state.outbox.values()
            if m.state is DeliveryState.PENDING and (m.next_attempt_at is None or m.next_attempt_at <= now)
        ]
        return copied(min(due)) if due else None

    # -- the status message of each remiss -----------------------------------------------------------
    def touch_status(self, case_number: str, channel: str) -> None:
        """Mark the remiss's status message out of date (creating its board, in `channel`, if none)."""
        self._require_writable()
        board = self._state.boards.get(case_number)
        # The channel of an existing board stays: its message is already posted there.
        self._state.boards[case_number] = (
            StatusBoard(case_number, channel) if board is None else replace(board, version=board.version + 1)
        )

    def claim_status(
        self, now: datetime, lease: timedelta, limit: int, interval: timedelta = timedelta(0)
    ) -> list[StatusBoard]:
        """Claim stale boards (rendered_version < version) not claimed by another live sender and last rendered
        at least `interval` ago (StatusBoard.claimable)."""
        self._require_writable()
        now = copied(now)
        claimed: list[StatusBoard] = []
        # Ordered by case number, as the SQL store does (a board has no age to order by).
        for case_number in sorted(self._state.boards):
            board = self._state.boards[case_number]
            if len(claimed) < limit and board.claimable(now, interval):
                stored = self._state.boards[case_number] = replace(board, claimed_until=now + lease)
                claimed.append(copied(stored))
        return claimed

    def next_status_edit(self, now: datetime, interval: timedelta) -> datetime | None:
        """The earliest StatusBoard.waits_until of the boards; None when none is stale and free."""
        times = [t for b in self._state.boards.values() if (t := b.waits_until(now, interval)) is not None]
        return copied(min(times)) if times else None

    def finish_status(self, board: StatusBoard) -> None:
        """Store ts, rendered_version and rendered_at (never lowering either) and release the claim; version is
        untouched."""
        self._require_writable()
        stored = self._state.boards.get(board.case_number)
        if stored is None:
            raise ValueError(f"no status board for {board.case_number!r} (touch_status creates it)")
        rendered_at = max((t for t in (stored.rendered_at, board.rendered_at) if t is not None), default=None)
        self._state.boards[board.case_number] = replace(
            stored,
            ts=board.ts if board.ts is not None else stored.ts,
            rendered_version=max(stored.rendered_version, board.rendered_version),
            rendered_at=copied(rendered_at),
            claimed_until=None,
        )

    def get_status(self, case_number: str) -> StatusBoard | None:
        board = self._state.boards.get(case_number)
        return copied(board) if board is not None else None

    # -- what the last digest in each channel said --------------------------------------------------
    def last_digest(self, channel: str) -> str | None:
        """The fingerprint of the last digest offered in `channel`; None before the first."""
        return self._state.digests.get(channel)

    def record_digest(self, channel: str, said: str) -> None:
        """Remember `said` as the fingerprint of the digest just offered in `channel`."""
        self._require_writable()
        self._state.digests[channel] = said

    def _sorted_outbox(self) -> list[OutboxMessage]:
        return sorted(self._state.outbox.values(), key=lambda m: m.id or 0)
