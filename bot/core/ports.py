"""The interfaces the core needs from the outside world: storage, Slack users, notifications."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.core.domain.extension import ExtensionRequest
from bot.core.domain.organisation import Directory
from bot.core.domain.outbox import OutboxMessage, StatusBoard
from bot.core.domain.reminders import PlannedReminder, ReminderState, ScheduledReminder
from bot.core.domain.remiss import AuditEntry, Recipient, Remiss, RemissStatus


class StoreUnavailable(Exception):
    """The database cannot be reached or used; the message is one line a person can act on."""


class SchemaBehind(StoreUnavailable):
    """The database schema is older than this version of the code."""


@dataclass(frozen=True)
class Assignment:
    """A recipient a user answers for, with its remiss ("Att besvara")."""

    remiss: Remiss
    recipient: Recipient


class Repository(Protocol):
    """Everything the core reads and writes, inside one transaction."""

    # Remisses
    def get_remiss(self, case_number: str, *, shared: bool = False) -> Remiss | None:
        """The remiss, locked for this transaction's writes. `shared`: the caller changes one recipient only
        (its row is locked when read), so writers of other recipients may proceed meanwhile."""
        ...

    def add_remiss(self, remiss: Remiss) -> Remiss:
        """Store a new remiss; a case number that exists raises DomainError(DUPLICATE_CASE_NUMBER)."""
        ...

    def save_remiss(self, remiss: Remiss) -> None: ...
    def list_remisses(self, statuses: Collection[RemissStatus] | None = None) -> list[Remiss]: ...

    # Recipients (with their responses, draft and extensions)
    def get_recipient(self, case_number: str, organisation_key: str) -> Recipient | None: ...
    def list_recipients(self, case_number: str) -> list[Recipient]: ...
    def add_recipient(self, recipient: Recipient) -> Recipient: ...
    def save_recipient(self, recipient: Recipient) -> None:
        """Persist the recipient's state; new response versions and extensions are only ever appended."""
        ...

    def unanswered_count(self, case_number: str) -> int:
        """How many recipients have neither a submitted answer nor a decline (without loading any answer)."""
        ...

    def remove_draft_recipients(self, case_number: str, organisation_keys: Collection[str]) -> None:
        """Drop recipients from a remiss that is still a draft (nothing has happened to them yet)."""
        ...

    def assignments_for(self, user_ids: Collection[str], statuses: Collection[RemissStatus]) -> list[Assignment]:
        """Recipients any of these users are a responsible official of, on remisses in these statuses."""
        ...

    # Audit trail
    def append_audit(self, entry: AuditEntry) -> AuditEntry: ...
    def list_audit(self, case_number: str, organisation_key: str | None = None) -> list[AuditEntry]: ...

    # Organisation directory
    def load_directory(self) -> Directory: ...
    def replace_directory(self, directory: Directory) -> None:
        """Make the directory exactly this; organisations no longer listed become inactive, not deleted."""
        ...

    # Slack event deliveries and user look-ups
    def claim_delivery(self, event_id: str, at: datetime) -> bool:
        """True the first time an event id is seen; False for a retried delivery already handled."""
        ...

    def release_delivery(self, event_id: str) -> None:
        """Forget that an event id was seen (its work failed), so a later delivery of it is handled."""
        ...

    def prune_deliveries(self, before: datetime) -> int:
        """Forget deliveries received before this time (Slack retries within minutes); returns how many."""
        ...

    # The outbox: messages recorded before they are sent
    def enqueue(self, message: OutboxMessage) -> bool:
        """Record a message to send; False (and nothing changed) when one with this key exists already."""
        ...

    def claim_messages(self, now: datetime, lease: timedelta, limit: int) -> list[OutboxMessage]:
        """Claim up to `limit` messages for sending, oldest first, each for exactly one claimer.

        Claimable: PENDING with `next_attempt_at` <= now (or None), and SENDING whose `claimed_until` has
        passed (a sender died holding it: those come back with `uncertain=True`). Claimed messages are
        returned as SENDING with `claimed_until = now + lease`.
        """
        ...

    def finish_message(self, message: OutboxMessage) -> None:
        """Store the outcome of a send (matched by key): state, attempts, next_attempt_at, channel_id, ts,
        sent_at, error, uncertain; `claimed_until` is cleared."""
        ...

    def find_message(self, channel_id: str, ts: str) -> OutboxMessage | None:
        """The sent message at this place in Slack (to know which remiss a DM thread is about)."""
        ...

    def messages_for(self, case_number: str, organisation_key: str | None = None) -> list[OutboxMessage]:
        """Every message about a remiss (and one recipient), oldest first."""
        ...

    # The status message of each remiss
    def touch_status(self, case_number: str, channel: str) -> None:
        """Mark the remiss's status message out of date (creating its board, in `channel`, if none)."""
        ...

    def claim_status(self, now: datetime, lease: timedelta, limit: int) -> list[StatusBoard]:
        """Claim stale boards (rendered_version < version) not claimed by another live sender."""
        ...

    def finish_status(self, board: StatusBoard) -> None:
        """Store ts and rendered_version (never lowering it) and release the claim; version is untouched."""
        ...

    def get_status(self, case_number: str) -> StatusBoard | None: ...

    # Forms in progress that are too large for Slack's private_metadata (any replica may continue them)
    def put_pending_form(self, key: str, payload: str, expires_at: datetime) -> None: ...
    def get_pending_form(self, key: str, now: datetime) -> str | None:
        """The form's payload unless it has expired."""
        ...

    def delete_pending_form(self, key: str) -> None: ...
    def prune_pending_forms(self, now: datetime) -> int: ...

    def cached_user_id(self, email: str) -> str | None: ...
    def cache_user_id(self, email: str, user_id: str, at: datetime) -> None: ...

    # Reminders: planned rows, claimed when due by the periodic job
    def schedule_reminders(
        self,
        case_number: str,
        organisation_key: str,
        plan: Sequence[PlannedReminder],
        at: datetime,
        *,
        cancel_reason: str = "replanned",
    ) -> None:
        """Make the recipient's still-planned reminders exactly `plan`.

        Planned ones not in it are cancelled (with `cancel_reason`); ones in it are added, or (planned or
        cancelled before) planned again with the new details; sent and skipped ones are history and stay.
        """
        ...

    def add_reminders(self, plan: Sequence[PlannedReminder]) -> None:
        """Record new planned reminders in one go (a remiss just sent); keys already known are left alone."""
        ...

    def claim_due_reminders(self, now: datetime, limit: int) -> list[ScheduledReminder]:
        """Planned reminders due by `now`, oldest first, locked for this transaction (PostgreSQL: FOR UPDATE
        SKIP LOCKED, so replicas take disjoint ones; SQLite: the transaction holds the write lock). The
        caller settles each within the same transaction."""
        ...

    def settle_reminder(self, key: str, state: ReminderState, reason: str, at: datetime) -> bool:
        """Move a planned reminder to its outcome; False (nothing changed) if it was no longer planned.
        A conditional update: its row count decides, so a reminder is settled, and sent, once."""
        ...

    def reminders_for(self, case_number: str, organisation_key: str | None = None) -> list[ScheduledReminder]:
        """Every reminder of a remiss (or one recipient), in due order."""
        ...

    def reminder_policy(self, case_number: str) -> dict[str, Any] | None:
        """The remiss's own reminder settings (None: the global policy)."""
        ...

    def set_reminder_policy(self, case_number: str, policy: dict[str, Any] | None) -> None: ...

    # Requests for anstånd
    def add_extension_request(self, request: ExtensionRequest) -> ExtensionRequest: ...
    def get_extension_request(self, request_id: int) -> ExtensionRequest | None:
        """The request, locked for this transaction's decision (two coordinators clicking decide once)."""
        ...

    def save_extension_request(self, request: ExtensionRequest) -> None: ...
    def extension_requests(self, case_number: str, organisation_key: str | None = None) -> list[ExtensionRequest]: ...

    # Lean reads
    def get_assignment(self, case_number: str, organisation_key: str) -> Assignment | None:
        """The remiss and one of its recipients, as get_remiss and get_recipient give them (None if either is
        missing); cheaper in a read-only view, where the answer form reads it at every click."""
        ...


class Store(Protocol):
    """Opens transactions on the database (or an in-memory stand-in)."""

    def transaction(self) -> AbstractContextManager[Repository]:
        """A read-modify-write transaction: commits on success, rolls back on any exception.

        Writers to the same remiss are serialised (SQLite: BEGIN IMMEDIATE; PostgreSQL: row locks).
        Transactions don't nest: never open one while another is open on the same thread.
        """
        ...

    def read(self) -> AbstractContextManager[Repository]:
        """A read-only view; never blocks writers for long."""
        ...

    def check(self) -> None:
        """Raise StoreUnavailable (one clear line) if the database cannot be used now."""
        ...


class UserDirectory(Protocol):
    """Slack users, as the core needs them."""

    def lookup_by_email(self, email: str) -> str | None:
        """The Slack user id for an e-mail address, or None if Slack has no such active user."""
        ...

    def group_members(self, group_id: str) -> frozenset[str]:
        """Members of a Slack user group (the coordinators' group)."""
        ...
