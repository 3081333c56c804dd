"""Reaching an organisation after the remiss was sent: adding a remissinstans (Lägg till remissinstans), sending
again to an organisation whose contacts changed or were missing (Skicka igen), and which recipients a newly
loaded directory gives contacts to (the offers to send again)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from bot.core.domain.audit import AuditAction, AuditEntry, audit
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.organisation import Directory, Organisation
from bot.core.domain.people import remiss_addressees
from bot.core.domain.recipient import Recipient
from bot.core.domain.remiss import Extension, Remiss, require_not_past


def no_contact(remiss: Remiss, organisation_key: str, actor: str, at: datetime) -> AuditEntry:
    """A recipient nobody could be sent the remiss to: the directory names no contact who is in Slack. The
    status thread says to load one and send again."""
    return audit(remiss.case_number, AuditAction.UNREACHABLE, actor, at, organisation_key, reason="no_contact")


def addable(directory: Directory, remiss: Remiss, on_remiss: Iterable[str]) -> tuple[Organisation, ...]:
    """The organisations that may be added: active, not the sender, and not already on the remiss."""
    taken = {*on_remiss, remiss.sender_key}
    return tuple(o for o in directory.active() if o.key not in taken)


def add_recipient(
    remiss: Remiss,
    organisation: Organisation,
    on_remiss: Iterable[str],
    officials: tuple[str, ...],
    *,
    deadline: date | None,
    actor: str,
    at: datetime,
    today: date,
) -> tuple[Recipient, AuditEntry]:
    """A new remissinstans on a sent, open remiss, with its officials as the directory gives them now.

    Its deadline is the remiss's unless the coordinator sets a later one of its own: that is kept as the
    recipient's anstånd from the start, so it follows the remiss's deadline if that moves past it (as any
    anstånd does). A date in the past, or before the remiss's deadline, is refused.
    """
    remiss.require_open()
    if organisation.key in set(on_remiss):
        raise DomainError(ErrorCode.ALREADY_A_RECIPIENT, case_number=remiss.case_number, organisation=organisation.name)
    if not organisation.active:
        raise DomainError(ErrorCode.ORGANISATION_INACTIVE, field="organisation", organisation=organisation.name)
    recipient = Recipient(remiss.case_number, organisation.key, officials, remiss.deadline)
    details: dict[str, object] = {"deadline": remiss.deadline, "reachable": len(officials)}
    if deadline is not None and deadline != remiss.deadline:
        require_not_past(deadline, today)
        if deadline < remiss.deadline:
            raise DomainError(
                ErrorCode.OWN_DEADLINE_BEFORE_REMISS,
                field="deadline",
                deadline=deadline,
                remiss_deadline=remiss.deadline,
            )
        recipient.extensions.append(Extension(remiss.deadline, deadline, actor, at, ""))
        details.update(deadline=deadline, own_deadline=True)
    recipient.last_activity_at = at
    return recipient, audit(remiss.case_number, AuditAction.RECIPIENT_ADDED, actor, at, organisation.key, **details)


@dataclass(frozen=True)
class Resend:
    """What *Skicka igen* does to one recipient: its audit entry, and the officials who get the remiss now."""

    entry: AuditEntry
    send_to: tuple[str, ...]


def resend(
    remiss: Remiss,
    recipient: Recipient,
    organisation: Organisation,
    officials: tuple[str, ...],
    already_sent_to: Iterable[str],
    *,
    actor: str,
    at: datetime,
    handed_to: Iterable[str] = (),
    stand_ins: Iterable[str] = (),
) -> Resend:
    """The directory's current contacts (`officials`, resolved) become the recipient's officials, beside anyone
    the remiss was handed over or reassigned to (`handed_to`), who keeps it; the remiss goes to each of them who
    has not had it for this recipient. The officials before are kept in the audit entry.

    Refused when the directory still gives no reachable contact, and when everyone it gives already has the
    remiss and nothing changed (so a second press sends nobody anything twice).
    """
    remiss.require_open()
    if not officials:
        raise DomainError(ErrorCode.NO_REACHABLE_CONTACT, organisation=organisation.name)
    had = set(already_sent_to)
    previous = recipient.officials
    # Someone given the remiss by a hand-over or the coordinator's Tilldela om keeps it: sending again to the
    # directory's contacts must not take the work from the person doing it.
    handed = set(handed_to)
    officials = (*(u for u in previous if u in handed and u not in officials), *officials)
    send_to = tuple(u for u in remiss_addressees(officials, stand_ins) if u not in had)
    if officials == previous and not send_to:
        raise DomainError(ErrorCode.ALREADY_SENT_TO_CONTACTS, organisation=organisation.name)
    recipient.officials = officials
    recipient.last_activity_at = at
    entry = audit(
        remiss.case_number,
        AuditAction.RESENT,
        actor,
        at,
        organisation.key,
        previous=",".join(previous),
        new=",".join(officials),
        sent_to=",".join(send_to),
    )
    return Resend(entry, send_to)


@dataclass(frozen=True)
class ResendOffer:
    """A recipient of an open remiss that a newly loaded directory gives contacts to: send to them?"""

    case_number: str
    organisation: Organisation
    had_officials: bool


def offers_after_load(before: Directory, after: Directory, open_recipients: Iterable[Recipient]) -> list[ResendOffer]:
    """The recipients of open remisses to offer *Skicka igen* after `after` replaced `before`: the new directory
    gives the organisation contacts, and either the recipient has no official or the organisation's contacts
    changed. An organisation whose contacts stayed the same is not offered (a hand-over is left alone)."""
    offers: list[ResendOffer] = []
    for recipient in open_recipients:
        if recipient.is_answered():
            continue
        organisation = after.get(recipient.organisation_key)
        if organisation is None or not organisation.active or not organisation.contacts:
            continue
        old = before.get(recipient.organisation_key)
        changed = old is None or old.contacts != organisation.contacts
        if not recipient.officials or changed:
            offers.append(ResendOffer(recipient.case_number, organisation, bool(recipient.officials)))
    return offers
