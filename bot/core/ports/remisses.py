"""The remisses port: remisses with their recipients, the audit trail, assignments and requests for anstånd."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Protocol

from bot.core.domain.audit import AuditEntry
from bot.core.domain.extension import ExtensionRequest
from bot.core.domain.recipient import Recipient
from bot.core.domain.registry import Registration
from bot.core.domain.remiss import Remiss, RemissStatus
from bot.core.domain.statistics import RecipientHistory


@dataclass(frozen=True)
class Assignment:
    """A recipient a user answers for, with its remiss ("Att besvara")."""

    remiss: Remiss
    recipient: Recipient


class RemissRepository(Protocol):
    """Remisses, their recipients, audit entries and extension requests, inside one transaction."""

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
    def recipients_by_remiss(self, case_numbers: Collection[str]) -> dict[str, list[Recipient]]:
        """The recipients of the remisses with these case numbers, by case number (a remiss without any, or
        unknown, is left out): the status tables of many remisses, read at once, not one remiss at a time."""
        ...

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
    def get_audit(self, case_number: str, audit_id: int) -> AuditEntry | None:
        """One entry of the remiss's trail by its id (None if it has no such entry): what a message reports is
        read alone, not found in a trail that grows with every answer."""
        ...

    # Requests for anstånd
    def add_extension_request(self, request: ExtensionRequest) -> ExtensionRequest: ...
    def get_extension_request(self, request_id: int) -> ExtensionRequest | None:
        """The request, locked for this transaction's decision (two coordinators clicking decide once)."""
        ...

    def save_extension_request(self, request: ExtensionRequest) -> None: ...
    def extension_requests(self, case_number: str, organisation_key: str | None = None) -> list[ExtensionRequest]: ...

    # Registrations in the registries (the remiss at a recipient's, each answer version at the sender's)
    def add_registration(self, registration: Registration) -> Registration:
        """Stored once per item: a second one for the same item raises ValueError (check first)."""
        ...

    def registrations(self, case_number: str) -> list[Registration]: ...

    # Lean reads
    def get_assignment(self, case_number: str, organisation_key: str) -> Assignment | None:
        """The remiss and one of its recipients, as get_remiss and get_recipient give them (None if either is
        missing); cheaper in a read-only view, where the answer form reads it at every click."""
        ...

    def statistics_history(
        self,
        statuses: Collection[RemissStatus],
        *,
        organisation_keys: Collection[str] | None = None,
        excluding: str | None = None,
    ) -> list[RecipientHistory]:
        """Every recipient of the sent remisses in these statuses, as the statistics read them: its versions' kinds
        and times, its anstånd's dates and how many it asked for; no answer text. A few queries, however many
        remisses. `organisation_keys`: only these organisations' (None: everyone's; an empty collection: nobody's);
        `excluding`: not that remiss's (the reminder planner reads the other remisses of a remiss's recipients)."""
        ...
