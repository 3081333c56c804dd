"""Who a recipient's messages go to: its officials, the organisation's stand-ins, and who is away.

The officials are the recipient's responsible officials (the directory's contacts when the remiss was sent, or
whoever it was handed over or reassigned to); the stand-ins are the organisation's deputies in the directory.
Both may act for the recipient and both get the remiss. An official away until a date gets no reminders
meanwhile: they go to the others present.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from bot.core.domain.errors import DomainError, ErrorCode


@dataclass(frozen=True)
class Absence:
    """A person away from `since` up to and including the day `until` (their last day away)."""

    user_id: str
    until: date
    since: datetime

    def covers(self, day: date) -> bool:
        return day <= self.until


def absence(user_id: str, until: date, today: date, at: datetime) -> Absence:
    """Borta till och med `until`: a day after today (away today only, or in the past, is no absence to plan)."""
    if until <= today:
        raise DomainError(ErrorCode.AWAY_NOT_FUTURE, field="until", until=until, today=today)
    return Absence(user_id, until, at)


def away_on(absences: Iterable[Absence], day: date) -> frozenset[str]:
    """Who is away on `day`."""
    return frozenset(a.user_id for a in absences if a.covers(day))


def _each_once(*groups: Iterable[str]) -> tuple[str, ...]:
    seen: list[str] = []
    for group in groups:
        for user_id in group:
            if user_id not in seen:
                seen.append(user_id)
    return tuple(seen)


def remiss_addressees(officials: Iterable[str], stand_ins: Iterable[str]) -> tuple[str, ...]:
    """Who gets the remiss (and sees it change): the officials first, then the stand-ins, each once."""
    return _each_once(officials, stand_ins)


def reminder_addressees(
    officials: Iterable[str], stand_ins: Iterable[str], away: Collection[str] = frozenset()
) -> tuple[str, ...]:
    """Who a recipient's reminder goes to: the officials and stand-ins who are not away. When everyone is
    away the reminder still goes to all of them: a reminder to nobody would be lost."""
    everyone = remiss_addressees(officials, stand_ins)
    present = tuple(u for u in everyone if u not in away)
    return present or everyone


def stands_in_for(user_id: str, officials: Iterable[str], stand_ins: Iterable[str]) -> tuple[str, ...]:
    """The officials `user_id` stands in for ("Du är ersättare för …"); empty for an official or a stranger."""
    officials = tuple(officials)
    if user_id in officials or user_id not in tuple(stand_ins):
        return ()
    return officials


@dataclass(frozen=True)
class Person:
    """A Slack user as a reassignment and the audit trail need to know them: their name as Slack shows it (real
    name, else display name; "" when it has none)."""

    user_id: str
    is_bot: bool = False
    deleted: bool = False
    name: str = ""


def check_reassignment(officials: tuple[str, ...], to: Person | None, to_user: str) -> None:
    """A recipient's work can go to a person who can take it: not a bot, not a deactivated account, and not
    the one who has it already. `to` is None when Slack knows no such user."""
    if (to_user,) == officials:
        raise DomainError(ErrorCode.REASSIGN_TO_SAME, field="to_user", user=to_user)
    if to is None or to.deleted:
        raise DomainError(ErrorCode.REASSIGN_TO_DEACTIVATED, field="to_user", user=to_user)
    if to.is_bot:
        raise DomainError(ErrorCode.REASSIGN_TO_BOT, field="to_user", user=to_user)


def stand_in_conflicts(contacts: Iterable[str], stand_ins: Iterable[str]) -> tuple[str, ...]:
    """Stand-ins who are also the organisation's officials (contacts), compared as written, case-insensitive."""
    written = {c.strip().lower() for c in contacts}
    return tuple(s for s in stand_ins if s.strip().lower() in written)
