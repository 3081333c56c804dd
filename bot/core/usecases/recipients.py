"""Recipients after sending: the coordinator adds a remissinstans to a sent remiss, or sends the remiss again to an
organisation whose contacts changed or were missing; a loaded directory that gives contacts offers to."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime

from bot.core.domain.audit import AuditAction, AuditEntry
from bot.core.domain.calendar import WindowReport
from bot.core.domain.organisation import Directory, Organisation
from bot.core.domain.outbox import MessageKind, resend_offer, to_registry
from bot.core.domain.people import remiss_addressees
from bot.core.domain.reaching import ResendOffer, add_recipient, addable, no_contact, offers_after_load, resend
from bot.core.domain.recipient import Recipient
from bot.core.domain.remiss import Remiss
from bot.core.ports.store import Transaction
from bot.core.usecases.base import OPEN_STATUSES, Shared, UseCase
from bot.core.usecases.planning import ReminderPlanner
from bot.core.usecases.results import Actor


@dataclass(frozen=True)
class AddedRecipient:
    """What *Lägg till remissinstans* did: the new recipient, whether anyone can be reached, and its window."""

    remiss: Remiss
    recipient: Recipient
    organisation: Organisation
    window: WindowReport

    @property
    def reachable(self) -> bool:
        return bool(self.recipient.officials)


@dataclass(frozen=True)
class SentAgain:
    """What *Skicka igen* did: the recipient's officials now, who had it before, and who got the remiss now."""

    recipient: Recipient
    organisation: Organisation
    previous: tuple[str, ...]
    sent_to: tuple[str, ...]


class RecipientUseCases(UseCase):
    """A sent remiss's recipients changed by the coordinator: added, or sent to again."""

    def __init__(self, shared: Shared, planner: ReminderPlanner, window: Callable[[date], WindowReport]) -> None:
        super().__init__(shared)
        self.planner = planner
        # The answering window's rule is the create form's (DraftingUseCases.window_report).
        self.window = window

    def addable(self, actor: Actor, case_number: str) -> tuple[Remiss, tuple[Organisation, ...]]:
        """The open remiss and the organisations that may be added to it (the modal's choices)."""
        self._require_coordinator(actor)
        with self.store.read() as repo:
            remiss = self._require_remiss(repo, case_number)
            self._require_coordinator(actor, remiss, repo)
            remiss.require_open()
            on_remiss = [r.organisation_key for r in repo.remisses.list_recipients(remiss.case_number)]
            return remiss, addable(repo.directory.load_directory(), remiss, on_remiss)

    def add_recipient(
        self, actor: Actor, case_number: str, organisation_key: str, deadline: date | None = None
    ) -> AddedRecipient:
        """Lägg till remissinstans: the organisation gets the remiss (its officials a DM, its registry a copy),
        reminders are planned, and the status message and its thread say so."""
        self._require_coordinator(actor)
        with self.store.read() as repo:
            organisation = repo.directory.load_directory().require(organisation_key)
        # Resolving e-mail addresses may call Slack: before the write transaction, never inside it.
        officials = self.shared.resolve(organisation.contacts)
        stand_ins = self.shared.resolve(organisation.stand_ins)
        now = self.now()
        with self.store.transaction() as repo:
            remiss = self._require_remiss(repo, case_number, shared=True)
            self._require_coordinator(actor, remiss, repo)
            directory = repo.directory.load_directory()
            organisation = directory.require(organisation_key)
            on_remiss = [r.organisation_key for r in repo.remisses.list_recipients(remiss.case_number)]
            new, entry = add_recipient(
                remiss,
                organisation,
                on_remiss,
                officials,
                deadline=deadline,
                actor=actor.user_id,
                at=now,
                today=self.today(),
            )
            recipient = repo.remisses.add_recipient(new)
            self._record(repo, remiss, entry)
            for copy in to_registry(
                MessageKind.REGISTRY_REMISS, remiss.case_number, organisation.key, organisation.registry, now
            ):
                repo.outbox.enqueue(copy)
            if recipient.officials:
                for user_id in remiss_addressees(recipient.officials, stand_ins):
                    self._enqueue_remiss(repo, remiss, organisation.key, user_id, now)
                # Its reminders count from today, when it got the remiss (the nudge to open it, too).
                policy = self.planner.policy(repo, remiss.case_number)
                late = organisation.key in self.planner.often_late(repo, remiss, [organisation.key], policy)
                plans = self.planner.plan(replace(remiss, sent_at=now), recipient, directory, policy, often_late=late)
                repo.reminders.add_reminders([r for r in plans if r.due_at > now])
            else:
                self._record(repo, remiss, no_contact(remiss, organisation.key, actor.user_id, now))
        self.shared.forget_directory()
        self.shared.on_outbox()
        return AddedRecipient(remiss, recipient, organisation, self.window(recipient.deadline))

    def resend(self, actor: Actor, case_number: str, organisation_key: str) -> SentAgain:
        """Skicka igen: the directory's current contacts become the recipient's officials (the previous ones kept
        in the audit trail), each of them who has not had the remiss gets it, and reminders are planned again.
        A second press sends nobody anything twice: it is refused, saying they have it."""
        self._require_coordinator(actor)
        with self.store.read() as repo:
            remiss = self._require_remiss(repo, case_number)
            self._require_coordinator(actor, remiss, repo)
            organisation = repo.directory.load_directory().require(organisation_key)
            had = [
                m.to_user
                for m in repo.outbox.messages_for(remiss.case_number, organisation_key)
                if m.kind is MessageKind.REMISS and m.to_user
            ]
            handed_to = [
                e.details_dict.get("to", "")
                for e in repo.remisses.list_audit(remiss.case_number, organisation_key)
                if e.action is AuditAction.HANDED_OVER
            ]
        officials = self.shared.resolve(organisation.contacts)
        stand_ins = self.shared.resolve(organisation.stand_ins)
        done: list[tuple[tuple[str, ...], tuple[str, ...]]] = []

        def change(recipient: Recipient, remiss: Remiss, now: datetime) -> AuditEntry:
            previous = recipient.officials
            outcome = resend(
                remiss,
                recipient,
                organisation,
                officials,
                had,
                actor=actor.user_id,
                at=now,
                handed_to=handed_to,
                stand_ins=stand_ins,
            )
            done.append((previous, outcome.send_to))
            return outcome.entry

        def then(repo: Transaction, remiss: Remiss, recipient: Recipient, _p: tuple[str, ...], e: AuditEntry) -> None:
            for user_id in done[-1][1]:
                self._enqueue_remiss(repo, remiss, recipient.organisation_key, user_id, e.at)
            self.planner.replan(repo, remiss, recipient)

        recipient = self._act(actor, case_number, organisation_key, change, as_coordinator=True, then=then)
        self.shared.forget_directory()
        previous, sent_to = done[-1]
        return SentAgain(recipient, organisation, previous, sent_to)


def offer_resends(repo: Transaction, before: Directory, after: Directory, at: datetime) -> list[ResendOffer]:
    """After a directory load (inside its transaction): the recipients of open remisses it gives contacts to,
    each offered *Skicka igen* in its remiss's status thread (once per set of contacts)."""
    offers: list[ResendOffer] = []
    for remiss in repo.remisses.list_remisses(OPEN_STATUSES):
        found = offers_after_load(before, after, repo.remisses.list_recipients(remiss.case_number))
        for offer in found:
            repo.outbox.enqueue(
                resend_offer(remiss.case_number, offer.organisation.key, offer.organisation.contacts, at)
            )
        offers += found
    return offers
