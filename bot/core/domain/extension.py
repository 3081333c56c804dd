"""Anstånd asked for by an official: a request the coordinator grants (perhaps with another date) or refuses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from bot.core.domain.audit import AuditAction, AuditEntry, audit
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.recipient import Recipient
from bot.core.domain.remiss import Remiss, require_not_past


class RequestState(StrEnum):
    PENDING = "pending"
    GRANTED = "granted"
    REFUSED = "refused"


@dataclass(frozen=True)
class ExtensionRequest:
    """One request for a later deadline for one recipient. Decided once: a second click changes nothing."""

    case_number: str
    organisation_key: str
    requested_by: str
    requested_at: datetime
    requested_deadline: date
    reason: str = ""
    state: RequestState = RequestState.PENDING
    decided_by: str | None = None
    decided_at: datetime | None = None
    granted_deadline: date | None = None
    id: int | None = None

    @property
    def is_pending(self) -> bool:
        return self.state is RequestState.PENDING

    def require_pending(self) -> None:
        """A request is decided once; the second decision is refused, naming who made the first."""
        if not self.is_pending:
            raise DomainError(
                ErrorCode.REQUEST_ALREADY_DECIDED, state=self.state.value, decided_by=self.decided_by or ""
            )

    def grant(
        self, remiss: Remiss, recipient: Recipient, *, by: str, at: datetime, today: date, deadline: date | None = None
    ) -> ExtensionDecision:
        """Bevilja: the date asked for, or `deadline`; not in the past and later than the recipient's own
        deadline. The recipient gets its anstånd; the audit entry names this request."""
        self.require_pending()
        granted = deadline or self.requested_deadline
        require_not_past(granted, today)
        if granted <= recipient.deadline:
            raise DomainError(ErrorCode.EXTENSION_NOT_LATER, field="deadline", deadline=recipient.deadline)
        entry = recipient.extend(remiss, granted, by, at, self.reason)
        entry = replace(entry, details=tuple(sorted((*entry.details, ("request", str(self.id))))))
        decided = replace(self, state=RequestState.GRANTED, decided_by=by, decided_at=at, granted_deadline=granted)
        return ExtensionDecision(decided, entry)

    def refuse(self, *, by: str, at: datetime, note: str = "") -> ExtensionDecision:
        """Avslå, with the coordinator's note; the recipient's deadline stays."""
        self.require_pending()
        entry = audit(
            self.case_number,
            AuditAction.EXTENSION_REFUSED,
            by,
            at,
            self.organisation_key,
            request=self.id,
            note=note.strip(),
        )
        return ExtensionDecision(replace(self, state=RequestState.REFUSED, decided_by=by, decided_at=at), entry)


@dataclass(frozen=True)
class ExtensionDecision:
    """A decided request, and the audit entry that records the decision."""

    request: ExtensionRequest
    entry: AuditEntry

    @property
    def granted(self) -> bool:
        return self.request.state is RequestState.GRANTED


def ask_for_extension(
    remiss: Remiss, recipient: Recipient, new_deadline: date, *, by: str, at: datetime, today: date, reason: str = ""
) -> AuditEntry:
    """An official asks for a later deadline for their recipient, not in the past (`today` is the local date of
    `at`): the audit entry of the request, checked."""
    remiss.require_open()
    require_not_past(new_deadline, today, "new_deadline")
    if new_deadline <= recipient.deadline:
        raise DomainError(ErrorCode.EXTENSION_NOT_LATER, field="new_deadline", deadline=recipient.deadline)
    return audit(
        remiss.case_number,
        AuditAction.EXTENSION_REQUESTED,
        by,
        at,
        recipient.organisation_key,
        new=new_deadline,
        reason=reason.strip(),
    )


def new_request(
    asked: AuditEntry, new_deadline: date, earlier: Sequence[ExtensionRequest], reason: str = ""
) -> ExtensionRequest:
    """The request recorded by `asked`; one open request at a time per recipient."""
    pending = [r for r in earlier if r.is_pending]
    if pending:
        raise DomainError(ErrorCode.EXTENSION_PENDING, deadline=pending[-1].requested_deadline)
    return ExtensionRequest(
        case_number=asked.case_number,
        organisation_key=asked.organisation_key or "",
        requested_by=asked.actor,
        requested_at=asked.at,
        requested_deadline=new_deadline,
        reason=reason.strip(),
    )
