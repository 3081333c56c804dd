"""Messages to send, recorded before they are sent: the outbox, and the status message kept per remiss."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from bot.core.domain.audit import AuditEntry

# Retries after a 5xx or a timeout wait 5 s, 10 s, 20 s … up to 15 minutes; after this many a message
# is given up (and the coordinator told), never retried forever.
MAX_ATTEMPTS = 12
MAX_BACKOFF = timedelta(minutes=15)
# A remiss's status message is edited at most once in this long (REMISSBOT_STATUS_EDIT_SECONDS): chat.update is
# about 50 a minute per workspace, and 200 answers in a minute would otherwise edit it hundreds of times.
STATUS_EDIT_INTERVAL = timedelta(seconds=10)


class MessageKind(StrEnum):
    REMISS = "remiss"  # the remiss to one responsible official, as a DM
    HANDED_OVER = "handed_over"  # to the official who handed the remiss over: who has it now
    STATUS_EVENT = "status_event"  # one line in the thread of the remiss's status message
    SUMMARY_READY = "summary_ready"  # in that thread: everyone has answered, or every deadline has passed
    REMINDER = "reminder"  # a reminder to one official (planned, or the coordinator's "påminn igen")
    ESCALATION = "escalation"  # to the coordinator: who is late on a remiss, with "påminn igen" per recipient
    DIGEST = "digest"  # the coordinators' morning digest of open remisses (no case number)
    EXTENSION_REQUEST = "extension_request"  # in the status thread: an official asks for anstånd
    EXTENSION_DECIDED = "extension_decided"  # to the official who asked: granted (to which date) or refused
    DEADLINE_CHANGED = "deadline_changed"  # to each official who has not answered: the deadline moved
    REMISS_REFRESH = "remiss_refresh"  # edit a recipient's remiss DMs in place: its deadline moved
    REGISTRY_REMISS = "registry_remiss"  # to a recipient's registry: the remiss, with Registrerad
    REGISTRY_ANSWER = "registry_answer"  # to the sender's registry: one incoming answer version, with Registrerad
    RESEND_OFFER = "resend_offer"  # in the status thread: the directory now names contacts, with Skicka igen
    REGISTRY_WITHDRAWN = "registry_withdrawn"  # to a recipient's registry: the remiss was withdrawn (återkallad)


class DeliveryState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by one process until its lease runs out
    SENT = "sent"
    UNREACHABLE = "unreachable"  # Slack refused the person for good (deactivated, unknown)
    FAILED = "failed"  # gave up after MAX_ATTEMPTS


@dataclass(frozen=True)
class OutboxMessage:
    """What to send, to whom, about what. Rendered when sent, so it always shows the current state.

    `key` makes enqueueing idempotent: the same message is never recorded, and so never sent, twice.
    """

    key: str
    kind: MessageKind
    case_number: str
    created_at: datetime
    to_user: str | None = None
    organisation_key: str | None = None
    audit_id: int | None = None
    state: DeliveryState = DeliveryState.PENDING
    attempts: int = 0
    next_attempt_at: datetime | None = None
    claimed_until: datetime | None = None
    channel_id: str | None = None
    ts: str | None = None
    sent_at: datetime | None = None
    error: str = ""
    # The last attempt may have reached Slack (a timeout, a 5xx, a lease that ran out in a crash): look
    # for the message in Slack before sending it again. A 429 is a definite "not sent".
    uncertain: bool = False
    id: int | None = None

    def delivery_result(self) -> dict[str, Any]:
        """What an attempt to send it records (the rest is fixed when it is enqueued); the claim is released."""
        return {
            "state": self.state,
            "attempts": self.attempts,
            "next_attempt_at": self.next_attempt_at,
            "channel_id": self.channel_id,
            "ts": self.ts,
            "sent_at": self.sent_at,
            "error": self.error,
            "uncertain": self.uncertain,
            "claimed_until": None,
        }

    def due(self, now: datetime) -> bool:
        """Waiting to be sent, and its (next) attempt's time has come."""
        return self.state is DeliveryState.PENDING and (self.next_attempt_at is None or self.next_attempt_at <= now)

    def abandoned(self, now: datetime) -> bool:
        """Claimed by a sender whose lease ran out: it died mid-send, and the message may have reached Slack."""
        return self.state is DeliveryState.SENDING and self.claimed_until is not None and self.claimed_until < now

    def claimable(self, now: datetime) -> bool:
        """A sender may claim it now (the SQL store asks the same in its WHERE clause)."""
        return self.due(now) or self.abandoned(now)

    def claimed(self, now: datetime, lease: timedelta) -> OutboxMessage:
        """As one sender claims it: SENDING until the lease runs out; an abandoned one becomes uncertain."""
        return replace(
            self,
            state=DeliveryState.SENDING,
            claimed_until=now + lease,
            uncertain=self.uncertain or self.abandoned(now),
        )


def backoff(attempts: int) -> timedelta:
    """How long to wait before the next try after `attempts` failed ones."""
    return min(timedelta(seconds=5 * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


@dataclass(frozen=True)
class StatusBoard:
    """The one status message of a remiss: where it is, and whether it shows the latest state.

    Every change bumps `version`; the sender re-renders while `rendered_version < version`, so a burst of
    answers becomes one edit, not a stream of posts. And not more often than once an `interval`
    (STATUS_EDIT_INTERVAL): the first change after a quiet spell shows at once, the changes within the next
    `interval` wait and show together in one edit when it has passed, the last of them included.
    """

    case_number: str
    channel: str
    version: int = 1
    rendered_version: int = 0
    ts: str | None = None
    claimed_until: datetime | None = None
    rendered_at: datetime | None = None  # when the message was last posted or edited

    @property
    def stale(self) -> bool:
        return self.rendered_version < self.version

    def next_edit_at(self, interval: timedelta) -> datetime | None:
        """The earliest time the message may be edited again: `interval` after its last render; None: any time
        (never rendered, or no interval: then a clock set back, or another replica's a little behind, holds
        nothing up)."""
        return None if self.rendered_at is None or interval <= timedelta(0) else self.rendered_at + interval

    def due(self, now: datetime, interval: timedelta) -> bool:
        """Stale, and last rendered at least `interval` ago (or never)."""
        edit_at = self.next_edit_at(interval)
        return self.stale and (edit_at is None or edit_at <= now)

    def held(self, now: datetime) -> bool:
        """Claimed by a sender whose lease still runs."""
        return self.claimed_until is not None and self.claimed_until >= now

    def claimable(self, now: datetime, interval: timedelta = timedelta(0)) -> bool:
        """Due, and not held by another sender (the SQL store asks the same in SQL)."""
        return self.due(now, interval) and not self.held(now)

    def waits_until(self, now: datetime, interval: timedelta) -> datetime | None:
        """When a stale board nobody holds may be edited (at `now` or before, it is due); None when it isn't
        stale or another sender holds it. A courier sleeps no longer than that, so the last change shows in time."""
        if not self.stale or self.held(now):
            return None
        return self.next_edit_at(interval) or now


def remiss_delivery_key(case_number: str, organisation_key: str, user_id: str, round_no: int = 1) -> str:
    """One remiss DM per official and organisation; a hand-over back and forth is a new round."""
    return f"remiss:{case_number}:{organisation_key}:{user_id}:{round_no}"


# -- the messages the use cases record, one factory per kind -------------------------------------------------
def remiss_dm(case_number: str, organisation_key: str, user_id: str, at: datetime, round_no: int = 1) -> OutboxMessage:
    """The remiss, as a DM to one responsible official of one recipient."""
    return OutboxMessage(
        key=remiss_delivery_key(case_number, organisation_key, user_id, round_no),
        kind=MessageKind.REMISS,
        case_number=case_number,
        created_at=at,
        to_user=user_id,
        organisation_key=organisation_key,
    )


def remiss_rounds(messages: Iterable[OutboxMessage]) -> Counter[tuple[str | None, str | None]]:
    """How many times each (organisation, official) has had the remiss: one handed back to them later is a new
    round, not a duplicate, so the next DM to them is round `rounds[(organisation, official)] + 1`."""
    return Counter((m.organisation_key, m.to_user) for m in messages if m.kind is MessageKind.REMISS)


def _about(
    entry: AuditEntry, key: str, kind: MessageKind, *, organisation_key: str | None = None, to_user: str | None = None
) -> OutboxMessage:
    """A message caused by a stored audit entry: its case, time and id (and, unless given, its recipient)."""
    return OutboxMessage(
        key=key,
        kind=kind,
        case_number=entry.case_number,
        created_at=entry.at,
        to_user=to_user,
        organisation_key=organisation_key if organisation_key is not None else entry.organisation_key,
        audit_id=entry.id,
    )


def status_event(entry: AuditEntry) -> OutboxMessage:
    """A line in the thread of the remiss's status message, about a stored audit entry."""
    return _about(entry, f"event:{entry.id}", MessageKind.STATUS_EVENT)


def summary_ready(case_number: str, at: datetime) -> OutboxMessage:
    """The summary is offered in the status thread; its key makes that once per remiss."""
    return OutboxMessage(
        key=f"summary-ready:{case_number}", kind=MessageKind.SUMMARY_READY, case_number=case_number, created_at=at
    )


def digest(day: date, channel: str, at: datetime) -> OutboxMessage:
    """The coordinators' digest of open remisses in `channel`, once a day (it has no case number)."""
    return OutboxMessage(
        key=f"digest:{day.isoformat()}:{channel}",
        kind=MessageKind.DIGEST,
        case_number="",
        created_at=at,
        to_user=channel,
    )


def handed_over(entry: AuditEntry, organisation_key: str, user_id: str) -> OutboxMessage:
    """To an official who had the remiss: who has it now (the stored hand-over entry says)."""
    key = f"handed-over:{entry.id}:{user_id}"
    return _about(entry, key, MessageKind.HANDED_OVER, organisation_key=organisation_key, to_user=user_id)


def remiss_refresh(entry: AuditEntry, organisation_key: str) -> OutboxMessage:
    """Edit a recipient's remiss DMs in place after the stored entry moved its deadline."""
    key = f"remiss-refresh:{entry.id}:{organisation_key}"
    return _about(entry, key, MessageKind.REMISS_REFRESH, organisation_key=organisation_key)


def escalation(key: str, case_number: str, channel: str, at: datetime) -> OutboxMessage:
    """To the coordinators: who is late on a remiss. `key` groups a remiss's escalations of one day into one."""
    return OutboxMessage(key=key, kind=MessageKind.ESCALATION, case_number=case_number, created_at=at, to_user=channel)


def to_officials(
    kind: MessageKind,
    key: str,
    case_number: str,
    organisation_key: str,
    officials: Iterable[str],
    at: datetime,
    *,
    audit_id: int | None = None,
    not_before: datetime | None = None,
) -> list[OutboxMessage]:
    """One DM to each official of a recipient, keyed `{key}:{user}` so each is recorded once."""
    return [
        OutboxMessage(
            key=f"{key}:{user_id}",
            kind=kind,
            case_number=case_number,
            created_at=at,
            to_user=user_id,
            organisation_key=organisation_key,
            audit_id=audit_id,
            next_attempt_at=not_before,
        )
        for user_id in officials
    ]


def extension_requested(request_id: int | None, entry: AuditEntry, asked_by: str) -> OutboxMessage:
    """In the status thread: an official asks for anstånd, with Bevilja / Avslå."""
    return _about(entry, f"extension-request:{request_id}", MessageKind.EXTENSION_REQUEST, to_user=asked_by)


def extension_decided(
    request_id: int | None,
    case_number: str,
    organisation_key: str,
    asked_by: str,
    at: datetime,
    *,
    audit_id: int | None,
    not_before: datetime | None,
) -> OutboxMessage:
    """To the official who asked for anstånd: granted (to which date) or refused."""
    return OutboxMessage(
        key=f"extension-decided:{request_id}",
        kind=MessageKind.EXTENSION_DECIDED,
        case_number=case_number,
        created_at=at,
        next_attempt_at=not_before,
        to_user=asked_by,
        organisation_key=organisation_key,
        audit_id=audit_id,
    )


def to_registry(
    kind: MessageKind,
    case_number: str,
    organisation_key: str,
    registry: Iterable[str],
    at: datetime,
    *,
    version: int = 0,
    audit_id: int | None = None,
) -> list[OutboxMessage]:
    """A copy for a registry (its channel, or each registrator's DM) about one recipient: the remiss
    (version 0) or one version of its answer (`audit_id` names that submission); each recorded once."""
    key = f"{kind.value}:{case_number}:{organisation_key}:{version}"
    return to_officials(kind, key, case_number, organisation_key, registry, at, audit_id=audit_id)


def resend_offer(case_number: str, organisation_key: str, contacts: Iterable[str], at: datetime) -> OutboxMessage:
    """In the status thread: a loaded directory gives the recipient these contacts, with *Skicka igen*. Keyed by
    the contacts, so loading the same directory again offers nothing new."""
    named = hashlib.sha256(",".join(sorted(contacts)).encode()).hexdigest()[:16]
    return OutboxMessage(
        key=f"resend-offer:{case_number}:{organisation_key}:{named}",
        kind=MessageKind.RESEND_OFFER,
        case_number=case_number,
        created_at=at,
        organisation_key=organisation_key,
    )
