"""The remisses port in memory: remisses, recipients, the audit trail and requests for anstånd."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from bot.core.domain.audit import AuditEntry
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.extension import ExtensionRequest
from bot.core.domain.recipient import Recipient
from bot.core.domain.registry import Registration
from bot.core.domain.remiss import Remiss, RemissStatus
from bot.core.domain.statistics import RecipientHistory, VersionFact
from bot.core.ports.remisses import Assignment
from devtools.memory.state import MemoryPart, copied, id_of


class MemoryRemisses(MemoryPart):
    """bot.core.ports.remisses.RemissRepository over one in-memory state; objects are copied in and out."""

    # -- remisses ------------------------------------------------------------------------------------
    def get_remiss(self, case_number: str, *, shared: bool = False) -> Remiss | None:
        # Transactions here take turns on one lock, so shared and exclusive are the same.
        remiss = self._state.remisses.get(case_number)
        return copied(remiss) if remiss is not None else None

    def add_remiss(self, remiss: Remiss) -> Remiss:
        """Store a new remiss; a case number that exists raises DomainError(DUPLICATE_CASE_NUMBER)."""
        self._require_writable()
        self._require_organisation(remiss.sender_key)
        if remiss.case_number in self._state.remisses:
            raise DomainError(ErrorCode.DUPLICATE_CASE_NUMBER, field="case_number", case_number=remiss.case_number)
        stored = copied(replace(remiss, id=self._state.next_id()))
        self._state.remisses[remiss.case_number] = stored
        return copied(stored)

    def save_remiss(self, remiss: Remiss) -> None:
        self._require_writable()
        stored = self._state.remisses.get(remiss.case_number)
        if stored is None:
            raise DomainError(ErrorCode.UNKNOWN_REMISS, case_number=remiss.case_number)
        if remiss.sender_key != stored.sender_key:
            self._require_organisation(remiss.sender_key)
        self._state.remisses[remiss.case_number] = copied(replace(remiss, id=stored.id))

    def list_remisses(self, statuses: Collection[RemissStatus] | None = None) -> list[Remiss]:
        return [copied(r) for r in self._state.remisses.values() if statuses is None or r.status in statuses]

    # -- recipients ----------------------------------------------------------------------------------
    def get_recipient(self, case_number: str, organisation_key: str) -> Recipient | None:
        recipient = self._state.recipients.get((case_number, organisation_key))
        return self._out(recipient) if recipient is not None else None

    def list_recipients(self, case_number: str) -> list[Recipient]:
        return [self._out(r) for r in self._state.recipients.values() if r.case_number == case_number]

    def recipients_by_remiss(self, case_numbers: Collection[str]) -> dict[str, list[Recipient]]:
        wanted = set(case_numbers)
        grouped: dict[str, list[Recipient]] = {}
        for recipient in self._state.recipients.values():
            if recipient.case_number in wanted:
                grouped.setdefault(recipient.case_number, []).append(self._out(recipient))
        return grouped

    def add_recipient(self, recipient: Recipient) -> Recipient:
        self._require_writable()
        if recipient.case_number not in self._state.remisses:
            raise DomainError(ErrorCode.UNKNOWN_REMISS, case_number=recipient.case_number)
        self._require_organisation(recipient.organisation_key)
        key = (recipient.case_number, recipient.organisation_key)
        if key in self._state.recipients:
            raise ValueError(f"{recipient.case_number} already has recipient {recipient.organisation_key}")
        stored = copied(replace(recipient, id=self._state.next_id()))
        self._state.recipients[key] = stored
        return self._out(stored)

    def save_recipient(self, recipient: Recipient) -> None:
        """Persist the recipient's state; new versions and extensions are appended, never rewritten."""
        self._require_writable()
        key = (recipient.case_number, recipient.organisation_key)
        stored = self._state.recipients.get(key)
        if stored is None:
            raise DomainError(
                ErrorCode.NOT_A_RECIPIENT,
                case_number=recipient.case_number,
                organisation_key=recipient.organisation_key,
            )
        new = copied(replace(recipient, id=stored.id))
        new.appended_since(stored)  # refuses a changed or dropped version or extension
        self._state.recipients[key] = new

    def unanswered_count(self, case_number: str) -> int:
        return sum(1 for r in self._state.recipients.values() if r.case_number == case_number and not r.is_answered())

    def remove_draft_recipients(self, case_number: str, organisation_keys: Collection[str]) -> None:
        """Drop recipients from a remiss that is still a draft (nothing has happened to them yet)."""
        self._require_writable()
        stored = self._state.remisses.get(case_number)
        if stored is None:
            raise DomainError(ErrorCode.UNKNOWN_REMISS, case_number=case_number)
        if stored.status is not RemissStatus.DRAFT:
            # Once sent, recipients have a history (answers, audit, messages): they are never deleted.
            raise DomainError(ErrorCode.REMISS_NOT_DRAFT, case_number=case_number)
        for key in organisation_keys:
            self._state.recipients.pop((case_number, key), None)

    def assignments_for(self, user_ids: Collection[str], statuses: Collection[RemissStatus]) -> list[Assignment]:
        """Recipients any of these users are a responsible official of, on remisses in these statuses."""
        users = set(user_ids)
        found = [
            Assignment(self._state.remisses[r.case_number], r)
            for r in self._state.recipients.values()
            if users.intersection(r.officials) and self._state.remisses[r.case_number].status in statuses
        ]
        found.sort(key=lambda a: (a.remiss.id or 0, a.recipient.id or 0))
        return [Assignment(copied(a.remiss), self._out(a.recipient)) for a in found]

    # -- audit trail ---------------------------------------------------------------------------------
    def append_audit(self, entry: AuditEntry) -> AuditEntry:
        self._require_writable()
        if entry.case_number not in self._state.remisses:
            raise DomainError(ErrorCode.UNKNOWN_REMISS, case_number=entry.case_number)
        # Details are stored as a mapping, as in the SQL store: a repeated key keeps its last value.
        details = tuple(dict(entry.details).items())
        stored = copied(replace(entry, details=details, id=self._state.next_id()))
        self._state.audit.append(stored)
        return copied(stored)

    def list_audit(self, case_number: str, organisation_key: str | None = None) -> list[AuditEntry]:
        entries = (e for e in self._state.audit if e.case_number == case_number)
        if organisation_key is not None:
            entries = (e for e in entries if e.organisation_key == organisation_key)
        return [copied(e) for e in entries]

    def get_audit(self, case_number: str, audit_id: int) -> AuditEntry | None:
        found = (e for e in self._state.audit if e.case_number == case_number and e.id == audit_id)
        return next((copied(e) for e in found), None)

    # -- requests for anstånd --------------------------------------------------------------------------
    def add_extension_request(self, request: ExtensionRequest) -> ExtensionRequest:
        self._require_writable()
        stored = replace(copied(request), id=self._state.next_id())
        self._state.requests[id_of(stored.id)] = stored
        return copied(stored)

    def get_extension_request(self, request_id: int) -> ExtensionRequest | None:
        found = self._state.requests.get(request_id)
        return copied(found) if found is not None else None

    def save_extension_request(self, request: ExtensionRequest) -> None:
        self._require_writable()
        if request.id not in self._state.requests:
            raise ValueError(f"no extension request with id {request.id!r}")
        self._state.requests[request.id] = copied(request)

    def extension_requests(self, case_number: str, organisation_key: str | None = None) -> list[ExtensionRequest]:
        return [
            copied(r)
            for _, r in sorted(self._state.requests.items())
            if r.case_number == case_number and (organisation_key is None or r.organisation_key == organisation_key)
        ]

    # -- registrations -------------------------------------------------------------------------------
    def add_registration(self, registration: Registration) -> Registration:
        self._require_writable()
        if registration.item in self._state.registrations:
            raise ValueError(f"{registration.item} is registered already")
        stored = replace(registration, id=self._state.next_id())
        self._state.registrations[registration.item] = stored
        return stored

    def registrations(self, case_number: str) -> list[Registration]:
        found = (r for r in self._state.registrations.values() if r.item.case_number == case_number)
        return sorted(found, key=lambda r: r.id or 0)

    # -- helpers -------------------------------------------------------------------------------------
    def _out(self, recipient: Recipient) -> Recipient:
        # The remiss's deadline is the remiss's (as the SQL store reads it), not a copy that could go stale.
        deadline = self._state.remisses[recipient.case_number].deadline
        return copied(replace(recipient, remiss_deadline=deadline))

    # -- lean reads ------------------------------------------------------------------------------------
    def get_assignment(self, case_number: str, organisation_key: str) -> Assignment | None:
        remiss = self.get_remiss(case_number, shared=True)
        recipient = self.get_recipient(case_number, organisation_key) if remiss is not None else None
        return Assignment(remiss, recipient) if remiss is not None and recipient is not None else None

    def statistics_history(
        self,
        statuses: Collection[RemissStatus],
        *,
        organisation_keys: Collection[str] | None = None,
        excluding: str | None = None,
    ) -> list[RecipientHistory]:
        keys = set(organisation_keys) if organisation_keys is not None else None
        asked: dict[tuple[str, str], int] = {}
        for request in self._state.requests.values():
            key = (request.case_number, request.organisation_key)
            asked[key] = asked.get(key, 0) + 1
        found: list[RecipientHistory] = []
        for recipient in self._state.recipients.values():
            remiss = self._state.remisses[recipient.case_number]
            if remiss.status not in statuses or remiss.sent_at is None or remiss.case_number == excluding:
                continue
            if keys is not None and recipient.organisation_key not in keys:
                continue
            found.append(
                RecipientHistory(
                    case_number=remiss.case_number,
                    organisation_key=recipient.organisation_key,
                    sender_key=remiss.sender_key,
                    status=remiss.status,
                    sent_at=remiss.sent_at,
                    remiss_deadline=remiss.deadline,
                    extended_to=tuple(e.new_deadline for e in recipient.extensions),
                    versions=tuple(VersionFact(r.version, r.kind, r.submitted_at) for r in recipient.responses),
                    withdrawn_version=recipient.withdrawn_version,
                    extension_requests=asked.get((remiss.case_number, recipient.organisation_key), 0),
                )
            )
        return found
