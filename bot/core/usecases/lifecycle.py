"""Avsluta, återöppna and återkalla a remiss, and the automatic closing after the last deadline.

The rules are in bot/core/domain/lifecycle.py; here they are loaded, applied, saved, and what they cause is
recorded: reminders cancelled or planned again, the status message refreshed, and on withdrawing every
recipient's remiss DM edited in place and their registries told. Whoever subscribes to `on_closed` (the
composition root: the archive package) hears the case number after a closing commits.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime

from bot.core.clock import local_date
from bot.core.domain import lifecycle
from bot.core.domain.audit import AuditAction, AuditEntry
from bot.core.domain.errors import DomainError
from bot.core.domain.lifecycle import CANCELLED_CLOSED, CANCELLED_WITHDRAWN
from bot.core.domain.outbox import MessageKind, remiss_refresh, to_registry
from bot.core.domain.recipient import Recipient
from bot.core.domain.remiss import Remiss, RemissStatus
from bot.core.ports.store import Transaction
from bot.core.usecases.base import OPEN_STATUSES, Shared, UseCase
from bot.core.usecases.planning import ReminderPlanner
from bot.core.usecases.results import Actor

log = logging.getLogger(__name__)


class LifecycleUseCases(UseCase):
    """The coordinator ends a remiss (avsluta), takes that back (återöppna) or withdraws it (återkalla)."""

    def __init__(self, shared: Shared, planner: ReminderPlanner) -> None:
        super().__init__(shared)
        self.planner = planner
        # Called with the case number after a remiss closed (by a coordinator or by itself), outside the
        # transaction; a failing subscriber is logged and never undoes the closing.
        self.on_closed: list[Callable[[str], None]] = []

    def close(self, actor: Actor, case_number: str) -> Remiss:
        """Avsluta remissen: no more reminders; status, App Home and digest show it as avslutad."""
        self._require_coordinator(actor)
        with self.store.transaction() as repo:
            remiss = self._require_remiss(repo, case_number)
            self._require_coordinator(actor, remiss, repo)
            self._close(repo, remiss, actor.user_id, self.now())
        self._closed(remiss.case_number)
        return remiss

    def reopen(self, actor: Actor, case_number: str) -> Remiss:
        """Återöppna: back to sent; reminders planned again for those who have not answered."""
        self._require_coordinator(actor)
        now = self.now()
        with self.store.transaction() as repo:
            remiss = self._require_remiss(repo, case_number)
            self._require_coordinator(actor, remiss, repo)
            entry = lifecycle.reopen(remiss, actor.user_id, now)
            repo.remisses.save_remiss(remiss)
            self._record(repo, remiss, entry)
            directory = self.shared.cached_directory(repo)
            policy = self.planner.policy(repo, remiss.case_number)
            waiting = [
                r
                for r in repo.remisses.list_recipients(remiss.case_number)
                if not r.is_answered() or r.is_preliminary()
            ]
            late = self.planner.often_late(repo, remiss, [r.organisation_key for r in waiting], policy)
            for recipient in waiting:
                self.planner.schedule(repo, remiss, recipient, directory, policy, often_late=late)
        self.shared.on_outbox()
        return remiss

    def withdraw(self, actor: Actor, case_number: str, reason: str) -> Remiss:
        """Återkalla remissen: everything stops; every recipient's remiss DM says so in place (no answer buttons)
        and each recipient's registry is told. A draft is withdrawn too (and leaves the lists)."""
        self._require_coordinator(actor)
        now = self.now()
        with self.store.transaction() as repo:
            remiss = self._require_remiss(repo, case_number)
            self._require_coordinator(actor, remiss, repo)
            was_sent = remiss.status is RemissStatus.SENT
            entry = lifecycle.withdraw(remiss, reason, actor.user_id, now)
            repo.remisses.save_remiss(remiss)
            if not was_sent:  # a draft has no status message and nobody to tell: only the audit trail
                repo.remisses.append_audit(entry)
            elif (stored := self._record(repo, remiss, entry)) is not None:
                self._tell_recipients(repo, remiss, stored, now)
        self.shared.on_outbox()
        return remiss

    def auto_close(self) -> list[str]:
        """Close every sent remiss whose last deadline (anstånd included) is REMISSBOT_AUTO_CLOSE_WORKING_DAYS
        working days past; audited as closed by the system. Returns the case numbers closed."""
        days = self.config.auto_close_working_days
        if days <= 0:
            return []
        today, now = self.today(), self.now()
        closed: list[str] = []
        with self.store.read() as repo:
            due = [
                remiss.case_number
                for remiss in repo.remisses.list_remisses(OPEN_STATUSES)
                if (on := self._closes_on(repo, remiss)) is not None and on <= today
            ]
        for case_number in due:
            try:
                with self.store.transaction() as repo:
                    remiss = self._require_remiss(repo, case_number, shared=True)
                    self._close(repo, remiss, lifecycle.SYSTEM, now, automatic=True, working_days=days)
            except DomainError:  # closed or withdrawn meanwhile, by a coordinator or another replica
                continue
            closed.append(case_number)
            self._closed(case_number)
        return closed

    def _closes_on(self, repo: Transaction, remiss: Remiss) -> date | None:
        recipients = repo.remisses.list_recipients(remiss.case_number)
        reopened = [e.at for e in repo.remisses.list_audit(remiss.case_number) if e.action is AuditAction.REOPENED]
        reopened_on = local_date(max(reopened), self.config.tz) if reopened else None
        return lifecycle.auto_close_on(
            remiss, recipients, self.config.answer_rules, self.config.auto_close_working_days, reopened_on
        )

    def _close(self, repo: Transaction, remiss: Remiss, by: str, now: datetime, **details: object) -> None:
        entry = lifecycle.close(remiss, by, now, **details)
        repo.remisses.save_remiss(remiss)
        self._record(repo, remiss, entry)
        self._cancel_reminders(repo, remiss, now, CANCELLED_CLOSED)

    def _tell_recipients(self, repo: Transaction, remiss: Remiss, entry: AuditEntry, now: datetime) -> None:
        directory = self.shared.cached_directory(repo)
        self._cancel_reminders(repo, remiss, now, CANCELLED_WITHDRAWN)
        for recipient in repo.remisses.list_recipients(remiss.case_number):
            repo.outbox.enqueue(remiss_refresh(entry, recipient.organisation_key))
            organisation = directory.get(recipient.organisation_key)
            registry = organisation.registry if organisation else ()
            for copy in to_registry(
                MessageKind.REGISTRY_WITHDRAWN,
                remiss.case_number,
                recipient.organisation_key,
                registry,
                now,
                audit_id=entry.id,
            ):
                repo.outbox.enqueue(copy)

    @staticmethod
    def _cancel_reminders(repo: Transaction, remiss: Remiss, now: datetime, reason: str) -> None:
        recipients: list[Recipient] = repo.remisses.list_recipients(remiss.case_number)
        for recipient in recipients:
            repo.reminders.schedule_reminders(
                remiss.case_number, recipient.organisation_key, [], now, cancel_reason=reason
            )

    def _closed(self, case_number: str) -> None:
        self.shared.on_outbox()
        for subscriber in self.on_closed:
            try:
                subscriber(case_number)
            except Exception:
                log.exception("A subscriber to the closing of %s failed; the remiss stays closed", case_number)
