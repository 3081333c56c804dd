"""What the in-memory store holds, and the base its per-aggregate repositories share."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass, replace
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from bot.core.domain.audit import AuditEntry
from bot.core.domain.documents import StoredDocument
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.extension import ExtensionRequest
from bot.core.domain.organisation import Organisation
from bot.core.domain.outbox import OutboxMessage, StatusBoard
from bot.core.domain.people import Absence
from bot.core.domain.recipient import Recipient
from bot.core.domain.registry import Registration, RegistryItem
from bot.core.domain.reminders import ScheduledReminder
from bot.core.domain.remiss import Remiss

_T = TypeVar("_T")


def copied(value: _T) -> _T:
    """A deep copy with every datetime in UTC; a naive datetime is refused, as the SQL store refuses it.

    Copying in and out means no caller can change stored state by mutating an object it holds.
    """
    result: Any
    if isinstance(value, datetime):
        if value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()}: store aware UTC times")
        result = value.astimezone(UTC)
    elif is_dataclass(value) and not isinstance(value, type):
        result = replace(value, **{f.name: copied(getattr(value, f.name)) for f in fields(value) if f.init})
    elif isinstance(value, tuple):
        result = tuple(copied(item) for item in value)
    elif isinstance(value, list):
        result = [copied(item) for item in value]
    else:
        # str, int, date, enums and None are immutable.
        result = value
    return cast(_T, result)


def id_of(value: int | None) -> int:
    if value is None:
        raise ValueError("stored without an id")
    return value


@dataclass
class MemoryState:
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
    digests: dict[str, str] = field(default_factory=dict)
    pending_forms: dict[str, tuple[str, datetime]] = field(default_factory=dict)
    reminders: dict[str, ScheduledReminder] = field(default_factory=dict)
    policies: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: dict[int, ExtensionRequest] = field(default_factory=dict)
    # Stored files: the bytes by sha256 (bytes are immutable), and each recipient's use of them in order.
    document_bytes: dict[str, bytes] = field(default_factory=dict)
    documents: list[StoredDocument] = field(default_factory=list)
    registrations: dict[RegistryItem, Registration] = field(default_factory=dict)
    absences: dict[str, Absence] = field(default_factory=dict)
    last_id: int = 0

    def working_copy(self) -> MemoryState:
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
            digests=dict(self.digests),
            pending_forms=dict(self.pending_forms),
            reminders=dict(self.reminders),
            policies=dict(self.policies),
            requests=dict(self.requests),
            document_bytes=dict(self.document_bytes),
            documents=list(self.documents),
            registrations=dict(self.registrations),
            absences=dict(self.absences),
        )

    def next_id(self) -> int:
        self.last_id += 1
        return self.last_id


class MemoryPart:
    """One aggregate's repository over a state (a transaction's working copy, or the committed one to read)."""

    def __init__(self, state: MemoryState, *, read_only: bool = False) -> None:
        self._state = state
        self._read_only = read_only

    def _require_writable(self) -> None:
        if self._read_only:
            raise RuntimeError("Store.read() is read-only; write inside Store.transaction()")

    def _require_organisation(self, key: str) -> None:
        # The SQL store has a foreign key here; organisations are never removed, only made inactive.
        if all(org.key != key for org in self._state.organisations):
            raise DomainError(ErrorCode.UNKNOWN_ORGANISATION, key=key)
