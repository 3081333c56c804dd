"""Read models: the status of a remiss, the open remisses, what a user has to answer, the audit trail."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, date, datetime

from bot.core.domain.audit import AuditEntry
from bot.core.domain.drafts import missing_for_sending
from bot.core.domain.offices import coordinates
from bot.core.domain.organisation import Directory
from bot.core.domain.outbox import DeliveryState
from bot.core.domain.people import stands_in_for
from bot.core.domain.recipient import Recipient
from bot.core.domain.remiss import Remiss, RemissStatus
from bot.core.domain.statistics import COUNTED_STATUSES, Period, answer_statistics
from bot.core.ports.store import Transaction
from bot.core.usecases.base import OPEN_STATUSES, UseCase
from bot.core.usecases.results import (
    Actor,
    AssignmentRow,
    AuditTrail,
    CaseRecord,
    DraftRow,
    Gauges,
    RecipientRow,
    RemissOverview,
    StatisticsReport,
)

# The outbox's states monitoring counts: what waits or went wrong (the sent ones only grow, and cost to count).
UNSENT = (DeliveryState.PENDING, DeliveryState.SENDING, DeliveryState.UNREACHABLE, DeliveryState.FAILED)
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
            recipients = repo.remisses.list_recipients(remiss.case_number)
            return overview_of(remiss, recipients, repo.directory.load_directory(), self.today())

    def coordinated(self, actor: Actor, case_number: str) -> Remiss:
        """The remiss, if `actor` coordinates it (its office's coordinator, or a global one); else the refusal.
        What a listener asks before it opens a coordinator's form or view on one remiss."""
        with self.store.read() as repo:
            remiss = self._require_remiss(repo, case_number)
            self._require_coordinator(actor, remiss, repo)
            return remiss

    def open_remisses(self, actor: Actor | None = None) -> list[RemissOverview]:
        """Every sent, open remiss with its status table, newest deadline last; given a coordinator scoped to
        some offices, only those offices' remisses."""
        today = self.today()
        offices = _offices_shown(actor)
        with self.store.read() as repo:
            directory = repo.directory.load_directory()
            remisses = sorted(
                (r for r in repo.remisses.list_remisses(OPEN_STATUSES) if coordinates(offices, r.sender_key)),
                key=lambda r: (r.deadline, r.case_number),
            )
            # Every open remiss's recipients in one read (four queries), not four queries per remiss.
            recipients = repo.remisses.recipients_by_remiss([r.case_number for r in remisses])
            return [overview_of(r, recipients.get(r.case_number, []), directory, today) for r in remisses]

    def gauges(self) -> Gauges:
        """The outbox by state, how long its longest-waiting due message has waited, and the open remisses:
        read together, for monitoring (each scrape of /metrics)."""
        now = self.now()
        with self.store.read() as repo:
            outbox = repo.outbox.count_by_state(UNSENT)
            message_due = repo.outbox.oldest_due(now)
            reminder_due = repo.reminders.oldest_due_reminder(now)
            open_remisses = len(repo.remisses.list_remisses(OPEN_STATUSES))
        return Gauges(outbox, _waited(now, message_due), _waited(now, reminder_due), open_remisses)

    def drafts(self, actor: Actor | None = None) -> list[DraftRow]:
        """Every draft not yet sent, wherever it was saved (Slack, `remissbot import --save`), newest first; given
        a coordinator scoped to some offices, only those offices' drafts."""
        offices = _offices_shown(actor)
        with self.store.read() as repo:
            directory = repo.directory.load_directory()
            rows: list[DraftRow] = []
            for remiss in repo.remisses.list_remisses((RemissStatus.DRAFT,)):
                if not coordinates(offices, remiss.sender_key):
                    continue
                keys = [r.organisation_key for r in repo.remisses.list_recipients(remiss.case_number)]
                organisations = [directory.require(key) for key in directory.sorted_keys(keys)]
                rows.append(DraftRow(remiss, organisations, missing_for_sending(remiss, len(keys))))
        return sorted(rows, key=lambda row: (row.remiss.created_at, row.remiss.case_number), reverse=True)

    def closed_remisses(self, actor: Actor | None = None, limit: int = CLOSED_SHOWN) -> list[Remiss]:
        """The remisses closed last, most recent first (App Home, digest and status show them as avslutade); given
        a coordinator scoped to some offices, only those offices' remisses."""
        offices = _offices_shown(actor)
        with self.store.read() as repo:
            closed = [
                r for r in repo.remisses.list_remisses((RemissStatus.CLOSED,)) if coordinates(offices, r.sender_key)
            ]
        return sorted(closed, key=lambda r: (r.closed_at is None, r.closed_at), reverse=True)[:limit]

    def assignments(self, actor: Actor) -> list[AssignmentRow]:
        """Open remisses the user answers for, soonest deadline first."""
        today = self.today()
        with self.store.read() as repo:
            directory = repo.directory.load_directory()
            stand_ins = {o.key: self.shared.stand_ins_in(repo, o) for o in directory if o.stand_ins}
            found = [(a.remiss, a.recipient) for a in repo.remisses.assignments_for([actor.user_id], OPEN_STATUSES)]
            found += _standing_in(repo, [key for key, ids in stand_ins.items() if actor.user_id in ids], found)
        rows = [
            AssignmentRow(
                remiss=remiss,
                recipient=recipient,
                organisation=directory.require(recipient.organisation_key),
                status=recipient.status(today),
                today=today,
                rules=self.config.answer_rules,
                stands_in_for=stands_in_for(
                    actor.user_id, recipient.officials, stand_ins.get(recipient.organisation_key, ())
                ),
            )
            for remiss, recipient in found
        ]
        return sorted(rows, key=lambda r: (r.recipient.deadline, r.remiss.case_number))

    def audit_trail(self, case_number: str) -> list[AuditEntry]:
        with self.store.read() as repo:
            return repo.remisses.list_audit(self._require_remiss(repo, case_number).case_number)

    def audit_record(self, case_number: str) -> AuditTrail:
        """The audit trail with the remiss and the directory, read together: what `remissbot audit` and the
        archive package show (the operator and the archive are trusted; Historik in Slack asks `history`)."""
        with self.store.read() as repo:
            remiss = self._require_remiss(repo, case_number)
            return AuditTrail(remiss, repo.remisses.list_audit(remiss.case_number), repo.directory.load_directory())

    def history(self, actor: Actor, case_number: str) -> AuditTrail:
        """Historik: the audit trail for a coordinator of the remiss to read in Slack; anyone else is refused."""
        self._require_coordinator(actor)
        with self.store.read() as repo:
            self._require_coordinator(actor, self._require_remiss(repo, case_number), repo)
        return self.audit_record(case_number)

    def answer_statistics(self, actor: Actor | None, period: Period | None = None) -> StatisticsReport:
        """Each organisation's answer history over the remisses sent in `period`, in one read: for a coordinator
        (a scoped one sees their offices' remisses), or for the command line (`actor` None, every office)."""
        if actor is not None:
            self._require_coordinator(actor)
        offices = _offices_shown(actor)
        today = self.today()
        with self.store.read() as repo:
            directory = repo.directory.load_directory()
            histories = repo.remisses.statistics_history(COUNTED_STATUSES)
        counted = [h for h in histories if coordinates(offices, h.sender_key)]
        result = answer_statistics(
            counted,
            calendar=self.config.calendar,
            tz=self.config.tz,
            today=today,
            period=period,
            order=[o.key for o in directory],
        )
        return StatisticsReport(result, directory, today)


def shown_to(actor: Actor | None, remiss: Remiss) -> bool:
    """Whether the lists `actor` asks for show `remiss` (see `_offices_shown`)."""
    return coordinates(_offices_shown(actor), remiss.sender_key)


def _offices_shown(actor: Actor | None) -> frozenset[str]:
    """The offices whose remisses a list shows `actor`: a scoped coordinator's own; empty (every office) for a
    global coordinator, and for a list not asked by a coordinator (the command line, a shared channel)."""
    return frozenset(actor.offices) if actor is not None and actor.is_coordinator else frozenset()


def overview_of(remiss: Remiss, recipients: Iterable[Recipient], directory: Directory, today: date) -> RemissOverview:
    """The remiss's status table as of `today` from its recipients, in directory order."""
    rows: list[RecipientRow] = []
    for recipient in sorted(recipients, key=lambda r: directory.position(r.organisation_key)):
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


def _waited(now: datetime, since: datetime | None) -> float:
    """Seconds from `since` to `now`; 0 without a `since`."""
    if since is None:
        return 0.0
    if since.tzinfo is None:  # a database that keeps UTC without its zone
        since = since.replace(tzinfo=UTC)
    return max(0.0, (now - since).total_seconds())


def _standing_in(
    repo: Transaction, keys: list[str], known: list[tuple[Remiss, Recipient]]
) -> list[tuple[Remiss, Recipient]]:
    """The open remisses' recipients for the organisations `keys` (those a user stands in for), but the known."""
    if not keys:
        return []
    seen = {(remiss.case_number, recipient.organisation_key) for remiss, recipient in known}
    found: list[tuple[Remiss, Recipient]] = []
    for remiss in repo.remisses.list_remisses(OPEN_STATUSES):
        for key in keys:
            recipient = repo.remisses.get_recipient(remiss.case_number, key)
            if recipient is not None and (remiss.case_number, key) not in seen:
                found.append((remiss, recipient))
    return found
