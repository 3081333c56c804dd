"""The coordinator's round: a remiss drafted, changed, sent, and its summary offered when the round is over."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from bot.core.domain.audit import AuditAction, audit
from bot.core.domain.calendar import WindowReport, analyse_window
from bot.core.domain.drafts import has_real_owner, require_owner, require_sendable
from bot.core.domain.offices import sender_for, sending_offices_for
from bot.core.domain.organisation import Organisation, is_slack_user_id
from bot.core.domain.outbox import MessageKind, OutboxMessage, remiss_dm, remiss_rounds, summary_ready, to_registry
from bot.core.domain.people import remiss_addressees
from bot.core.domain.reaching import no_contact
from bot.core.domain.recipient import Recipient
from bot.core.domain.reminders import PlannedReminder
from bot.core.domain.remiss import Remiss
from bot.core.ports.store import Transaction
from bot.core.usecases.base import OPEN_STATUSES, Shared, UseCase, unique
from bot.core.usecases.planning import ReminderPlanner
from bot.core.usecases.results import Actor, RemissInput, SendReport


class DraftingUseCases(UseCase):
    """A remiss from the create form (or the importer) to the officials' DMs."""

    def __init__(self, shared: Shared, planner: ReminderPlanner) -> None:
        super().__init__(shared)
        self.planner = planner

    def create_draft(self, actor: Actor, data: RemissInput, *, owner: str | None = None) -> Remiss:
        """Save a new remiss as a draft; recipients may still be missing (sending requires them).

        Its owner is a coordinator in Slack: the actor, or `owner` when someone else saves it for them (the
        command line); the audit trail still names who saved it."""
        self._require_coordinator(actor)
        owner = require_owner(owner if owner is not None else actor.user_id)
        now = self.now()
        with self.store.transaction() as repo:
            checked, keys = self._checked_draft(
                repo, actor, data, data.case_number, (owner,), created_by=owner, created_at=now
            )
            remiss = repo.remisses.add_remiss(checked)
            for key in keys:
                repo.remisses.add_recipient(Recipient(remiss.case_number, key, (), remiss.deadline))
            details = {"owner": owner} if owner != actor.user_id else {}
            self._record(repo, remiss, audit(remiss.case_number, AuditAction.CREATED, actor.user_id, now, **details))
            return remiss

    def sending_offices(self, actor: Actor) -> tuple[str, ...]:
        """The offices `actor` may send a new remiss from (the default first), those the directory knows: what
        the create form offers."""
        self._require_coordinator(actor)
        with self.store.read() as repo:
            directory = self.shared.cached_directory(repo)
        return tuple(o for o in sending_offices_for(actor.offices, self.config.sending_offices) if o in directory)

    def check_draft(self, actor: Actor, data: RemissInput) -> Remiss:
        """The remiss `create_draft(actor, data)` would store, checked by the same rules, without storing it: the
        form's check before its preview (each refusal a DomainError naming its field)."""
        self._require_coordinator(actor)
        with self.store.read() as repo:
            checked, _ = self._checked_draft(
                repo,
                actor,
                data,
                data.case_number,
                (actor.user_id,),
                created_by=actor.user_id,
                created_at=self.now(),
            )
        return checked

    def update_draft(self, actor: Actor, case_number: str, data: RemissInput) -> Remiss:
        """Change a draft before it is sent (same checks as creating it); the case number stays."""
        self._require_coordinator(actor)
        with self.store.transaction() as repo:
            current = self._require_remiss(repo, case_number)
            self._require_coordinator(actor, current, repo)
            current.require_draft()
            # Unchanged unless the form chose another office (which the actor must coordinate too).
            data = replace(data, sender_key=data.sender_key or current.sender_key)
            checked, keys = self._checked_draft(
                repo,
                actor,
                data,
                current.case_number,
                current.coordinators,
                created_by=current.created_by,
                created_at=current.created_at,
            )
            updated = replace(checked, id=current.id)
            repo.remisses.save_remiss(updated)
            existing = {r.organisation_key for r in repo.remisses.list_recipients(current.case_number)}
            for key in [k for k in keys if k not in existing]:
                repo.remisses.add_recipient(Recipient(current.case_number, key, (), updated.deadline))
            removed = existing - set(keys)
            if removed:
                repo.remisses.remove_draft_recipients(current.case_number, sorted(removed))
            return updated

    def _checked_draft(
        self,
        repo: Transaction,
        actor: Actor,
        data: RemissInput,
        case_number: str,
        coordinators: tuple[str, ...],
        *,
        created_by: str,
        created_at: datetime,
    ) -> tuple[Remiss, list[str]]:
        """The remiss as the form describes it, validated whole, and its recipients' keys in directory order; sent
        from the office chosen, one the actor coordinates (none chosen: their first, the default for a global one)."""
        directory = repo.directory.load_directory()
        sender_key = sender_for(actor.offices, self.config.sending_offices, data.sender_key)
        directory.require(sender_key)
        # The sending office is never its own recipient (an import may list its own staff).
        keys = [k for k in unique(data.recipient_keys) if k != sender_key]
        for key in keys:
            directory.require(key)
        remiss = Remiss.draft(
            case_number=case_number,
            title=data.title,
            description=data.description,
            sender_key=sender_key,
            coordinators=coordinators,
            contact=data.contact,
            questions=list(data.questions),
            deadline=data.deadline,
            created_by=created_by,
            created_at=created_at,
            today=self.today(),
            documents=tuple(data.documents),
            short_title=data.short_title,
        )
        return remiss, directory.sorted_keys(keys)

    def send(self, actor: Actor, case_number: str) -> SendReport:
        """Mark the remiss sent and fix each recipient's responsible officials from the directory."""
        self._require_coordinator(actor)
        with self.store.read() as repo:
            directory = repo.directory.load_directory()
            remiss = self._require_remiss(repo, case_number)
            self._require_coordinator(actor, remiss, repo)
            recipients = repo.remisses.list_recipients(remiss.case_number)
        # The same checks wherever it is sent from (Skicka remissen in Slack, `remissbot send`).
        require_sendable(remiss, len(recipients), self.today())
        # Resolving e-mail addresses may call Slack: done before the write transaction, never inside it.
        officials = {
            r.organisation_key: self.shared.resolve(directory.require(r.organisation_key).contacts) for r in recipients
        }
        stand_ins = {
            r.organisation_key: self.shared.resolve(directory.require(r.organisation_key).stand_ins) for r in recipients
        }
        now = self.now()
        with self.store.transaction() as repo:
            remiss = self._require_remiss(repo, case_number)
            if not has_real_owner(remiss) and is_slack_user_id(actor.user_id):
                # A draft imported before owners were required: whoever sends it in Slack owns it now.
                remiss.coordinators = (actor.user_id,)
            remiss.mark_sent(now)
            repo.remisses.save_remiss(remiss)
            reachable: list[Recipient] = []
            unreachable: list[Organisation] = []
            for recipient in repo.remisses.list_recipients(remiss.case_number):
                recipient.officials = officials.get(recipient.organisation_key, ())
                repo.remisses.save_recipient(recipient)
                # Its registry registers the remiss whether or not an official can be reached.
                registry = directory.require(recipient.organisation_key).registry
                kind = MessageKind.REGISTRY_REMISS
                for copy in to_registry(kind, remiss.case_number, recipient.organisation_key, registry, now):
                    repo.outbox.enqueue(copy)
                if recipient.officials:
                    reachable.append(recipient)
                else:
                    unreachable.append(directory.require(recipient.organisation_key))
            sent = audit(remiss.case_number, AuditAction.SENT, actor.user_id, now, reachable=len(reachable))
            self._record(repo, remiss, sent)
            policy = self.planner.policy(repo, remiss.case_number)
            plans: list[PlannedReminder] = []
            often_late = self.planner.often_late(repo, remiss, [r.organisation_key for r in reachable], policy)
            # The remiss DMs of every recipient in one go (hundreds): one read of the rounds for all of them.
            rounds = remiss_rounds(repo.outbox.messages_for(remiss.case_number))
            dms: list[OutboxMessage] = []
            for recipient in reachable:
                key = recipient.organisation_key
                # The stand-ins get it too, marked as theirs to answer while standing in.
                for user_id in remiss_addressees(recipient.officials, stand_ins.get(key, ())):
                    dms.append(remiss_dm(remiss.case_number, key, user_id, now, rounds[(key, user_id)] + 1))
                late = recipient.organisation_key in often_late
                planned = self.planner.plan(remiss, recipient, directory, policy, often_late=late)
                plans += [r for r in planned if r.due_at > now]
            repo.outbox.enqueue_all(dms)
            # A draft has no reminders yet: all of them in one go, not a read and a write per recipient.
            repo.reminders.add_reminders(plans)
            for organisation in unreachable:
                self._record(repo, remiss, no_contact(remiss, organisation.key, actor.user_id, now))
        self.shared.on_outbox()
        return SendReport(remiss, reachable, unreachable, self.window_report(remiss.deadline))

    def window_report(self, deadline: date) -> WindowReport:
        """The answering window a remiss sent today with this deadline would have (the preview warns)."""
        return analyse_window(self.config.calendar, self.today(), deadline, self.config.short_window_days)

    def offer_due_summaries(self) -> int:
        """Each morning: refresh every open remiss's status message (who became overdue overnight), and the
        morning after the last deadline (extensions counted) offer its summary.

        Safe in every replica at once: the outbox key makes the offer exactly once.
        """
        today = self.today()
        offered = 0
        with self.store.transaction() as repo:
            for remiss in repo.remisses.list_remisses(OPEN_STATUSES):
                repo.outbox.touch_status(remiss.case_number, self.shared.status_channel(remiss))
                recipients = repo.remisses.list_recipients(remiss.case_number)
                if recipients and max(r.deadline for r in recipients) < today:
                    repo.outbox.enqueue(summary_ready(remiss.case_number, self.now()))
                    offered += 1
        self.shared.on_outbox()
        return offered
