"""Sending offices: which office a remiss is sent from, and which coordinators act for which office.

A coordinator is global (configured by bare id, or a member of the coordinators' user group) or scoped to one or
more sending offices; a scoped coordinator acts only on remisses sent from their offices. This is the one rule,
asked of every coordinator action on a remiss (`UseCase._require_coordinator(actor, remiss)`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.organisation import is_slack_user_id
from bot.core.domain.remiss import Remiss

# The refusal names at most this many people to ask.
MAX_ASK = 3


def coordinates(offices: Collection[str], sender_key: str) -> bool:
    """Whether a coordinator scoped to `offices` (empty: global) coordinates a remiss sent from `sender_key`."""
    return not offices or sender_key in offices


def require_coordinates(offices: Collection[str], remiss: Remiss, *, office: str, ask: Sequence[str]) -> None:
    """Refuse a scoped coordinator a remiss from another office; the refusal names that office (`office`, its
    name) and who to ask instead (`ask`: Slack user ids, the remiss's own coordinators first)."""
    if not coordinates(offices, remiss.sender_key):
        who = tuple(dict.fromkeys(u for u in ask if is_slack_user_id(u)))[:MAX_ASK]
        raise DomainError(ErrorCode.OTHER_OFFICE, case_number=remiss.case_number, office=office, ask=who)


def sending_offices_for(offices: Collection[str], configured: Sequence[str]) -> tuple[str, ...]:
    """The offices a coordinator may send a new remiss from, in the configured order (the default first)."""
    return tuple(o for o in configured if coordinates(offices, o))


def named_office(named: str | None, offices: Sequence[str]) -> str | None:
    """The sender an imported document names, when it is one of `offices` (the sending offices one may choose);
    else None, and the default applies."""
    return named if named is not None and named in offices else None


def sender_for(offices: Collection[str], configured: Sequence[str], chosen: str | None) -> str:
    """The sender of a new remiss: the chosen office, which must be a sending office the coordinator coordinates;
    none chosen, the first of theirs (a global coordinator's: the configured default)."""
    allowed = sending_offices_for(offices, configured)
    if chosen is None or not chosen:
        if not allowed:  # a scoped coordinator's offices are always configured ones (settings check them)
            raise DomainError(ErrorCode.NOT_COORDINATOR)
        return allowed[0]
    if chosen not in allowed:
        raise DomainError(ErrorCode.NOT_A_SENDING_OFFICE, field="sender", key=chosen)
    return chosen
