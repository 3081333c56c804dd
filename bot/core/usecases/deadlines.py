"""Anstånd and the deadline: an official asks, the coordinator grants or refuses, or grants unasked, or moves
the deadline for everyone; reminders are planned again and the officials' remiss DMs show the new date."""

from __future__ import annotations

from datetime import date, datetime

from bot.core.domain.audit import AuditAction, AuditEntry, audit
from bot.core.domain.calendar import next_office_time
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.extension import ExtensionRequest, ask_for_extension, new_request
from bot.core.domain.outbox import MessageKind, extension_decided, extension_requested, remiss_refresh, to_officials
from bot.core.domain.people import remiss_addressees
from bot.core.domain.recipient import Recipient
from bot.core.domain.remiss import Remiss
from bot.core.ports.store import Transaction
from bot.core.usecases.base import Shared, UseCase
from bot.core.usecases.planning import ReminderPlanner
from bot.core.usecases.results import Actor


class DeadlineUseCases(UseCase):
    """Who answers by when: anstånd per recipient, and the remiss's deadline for everyone."""

    def __init__(self, shared: Shared, planner: ReminderPlanner) -> None:
        super().__init__(shared)
        self.planner = planner

    def request_extension(
        self, actor: Actor, case_number: str, organisation_key: str, new_deadline: date, reason: str = ""
    ) -> ExtensionRequest:
        """An official asks for a later deadline; the coordinator gets the request with Bevilja / Avslå."""
        created: list[ExtensionRequest] = []

        def change(recipient: Recipient, remiss: Remiss, now: datetime) -> AuditEntry:
            return ask_for_extension(
                remiss, recipient, new_deadline, by=actor.user_id, at=now, today=self.today(), reason=reason
            )

        def then(
            repo: Transaction, remiss: Remiss, recipient: Recipient, _p: tuple[str, ...], entry: AuditEntry
        ) -> None:
            # One open request at a time; raising here rolls the whole request back, audit entry and all.
            known = repo.remisses.extension_requests(remiss.case_number, recipient.organisation_key)
            request = repo.remisses.add_extension_request(new_request(entry, new_deadline, known, reason))
            created.append(request)
            repo.outbox.enqueue(extension_requested(request.id, entry, actor.user_id))

        self._act(actor, case_number, organisation_key, change, then=then)
        return created[0]

    def extension_request(self, request_id: int) -> ExtensionRequest:
        with self.store.read() as repo:
            request = repo.remisses.get_extension_request(request_id)
        if request is None:
            raise DomainError(ErrorCode.UNKNOWN_REQUEST)
        return request

    def decide_extension(
        self, actor: Actor, request_id: int, *, grant: bool, deadline: date | None = None, note: str = ""
    ) -> ExtensionRequest:
        """Bevilja (the date asked for, or another) or Avslå; decided once, and the official is told."""
        self._require_coordinator(actor)
        now = self.now()
        with self.store.transaction() as repo:
            request = repo.remisses.get_extension_request(request_id)
            if request is None:
                raise DomainError(ErrorCode.UNKNOWN_REQUEST)
            request.require_pending()
            remiss = self._require_remiss(repo, request.case_number, shared=True)
            self._require_coordinator(actor, remiss, repo)
            remiss.require_open()
            recipient = repo.remisses.get_recipient(remiss.case_number, request.organisation_key)
            if recipient is None:
                raise DomainError(ErrorCode.UNKNOWN_REQUEST)
            if grant:
                decision = request.grant(
                    remiss, recipient, by=actor.user_id, at=now, today=self.today(), deadline=deadline
                )
                repo.remisses.save_recipient(recipient)
            else:
                decision = request.refuse(by=actor.user_id, at=now, note=note)
            repo.remisses.save_extension_request(decision.request)
            stored = self._record(repo, remiss, decision.entry)
            if decision.granted:
                self.planner.replan(repo, remiss, recipient)
                if stored is not None:
                    repo.outbox.enqueue(remiss_refresh(stored, recipient.organisation_key))
            repo.outbox.enqueue(
                extension_decided(
                    request.id,
                    remiss.case_number,
                    request.organisation_key,
                    request.requested_by,
                    now,
                    audit_id=stored.id if stored else None,
                    not_before=self._quiet_until(now),
                )
            )
        self.shared.on_outbox()
        return decision.request

    def grant_extension(
        self, actor: Actor, case_number: str, organisation_key: str, new_deadline: date, reason: str = ""
    ) -> Recipient:
        """Anstånd for one recipient; only a coordinator grants it."""
        self._require_coordinator(actor)
        return self._act(
            actor,
            case_number,
            organisation_key,
            lambda r, rem, now: r.extend(rem, new_deadline, actor.user_id, now, reason),
            as_coordinator=True,
            then=self._replan,
        )

    def _replan(
        self, repo: Transaction, remiss: Remiss, recipient: Recipient, _previous: tuple[str, ...], entry: AuditEntry
    ) -> None:
        """A new deadline for this recipient: its reminders are planned again against it, and the remiss DMs
        its officials have show the new date (a silent edit, at any hour)."""
        self.planner.replan(repo, remiss, recipient)
        repo.outbox.enqueue(remiss_refresh(entry, recipient.organisation_key))

    def change_deadline(self, actor: Actor, case_number: str, new_deadline: date, reason: str = "") -> Remiss:
        """The coordinator moves the deadline for everyone: every reminder is replanned, and every recipient
        who has not answered (and has no anstånd of its own) is told."""
        self._require_coordinator(actor)
        now = self.now()
        with self.store.transaction() as repo:
            remiss = self._require_remiss(repo, case_number)
            self._require_coordinator(actor, remiss, repo)
            previous = remiss.change_deadline(new_deadline, self.today())
            repo.remisses.save_remiss(remiss)
            entry = audit(
                remiss.case_number,
                AuditAction.DEADLINE_CHANGED,
                actor.user_id,
                now,
                previous=previous,
                new=new_deadline,
                reason=reason.strip(),
            )
            stored = self._record(repo, remiss, entry)
            directory = self.shared.cached_directory(repo)
            policy = self.planner.policy(repo, remiss.case_number)
            quiet_until = self._quiet_until(now)
            recipients = repo.remisses.list_recipients(remiss.case_number)
            late = self.planner.often_late(repo, remiss, [r.organisation_key for r in recipients], policy)
            for recipient in recipients:
                # Storage may already give the new remiss deadline: the change is worked out from `previous`.
                moved = recipient.follow_deadline(previous, new_deadline)
                self.planner.schedule(repo, remiss, recipient, directory, policy, often_late=late)
                if moved.moved and stored is not None:
                    repo.outbox.enqueue(remiss_refresh(stored, recipient.organisation_key))
                if not moved.to_tell:
                    continue
                for message in to_officials(
                    MessageKind.DEADLINE_CHANGED,
                    f"deadline-changed:{stored.id if stored else 0}:{recipient.organisation_key}",
                    recipient.case_number,
                    recipient.organisation_key,
                    # The stand-ins are told too; who is away is not left out: a new deadline is news, not a nag.
                    remiss_addressees(
                        recipient.officials,
                        self.shared.stand_ins_in(repo, directory.get(recipient.organisation_key)),
                    ),
                    now,
                    audit_id=stored.id if stored else None,
                    not_before=quiet_until,
                ):
                    repo.outbox.enqueue(message)
        self.shared.on_outbox()
        return remiss

    def _quiet_until(self, now: datetime) -> datetime | None:
        """Nobody is pinged outside office hours: a message the bot starts (not a reply to the person's own
        click) waits for the next working day's office hours."""
        config = self.config
        due = next_office_time(now, config.tz, config.reminder_policy.office_hours, config.calendar)
        return due if due > now else None
