"""The life of a sent remiss after its answers: avsluta (close), återöppna (reopen) and återkalla (withdraw),
each refused in Swedish where it makes no sense, and when a remiss closes by itself."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from bot.core.domain.audit import AuditAction, AuditEntry, audit
from bot.core.domain.calendar import add_working_days
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.recipient import Recipient
from bot.core.domain.remiss import AnswerRules, Remiss, RemissStatus

# Who closes a remiss when nobody did: the automatic closing N working days after the last deadline.
SYSTEM = "system"
MAX_WITHDRAW_REASON = 1000
# Why a planned reminder was cancelled (the reminder plan shows it).
CANCELLED_CLOSED = "closed"
CANCELLED_WITHDRAWN = "withdrawn"


def _refuse_withdrawn(remiss: Remiss) -> None:
    if remiss.status is RemissStatus.WITHDRAWN:
        raise DomainError(
            ErrorCode.REMISS_WITHDRAWN,
            case_number=remiss.case_number,
            at=remiss.closed_at,
            by=remiss.closed_by,
            reason=remiss.withdrawn_reason,
        )


def close(remiss: Remiss, actor: str, at: datetime, **details: object) -> AuditEntry:
    """Avsluta remissen: only a sent one, once. Reminders stop; an answer that still comes is kept, marked."""
    _refuse_withdrawn(remiss)
    if remiss.status is RemissStatus.DRAFT:
        raise DomainError(ErrorCode.CLOSE_DRAFT, case_number=remiss.case_number)
    if remiss.status is RemissStatus.CLOSED:
        raise DomainError(
            ErrorCode.ALREADY_CLOSED, case_number=remiss.case_number, at=remiss.closed_at, by=remiss.closed_by
        )
    remiss.close(at, actor)
    return audit(remiss.case_number, AuditAction.CLOSED, actor, at, None, **details)


def reopen(remiss: Remiss, actor: str, at: datetime) -> AuditEntry:
    """Återöppna: a closed remiss is sent again as before (a withdrawn one stays withdrawn)."""
    _refuse_withdrawn(remiss)
    if remiss.status is not RemissStatus.CLOSED:
        raise DomainError(ErrorCode.NOT_CLOSED, case_number=remiss.case_number, status=remiss.status)
    closed_at, closed_by = remiss.closed_at, remiss.closed_by
    remiss.reopen()
    return audit(remiss.case_number, AuditAction.REOPENED, actor, at, closed_at=closed_at or "", closed_by=closed_by)


def withdraw(remiss: Remiss, reason: str, actor: str, at: datetime) -> AuditEntry:
    """Återkalla remissen, with the reason the recipients and their registries are told. A draft or a sent
    remiss; a closed one is refused (its answers are in: reopen it first if it really is to be withdrawn)."""
    text = reason.strip()
    if not text:
        raise DomainError(ErrorCode.FIELD_REQUIRED, field="reason")
    if len(text) > MAX_WITHDRAW_REASON:
        raise DomainError(ErrorCode.FIELD_TOO_LONG, field="reason", limit=MAX_WITHDRAW_REASON, length=len(text))
    _refuse_withdrawn(remiss)
    if remiss.status is RemissStatus.CLOSED:
        raise DomainError(
            ErrorCode.WITHDRAW_CLOSED, case_number=remiss.case_number, at=remiss.closed_at, by=remiss.closed_by
        )
    was = remiss.status
    remiss.withdraw(at, actor, text)
    return audit(remiss.case_number, AuditAction.REMISS_WITHDRAWN, actor, at, reason=text, was=was)


def last_deadline(remiss: Remiss, recipients: Iterable[Recipient], rules: AnswerRules | None = None) -> date:
    """The latest deadline anyone has: the remiss's, a recipient's own after anstånd, or (given the `rules`) the
    day a preliminary answer's final one is due, after its board has decided."""
    dates = [remiss.deadline]
    for recipient in recipients:
        dates.append(recipient.deadline)
        due = recipient.final_answer_due(rules) if rules is not None and recipient.is_preliminary() else None
        if due is not None:
            dates.append(due)
    return max(dates)


def auto_close_on(
    remiss: Remiss,
    recipients: Iterable[Recipient],
    rules: AnswerRules,
    working_days: int,
    reopened_on: date | None = None,
) -> date | None:
    """The day a sent remiss closes by itself: `working_days` after the last deadline (a final answer still to
    come included), or after it was last reopened when that is later; None when never (0)."""
    if working_days <= 0 or remiss.status is not RemissStatus.SENT:
        return None
    start = last_deadline(remiss, recipients, rules)
    if reopened_on is not None and reopened_on > start:
        start = reopened_on
    return add_working_days(rules.calendar, start, working_days)


def after_close(remiss: Remiss) -> bool:
    """An answer stored now arrives after closing (inkom efter avslut)."""
    return remiss.status is RemissStatus.CLOSED
