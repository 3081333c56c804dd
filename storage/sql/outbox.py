"""The outbox port on SQL: messages claimed and finished in conditional UPDATEs, and status boards."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Insert, bindparam, case, func, true, update
from sqlalchemy import select as select_rows
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select

from bot.core.domain.outbox import DeliveryState, MessageKind, OutboxMessage, StatusBoard
from storage.sql.context import FRESH, FRESH_UPDATE, SqlContext, SqlRepository
from storage.sql.mapping import board_from, message_fields, message_from, row_id
from storage.tables import OUTBOX_MESSAGE_TABLE as _OUTBOX
from storage.tables import STATUS_BOARD_TABLE as _BOARD
from storage.tables import DigestSaidRow, OutboxMessageRow, StatusBoardRow

# The outbox INSERT of each dialect, built once; enqueue passes the values as parameters.
_ENQUEUE: dict[str, Insert] = {
    "postgresql": postgresql.insert(_OUTBOX).on_conflict_do_nothing(index_elements=["key"]).returning(_OUTBOX.c.id),
    "sqlite": sqlite.insert(_OUTBOX).on_conflict_do_nothing(index_elements=["key"]).returning(_OUTBOX.c.id),
}
# The same without RETURNING, for enqueue_all: executed with many rows of values, the driver sends them at once.
_ENQUEUE_ALL: dict[str, Insert] = {
    "postgresql": postgresql.insert(_OUTBOX).on_conflict_do_nothing(index_elements=["key"]),
    "sqlite": sqlite.insert(_OUTBOX).on_conflict_do_nothing(index_elements=["key"]),
}
# find_remiss_dm's SELECT, built once: every answer saved or submitted from a remiss DM asks which DM it was.
_FIND_REMISS_DM = (
    select_rows(_OUTBOX)
    .where(
        _OUTBOX.c.channel_id == bindparam("place_channel"),
        _OUTBOX.c.ts == bindparam("place_ts"),
        _OUTBOX.c.kind == MessageKind.REMISS.value,
    )
    .order_by(_OUTBOX.c.id)
    .limit(1)
)
# touch_status's upsert of each dialect, built once: every answer saved bumps its remiss's board.
_TOUCH_STATUS: dict[str, Insert] = {
    name: dialect_insert(_BOARD)
    .values(
        case_number=bindparam("board_case_number"), channel=bindparam("board_channel"), version=1, rendered_version=0
    )
    .on_conflict_do_update(index_elements=["case_number"], set_={"version": _BOARD.c.version + 1})
    for name, dialect_insert in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert))
}

# claim_status's statements, built once: stale boards not claimed by a live sender (and, with an interval,
# last rendered long enough ago), then the claim, which checks the same again. No age to order by; the case
# number at least makes the order stable. PostgreSQL skips boards another claimer holds (SqlContext.candidates).
_STALE_AND_FREE = (_BOARD.c.rendered_version < _BOARD.c.version) & (
    _BOARD.c.claimed_until.is_(None) | (_BOARD.c.claimed_until < bindparam("claim_now"))
)
_RENDERED_LONG_AGO = _BOARD.c.rendered_at.is_(None) | (_BOARD.c.rendered_at <= bindparam("claim_cutoff"))
_CLAIMABLE = {False: _STALE_AND_FREE, True: _STALE_AND_FREE & _RENDERED_LONG_AGO}
_CLAIMABLE_BOARDS = {
    (dialect, waited): SqlContext.skipping_locked(
        select_rows(_BOARD.c.case_number)
        .where(claimable)
        .order_by(_BOARD.c.case_number)
        .limit(bindparam("claim_limit")),
        dialect,
    )
    for dialect in ("postgresql", "sqlite")
    for waited, claimable in _CLAIMABLE.items()
}
# next_status_edit's: any board due now (with an interval, only one never rendered), and the oldest render.
_DUE_NOW = {
    False: select_rows(_BOARD.c.case_number).where(_STALE_AND_FREE).limit(1),
    True: select_rows(_BOARD.c.case_number).where(_STALE_AND_FREE & _BOARD.c.rendered_at.is_(None)).limit(1),
}
_OLDEST_RENDER = (
    select_rows(_BOARD.c.rendered_at)
    .where(_STALE_AND_FREE, _BOARD.c.rendered_at.is_not(None))
    .order_by(_BOARD.c.rendered_at)
    .limit(1)
)
_CLAIM_BOARDS = {
    waited: update(_BOARD)
    .where(_BOARD.c.case_number.in_(bindparam("claim_keys", expanding=True)), claimable)
    .values(claimed_until=bindparam("claim_until"))
    .returning(*_BOARD.c)
    for waited, claimable in _CLAIMABLE.items()
}


class SqlOutbox(SqlRepository):
    """bot.core.ports.outbox.OutboxRepository over one transaction's SqlContext."""

    # -- the outbox ----------------------------------------------------------------------------------
    def enqueue(self, message: OutboxMessage) -> bool:
        """Record a message to send; False (and nothing changed) when one with this key exists already."""
        self._ctx.require_writable()
        # ON CONFLICT DO NOTHING, as in claim_delivery: a known key is an answer, not an error, so the
        # transaction stays usable; on PostgreSQL a concurrent enqueue of the key waits for the first's commit.
        # One statement built once, the values passed as parameters: building an INSERT per message cost
        # SQLAlchemy about ten times what the database spends (and sending a remiss enqueues hundreds).
        statement = _ENQUEUE[self._session.get_bind().dialect.name]
        row = self._session.exec(statement, params={"key": message.key, **message_fields(message)}).first()
        return row is not None

    def enqueue_all(self, messages: Sequence[OutboxMessage]) -> None:
        """Record messages to send, leaving out known keys: one statement with many rows of values, not a round
        trip per message (a remiss to 500 recipients took a second or more on PostgreSQL that way)."""
        self._ctx.require_writable()
        if not messages:
            return
        statement = _ENQUEUE_ALL[self._session.get_bind().dialect.name]
        self._session.execute(statement, [{"key": m.key, **message_fields(m)} for m in messages])

    def claim_messages(self, now: datetime, lease: timedelta, limit: int) -> list[OutboxMessage]:
        """Claim up to `limit` messages for sending, oldest first, each for exactly one claimer."""
        self._ctx.require_writable()
        if limit <= 0:
            return []
        state = col(OutboxMessageRow.state)
        next_attempt_at = col(OutboxMessageRow.next_attempt_at)
        # OutboxMessage.claimable, in SQL. Each half starts with an equality on state, so the (state, …)
        # indexes read only the live rows: the cost follows what is pending or sending, never the thousands sent.
        claimable = (
            (state == DeliveryState.PENDING.value) & (next_attempt_at.is_(None) | (next_attempt_at <= now))
        ) | ((state == DeliveryState.SENDING.value) & (col(OutboxMessageRow.claimed_until) < now))
        ids = self._ctx.candidates(
            select(col(OutboxMessageRow.id)).where(claimable).order_by(col(OutboxMessageRow.id)).limit(limit)
        )
        if not ids:
            return []
        statement = (
            update(OutboxMessageRow)
            # The claimable condition again: the UPDATE decides the claim, whatever the SELECT saw.
            .where(col(OutboxMessageRow.id).in_(ids), claimable)
            .values(
                state=DeliveryState.SENDING.value,
                claimed_until=now + lease,
                # A lease that ran out means a sender died mid-send: the message may have reached Slack.
                # Evaluated on the row before the update, so only those rows are marked (others keep theirs).
                uncertain=case((state == DeliveryState.SENDING.value, true()), else_=col(OutboxMessageRow.uncertain)),
            )
            .returning(OutboxMessageRow)
        )
        rows = self._session.exec(statement, execution_options=FRESH_UPDATE).scalars().all()
        return sorted((message_from(row) for row in rows), key=lambda m: row_id(m.id))

    def finish_message(self, message: OutboxMessage) -> None:
        """Store the outcome of a send (matched by key); `claimed_until` is cleared."""
        self._ctx.require_writable()
        statement = (
            update(OutboxMessageRow)
            .where(col(OutboxMessageRow.key) == message.key)
            .values({**message.delivery_result(), "state": message.state.value})
        )
        if self._session.exec(statement, execution_options=FRESH_UPDATE).rowcount == 0:
            # Messages are never deleted: an unknown key is a bug in the caller, not a race.
            raise ValueError(f"no outbox message with key {message.key!r} (was it enqueued?)")

    def find_remiss_dm(self, channel_id: str, ts: str) -> OutboxMessage | None:
        """The remiss DM sent to this place in Slack (a refresh recorded at the same place is not it)."""
        row = self._session.execute(_FIND_REMISS_DM, {"place_channel": channel_id, "place_ts": ts}).first()
        return message_from(row) if row is not None else None

    def messages_for(self, case_number: str, organisation_key: str | None = None) -> list[OutboxMessage]:
        """Every message about a remiss (and one recipient), oldest first."""
        return [message_from(row) for row in self._rows_about(OutboxMessageRow, case_number, organisation_key)]

    def count_by_state(self, states: Collection[DeliveryState]) -> dict[DeliveryState, int]:
        """How many messages are in each of `states` (one without messages is left out); the (state, …) index
        reads only those."""
        state = col(OutboxMessageRow.state)
        query = select(state, func.count()).where(state.in_([s.value for s in states])).group_by(state)
        rows = self._session.exec(query).all()
        return {DeliveryState(name): int(count) for name, count in rows}

    def oldest_due(self, now: datetime) -> datetime | None:
        """When the longest-waiting PENDING message became due; None when none is due at `now`."""
        next_attempt_at = col(OutboxMessageRow.next_attempt_at)
        due_since = func.coalesce(next_attempt_at, col(OutboxMessageRow.created_at))
        query = select(func.min(due_since)).where(
            col(OutboxMessageRow.state) == DeliveryState.PENDING.value,
            next_attempt_at.is_(None) | (next_attempt_at <= now),
        )
        found: datetime | None = self._session.exec(query).one()
        return found

    # -- the status message of each remiss -----------------------------------------------------------
    def touch_status(self, case_number: str, channel: str) -> None:
        """Mark the remiss's status message out of date (creating its board, in `channel`, if none)."""
        self._ctx.require_writable()
        # One statement, so no bump is lost: a read-then-write would let two transactions both write
        # version n + 1. On PostgreSQL the second of two concurrent inserts waits, then takes the update path.
        # The channel of an existing board stays: its message is already posted there.
        statement = _TOUCH_STATUS[self._session.get_bind().dialect.name]
        self._session.execute(statement, {"board_case_number": case_number, "board_channel": channel})

    def claim_status(
        self, now: datetime, lease: timedelta, limit: int, interval: timedelta = timedelta(0)
    ) -> list[StatusBoard]:
        """Claim stale boards (rendered_version < version) not claimed by another live sender and last rendered
        at least `interval` ago (StatusBoard.claimable)."""
        self._ctx.require_writable()
        if limit <= 0:
            return []
        # StatusBoard.claimable, in SQL (the times computed here, so both dialects compare two timestamps), in
        # statements built once: the courier claims at every round, and a burst of answers makes many rounds.
        waited = interval > timedelta(0)
        params = {"claim_now": now, "claim_cutoff": now - interval, "claim_limit": limit}
        dialect = self._session.get_bind().dialect.name
        keys = list(self._session.execute(_CLAIMABLE_BOARDS[(dialect, waited)], params).scalars().all())
        if not keys:
            return []
        claim = _CLAIM_BOARDS[waited]
        rows = self._session.execute(claim, {**params, "claim_keys": keys, "claim_until": now + lease}).all()
        return sorted((board_from(row) for row in rows), key=lambda b: b.case_number)

    def next_status_edit(self, now: datetime, interval: timedelta) -> datetime | None:
        """The earliest StatusBoard.waits_until of the boards; None when none is stale and free."""
        # A stale board never rendered (or with no interval to wait) is due now; else the oldest render decides.
        # NULLs sort first on SQLite and last on PostgreSQL, so they are asked for apart. Statements built once:
        # the courier asks before each of its waits.
        params = {"claim_now": now}
        if self._session.execute(_DUE_NOW[interval > timedelta(0)], params).first() is not None:
            return now
        found: datetime | None = self._session.execute(_OLDEST_RENDER, params).scalars().first()
        return found + interval if found is not None else None

    def finish_status(self, board: StatusBoard) -> None:
        """Store ts, rendered_version and rendered_at (never lowering either) and release the claim; version is
        untouched."""
        self._ctx.require_writable()
        rendered = col(StatusBoardRow.rendered_version)
        values: dict[str, Any] = {
            # The larger of stored and given, decided in the UPDATE: a sender whose lease ran out may finish
            # an older render after another sender stored a newer one, and must not lower it.
            "rendered_version": case((rendered < board.rendered_version, board.rendered_version), else_=rendered),
            "claimed_until": None,
        }
        if board.ts is not None:
            values["ts"] = board.ts
        if board.rendered_at is not None:
            rendered_at = col(StatusBoardRow.rendered_at)
            later = rendered_at.is_(None) | (rendered_at < board.rendered_at)
            values["rendered_at"] = case((later, board.rendered_at), else_=rendered_at)
        statement = update(StatusBoardRow).where(col(StatusBoardRow.case_number) == board.case_number).values(values)
        if self._session.exec(statement, execution_options=FRESH_UPDATE).rowcount == 0:
            raise ValueError(f"no status board for {board.case_number!r} (touch_status creates it)")

    def get_status(self, case_number: str) -> StatusBoard | None:
        query = select(StatusBoardRow).where(StatusBoardRow.case_number == case_number)
        row = self._session.exec(query, execution_options=FRESH).first()
        return board_from(row) if row is not None else None

    # -- what the last digest in each channel said --------------------------------------------------
    def last_digest(self, channel: str) -> str | None:
        """The fingerprint of the last digest offered in `channel`; None before the first."""
        query = select(DigestSaidRow).where(DigestSaidRow.channel == channel)
        row = self._session.exec(query, execution_options=FRESH).first()
        return row.said if row is not None else None

    def record_digest(self, channel: str, said: str) -> None:
        """Remember `said` as the fingerprint of the digest just offered in `channel`."""
        self._ctx.require_writable()
        row = self._session.get(DigestSaidRow, channel)
        if row is None:
            self._session.add(DigestSaidRow(channel=channel, said=said))
        else:
            row.said = said
            self._session.add(row)
        self._session.flush()
