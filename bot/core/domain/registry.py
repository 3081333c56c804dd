"""The registries on both sides: a recipient's registrators register the incoming remiss with their own
diarienummer, and the sender's registrators register each incoming answer with their document number."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.core.domain.audit import AuditAction, AuditEntry, audit
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.organisation import Organisation
from bot.core.domain.remiss import Remiss, normalise_their_case_number


class RegistrySubject(StrEnum):
    REMISS = "remiss"  # the remiss, in the recipient's registry
    ANSWER = "answer"  # one submitted version of a recipient's answer, in the sender's registry


@dataclass(frozen=True)
class RegistryItem:
    """What a registry is asked to register: the remiss at one recipient, or one version of its answer."""

    subject: RegistrySubject
    case_number: str
    organisation_key: str  # the recipient it is about
    version: int = 0  # the answer's version; 0 for the remiss

    def registry_key(self, remiss: Remiss) -> str:
        """Whose registry registers it: the recipient's for the remiss, the sender's for an answer."""
        return remiss.sender_key if self.subject is RegistrySubject.ANSWER else self.organisation_key


@dataclass(frozen=True)
class Registration:
    """A registrator registered the item under `number` (their own diarienummer, or the document number)."""

    item: RegistryItem
    number: str
    registered_by: str
    registered_at: datetime
    id: int | None = None


def in_registry(registry: Organisation, user_id: str, channel_members: Collection[str]) -> bool:
    """Someone of that registry: a member of its channel, or one of its listed registrators."""
    if registry.registry_channel is not None:
        return user_id in channel_members
    return user_id in registry.registry


def check_may_register(
    registry: Organisation, existing: Registration | None, user_id: str, channel_members: Collection[str]
) -> None:
    """Only the registry's own people register, and each item once (a second press is told who did it)."""
    if not in_registry(registry, user_id, channel_members):
        raise DomainError(ErrorCode.NOT_IN_REGISTRY, organisation=registry.name)
    if existing is not None:
        raise DomainError(
            ErrorCode.ALREADY_REGISTERED, by=existing.registered_by, at=existing.registered_at, number=existing.number
        )


def register(
    item: RegistryItem,
    registry: Organisation,
    existing: Registration | None,
    number: str,
    user_id: str,
    channel_members: Collection[str],
    at: datetime,
) -> tuple[Registration, AuditEntry]:
    """Record the registration under `number` (required, shaped like a diarienummer), with its audit entry."""
    check_may_register(registry, existing, user_id, channel_members)
    cleaned = normalise_their_case_number(number, field="number")
    if not cleaned:
        raise DomainError(ErrorCode.FIELD_REQUIRED, field="number")
    registration = Registration(item, cleaned, user_id, at)
    entry = audit(
        item.case_number,
        AuditAction.REGISTERED,
        user_id,
        at,
        item.organisation_key,
        subject=item.subject.value,
        registry=registry.key,
        number=cleaned,
        version=item.version,
    )
    return registration, entry
