"""An in-memory Store with the SQL store's semantics, for service tests and running without a database."""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, is_dataclass, replace
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from bot.domain.errors import DomainError, ErrorCode
from bot.domain.organisation import Directory, Organisation
from bot.domain.remiss import AuditEntry, Recipient, Remiss, RemissStatus
from bot.ports import Assignment

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
        )

    def next_id(self) -> int:
        self.last_id += 1
        return self.last_id


class MemoryRepository:
    """bot.ports.Repository over one state; objects are copied in and out."""

    def __init__(self, state: _State, *, read_only: bool = False) -> None:
        self._state = state
        self._read_only = read_only

    # -- remisses ------------------------------------------------------------------------------------
    def get_remiss(self, case_number: str) -> Remiss | None:
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

    def prune_deliveries(self, before: datetime) -> int:
        self._require_writable()
        old = [event_id for event_id, at in self._state.deliveries.items() if at < before]
        for event_id in old:
            del self._state.deliveries[event_id]
        return len(old)

    def cached_user_id(self, email: str) -> str | None:
        return self._state.user_ids.get(_email_key(email))

    def cache_user_id(self, email: str, user_id: str, at: datetime) -> None:
        self._require_writable()
        _copy(at)  # refuses a naive time, as the SQL store does
        self._state.user_ids[_email_key(email)] = user_id

    # -- helpers -------------------------------------------------------------------------------------
    def _require_writable(self) -> None:
        if self._read_only:
            raise RuntimeError("Store.read() is read-only; write inside Store.transaction()")

    def _require_organisation(self, key: str) -> None:
        # The SQL store has a foreign key here; organisations are never removed, only made inactive.
        if all(org.key != key for org in self._state.organisations):
            raise DomainError(ErrorCode.UNKNOWN_ORGANISATION, key=key)

    def _out(self, recipient: Recipient) -> Recipient:
        # The remiss's deadline is the remiss's (as the SQL store reads it), not a copy that could go stale.
        deadline = self._state.remisses[recipient.case_number].deadline
        return _copy(replace(recipient, remiss_deadline=deadline))


class MemoryStore:
    """bot.ports.Store in memory: transactions are serialised by a lock and roll back on any exception."""

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
