"""An in-memory Store with the SQL store's semantics, for service tests and running without a database."""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, is_dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar, cast

from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.extension import ExtensionRequest
from bot.core.domain.organisation import Directory, Organisation
from bot.core.domain.outbox import DeliveryState, OutboxMessage, StatusBoard
from bot.core.domain.reminders import PlannedReminder, ReminderState, ScheduledReminder
from bot.core.domain.remiss import AuditEntry, Recipient, Remiss, RemissStatus
from bot.core.ports import Assignment

_T = TypeVar("_T")


def _copy(value: _T) -> _T:
    """A deep copy with every datetime in UTC; a naive datetime is refused, as the SQL store refuses it.

    Copying in and out means no caller can change stored state by mutating an object it holds.
    """
    copied: Any
    if isinstance(value, datetime):
        if value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()}: store aware UTC times")
        copied = value.astimezone(UTC)
    elif is_dataclass(value) and not isinstance(value, type):
        copied = replace(value, **{f.name: _copy(getattr(value, f.name)) for f in fields(value) if f.init})
    elif isinstance(value, tuple):
        copied = tuple(_copy(item) for item in value)
    elif isinstance(value, list):
        copied = [_copy(item) for item in value]
    else:
        # str, int, date, enums and None are immutable.
        copied = value
    return cast(_T, copied)


def _id_of(value: int | None) -> int:
    if value is None:
        raise ValueError("stored without an id")
    return value


def _email_key(email: str) -> str:
    # The SQL store matches e-mail addresses case-insensitively too.
    return email.strip().lower()


@dataclass
class _State:
    """Everything stored. A committed state is never mutated: a transaction works on a copy."""

    remisses: dict[str, Remiss] = field(default_factory=dict)
    recipients: dict[tuple[str, str], Recipient] = field(default_factory=dict)
    audit: list[AuditEntry] = field(default_factory=list)
    organisations: tuple[Organisation, ...] = ()
    deliveries: dict[str, datetime] = field(default_factory=dict)
    user_ids: dict[str, str] = field(default_factory=dict)
    # By key, in the order enqueued (which is id order, as ids only grow).
    outbox: dict[str, OutboxMessage] = field(default_factory=dict)
    boards: dict[str, StatusBoard] = field(default_factory=dict)
    pending_forms: dict[str, tuple[str, datetime]] = field(default_factory=dict)
    reminders: dict[str, ScheduledReminder] = field(default_factory=dict)
    policies: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: dict[int, ExtensionRequest] = field(default_factory=dict)
    last_id: int = 0

    def working_copy(self) -> _State:
        # Shallow copies suffice: stored objects are private copies that are replaced, never changed.
        return replace(
            self,
            remisses=dict(self.remisses),
            recipients=dict(self.recipients),
            audit=list(self.audit),
            deliveries=dict(self.deliveries),
            user_ids=dict(self.user_ids),
            outbox=dict(self.outbox),
            boards=dict(self.boards),
            pending_forms=dict(self.pending_forms),
            reminders=dict(self.reminders),
            policies=dict(self.policies),
            requests=dict(self.requests),
        )

    def next_id(self) -> int:
        self.last_id += 1
        return self.last_id


class MemoryRepository:
    """bot.core.ports.Repository over one state; objects are copied in and out."""

    def __init__(self, state: _State, *, read_only: bool = False) -> None:
        self._state = state
        self._read_only = read_only

    # -- remisses ------------------------------------------------------------------------------------
    def get_remiss(self, case_number: str, *, shared: bool = False) -> Remiss | None:
        # Transactions here take turns on one lock, so shared and exclusive are the same.
        remiss = self._state.remisses.get(case_number)
        return _copy(remiss) if remiss is not None else None

    def add_remiss(self, remiss: Remiss) -> Remiss:
        """Store a new remiss; a case number that exists raises DomainError(DUPLICATE_CASE_NUMBER)."""
        self._require_writable()
        self._require_organisation(remiss.sender_key)
        if remiss.case_number in self._state.remisses:
            raise DomainError(ErrorCode.DUPLICATE_CASE_NUMBER, field="case_number", case_number=remiss.case_number)
        stored = _copy(replace(remiss, id=self._state.next_id()))
        self._state.remisses[remiss.case_number] = stored
        return _copy(stored)

    def save_remiss(self, remiss: Remiss) -> None:
        self._require_writable()
        stored = self._state.remisses.get(remiss.case_number)
        if stored is None:
            raise DomainError(ErrorCode.UNKNOWN_REMISS, case_number=remiss.case_number)
        if remiss.sender_key != stored.sender_key:
            self._require_organisation(remiss.sender_key)
        self._state.remisses[remiss.case_number] = _copy(replace(remiss, id=stored.id))

    def list_remisses(self, statuses: Collection[RemissStatus] | None = None) -> list[Remiss]:
        return [_copy(r) for r in self._state.remisses.values() if statuses is None or r.status in statuses]

    # -- recipients ----------------------------------------------------------------------------------
    def get_recipient(self, case_number: str, organisation_key: str) -> Recipient | None:
        recipient = self._state.recipients.get((case_number, organisation_key))
        return self._out(recipient) if recipient is not None else None

    def list_recipients(self, case_number: str) -> list[Recipient]:
        return [self._out(r) for r in self._state.recipients.values() if r.case_number == case_number]

    def add_recipient(self, recipient: Recipient) -> Recipient:
        self._require_writable()
        if recipient.case_number not in self._state.remisses:
            raise DomainError(ErrorCode.UNKNOWN_REMISS, case_number=recipient.case_number)
        self._require_organisation(recipient.organisation_key)
        key = (recipient.case_number, recipient.organisation_key)
        if key in self._state.recipients:
            raise ValueError(f"{recipient.case_number} already has recipient {recipient.organisation_key}")
        stored = _copy(replace(recipient, id=self._state.next_id()))
        self._state.recipients[key] = stored
        return self._out(stored)

    def save_recipient(self, recipient: Recipient) -> None:
        """Persist the recipient's state; new versions and extensions are appended, never rewritten."""
        self._require_writable()
        key = (recipient.case_number, recipient.organisation_key)
        stored = self._state.recipients.get(key)
        if stored is None:
            raise DomainError(
                ErrorCode.NOT_A_RECIPIENT,
                case_number=recipient.case_number,
                organisation_key=recipient.organisation_key,
            )
        new = _copy(replace(recipient, id=stored.id))
        for what, before, after in (
            ("response versions", stored.responses, new.responses),
            ("extensions", stored.extensions, new.extensions),
        ):
            if after[: len(before)] != before:
                raise ValueError(
                    f"{what} of {recipient.case_number}/{recipient.organisation_key} are append-only: "
                    "a stored one was changed or removed (stale copy? read it inside the same transaction)"
                )
        self._state.recipients[key] = new

    def unanswered_count(self, case_number: str) -> int:
        return sum(1 for r in self._state.recipients.values() if r.case_number == case_number and not r.is_answered())

    def remove_draft_recipients(self, case_number: str, organisation_keys: Collection[str]) -> None:
        """Drop recipients from a remiss that is still a draft (nothing has happened to them yet)."""
        self._require_writable()
        stored = self._state.remisses.get(case_number)
        if stored is None:
            raise DomainError(ErrorCode.UNKNOWN_REMISS, case_number=case_number)
        if stored.status is not RemissStatus.DRAFT:
            # Once sent, recipients have a history (answers, audit, messages): they are never deleted.
            raise DomainError(ErrorCode.REMISS_NOT_DRAFT, case_number=case_number)
        for key in organisation_keys:
            self._state.recipients.pop((case_number, key), None)

    def assignments_for(self, user_ids: Collection[str], statuses: Collection[RemissStatus]) -> list[Assignment]:
        """Recipients any of these users are a responsible official of, on remisses in these statuses."""
        users = set(user_ids)
        found = [
            Assignment(self._state.remisses[r.case_number], r)
            for r in self._state.recipients.values()
            if users.intersection(r.officials) and self._state.remisses[r.case_number].status in statuses
        ]
        found.sort(key=lambda a: (a.remiss.id or 0, a.recipient.id or 0))
        return [Assignment(_copy(a.remiss), self._out(a.recipient)) for a in found]

    # -- audit trail ---------------------------------------------------------------------------------
    def append_audit(self, entry: AuditEntry) -> AuditEntry:
        self._require_writable()
        if entry.case_number not in self._state.remisses:
            raise DomainError(ErrorCode.UNKNOWN_REMISS, case_number=entry.case_number)
        # Details are stored as a mapping, as in the SQL store: a repeated key keeps its last value.
        details = tuple(dict(entry.details).items())
        stored = _copy(replace(entry, details=details, id=self._state.next_id()))
        self._state.audit.append(stored)
        return _copy(stored)

    def list_audit(self, case_number: str, organisation_key: str | None = None) -> list[AuditEntry]:
        entries = (e for e in self._state.audit if e.case_number == case_number)
        if organisation_key is not None:
            entries = (e for e in entries if e.organisation_key == organisation_key)
        return [_copy(e) for e in entries]

    # -- organisation directory ----------------------------------------------------------------------
    def load_directory(self) -> Directory:
        return Directory(self._state.organisations)

    def replace_directory(self, directory: Directory) -> None:
        """Make the directory exactly this; organisations no longer listed become inactive, not deleted."""
        self._require_writable()
        unlisted = tuple(replace(org, active=False) for org in self._state.organisations if org.key not in directory)
        self._state.organisations = (*directory.organisations, *unlisted)

    # -- Slack deliveries and users ------------------------------------------------------------------
    def claim_delivery(self, event_id: str, at: datetime) -> bool:
        """True the first time an event id is seen; False for a retried delivery already handled."""
        self._require_writable()
        if event_id in self._state.deliveries:
            return False
        self._state.deliveries[event_id] = _copy(at)
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

    # -- the outbox ----------------------------------------------------------------------------------
    def enqueue(self, message: OutboxMessage) -> bool:
        """Record a message to send; False (and nothing changed) when one with this key exists already."""
        self._require_writable()
        if message.key in self._state.outbox:
            return False
        self._state.outbox[message.key] = _copy(replace(message, id=self._state.next_id()))
        return True

    def claim_messages(self, now: datetime, lease: timedelta, limit: int) -> list[OutboxMessage]:
        """Claim up to `limit` messages for sending, oldest first, each for exactly one claimer."""
        self._require_writable()
        now = _copy(now)
        claimed: list[OutboxMessage] = []
        for message in self._sorted_outbox():
            if len(claimed) >= limit:
                break
            due = message.state is DeliveryState.PENDING and (
                message.next_attempt_at is None or message.next_attempt_at <= now
            )
            # A lease that ran out means a sender died mid-send: the message may have reached Slack.
            abandoned = (
                message.state is DeliveryState.SENDING
                and message.claimed_until is not None
                and message.claimed_until < now
            )
            if not (due or abandoned):
                continue
            stored = replace(
                message,
                state=DeliveryState.SENDING,
                claimed_until=now + lease,
                uncertain=message.uncertain or abandoned,
            )
            self._state.outbox[message.key] = stored
            claimed.append(_copy(stored))
        return claimed

    def finish_message(self, message: OutboxMessage) -> None:
        """Store the outcome of a send (matched by key); `claimed_until` is cleared."""
        self._require_writable()
        stored = self._state.outbox.get(message.key)
        if stored is None:
            raise ValueError(f"no outbox message with key {message.key!r} (was it enqueued?)")
        self._state.outbox[message.key] = _copy(
            replace(
                stored,
                state=message.state,
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

    def find_message(self, channel_id: str, ts: str) -> OutboxMessage | None:
        """The sent message at this place in Slack (to know which remiss a DM thread is about)."""
        found = (m for m in self._sorted_outbox() if m.channel_id == channel_id and m.ts == ts)
        message = next(found, None)
        return _copy(message) if message is not None else None

    def messages_for(self, case_number: str, organisation_key: str | None = None) -> list[OutboxMessage]:
        """Every message about a remiss (and one recipient), oldest first."""
        return [
            _copy(m)
            for m in self._sorted_outbox()
            if m.case_number == case_number and (organisation_key is None or m.organisation_key == organisation_key)
        ]

    # -- the status message of each remiss -----------------------------------------------------------
    def touch_status(self, case_number: str, channel: str) -> None:
        """Mark the remiss's status message out of date (creating its board, in `channel`, if none)."""
        self._require_writable()
        board = self._state.boards.get(case_number)
        # The channel of an existing board stays: its message is already posted there.
        self._state.boards[case_number] = (
            StatusBoard(case_number, channel) if board is None else replace(board, version=board.version + 1)
        )

    def claim_status(self, now: datetime, lease: timedelta, limit: int) -> list[StatusBoard]:
        """Claim stale boards (rendered_version < version) not claimed by another live sender."""
        self._require_writable()
        now = _copy(now)
        claimed: list[StatusBoard] = []
        # Ordered by case number, as the SQL store does (a board has no age to order by).
        for case_number in sorted(self._state.boards):
            if len(claimed) >= limit:
                break
            board = self._state.boards[case_number]
            if not board.stale or (board.claimed_until is not None and board.claimed_until >= now):
                continue
            stored = replace(board, claimed_until=now + lease)
            self._state.boards[case_number] = stored
            claimed.append(_copy(stored))
        return claimed

    def finish_status(self, board: StatusBoard) -> None:
        """Store ts and rendered_version (never lowering it) and release the claim; version is untouched."""
        self._require_writable()
        stored = self._state.boards.get(board.case_number)
        if stored is None:
            raise ValueError(f"no status board for {board.case_number!r} (touch_status creates it)")
        self._state.boards[board.case_number] = replace(
            stored,
            ts=board.ts if board.ts is not None else stored.ts,
            rendered_version=max(stored.rendered_version, board.rendered_version),
            claimed_until=None,
        )

    def get_status(self, case_number: str) -> StatusBoard | None:
        board = self._state.boards.get(case_number)
        return _copy(board) if board is not None else None

    def put_pending_form(self, key: str, payload: str, expires_at: datetime) -> None:
        self._require_writable()
        self._state.pending_forms[key] = (payload, _copy(expires_at))

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
        return self._state.user_ids.get(_email_key(email))

    def cache_user_id(self, email: str, user_id: str, at: datetime) -> None:
        self._require_writable()
        _copy(at)  # refuses a naive time, as the SQL store does
        self._state.user_ids[_email_key(email)] = user_id

    # -- helpers -------------------------------------------------------------------------------------
    def schedule_reminders(
        self,
        case_number: str,
        organisation_key: str,
        plan: Sequence[PlannedReminder],
        at: datetime,
        *,
        cancel_reason: str = "replanned",
    ) -> None:
        self._require_writable()
        at = _copy(at)
        reminders = self._state.reminders
        wanted = {reminder.key: _copy(reminder) for reminder in plan}
        for key, stored in list(reminders.items()):
            mine = stored.reminder.case_number == case_number and stored.reminder.organisation_key == organisation_key
            if mine and stored.state is ReminderState.PLANNED and key not in wanted:
                reminders[key] = replace(stored, state=ReminderState.CANCELLED, reason=cancel_reason, decided_at=at)
        for key, reminder in wanted.items():
            stored_or_none = reminders.get(key)
            if stored_or_none is None:
                reminders[key] = ScheduledReminder(reminder=reminder, id=self._state.next_id())
            elif stored_or_none.state in (ReminderState.PLANNED, ReminderState.CANCELLED):
                reminders[key] = replace(
                    stored_or_none, reminder=reminder, state=ReminderState.PLANNED, reason="", decided_at=None
                )

    def add_reminders(self, plan: Sequence[PlannedReminder]) -> None:
        self._require_writable()
        for reminder in plan:
            if reminder.key not in self._state.reminders:
                self._state.reminders[reminder.key] = ScheduledReminder(
                    reminder=_copy(reminder), id=self._state.next_id()
                )

    def claim_due_reminders(self, now: datetime, limit: int) -> list[ScheduledReminder]:
        self._require_writable()
        now = _copy(now)
        due = [
            r for r in self._state.reminders.values() if r.state is ReminderState.PLANNED and r.reminder.due_at <= now
        ]
        due.sort(key=lambda r: (r.reminder.due_at, r.id or 0))
        return [_copy(r) for r in due[: max(limit, 0)]]

    def settle_reminder(self, key: str, state: ReminderState, reason: str, at: datetime) -> bool:
        self._require_writable()
        stored = self._state.reminders.get(key)
        if stored is None or stored.state is not ReminderState.PLANNED:
            return False
        self._state.reminders[key] = replace(stored, state=state, reason=reason, decided_at=_copy(at))
        return True

    def reminders_for(self, case_number: str, organisation_key: str | None = None) -> list[ScheduledReminder]:
        found = [
            r
            for r in self._state.reminders.values()
            if r.reminder.case_number == case_number
            and (organisation_key is None or r.reminder.organisation_key == organisation_key)
        ]
        return [_copy(r) for r in sorted(found, key=lambda r: (r.reminder.due_at, r.id or 0))]

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

    def add_extension_request(self, request: ExtensionRequest) -> ExtensionRequest:
        self._require_writable()
        stored = replace(_copy(request), id=self._state.next_id())
        self._state.requests[_id_of(stored.id)] = stored
        return _copy(stored)

    def get_extension_request(self, request_id: int) -> ExtensionRequest | None:
        found = self._state.requests.get(request_id)
        return _copy(found) if found is not None else None

    def save_extension_request(self, request: ExtensionRequest) -> None:
        self._require_writable()
        if request.id not in self._state.requests:
            raise ValueError(f"no extension request with id {request.id!r}")
        self._state.requests[request.id] = _copy(request)

    def extension_requests(self, case_number: str, organisation_key: str | None = None) -> list[ExtensionRequest]:
        return [
            _copy(r)
            for _, r in sorted(self._state.requests.items())
            if r.case_number == case_number and (organisation_key is None or r.organisation_key == organisation_key)
        ]

    def _require_writable(self) -> None:
        if self._read_only:
            raise RuntimeError("Store.read() is read-only; write inside Store.transaction()")

    def _require_organisation(self, key: str) -> None:
        # The SQL store has a foreign key here; organisations are never removed, only made inactive.
        if all(org.key != key for org in self._state.organisations):
            raise DomainError(ErrorCode.UNKNOWN_ORGANISATION, key=key)

    def _sorted_outbox(self) -> list[OutboxMessage]:
        return sorted(self._state.outbox.values(), key=lambda m: m.id or 0)

    def _out(self, recipient: Recipient) -> Recipient:
        # The remiss's deadline is the remiss's (as the SQL store reads it), not a copy that could go stale.
        deadline = self._state.remisses[recipient.case_number].deadline
        return _copy(replace(recipient, remiss_deadline=deadline))

    # -- lean reads ------------------------------------------------------------------------------------
    def get_assignment(self, case_number: str, organisation_key: str) -> Assignment | None:
        remiss = self.get_remiss(case_number, shared=True)
        recipient = self.get_recipient(case_number, organisation_key) if remiss is not None else None
        return Assignment(remiss, recipient) if remiss is not None and recipient is not None else None


class MemoryStore:
    """bot.core.ports.Store in memory: transactions are serialised by a lock and roll back on any exception."""

    def __init__(self) -> None:
        self._state = _State()
        self._lock = threading.Lock()
        self._owner: int | None = None

    @contextmanager
    def transaction(self) -> Iterator[MemoryRepository]:
        """A read-modify-write transaction: commits on success, rolls back on any exception."""
        if self._owner == threading.get_ident():
            # A SQL store would wait for itself here (SQLite's write lock, PostgreSQL's row locks).
            raise RuntimeError("transaction() inside transaction() on one thread would deadlock")
        with self._lock:
            self._owner = threading.get_ident()
            try:
                working = self._state.working_copy()
                yield MemoryRepository(working)
                self._state = working
            finally:
                self._owner = None

    @contextmanager
    def read(self) -> Iterator[MemoryRepository]:
        """A read-only view of the last committed state; never waits for writers."""
        yield MemoryRepository(self._state, read_only=True)

    def check(self) -> None:
        """Memory is always available."""
