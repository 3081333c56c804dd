"""The organisation directory: reading it, replacing or seeding it, and each organisation's meeting dates."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.organisation import Directory, Organisation, is_email
from bot.core.domain.reaching import ResendOffer
from bot.core.domain.remiss import Remiss
from bot.core.usecases.base import OPEN_STATUSES, Shared, UseCase
from bot.core.usecases.planning import ReminderPlanner
from bot.core.usecases.recipients import offer_resends
from bot.core.usecases.results import Actor


class DirectoryUseCases(UseCase):
    """Who the organisations are, who answers for them, and when their boards meet."""

    def __init__(self, shared: Shared, planner: ReminderPlanner) -> None:
        super().__init__(shared)
        self.planner = planner

    def directory(self) -> Directory:
        with self.store.read() as repo:
            return repo.directory.load_directory()

    def replace_directory(self, directory: Directory) -> list[ResendOffer]:
        """Make the stored directory exactly this one, all or nothing. Returns the recipients of open remisses it
        gives contacts to (each offered *Skicka igen* in its status thread)."""
        with self.store.transaction() as repo:
            before = repo.directory.load_directory()
            repo.directory.replace_directory(directory)
            offers = offer_resends(repo, before, repo.directory.load_directory(), self.now())
        self.shared.forget_directory()
        if offers:
            self.shared.on_outbox()
        return offers

    def seed_directory(self, directory: Directory) -> bool:
        """Store the shipped directory if none is stored yet; True if it did."""
        with self.store.transaction() as repo:
            if len(repo.directory.load_directory()) > 0:
                return False
            repo.directory.replace_directory(directory)
            return True

    def sender_name(self, remiss: Remiss) -> str:
        """The sending organisation's name, as messages show it."""
        directory = self.shared.fresh_directory()  # after every answer saved: no read while it is fresh
        if directory is None:
            with self.store.read() as repo:
                directory = self.shared.cached_directory(repo)
        return directory.require(remiss.sender_key).name

    def set_meetings(
        self, actor: Actor, organisation_key: str, meetings: Iterable[date], submission_lead_days: int | None
    ) -> Organisation:
        """Replace one organisation's meeting dates and lead time; its officials (contacts, stand-ins) or a
        coordinator may. Every other organisation in the stored directory stays as it is."""
        if not actor.is_coordinator:
            with self.store.read() as repo:
                organisation = repo.directory.load_directory().require(organisation_key)
            # E-mail contacts are resolved (the cache, else Slack) only when no Slack id matched, and before the
            # write transaction: resolving writes the cache in a transaction of its own.
            if not self._is_official_of(actor, organisation):
                raise DomainError(ErrorCode.NOT_RECIPIENT_OFFICIAL, organisation=organisation.name)
        # The Repository writes the directory only as a whole, so on PostgreSQL a directory change committed
        # between this load and the write below is undone; acceptable while such edits are rare and by hand.
        with self.store.transaction() as repo:
            directory = repo.directory.load_directory()
            changed = replace(
                directory.require(organisation_key), meetings=tuple(meetings), submission_lead_days=submission_lead_days
            )
            updated = Directory(tuple(changed if o.key == changed.key else o for o in directory))
            repo.directory.replace_directory(updated)
            # Reminders to it name its last meeting before the deadline: plan them again with the new dates.
            for remiss in repo.remisses.list_remisses(OPEN_STATUSES):
                recipient = repo.remisses.get_recipient(remiss.case_number, organisation_key)
                if recipient is not None and recipient.officials:
                    policy = self.planner.policy(repo, remiss.case_number)
                    self.planner.schedule(repo, remiss, recipient, updated, policy)
        self.shared.forget_directory()
        return changed

    def editable_organisations(self, actor: Actor) -> list[Organisation]:
        """The organisations whose meetings this user may edit: a coordinator all, an official their own."""
        directory = self.directory()
        if actor.is_coordinator:
            return [o for o in directory if o.active]
        return [o for o in directory if o.active and self._is_official_of(actor, o)]

    def _is_official_of(self, actor: Actor, organisation: Organisation) -> bool:
        """A contact or stand-in, by Slack id or (looked up only when no id matched) by e-mail address."""
        refs = (*organisation.contacts, *organisation.stand_ins)
        return actor.user_id in refs or actor.user_id in self.shared.resolve(r for r in refs if is_email(r))
