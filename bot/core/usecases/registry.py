"""The registries: who registered the remiss at each recipient, and each incoming answer at the sender."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.organisation import Organisation
from bot.core.domain.recipient import Recipient
from bot.core.domain.registry import Registration, RegistryItem, RegistrySubject, check_may_register, register
from bot.core.domain.remiss import Remiss
from bot.core.ports.store import Transaction
from bot.core.usecases.base import UseCase


@dataclass(frozen=True)
class RegistryContext:
    """An item to register, read as it is now: the remiss, the registry's organisation, the recipient's, and
    the registration if there is one."""

    item: RegistryItem
    remiss: Remiss
    sender_name: str
    registry: Organisation
    organisation: Organisation
    recipient: Recipient
    registration: Registration | None


class RegistryUseCases(UseCase):
    """The registrators' Registrerad: only the registry's own people, and each item once."""

    def context(self, item: RegistryItem) -> RegistryContext:
        with self.store.read() as repo:
            return self._context(repo, item)

    def check(self, user_id: str, item: RegistryItem) -> RegistryContext:
        """Refuse at once (before the form asks for a number) someone outside the registry, or a second time."""
        found = self.context(item)
        check_may_register(found.registry, found.registration, user_id, self._members(found.registry))
        return found

    def register(self, user_id: str, item: RegistryItem, number: str) -> RegistryContext:
        """Record the registration under `number`, in the audit trail and the remiss's status thread too."""
        with self.store.read() as repo:
            registry = self._context(repo, item).registry
        # Asking Slack who is in the channel happens outside the write transaction.
        members = self._members(registry)
        with self.store.transaction() as repo:
            found = self._context(repo, item)
            registration, entry = register(
                item, found.registry, found.registration, number, user_id, members, self.now()
            )
            stored = repo.remisses.add_registration(registration)
            self._record(repo, found.remiss, entry)
        self.shared.on_outbox()
        return replace(found, registration=stored)

    def registrations(self, case_number: str) -> list[Registration]:
        with self.store.read() as repo:
            return repo.remisses.registrations(self._require_remiss(repo, case_number).case_number)

    def _members(self, registry: Organisation) -> frozenset[str]:
        channel = registry.registry_channel
        if channel is None or self.shared.users is None:
            return frozenset()
        return self.shared.users.channel_members(channel)

    def _context(self, repo: Transaction, item: RegistryItem) -> RegistryContext:
        remiss = self._require_remiss(repo, item.case_number)
        directory = self.shared.cached_directory(repo)
        organisation = directory.require(item.organisation_key)
        recipient = repo.remisses.get_recipient(remiss.case_number, item.organisation_key)
        versions = [r.version for r in recipient.responses] if recipient is not None else []
        if recipient is None or (item.subject is RegistrySubject.ANSWER and item.version not in versions):
            raise DomainError(ErrorCode.NOT_A_RECIPIENT, case_number=remiss.case_number, organisation=organisation.name)
        registry = directory.require(item.registry_key(remiss))
        existing = next((r for r in repo.remisses.registrations(remiss.case_number) if r.item == item), None)
        sender = directory.require(remiss.sender_key).name
        return RegistryContext(item, remiss, sender, registry, organisation, recipient, existing)
