"""The core's Repository on SQL tables: maps rows to the domain's dataclasses and back, in one session."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Insert,
    Select,
    and_,
    bindparam,
    case,
    delete,
    func,
    literal_column,
    null,
    true,
    union_all,
    update,
)
from sqlalchemy import exc as sa_exc
from sqlalchemy import select as core_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel, col, select
from sqlmodel.sql.expression import SelectOfScalar

from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.extension import ExtensionRequest, RequestState
from bot.core.domain.organisation import Directory, Organisation, OrgKind
from bot.core.domain.outbox import DeliveryState, MessageKind, OutboxMessage, StatusBoard
from bot.core.domain.reminders import MeetingAdvice, PlannedReminder, ReminderKind, ReminderState, ScheduledReminder
from bot.core.domain.remiss import (
    Answer,
    Attachment,
    AuditAction,
    AuditEntry,
    DocumentLink,
    Draft,
    Extension,
    Position,
    Question,
    QuestionKind,
    Recipient,
    Remiss,
    RemissStatus,
    Response,
    ResponseContent,
    ResponseKind,
)
from bot.core.ports import Assignment
from storage.tables import (
    AuditEntryRow,
    DocumentLinkRow,
    ExtensionRequestRow,
    ExtensionRow,
    OrganisationRow,
    OutboxMessageRow,
    PendingFormRow,
    ProcessedDeliveryRow,
    QuestionRow,
    RecipientOfficialRow,
    RecipientRow,
    ReminderRow,
    RemissRow,
    ResponseVersionRow,
    SlackUserCacheRow,
    StatusBoardRow,
)

# Rows that other transactions may have changed are read afresh, even if this session holds an older copy
# (after waiting for a row lock, the new values must win; SQLAlchemy otherwise keeps the loaded ones).
_FRESH = {"populate_existing": True}
# ORM UPDATEs: returned rows are read fresh, and loaded objects are not patched up in Python (the WHERE
# clauses here can't be evaluated there); every read in this module goes to the database anyway (_FRESH).
_FRESH_UPDATE = {**_FRESH, "synchronize_session": False}

# The outbox INSERT of each dialect, built once; enqueue passes the values as parameters.
_OUTBOX = SQLModel.metadata.tables["outbox_message"]
_ENQUEUE: dict[str, Insert] = {
    "postgresql": postgresql.insert(_OUTBOX).on_conflict_do_nothing(index_elements=["key"]).returning(_OUTBOX.c.id),
    "sqlite": sqlite.insert(_OUTBOX).on_conflict_do_nothing(index_elements=["key"]).returning(_OUTBOX.c.id),
}


class SqlRepository:
    """bot.core.ports.Repository over one SQLAlchemy session; the caller owns the transaction.

    With `locking` (PostgreSQL inside Store.transaction()), reading a remiss or one of its recipients
    locks the remiss row first (SELECT … FOR UPDATE), so writers to one remiss are serialised and always
    take locks in the same order (remiss, then recipient), which rules out deadlocks between them.
    """

    def __init__(self, session: Session, locking: bool, *, read_only: bool = False) -> None:
        self._session = session
        self._locking = locking
        self._read_only = read_only
        # Remiss ids never change and nothing is deleted, so look-ups can be reused within the transaction.
        self._remiss_ids: dict[str, int] = {}
        self._deadlines: dict[int, date] = {}
        self._locked_remisses: set[int] = set()
        self._shared_remisses: set[int] = set()
        self._organisation_keys: set[str] | None = None
        # Recipients as stored, as this transaction loaded or wrote them: save_recipient compares against
        # these instead of reading every recipient again (sending to 500 recipients saves 500 of them).
        # Valid for the whole transaction: a recipient read on its own is row-locked, and all of a remiss's
        # recipients are read only under the remiss's exclusive lock (or SQLite's write lock).
        self._stored: dict[tuple[str, str], Recipient] = {}

    # -- remisses ------------------------------------------------------------------------------------
    def get_remiss(self, case_number: str, *, shared: bool = False) -> Remiss | None:
        query = select(RemissRow).where(RemissRow.case_number == case_number)
        if self._locking:
            # FOR SHARE lets writers of other recipients proceed together; FOR UPDATE (sending, changing
            # the remiss itself) waits for them, and they for it.
            query = query.with_for_update(read=shared)
        row = self._session.exec(query, execution_options=_FRESH).first()
        if row is None:
            return None
        if self._locking:
            (self._shared_remisses if shared else self._locked_remisses).add(_id(row.id))
        return self._remisses([row])[0]

    def add_remiss(self, remiss: Remiss) -> Remiss:
        """Store a new remiss; a case number that exists raises DomainError(DUPLICATE_CASE_NUMBER)."""
        self._require_writable()
        self._require_organisation(remiss.sender_key)
        row = RemissRow(case_number=remiss.case_number, **_remiss_fields(remiss))
        # The unique constraint decides, not a look-up first: two replicas may insert at the same moment.
        # The savepoint keeps the caller's transaction usable after the refusal.
        try:
            with self._session.begin_nested():
                self._session.add(row)
        except sa_exc.IntegrityError:
            raise DomainError(
                ErrorCode.DUPLICATE_CASE_NUMBER, field="case_number", case_number=remiss.case_number
            ) from None
        remiss_id = _id(row.id)
        self._write_questions_and_documents(remiss_id, remiss)
        return self._remisses([row])[0]

    def save_remiss(self, remiss: Remiss) -> None:
        self._require_writable()
        query = select(RemissRow).where(RemissRow.case_number == remiss.case_number)
        row = self._session.exec(query, execution_options=_FRESH).first()
        if row is None:
            raise DomainError(ErrorCode.UNKNOWN_REMISS, case_number=remiss.case_number)
        if remiss.sender_key != row.sender_key:
            self._require_organisation(remiss.sender_key)
        for name, value in _remiss_fields(remiss).items():
            setattr(row, name, value)
        self._session.add(row)
        current = self._remisses([row])[0]
        if current.questions != remiss.questions or current.documents != remiss.documents:
            remiss_id = _id(row.id)
            self._session.execute(delete(QuestionRow).where(col(QuestionRow.remiss_id) == remiss_id))
            self._session.execute(delete(DocumentLinkRow).where(col(DocumentLinkRow.remiss_id) == remiss_id))
            self._write_questions_and_documents(remiss_id, remiss)
        self._session.flush()

    def list_remisses(self, statuses: Collection[RemissStatus] | None = None) -> list[Remiss]:
        query = select(RemissRow).order_by(col(RemissRow.id))
        if statuses is not None:
            query = query.where(col(RemissRow.status).in_([s.value for s in statuses]))
        return self._remisses(self._session.exec(query, execution_options=_FRESH).all())

    # -- recipients ----------------------------------------------------------------------------------
    def get_recipient(self, case_number: str, organisation_key: str) -> Recipient | None:
        # One recipient: a shared lock on the remiss is enough, as its own row is locked FOR UPDATE below.
        remiss_id = self._remiss_id(case_number, lock=self._locking, shared_enough=True)
        if remiss_id is None:
            return None
        where = (col(RecipientRow.remiss_id) == remiss_id) & (col(RecipientRow.organisation_key) == organisation_key)
        found = self._recipients(where, lock=self._locking)
        return found[0] if found else None

    def list_recipients(self, case_number: str) -> list[Recipient]:
        remiss_id = self._remiss_id(case_number, lock=self._locking)
        if remiss_id is None:
            return []
        return self._recipients(col(RecipientRow.remiss_id) == remiss_id)

    def add_recipient(self, recipient: Recipient) -> Recipient:
        self._require_writable()
        remiss_id = self._remiss_id(recipient.case_number)
        if remiss_id is None:
            raise DomainError(ErrorCode.UNKNOWN_REMISS, case_number=recipient.case_number)
        self._require_organisation(recipient.organisation_key)
        duplicate = select(RecipientRow.id).where(
            RecipientRow.remiss_id == remiss_id, RecipientRow.organisation_key == recipient.organisation_key
        )
        if self._session.exec(duplicate).first() is not None:
            raise ValueError(f"{recipient.case_number} already has recipient {recipient.organisation_key}")
        row = RecipientRow(
            remiss_id=remiss_id, organisation_key=recipient.organisation_key, **_recipient_fields(recipient)
        )
        self._session.add(row)
        self._session.flush()
        recipient_id = _id(row.id)
        self._write_officials(recipient_id, recipient.officials)
        self._append_responses(recipient_id, recipient.responses)
        self._append_extensions(recipient_id, recipient.extensions, start=0)
        self._session.flush()
        # Built from what was written rather than read back: sending to 500 recipients adds 500 of them.
        return replace(
            recipient,
            id=recipient_id,
            remiss_deadline=self._deadlines[remiss_id],
            responses=list(recipient.responses),
            extensions=list(recipient.extensions),
        )

    def save_recipient(self, recipient: Recipient) -> None:
        """Persist the recipient's state; new versions and extensions are appended, never rewritten."""
        self._require_writable()
        stored = self._stored.get((recipient.case_number, recipient.organisation_key))
        if stored is None:
            remiss_id = self._remiss_id(recipient.case_number)
            found = []
            if remiss_id is not None:
                found = self._recipients(
                    (col(RecipientRow.remiss_id) == remiss_id)
                    & (col(RecipientRow.organisation_key) == recipient.organisation_key)
                )
            if not found:
                raise DomainError(
                    ErrorCode.NOT_A_RECIPIENT,
                    case_number=recipient.case_number,
                    organisation_key=recipient.organisation_key,
                )
            stored = found[0]
        recipient_id = _id(stored.id)
        new_responses = _appended("response versions", stored.responses, recipient.responses, recipient)
        new_extensions = _appended("extensions", stored.extensions, recipient.extensions, recipient)
        # One UPDATE by id, without loading the row first (a round trip, and the ORM's bookkeeping). Rows of
        # it that this session loaded are read afresh later anyway (_FRESH).
        self._session.execute(
            update(RecipientRow).where(col(RecipientRow.id) == recipient_id).values(**_recipient_fields(recipient)),
            execution_options=_FRESH_UPDATE,
        )
        if stored.officials != recipient.officials:
            self._session.execute(
                delete(RecipientOfficialRow).where(col(RecipientOfficialRow.recipient_id) == recipient_id)
            )
            self._write_officials(recipient_id, recipient.officials)
        self._append_responses(recipient_id, new_responses)
        self._append_extensions(recipient_id, new_extensions, start=len(stored.extensions))
        self._session.flush()
        self._stored[(recipient.case_number, recipient.organisation_key)] = _snapshot(
            replace(recipient, id=recipient_id)
        )

    def unanswered_count(self, case_number: str) -> int:
        remiss_id = self._remiss_id(case_number)
        if remiss_id is None:
            return 0
        # Per recipient: its withdrawn version and its latest version; answered when the latest exists and
        # was not withdrawn. One grouped query over ids and numbers: no answer text is read.
        latest = func.max(ResponseVersionRow.version)
        rows = self._session.execute(
            select(RecipientRow.withdrawn_version, latest)
            .select_from(RecipientRow)
            .outerjoin(ResponseVersionRow, col(ResponseVersionRow.recipient_id) == col(RecipientRow.id))
            .where(col(RecipientRow.remiss_id) == remiss_id)
            .group_by(col(RecipientRow.id), col(RecipientRow.withdrawn_version))
        ).all()
        return sum(1 for withdrawn, newest in rows if newest is None or newest == withdrawn)

    def remove_draft_recipients(self, case_number: str, organisation_keys: Collection[str]) -> None:
        """Drop recipients from a remiss that is still a draft (nothing has happened to them yet)."""
        self._require_writable()
        # Locks the remiss row first (PostgreSQL), as every writer to a remiss does.
        remiss_id = self._remiss_id(case_number, lock=self._locking)
        if remiss_id is None:
            raise DomainError(ErrorCode.UNKNOWN_REMISS, case_number=case_number)
        status = self._session.exec(select(RemissRow.status).where(RemissRow.id == remiss_id)).one()
        if status != RemissStatus.DRAFT.value:
            # Once sent, recipients have a history (answers, audit, messages): they are never deleted.
            raise DomainError(ErrorCode.REMISS_NOT_DRAFT, case_number=case_number)
        if not organisation_keys:
            return
        doomed = select(RecipientRow.id).where(
            RecipientRow.remiss_id == remiss_id, col(RecipientRow.organisation_key).in_(list(organisation_keys))
        )
        # Children first (foreign keys). A draft's recipients have no versions or extensions, but deleting
        # them too keeps this from failing on a foreign key if that ever changes.
        for child in (RecipientOfficialRow, ResponseVersionRow, ExtensionRow):
            self._session.exec(delete(child).where(col(child.recipient_id).in_(doomed.scalar_subquery())))
        for key in organisation_keys:
            self._stored.pop((case_number, key), None)
        # Default session synchronisation ("fetch") also drops the deleted rows this session had loaded.
        self._session.exec(delete(RecipientRow).where(col(RecipientRow.id).in_(doomed.scalar_subquery())))

    def assignments_for(self, user_ids: Collection[str], statuses: Collection[RemissStatus]) -> list[Assignment]:
        """Recipients any of these users are a responsible official of, on remisses in these statuses."""
        if not user_ids or not statuses:
            return []
        answered_by_users = select(RecipientOfficialRow.recipient_id).where(
            col(RecipientOfficialRow.user_id).in_(list(user_ids))
        )
        in_statuses = select(RemissRow.id).where(col(RemissRow.status).in_([s.value for s in statuses]))
        recipients = self._recipients(
            col(RecipientRow.id).in_(answered_by_users) & col(RecipientRow.remiss_id).in_(in_statuses)
        )
        if not recipients:
            return []
        case_numbers = {r.case_number for r in recipients}
        remiss_rows = self._session.exec(
            select(RemissRow).where(col(RemissRow.case_number).in_(case_numbers)).order_by(col(RemissRow.id)),
            execution_options=_FRESH,
        ).all()
        remisses = {r.case_number: r for r in self._remisses(remiss_rows)}
        assignments = [Assignment(remisses[r.case_number], r) for r in recipients]
        # Oldest remiss first, then recipients in the order they were added (as MemoryStore does).
        return sorted(assignments, key=lambda a: (_id(a.remiss.id), _id(a.recipient.id)))

    # -- audit trail ---------------------------------------------------------------------------------
    def append_audit(self, entry: AuditEntry) -> AuditEntry:
        self._require_writable()
        remiss_id = self._remiss_id(entry.case_number)
        if remiss_id is None:
            raise DomainError(ErrorCode.UNKNOWN_REMISS, case_number=entry.case_number)
        row = AuditEntryRow(
            remiss_id=remiss_id,
            organisation_key=entry.organisation_key,
            action=entry.action.value,
            actor=entry.actor,
            at=entry.at,
            details=dict(entry.details),
        )
        self._session.add(row)
        self._session.flush()
        return _audit_entry(row, entry.case_number)

    def list_audit(self, case_number: str, organisation_key: str | None = None) -> list[AuditEntry]:
        remiss_id = self._remiss_id(case_number)
        if remiss_id is None:
            return []
        query = select(AuditEntryRow).where(AuditEntryRow.remiss_id == remiss_id)
        if organisation_key is not None:
            query = query.where(AuditEntryRow.organisation_key == organisation_key)
        rows = self._session.exec(query.order_by(col(AuditEntryRow.id))).all()
        return [_audit_entry(row, case_number) for row in rows]

    # -- organisation directory ----------------------------------------------------------------------
    def load_directory(self) -> Directory:
        rows = self._session.exec(
            select(OrganisationRow).order_by(col(OrganisationRow.position), col(OrganisationRow.key)),
            execution_options=_FRESH,
        ).all()
        return Directory(tuple(_organisation(row) for row in rows))

    def replace_directory(self, directory: Directory) -> None:
        """Make the directory exactly this; organisations no longer listed become inactive, not deleted."""
        self._require_writable()
        existing = {
            row.key: row
            for row in self._session.exec(
                select(OrganisationRow).order_by(col(OrganisationRow.position)), execution_options=_FRESH
            )
        }
        for position, org in enumerate(directory):
            fields = _organisation_fields(org, position)
            row = existing.pop(org.key, None)
            if row is None:
                row = OrganisationRow(key=org.key, **fields)
            else:
                for name, value in fields.items():
                    setattr(row, name, value)
            self._session.add(row)
        self._organisation_keys = None
        # Unlisted ones stay (recipients and old remisses name them), inactive, after the listed ones.
        for offset, row in enumerate(existing.values()):
            row.active = False
            row.position = len(directory) + offset
            self._session.add(row)
        self._session.flush()

    # -- Slack deliveries and users ------------------------------------------------------------------
    def claim_delivery(self, event_id: str, at: datetime) -> bool:
        """True the first time an event id is seen; False for a retried delivery already handled."""
        self._require_writable()
        # ON CONFLICT DO NOTHING: a duplicate is not an error, so the transaction stays usable, and on
        # PostgreSQL a concurrent claim of the same id waits for the first one's commit before deciding.
        statement = (
            self._insert(ProcessedDeliveryRow)
            .values(event_id=event_id, received_at=at)
            .on_conflict_do_nothing(index_elements=["event_id"])
            .returning(col(ProcessedDeliveryRow.event_id))
        )
        return self._session.execute(statement).first() is not None

    def release_delivery(self, event_id: str) -> None:
        self._require_writable()
        self._session.execute(delete(ProcessedDeliveryRow).where(col(ProcessedDeliveryRow.event_id) == event_id))

    def prune_deliveries(self, before: datetime) -> int:
        self._require_writable()
        result = self._session.execute(
            delete(ProcessedDeliveryRow).where(col(ProcessedDeliveryRow.received_at) < before)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    # -- the outbox ----------------------------------------------------------------------------------
    def enqueue(self, message: OutboxMessage) -> bool:
        """Record a message to send; False (and nothing changed) when one with this key exists already."""
        self._require_writable()
        # ON CONFLICT DO NOTHING, as in claim_delivery: a known key is an answer, not an error, so the
        # transaction stays usable; on PostgreSQL a concurrent enqueue of the key waits for the first's commit.
        # One statement built once, the values passed as parameters: building an INSERT per message cost
        # SQLAlchemy about ten times what the database spends (and sending a remiss enqueues hundreds).
        statement = _ENQUEUE[self._session.get_bind().dialect.name]
        row = self._session.exec(statement, params={"key": message.key, **_message_fields(message)}).first()
        return row is not None

    def claim_messages(self, now: datetime, lease: timedelta, limit: int) -> list[OutboxMessage]:
        """Claim up to `limit` messages for sending, oldest first, each for exactly one claimer."""
        self._require_writable()
        if limit <= 0:
            return []
        state = col(OutboxMessageRow.state)
        next_attempt_at = col(OutboxMessageRow.next_attempt_at)
        # Each half starts with an equality on state, so the (state, …) indexes read only the live rows:
        # the cost follows what is pending or sending, never the thousands already sent.
        claimable = (
            (state == DeliveryState.PENDING.value) & (next_attempt_at.is_(None) | (next_attempt_at <= now))
        ) | ((state == DeliveryState.SENDING.value) & (col(OutboxMessageRow.claimed_until) < now))
        ids = self._candidates(
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
        rows = self._session.exec(statement, execution_options=_FRESH_UPDATE).scalars().all()
        return sorted((_message(row) for row in rows), key=lambda m: _id(m.id))

    def finish_message(self, message: OutboxMessage) -> None:
        """Store the outcome of a send (matched by key); `claimed_until` is cleared."""
        self._require_writable()
        statement = (
            update(OutboxMessageRow)
            .where(col(OutboxMessageRow.key) == message.key)
            .values(
                state=message.state.value,
                attempts=message.attempts,
                next_attempt_at=message.next_attempt_at,
                channel_id=message.channel_id,
                ts=message.ts,
                sent_at=message.sent_at,
                error=message.error,
                uncertain=message.uncertain,
                claimed_until=None,
            )
        )
        if self._session.exec(statement, execution_options=_FRESH_UPDATE).rowcount == 0:
            # Messages are never deleted: an unknown key is a bug in the caller, not a race.
            raise ValueError(f"no outbox message with key {message.key!r} (was it enqueued?)")

    def find_message(self, channel_id: str, ts: str) -> OutboxMessage | None:
        """The sent message at this place in Slack (to know which remiss a DM thread is about)."""
        query = (
            select(OutboxMessageRow)
            .where(OutboxMessageRow.channel_id == channel_id, OutboxMessageRow.ts == ts)
            .order_by(col(OutboxMessageRow.id))
        )
        row = self._session.exec(query, execution_options=_FRESH).first()
        return _message(row) if row is not None else None

    def messages_for(self, case_number: str, organisation_key: str | None = None) -> list[OutboxMessage]:
        """Every message about a remiss (and one recipient), oldest first."""
        query = select(OutboxMessageRow).where(OutboxMessageRow.case_number == case_number)
        if organisation_key is not None:
            query = query.where(OutboxMessageRow.organisation_key == organisation_key)
        rows = self._session.exec(query.order_by(col(OutboxMessageRow.id)), execution_options=_FRESH).all()
        return [_message(row) for row in rows]

    # -- the status message of each remiss -----------------------------------------------------------
    def touch_status(self, case_number: str, channel: str) -> None:
        """Mark the remiss's status message out of date (creating its board, in `channel`, if none)."""
        self._require_writable()
        # One statement, so no bump is lost: a read-then-write would let two transactions both write
        # version n + 1. On PostgreSQL the second of two concurrent inserts waits, then takes the update path.
        # The channel of an existing board stays: its message is already posted there.
        statement = (
            self._insert(StatusBoardRow)
            .values(case_number=case_number, channel=channel, version=1, rendered_version=0)
            .on_conflict_do_update(index_elements=["case_number"], set_={"version": col(StatusBoardRow.version) + 1})
        )
        self._session.exec(statement)

    def claim_status(self, now: datetime, lease: timedelta, limit: int) -> list[StatusBoard]:
        """Claim stale boards (rendered_version < version) not claimed by another live sender."""
        self._require_writable()
        if limit <= 0:
            return []
        claimed_until = col(StatusBoardRow.claimed_until)
        claimable = (col(StatusBoardRow.rendered_version) < col(StatusBoardRow.version)) & (
            claimed_until.is_(None) | (claimed_until < now)
        )
        # No age to order by; the case number at least makes the order stable.
        keys = self._candidates(
            select(col(StatusBoardRow.case_number))
            .where(claimable)
            .order_by(col(StatusBoardRow.case_number))
            .limit(limit)
        )
        if not keys:
            return []
        statement = (
            update(StatusBoardRow)
            .where(col(StatusBoardRow.case_number).in_(keys), claimable)
            .values(claimed_until=now + lease)
            .returning(StatusBoardRow)
        )
        rows = self._session.exec(statement, execution_options=_FRESH_UPDATE).scalars().all()
        return sorted((_board(row) for row in rows), key=lambda b: b.case_number)

    def finish_status(self, board: StatusBoard) -> None:
        """Store ts and rendered_version (never lowering it) and release the claim; version is untouched."""
        self._require_writable()
        rendered = col(StatusBoardRow.rendered_version)
        values: dict[str, Any] = {
            # The larger of stored and given, decided in the UPDATE: a sender whose lease ran out may finish
            # an older render after another sender stored a newer one, and must not lower it.
            "rendered_version": case((rendered < board.rendered_version, board.rendered_version), else_=rendered),
            "claimed_until": None,
        }
        if board.ts is not None:
            values["ts"] = board.ts
        statement = update(StatusBoardRow).where(col(StatusBoardRow.case_number) == board.case_number).values(values)
        if self._session.exec(statement, execution_options=_FRESH_UPDATE).rowcount == 0:
            raise ValueError(f"no status board for {board.case_number!r} (touch_status creates it)")

    def get_status(self, case_number: str) -> StatusBoard | None:
        query = select(StatusBoardRow).where(StatusBoardRow.case_number == case_number)
        row = self._session.exec(query, execution_options=_FRESH).first()
        return _board(row) if row is not None else None

    def put_pending_form(self, key: str, payload: str, expires_at: datetime) -> None:
        self._require_writable()
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
        self._require_writable()
        self._session.execute(delete(PendingFormRow).where(col(PendingFormRow.key) == key))

    def prune_pending_forms(self, now: datetime) -> int:
        self._require_writable()
        result = self._session.execute(delete(PendingFormRow).where(col(PendingFormRow.expires_at) <= now))
        return int(getattr(result, "rowcount", 0) or 0)

    def cached_user_id(self, email: str) -> str | None:
        row = self._session.get(SlackUserCacheRow, _email_key(email))
        return row.user_id if row is not None else None

    def cache_user_id(self, email: str, user_id: str, at: datetime) -> None:
        self._require_writable()
        statement = (
            self._insert(SlackUserCacheRow)
            .values(email=_email_key(email), user_id=user_id, cached_at=at)
            .on_conflict_do_update(index_elements=["email"], set_={"user_id": user_id, "cached_at": at})
        )
        self._session.execute(statement)

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
        self._require_writable()
        existing = {
            row.key: row.state
            for row in self._session.exec(
                select(ReminderRow).where(
                    ReminderRow.case_number == case_number, ReminderRow.organisation_key == organisation_key
                ),
                execution_options=_FRESH,
            ).all()
        }
        wanted = {reminder.key: reminder for reminder in plan}
        gone = [key for key, state in existing.items() if state == ReminderState.PLANNED.value and key not in wanted]
        if gone:
            self._session.execute(
                update(ReminderRow)
                .where(col(ReminderRow.key).in_(gone), col(ReminderRow.state) == ReminderState.PLANNED.value)
                .values(state=ReminderState.CANCELLED.value, reason=cancel_reason, decided_at=at),
                execution_options=_FRESH_UPDATE,
            )
        revived = (ReminderState.PLANNED.value, ReminderState.CANCELLED.value)
        for key, reminder in wanted.items():
            if key not in existing:
                continue
            if existing[key] in revived:
                self._session.execute(
                    update(ReminderRow)
                    .where(col(ReminderRow.key) == key)
                    .values(
                        **_reminder_fields(reminder), state=ReminderState.PLANNED.value, reason="", decided_at=None
                    ),
                    execution_options=_FRESH_UPDATE,
                )
        new = [
            {"key": key, **_reminder_fields(reminder), "state": ReminderState.PLANNED.value, "reason": ""}
            for key, reminder in wanted.items()
            if key not in existing
        ]
        if new:
            # ON CONFLICT DO NOTHING: another replica planning the same reminder at the same moment wins.
            statement = self._insert(ReminderRow).on_conflict_do_nothing(index_elements=["key"])
            self._session.execute(statement, new)

    def add_reminders(self, plan: Sequence[PlannedReminder]) -> None:
        """New planned reminders in one INSERT (sending to 500 recipients plans about 3,500)."""
        self._require_writable()
        rows = [{"key": r.key, **_reminder_fields(r), "state": ReminderState.PLANNED.value, "reason": ""} for r in plan]
        if rows:
            statement = self._insert(ReminderRow).on_conflict_do_nothing(index_elements=["key"])
            self._session.execute(statement, rows)

    def claim_due_reminders(self, now: datetime, limit: int) -> list[ScheduledReminder]:
        """Planned reminders due by `now`, oldest first, locked for this transaction (see the port)."""
        self._require_writable()
        if limit <= 0:
            return []
        query = (
            select(ReminderRow)
            .where(col(ReminderRow.state) == ReminderState.PLANNED.value, col(ReminderRow.due_at) <= now)
            .order_by(col(ReminderRow.due_at), col(ReminderRow.id))
            .limit(limit)
            .execution_options(**_FRESH)
        )
        return [_scheduled(row) for row in self._candidates(query)]

    def settle_reminder(self, key: str, state: ReminderState, reason: str, at: datetime) -> bool:
        self._require_writable()
        statement = (
            update(ReminderRow)
            .where(col(ReminderRow.key) == key, col(ReminderRow.state) == ReminderState.PLANNED.value)
            .values(state=state.value, reason=reason, decided_at=at)
        )
        return bool(self._session.exec(statement, execution_options=_FRESH_UPDATE).rowcount == 1)

    def reminders_for(self, case_number: str, organisation_key: str | None = None) -> list[ScheduledReminder]:
        query = select(ReminderRow).where(ReminderRow.case_number == case_number)
        if organisation_key is not None:
            query = query.where(ReminderRow.organisation_key == organisation_key)
        query = query.order_by(col(ReminderRow.due_at), col(ReminderRow.id))
        return [_scheduled(row) for row in self._session.exec(query, execution_options=_FRESH).all()]

    def reminder_policy(self, case_number: str) -> dict[str, Any] | None:
        query = select(RemissRow.reminder_policy).where(RemissRow.case_number == case_number)
        found = self._session.exec(query).first()
        return dict(found) if found else None

    def set_reminder_policy(self, case_number: str, policy: dict[str, Any] | None) -> None:
        self._require_writable()
        statement = (
            update(RemissRow)
            .where(col(RemissRow.case_number) == case_number)
            .values(reminder_policy=dict(policy) if policy else None)
        )
        if self._session.exec(statement, execution_options=_FRESH_UPDATE).rowcount == 0:
            raise DomainError(ErrorCode.UNKNOWN_REMISS, case_number=case_number)

    # -- requests for anstånd --------------------------------------------------------------------------
    def add_extension_request(self, request: ExtensionRequest) -> ExtensionRequest:
        self._require_writable()
        row = ExtensionRequestRow(**_request_fields(request))
        self._session.add(row)
        self._session.flush()
        return replace(request, id=row.id)

    def get_extension_request(self, request_id: int) -> ExtensionRequest | None:
        query = select(ExtensionRequestRow).where(ExtensionRequestRow.id == request_id)
        if self._locking and not self._read_only:
            query = query.with_for_update()
        row = self._session.exec(query, execution_options=_FRESH).first()
        return _request(row) if row is not None else None

    def save_extension_request(self, request: ExtensionRequest) -> None:
        self._require_writable()
        statement = (
            update(ExtensionRequestRow)
            .where(col(ExtensionRequestRow.id) == request.id)
            .values(**_request_fields(request))
        )
        if self._session.exec(statement, execution_options=_FRESH_UPDATE).rowcount == 0:
            raise ValueError(f"no extension request with id {request.id!r}")

    def extension_requests(self, case_number: str, organisation_key: str | None = None) -> list[ExtensionRequest]:
        query = select(ExtensionRequestRow).where(ExtensionRequestRow.case_number == case_number)
        if organisation_key is not None:
            query = query.where(ExtensionRequestRow.organisation_key == organisation_key)
        rows = self._session.exec(query.order_by(col(ExtensionRequestRow.id)), execution_options=_FRESH).all()
        return [_request(row) for row in rows]

    # -- helpers -------------------------------------------------------------------------------------
    def _require_writable(self) -> None:
        if self._read_only:
            raise RuntimeError("Store.read() is read-only; write inside Store.transaction()")

    def _insert(self, table: type[SQLModel]) -> postgresql.Insert | sqlite.Insert:
        """The dialect's INSERT, which knows ON CONFLICT (both PostgreSQL and SQLite ≥ 3.24 do)."""
        dialect = self._session.get_bind().dialect.name
        return postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)

    def _candidates(self, query: SelectOfScalar[_T]) -> list[_T]:
        """The keys of rows to claim; the caller's UPDATE re-checks each one and so decides the claim.

        PostgreSQL: FOR UPDATE SKIP LOCKED, so concurrent claimers take disjoint rows instead of queueing
        behind each other. SQLite drops that clause, but the transaction holds the database's one write lock
        (BEGIN IMMEDIATE) from its start, so no other claimer can run between this SELECT and the UPDATE.
        """
        if self._session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        return list(self._session.exec(query).all())

    def _require_organisation(self, key: str) -> None:
        # A check before the insert gives the domain's error; organisations are never deleted, so the
        # keys read once can't go stale before the foreign key is checked.
        if self._organisation_keys is None:
            self._organisation_keys = set(self._session.exec(select(OrganisationRow.key)).all())
        if key not in self._organisation_keys:
            raise DomainError(ErrorCode.UNKNOWN_ORGANISATION, key=key)

    def _remiss_id(self, case_number: str, *, lock: bool = False, shared_enough: bool = False) -> int | None:
        remiss_id = self._remiss_ids.get(case_number)
        held = self._locked_remisses | (self._shared_remisses if shared_enough else set())
        if remiss_id is not None and (not lock or remiss_id in held):
            return remiss_id
        query = select(col(RemissRow.id), col(RemissRow.deadline)).where(RemissRow.case_number == case_number)
        if lock:
            query = query.with_for_update()
        found = self._session.exec(query).first()
        if found is None:
            return None
        remiss_id = _id(found[0])
        self._remiss_ids[case_number] = remiss_id
        self._deadlines[remiss_id] = found[1]
        if lock:
            self._locked_remisses.add(remiss_id)
        return remiss_id

    def _remisses(self, rows: Sequence[RemissRow]) -> list[Remiss]:
        """Remisses with their questions and documents: two more queries (per thousand remisses)."""
        ids = [_id(row.id) for row in rows]
        for row in rows:
            self._remiss_ids[row.case_number] = _id(row.id)
            self._deadlines[_id(row.id)] = row.deadline
        questions: dict[int, list[Question]] = defaultdict(list)
        documents: dict[int, list[DocumentLink]] = defaultdict(list)
        for chunk in _chunks(ids):
            for q in self._session.exec(
                select(QuestionRow)
                .where(col(QuestionRow.remiss_id).in_(chunk))
                .order_by(col(QuestionRow.remiss_id), col(QuestionRow.number))
            ):
                questions[q.remiss_id].append(Question(q.number, q.text, QuestionKind(q.kind)))
            for d in self._session.exec(
                select(DocumentLinkRow)
                .where(col(DocumentLinkRow.remiss_id).in_(chunk))
                .order_by(col(DocumentLinkRow.remiss_id), col(DocumentLinkRow.position))
            ):
                documents[d.remiss_id].append(DocumentLink(d.title, d.url))
        return [
            Remiss(
                case_number=row.case_number,
                title=row.title,
                description=row.description,
                sender_key=row.sender_key,
                coordinators=tuple(row.coordinators),
                contact=row.contact,
                questions=tuple(questions[_id(row.id)]),
                deadline=row.deadline,
                created_by=row.created_by,
                created_at=row.created_at,
                documents=tuple(documents[_id(row.id)]),
                status=RemissStatus(row.status),
                sent_at=row.sent_at,
                closed_at=row.closed_at,
                id=row.id,
            )
            for row in rows
        ]

    def _recipients(self, where: ColumnElement[bool], *, lock: bool = False) -> list[Recipient]:
        """Recipients matching `where`, with officials, versions and extensions: four queries in all."""
        query = (
            select(RecipientRow, col(RemissRow.case_number), col(RemissRow.deadline))
            .join(RemissRow, col(RemissRow.id) == col(RecipientRow.remiss_id))
            .where(where)
            .order_by(col(RecipientRow.id))
        )
        if lock:
            query = query.with_for_update(of=RecipientRow)
        rows = self._session.exec(query, execution_options=_FRESH).all()
        if not rows:
            return []
        # The children are selected by the same condition as a subquery: no id list to outgrow the
        # driver's parameter limit, and no query per recipient.
        matching = select(RecipientRow.id).where(where).scalar_subquery()
        officials: dict[int, list[str]] = defaultdict(list)
        for o in self._session.exec(
            select(RecipientOfficialRow)
            .where(col(RecipientOfficialRow.recipient_id).in_(matching))
            .order_by(col(RecipientOfficialRow.recipient_id), col(RecipientOfficialRow.position)),
            execution_options=_FRESH,
        ):
            officials[o.recipient_id].append(o.user_id)
        responses: dict[int, list[Response]] = defaultdict(list)
        for v in self._session.exec(
            select(ResponseVersionRow)
            .where(col(ResponseVersionRow.recipient_id).in_(matching))
            .order_by(col(ResponseVersionRow.recipient_id), col(ResponseVersionRow.version))
        ):
            responses[v.recipient_id].append(_response(v))
        extensions: dict[int, list[Extension]] = defaultdict(list)
        for e in self._session.exec(
            select(ExtensionRow)
            .where(col(ExtensionRow.recipient_id).in_(matching))
            .order_by(col(ExtensionRow.recipient_id), col(ExtensionRow.seq))
        ):
            extensions[e.recipient_id].append(
                Extension(e.previous_deadline, e.new_deadline, e.granted_by, e.granted_at, e.reason)
            )
        loaded = [
            Recipient(
                case_number=case_number,
                organisation_key=row.organisation_key,
                officials=tuple(officials[_id(row.id)]),
                remiss_deadline=deadline,
                opened_at=row.opened_at,
                draft=_draft(row),
                responses=responses[_id(row.id)],
                withdrawn_version=row.withdrawn_version,
                extensions=extensions[_id(row.id)],
                last_activity_at=row.last_activity_at,
                id=row.id,
            )
            for row, case_number, deadline in rows
        ]
        if not self._read_only:
            for recipient in loaded:
                self._stored[(recipient.case_number, recipient.organisation_key)] = _snapshot(recipient)
        return loaded

    def _write_questions_and_documents(self, remiss_id: int, remiss: Remiss) -> None:
        self._session.add_all(
            QuestionRow(remiss_id=remiss_id, number=q.number, text=q.text, kind=q.kind.value) for q in remiss.questions
        )
        self._session.add_all(
            DocumentLinkRow(remiss_id=remiss_id, position=i, title=d.title, url=d.url)
            for i, d in enumerate(remiss.documents)
        )
        self._session.flush()

    def _write_officials(self, recipient_id: int, officials: Iterable[str]) -> None:
        self._session.add_all(
            RecipientOfficialRow(recipient_id=recipient_id, position=i, user_id=user_id)
            for i, user_id in enumerate(officials)
        )

    def _append_responses(self, recipient_id: int, responses: Iterable[Response]) -> None:
        self._session.add_all(
            ResponseVersionRow(
                recipient_id=recipient_id,
                version=r.version,
                kind=r.content.kind.value,
                answers=[_answer_json(a) for a in r.content.answers],
                meeting_date=r.content.meeting_date,
                paragraph=r.content.paragraph,
                decided_by=r.content.decided_by,
                planned_board_date=r.content.planned_board_date,
                decline_reason=r.content.decline_reason,
                attachments=[_attachment_json(a) for a in r.content.attachments],
                author=r.author,
                submitted_at=r.submitted_at,
            )
            for r in responses
        )

    def _append_extensions(self, recipient_id: int, extensions: Iterable[Extension], *, start: int) -> None:
        self._session.add_all(
            ExtensionRow(
                recipient_id=recipient_id,
                seq=start + i,
                previous_deadline=e.previous_deadline,
                new_deadline=e.new_deadline,
                granted_by=e.granted_by,
                granted_at=e.granted_at,
                reason=e.reason,
            )
            for i, e in enumerate(extensions)
        )

    # -- lean reads (added for bench/bench_ack.py) -----------------------------------------------------
    def get_assignment(self, case_number: str, organisation_key: str) -> Assignment | None:
        """The remiss and one of its recipients, equal to what get_remiss and get_recipient give.

        Two plain queries (four when the recipient has versions or extensions) without the ORM's object
        loading, where those two take seven: every click in the answer form reads this, and every answer
        saved reads it while SQLite's write lock is held. With row locks (PostgreSQL in a transaction), the
        locks get_remiss(shared=True) and get_recipient take, in the same order: the remiss row FOR SHARE
        first (one more small query), then the recipient row FOR UPDATE with the head. In a transaction the
        recipient is remembered as stored, as get_recipient does, for save_recipient to compare against."""
        connection = self._session.connection()
        params = {"case_number": case_number, "key": organisation_key}
        if self._locking:
            locked = connection.execute(_REMISS_SHARE_LOCK, params).first()
            if locked is None:
                return None
            self._shared_remisses.add(int(locked.id))
        head = connection.execute(_ASSIGNMENT_HEAD_LOCKED if self._locking else _ASSIGNMENT_HEAD, params).first()
        if head is None:
            return None
        remiss_id, recipient_id = int(head.id), int(head.recipient_id)
        ids = {"remiss_id": remiss_id, "recipient_id": recipient_id}
        questions: list[Question] = []
        documents: list[DocumentLink] = []
        officials: list[str] = []
        for part in connection.execute(_ASSIGNMENT_PARTS, ids):
            if part.part == "q":
                questions.append(Question(part.number, part.a, QuestionKind(part.b)))
            elif part.part == "d":
                documents.append(DocumentLink(part.a, part.b))
            else:
                officials.append(part.a)
        remiss = Remiss(
            case_number=head.case_number,
            title=head.title,
            description=head.description,
            sender_key=head.sender_key,
            coordinators=tuple(head.coordinators),
            contact=head.contact,
            questions=tuple(questions),
            deadline=head.deadline,
            created_by=head.created_by,
            created_at=head.created_at,
            documents=tuple(documents),
            status=RemissStatus(head.status),
            sent_at=head.sent_at,
            closed_at=head.closed_at,
            id=remiss_id,
        )
        # The counts come from the head's snapshot, taken before it waited for the row lock: under a lock,
        # versions another writer committed meanwhile are only seen by a new statement, so always ask then.
        fetch = self._locking
        versions = connection.execute(_ASSIGNMENT_VERSIONS, ids) if head.versions or fetch else ()
        extensions = connection.execute(_ASSIGNMENT_EXTENSIONS, ids) if head.extensions or fetch else ()
        draft = None
        if head.draft_content is not None and head.draft_updated_by is not None and head.draft_updated_at is not None:
            draft = Draft(content_from_json(head.draft_content), head.draft_updated_by, head.draft_updated_at)
        recipient = Recipient(
            case_number=head.case_number,
            organisation_key=organisation_key,
            officials=tuple(officials),
            remiss_deadline=head.deadline,
            opened_at=head.opened_at,
            draft=draft,
            responses=[
                Response(
                    version=v.version,
                    content=ResponseContent(
                        kind=ResponseKind(v.kind),
                        answers=tuple(_answer(a) for a in v.answers),
                        meeting_date=v.meeting_date,
                        paragraph=v.paragraph,
                        decided_by=v.decided_by,
                        planned_board_date=v.planned_board_date,
                        decline_reason=v.decline_reason,
                        attachments=tuple(_attachment(a) for a in v.attachments),
                    ),
                    author=v.author,
                    submitted_at=v.submitted_at,
                )
                for v in versions
            ],
            withdrawn_version=head.withdrawn_version,
            extensions=[
                Extension(e.previous_deadline, e.new_deadline, e.granted_by, e.granted_at, e.reason) for e in extensions
            ],
            last_activity_at=head.last_activity_at,
            id=recipient_id,
        )
        self._remiss_ids[remiss.case_number] = remiss_id
        self._deadlines[remiss_id] = remiss.deadline
        if not self._read_only:
            self._stored[(recipient.case_number, recipient.organisation_key)] = _snapshot(recipient)
        return Assignment(remiss, recipient)


# The queries of SqlRepository.get_assignment, built once (building a statement costs about what running it
# does). The head is the remiss and recipient rows, with how many versions and extensions there are; the parts
# are the remiss's questions and documents and the recipient's officials, in their order, in one result.
_REMISS = SQLModel.metadata.tables["remiss"]
_RECIPIENT = SQLModel.metadata.tables["recipient"]
_QUESTION = SQLModel.metadata.tables["question"]
_DOCUMENT = SQLModel.metadata.tables["document_link"]
_OFFICIAL = SQLModel.metadata.tables["recipient_official"]
_VERSION = SQLModel.metadata.tables["response_version"]
_EXTENSION = SQLModel.metadata.tables["extension"]
_ASSIGNMENT_HEAD: Select[Any] = (
    core_select(
        _REMISS,
        _RECIPIENT.c.id.label("recipient_id"),
        _RECIPIENT.c.opened_at,
        _RECIPIENT.c.draft_content,
        _RECIPIENT.c.draft_updated_by,
        _RECIPIENT.c.draft_updated_at,
        _RECIPIENT.c.withdrawn_version,
        _RECIPIENT.c.last_activity_at,
        core_select(func.count()).where(_VERSION.c.recipient_id == _RECIPIENT.c.id).scalar_subquery().label("versions"),
        core_select(func.count())
        .where(_EXTENSION.c.recipient_id == _RECIPIENT.c.id)
        .scalar_subquery()
        .label("extensions"),
    )
    .join(
        _RECIPIENT,
        and_(_RECIPIENT.c.remiss_id == _REMISS.c.id, _RECIPIENT.c.organisation_key == bindparam("key")),
    )
    .where(_REMISS.c.case_number == bindparam("case_number"))
)
# Writers lock the remiss row before a recipient row (see SqlRepository); one recipient needs only a share lock.
_REMISS_SHARE_LOCK: Select[Any] = (
    core_select(_REMISS.c.id).where(_REMISS.c.case_number == bindparam("case_number")).with_for_update(read=True)
)
_ASSIGNMENT_HEAD_LOCKED: Select[Any] = _ASSIGNMENT_HEAD.with_for_update(of=_RECIPIENT)
_ASSIGNMENT_PARTS = union_all(
    core_select(
        literal_column("'q'").label("part"),
        _QUESTION.c.number,
        _QUESTION.c.text.label("a"),
        _QUESTION.c.kind.label("b"),
    ).where(_QUESTION.c.remiss_id == bindparam("remiss_id")),
    core_select(literal_column("'d'"), _DOCUMENT.c.position, _DOCUMENT.c.title, _DOCUMENT.c.url).where(
        _DOCUMENT.c.remiss_id == bindparam("remiss_id")
    ),
    core_select(literal_column("'o'"), _OFFICIAL.c.position, _OFFICIAL.c.user_id, null()).where(
        _OFFICIAL.c.recipient_id == bindparam("recipient_id")
    ),
).order_by(literal_column("part"), literal_column("number"))
_ASSIGNMENT_VERSIONS: Select[Any] = (
    core_select(_VERSION).where(_VERSION.c.recipient_id == bindparam("recipient_id")).order_by(_VERSION.c.version)
)
_ASSIGNMENT_EXTENSIONS: Select[Any] = (
    core_select(_EXTENSION).where(_EXTENSION.c.recipient_id == bindparam("recipient_id")).order_by(_EXTENSION.c.seq)
)

# -- mapping -----------------------------------------------------------------------------------------
_T = TypeVar("_T")
# Ids per IN (…) list: well under SQLite's and PostgreSQL's bound-parameter limits.
_CHUNK = 1000


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    return (ids[i : i + _CHUNK] for i in range(0, len(ids), _CHUNK))


def _id(value: int | None) -> int:
    """A row id after flush; None here is a bug in this module, not bad input."""
    if value is None:
        raise AssertionError("row has no id; was it flushed?")
    return value


def _email_key(email: str) -> str:
    # E-mail addresses are matched case-insensitively in practice (Slack does too).
    return email.strip().lower()


def _appended(what: str, stored: list[_T], given: list[_T], recipient: Recipient) -> list[_T]:
    """The items of `given` after the stored ones; refuses if a stored item was changed or dropped."""
    if given[: len(stored)] != stored:
        raise ValueError(
            f"{what} of {recipient.case_number}/{recipient.organisation_key} are append-only: "
            "a stored one was changed or removed (stale copy? read it inside the same transaction)"
        )
    return given[len(stored) :]


def _message_fields(message: OutboxMessage) -> dict[str, Any]:
    """The message's columns except id (the database's) and key (the identity)."""
    return {
        "kind": message.kind.value,
        "case_number": message.case_number,
        "created_at": message.created_at,
        "to_user": message.to_user,
        "organisation_key": message.organisation_key,
        "audit_id": message.audit_id,
        "state": message.state.value,
        "attempts": message.attempts,
        "next_attempt_at": message.next_attempt_at,
        "claimed_until": message.claimed_until,
        "channel_id": message.channel_id,
        "ts": message.ts,
        "sent_at": message.sent_at,
        "error": message.error,
        "uncertain": message.uncertain,
    }


def _reminder_fields(reminder: PlannedReminder) -> dict[str, Any]:
    """A planned reminder's columns except key and state."""
    advice = reminder.meeting
    return {
        "case_number": reminder.case_number,
        "organisation_key": reminder.organisation_key,
        "kind": reminder.kind.value,
        "audience": reminder.to,
        "due_at": reminder.due_at,
        "local_date": reminder.local_date,
        "deadline": reminder.deadline,
        "working_days_left": reminder.working_days_left,
        "meeting": None
        if advice is None
        else {
            "meeting": advice.meeting.isoformat() if advice.meeting else None,
            "submission_date": advice.submission_date.isoformat() if advice.submission_date else None,
            "no_meeting_fits": advice.no_meeting_fits,
        },
    }


def _scheduled(row: ReminderRow) -> ScheduledReminder:
    advice = None
    if row.meeting is not None:
        advice = MeetingAdvice(
            meeting=_optional_date(row.meeting.get("meeting")),
            submission_date=_optional_date(row.meeting.get("submission_date")),
            no_meeting_fits=bool(row.meeting.get("no_meeting_fits")),
        )
    reminder = PlannedReminder(
        case_number=row.case_number,
        organisation_key=row.organisation_key,
        kind=ReminderKind(row.kind),
        due_at=row.due_at,
        local_date=row.local_date,
        deadline=row.deadline,
        working_days_left=row.working_days_left,
        to="coordinator" if row.audience == "coordinator" else "recipient",
        meeting=advice,
    )
    return ScheduledReminder(
        reminder=reminder, state=ReminderState(row.state), reason=row.reason, decided_at=row.decided_at, id=row.id
    )


def _request_fields(request: ExtensionRequest) -> dict[str, Any]:
    return {
        "case_number": request.case_number,
        "organisation_key": request.organisation_key,
        "requested_by": request.requested_by,
        "requested_at": request.requested_at,
        "requested_deadline": request.requested_deadline,
        "reason": request.reason,
        "state": request.state.value,
        "decided_by": request.decided_by,
        "decided_at": request.decided_at,
        "granted_deadline": request.granted_deadline,
    }


def _request(row: ExtensionRequestRow) -> ExtensionRequest:
    return ExtensionRequest(
        case_number=row.case_number,
        organisation_key=row.organisation_key,
        requested_by=row.requested_by,
        requested_at=row.requested_at,
        requested_deadline=row.requested_deadline,
        reason=row.reason,
        state=RequestState(row.state),
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        granted_deadline=row.granted_deadline,
        id=row.id,
    )


def _message(row: OutboxMessageRow) -> OutboxMessage:
    return OutboxMessage(
        key=row.key,
        kind=MessageKind(row.kind),
        case_number=row.case_number,
        created_at=row.created_at,
        to_user=row.to_user,
        organisation_key=row.organisation_key,
        audit_id=row.audit_id,
        state=DeliveryState(row.state),
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        claimed_until=row.claimed_until,
        channel_id=row.channel_id,
        ts=row.ts,
        sent_at=row.sent_at,
        error=row.error,
        uncertain=row.uncertain,
        id=row.id,
    )


def _board(row: StatusBoardRow) -> StatusBoard:
    return StatusBoard(
        case_number=row.case_number,
        channel=row.channel,
        version=row.version,
        rendered_version=row.rendered_version,
        ts=row.ts,
        claimed_until=row.claimed_until,
    )


def _remiss_fields(remiss: Remiss) -> dict[str, Any]:
    """The remiss's own columns except the case number, which identifies it and never changes."""
    return {
        "title": remiss.title,
        "description": remiss.description,
        "sender_key": remiss.sender_key,
        "coordinators": list(remiss.coordinators),
        "contact": remiss.contact,
        "deadline": remiss.deadline,
        "status": remiss.status.value,
        "created_by": remiss.created_by,
        "created_at": remiss.created_at,
        "sent_at": remiss.sent_at,
        "closed_at": remiss.closed_at,
    }


def _recipient_fields(recipient: Recipient) -> dict[str, Any]:
    """The recipient row's mutable columns (everything but its remiss and organisation)."""
    draft = recipient.draft
    return {
        "opened_at": recipient.opened_at,
        "draft_content": content_to_json(draft.content) if draft is not None else None,
        "draft_updated_by": draft.updated_by if draft is not None else None,
        "draft_updated_at": draft.updated_at if draft is not None else None,
        "withdrawn_version": recipient.withdrawn_version,
        "last_activity_at": recipient.last_activity_at,
    }


def _draft(row: RecipientRow) -> Draft | None:
    if row.draft_content is None or row.draft_updated_by is None or row.draft_updated_at is None:
        return None
    return Draft(content_from_json(row.draft_content), row.draft_updated_by, row.draft_updated_at)


def _answer_json(answer: Answer) -> dict[str, Any]:
    return {"question_number": answer.question_number, "text": answer.text, "position": answer.position.value}


def _attachment_json(attachment: Attachment) -> dict[str, Any]:
    return {"file_id": attachment.file_id, "name": attachment.name, "url": attachment.url}


def _answer(data: dict[str, Any]) -> Answer:
    return Answer(int(data["question_number"]), str(data["text"]), Position(data["position"]))


def _attachment(data: dict[str, Any]) -> Attachment:
    return Attachment(str(data["file_id"]), str(data["name"]), str(data.get("url", "")))


def _optional_date(value: object) -> date | None:
    return date.fromisoformat(str(value)) if value else None


def content_to_json(content: ResponseContent) -> dict[str, Any]:
    """A response's content as JSON (drafts are stored this way)."""
    return {
        "kind": content.kind.value,
        "answers": [_answer_json(a) for a in content.answers],
        "meeting_date": content.meeting_date.isoformat() if content.meeting_date else None,
        "paragraph": content.paragraph,
        "decided_by": content.decided_by,
        "planned_board_date": content.planned_board_date.isoformat() if content.planned_board_date else None,
        "decline_reason": content.decline_reason,
        "attachments": [_attachment_json(a) for a in content.attachments],
    }


def content_from_json(data: dict[str, Any]) -> ResponseContent:
    """The inverse of content_to_json."""
    return ResponseContent(
        kind=ResponseKind(data["kind"]),
        answers=tuple(_answer(a) for a in data.get("answers", ())),
        meeting_date=_optional_date(data.get("meeting_date")),
        paragraph=str(data.get("paragraph", "")),
        decided_by=str(data.get("decided_by", "")),
        planned_board_date=_optional_date(data.get("planned_board_date")),
        decline_reason=str(data.get("decline_reason", "")),
        attachments=tuple(_attachment(a) for a in data.get("attachments", ())),
    )


def _response(row: ResponseVersionRow) -> Response:
    content = ResponseContent(
        kind=ResponseKind(row.kind),
        answers=tuple(_answer(a) for a in row.answers),
        meeting_date=row.meeting_date,
        paragraph=row.paragraph,
        decided_by=row.decided_by,
        planned_board_date=row.planned_board_date,
        decline_reason=row.decline_reason,
        attachments=tuple(_attachment(a) for a in row.attachments),
    )
    return Response(version=row.version, content=content, author=row.author, submitted_at=row.submitted_at)


def _audit_entry(row: AuditEntryRow, case_number: str) -> AuditEntry:
    return AuditEntry(
        case_number=case_number,
        action=AuditAction(row.action),
        actor=row.actor,
        at=row.at,
        organisation_key=row.organisation_key,
        details=tuple(row.details.items()),
        id=row.id,
    )


def _organisation_fields(org: Organisation, position: int) -> dict[str, Any]:
    return {
        "name": org.name,
        "short_name": org.short_name,
        "kind": org.kind.value,
        "contacts": list(org.contacts),
        "stand_ins": list(org.stand_ins),
        "aliases": list(org.aliases),
        "active": org.active,
        "position": position,
        "meetings": [meeting.isoformat() for meeting in org.meetings],
        "submission_lead_days": org.submission_lead_days,
    }


def _organisation(row: OrganisationRow) -> Organisation:
    return Organisation(
        key=row.key,
        name=row.name,
        short_name=row.short_name,
        kind=OrgKind(row.kind),
        contacts=tuple(row.contacts),
        stand_ins=tuple(row.stand_ins),
        aliases=tuple(row.aliases),
        active=row.active,
        meetings=tuple(date.fromisoformat(meeting) for meeting in row.meetings),
        submission_lead_days=row.submission_lead_days,
    )


def _snapshot(recipient: Recipient) -> Recipient:
    """A copy the caller's later changes can't reach: versions, drafts and extensions are immutable values,
    so copying the lists that hold them is enough (a deep copy of every answer text cost more than the SQL)."""
    return replace(recipient, responses=list(recipient.responses), extensions=list(recipient.extensions))
