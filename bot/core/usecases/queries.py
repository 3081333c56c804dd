"""Read models: the status of a remiss, the open remisses, what a user has to answer, the audit trail."""

from __future__ import annotations

from collections import Counter
from datetime import date

from bot.core.domain.audit import AuditEntry
from bot.core.domain.organisation import Directory
from bot.core.domain.remiss import Remiss, RemissStatus
from bot.core.ports.store import Transaction
from bot.core.usecases.base import OPEN_STATUSES, UseCase
from bot.core.usecases.results import Actor, AssignmentRow, CaseRecord, RecipientRow, RemissOverview

# How many closed remisses the lists show (the most recently closed).
CLOSED_SHOWN = 10


class QueryUseCases(UseCase):
    """What coordinators and officials look at; nothing here writes."""

    def case_record(self, case_number: str) -> CaseRecord:
        """The remiss with every recipient (each with all its versions) and the directory, read together:
        what the summary and the registry's export are made from."""
        with self.store.read() as repo:
            remiss = self._require_remiss(repo, case_number)
            return CaseRecord(
                remiss, repo.remisses.list_recipients(remiss.case_number), repo.directory.load_directory()
            )

    def overview(self, case_number: str) -> RemissOverview:
        with self.store.read() as repo:
            remiss = self._require_remiss(repo, case_number)
            return overview_of(repo, remiss, repo.directory.load_directory(), self.today())

    def open_remisses(self) -> list[RemissOverview]:
        """Every sent, open remiss with its status table, newest deadline last."""
        today = self.today()
        with self.store.read() as repo:
            directory = repo.directory.load_directory()
            remisses = sorted(repo.remisses.list_remisses(OPEN_STATUSES), key=lambda r: (r.deadline, r.case_number))
            return [overview_of(repo, remiss, directory, today) for remiss in remisses]

    def closed_remisses(self, limit: int = CLOSED_SHOWN) -> list[Remiss]:
        """The remisses closed last, most recent first (App Home, digest and status show them as avslutade)."""
        with self.store.read() as repo:
            closed = repo.remisses.list_remisses((RemissStatus.CLOSED,))
        return sorted(closed, key=lambda r: (r.closed_at is None, r.closed_at), reverse=True)[:limit]

    def assignments(self, actor: Actor) -> list[AssignmentRow]:
        """Open remisses the user answers for, soonest deadline first."""
        today = self.today()
        with self.store.read() as repo:
            directory = repo.directory.load_directory()
            found = repo.remisses.assignments_for([actor.user_id], OPEN_STATUSES)
        rows = [
            AssignmentRow(
                remiss=a.remiss,
                recipient=a.recipient,
                organisation=directory.require(a.recipient.organisation_key),
                status=a.recipient.status(today),
                today=today,
                rules=self.config.answer_rules,
            )
            for a in found
        ]
        return sorted(rows, key=lambda r: (r.recipient.deadline, r.remiss.case_number))

    def audit_trail(self, case_number: str) -> list[AuditEntry]:
        with self.store.read() as repo:
            return repo.remisses.list_audit(self._require_remiss(repo, case_number).case_number)


def overview_of(repo: Transaction, remiss: Remiss, directory: Directory, today: date) -> RemissOverview:
    """The remiss's status table as of `today`, recipients in directory order."""
    rows: list[RecipientRow] = []
    for recipient in sorted(
        repo.remisses.list_recipients(remiss.case_number), key=lambda r: directory.position(r.organisation_key)
    ):
        current = recipient.current_response
        rows.append(
            RecipientRow(
                organisation=directory.require(recipient.organisation_key),
                recipient=recipient,
                status=recipient.status(today),
                response_kind=current.kind if current else None,
            )
        )
    return RemissOverview(remiss, rows, Counter(row.status for row in rows))
