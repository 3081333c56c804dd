"""The audit trail: who did what to a remiss or a recipient, when, and the details that say what changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class AuditAction(StrEnum):
    CREATED = "created"
    SENT = "sent"
    OPENED = "opened"
    DRAFTED = "drafted"
    SUBMITTED = "submitted"
    EDITED = "edited"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    HANDED_OVER = "handed_over"
    EXTENDED = "extended"
    REMINDED = "reminded"
    UNREACHABLE = "unreachable"
    CLOSED = "closed"
    REOPENED = "reopened"  # återöppnad: a closed remiss is sent again
    REMISS_WITHDRAWN = "remiss_withdrawn"  # the coordinator withdrew the whole remiss (återkallad), with a reason
    DEADLINE_CHANGED = "deadline_changed"  # the coordinator moved the deadline for everyone
    EXTENSION_REQUESTED = "extension_requested"
    EXTENSION_REFUSED = "extension_refused"
    SNOOZED = "snoozed"  # an official asked to be reminded later
    INTENDS_TO_ANSWER = "intends_to_answer"  # the nudge's "Vi kommer att svara"
    REGISTERED = "registered"  # a registry registered the remiss (theirs) or an answer (the sender's)
    RECIPIENT_ADDED = "recipient_added"  # the coordinator added a remissinstans after sending
    RESENT = "resent"  # the coordinator sent the remiss again to an organisation's current contacts


@dataclass(frozen=True)
class AuditEntry:
    """One thing that happened: who did what, when, and the details that say what changed."""

    case_number: str
    action: AuditAction
    actor: str
    at: datetime
    organisation_key: str | None = None
    details: tuple[tuple[str, str], ...] = ()
    id: int | None = None

    @property
    def details_dict(self) -> dict[str, str]:
        return dict(self.details)


def audit(
    case_number: str, action: AuditAction, actor: str, at: datetime, org: str | None = None, **details: object
) -> AuditEntry:
    """An audit entry with its details as sorted string pairs (stable in storage and tests)."""
    return AuditEntry(
        case_number=case_number,
        action=action,
        actor=actor,
        at=at,
        organisation_key=org,
        details=tuple(sorted((k, str(v)) for k, v in details.items())),
    )
