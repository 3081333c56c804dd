"""A draft remiss before it is sent: who owns it, and what it still lacks to be sent.

The same rules hold whether the draft was saved in Slack or by `remissbot import --save`, and whether it is
sent with *Skicka remissen* or `remissbot send`."""

from __future__ import annotations

from datetime import date

from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.organisation import is_slack_user_id
from bot.core.domain.remiss import Remiss, require_not_past

# What a draft may lack, in the order a refusal names them.
MISSING_DEADLINE, MISSING_RECIPIENTS, MISSING_QUESTIONS = "deadline", "recipients", "questions"


def require_owner(owner: str) -> str:
    """A draft's owner is a real coordinator: a Slack user id (U… or W…), never a placeholder."""
    owner = owner.strip()
    if not is_slack_user_id(owner):
        raise DomainError(ErrorCode.INVALID_DRAFT_OWNER, owner=owner)
    return owner


def has_real_owner(remiss: Remiss) -> bool:
    """Whether someone in Slack owns the remiss (drafts imported before owners were required did not)."""
    return any(is_slack_user_id(c) for c in remiss.coordinators)


def missing_for_sending(remiss: Remiss, recipient_count: int) -> tuple[str, ...]:
    """What the draft still lacks to be sent; empty when it is complete."""
    missing: list[str] = []
    if remiss.deadline is None:  # stored drafts always have one; kept so the rule is whole
        missing.append(MISSING_DEADLINE)
    if recipient_count == 0:
        missing.append(MISSING_RECIPIENTS)
    if not remiss.questions:
        missing.append(MISSING_QUESTIONS)
    return tuple(missing)


def require_sendable(remiss: Remiss, recipient_count: int, today: date) -> None:
    """The checks before sending, in the order a coordinator fixes them: not sent already, complete, and its
    deadline not passed."""
    remiss.require_draft()
    missing = missing_for_sending(remiss, recipient_count)
    if missing:
        field = MISSING_RECIPIENTS if missing == (MISSING_RECIPIENTS,) else None
        raise DomainError(ErrorCode.DRAFT_INCOMPLETE, field=field, case_number=remiss.case_number, missing=missing)
    require_not_past(remiss.deadline, today)
