"""The use cases: one method per thing a coordinator, an official or the clock can do."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.clock import STOCKHOLM, Clock, local_date
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.organisation import Directory, Organisation, is_email, is_slack_user_id
from bot.domain.remiss import (
    AuditAction,
    AuditEntry,
    DocumentLink,
    QuestionKind,
    Recipient,
    RecipientStatus,
    Remiss,
    RemissStatus,
    ResponseContent,
    ResponseKind,
    audit,
)
from bot.ports import Repository, Store, UserDirectory

OPEN_STATUSES = (RemissStatus.SENT,)

# A domain transition applied to a loaded recipient; returns what goes into the audit trail.
_Change = Callable[[Recipient, Remiss, datetime], AuditEntry | None]


@dataclass(frozen=True)
class Actor:
    """Who is acting: a Slack user, and whether they are a coordinator at stadskontoret."""

    user_id: str
    is_coordinator: bool = False


@dataclass(frozen=True)
class RemissInput:
    """What the create form (or the importer) gives for a new remiss."""

    case_number: str
    title: str
    questions: Sequence[tuple[str, QuestionKind]]
    deadline: date
    recipient_keys: Sequence[str]
    description: str = ""
    contact: str = ""
    documents: Sequence[DocumentLink] = ()


@dataclass(frozen=True)
class RecipientRow:
    """One line of the status table."""

    organisation: Organisation
    recipient: Recipient
    status: RecipientStatus
    response_kind: ResponseKind | None


@dataclass(frozen=True)
class RemissOverview:
    """A remiss with its recipients' derived status, in directory order, and the counts per status."""

    remiss: Remiss
    rows: list[RecipientRow]
    counts: Counter[RecipientStatus] = field(default_factory=Counter)

    @property
    def answered(self) -> int:
        return self.counts[RecipientStatus.SUBMITTED]

    @property
    def declined(self) -> int:
        return self.counts[RecipientStatus.DECLINED]


@dataclass(frozen=True)
class AssignmentRow:
    """A recipient the user answers for ("Att besvara"), with its derived status and days left."""

    remiss: Remiss
    recipient: Recipient
    organisation: Organisation
    status: RecipientStatus
    days_left: int


@dataclass(frozen=True)
class SendReport:
    """What sending did: who will get the remiss, and who could not be reached (no usable contact)."""

    remiss: Remiss
    reachable: list[Recipient]
    unreachable: list[Organisation]


class RemissService:
    """The core of remissbot; it knows storage, Slack and templates only through ports."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        *,
        users: UserDirectory | None = None,
        coordinators: Iterable[str] = (),
        sender_key: str = "stadskontoret",
        tz: ZoneInfo = STOCKHOLM,
    ) -> None:
        self.store = store
        self.clock = clock
        self.users = users
        self.coordinators = frozenset(coordinators)
        self.sender_key = sender_key
        self.tz = tz

    # -- time and identity -----------------------------------------------------------------------------
    def now(self) -> datetime:
        return self.clock.now()

    def today(self) -> date:
        """The local (Stockholm) date, which deadlines are counted in."""
        return local_date(self.clock.now(), self.tz)

    def actor(self, user_id: str) -> Actor:
        """The acting user with their role as configured."""
        return Actor(user_id=user_id, is_coordinator=user_id in self.coordinators)

    def _require_coordinator(self, actor: Actor) -> None:
        if not actor.is_coordinator:
            raise DomainError(ErrorCode.NOT_COORDINATOR)

    # -- the organisation directory --------------------------------------------------------------------
    def directory(self) -> Directory:
        with self.store.read() as repo:
            return repo.load_directory()

    def replace_directory(self, directory: Directory) -> None:
        """Make the stored directory exactly this one, all or nothing."""
        with self.store.transaction() as repo:
            repo.replace_directory(directory)

    def seed_directory(self, directory: Directory) -> bool:
        """Store the shipped directory if none is stored yet; True if it did."""
        with self.store.transaction() as repo:
            if len(repo.load_directory()) > 0:
                return False
            repo.replace_directory(directory)
            return True

    # -- Slack deliveries ------------------------------------------------------------------------------
    def claim_delivery(self, event_id: str) -> bool:
        """True the first time Slack delivers this event; a retry of a handled event gets False."""
        with self.store.transaction() as repo:
            return repo.claim_delivery(event_id, self.now())

    def prune_deliveries(self, older_than: timedelta = timedelta(days=7)) -> int:
        """Forget old Slack deliveries; Slack retries an event within minutes, so a week is plenty."""
        with self.store.transaction() as repo:
            return repo.prune_deliveries(self.now() - older_than)

    # -- the coordinator's round -----------------------------------------------------------------------
    def create_draft(self, actor: Actor, data: RemissInput) -> Remiss:
        """Save a new remiss as a draft; recipients may still be missing (sending requires them)."""
        self._require_coordinator(actor)
        now = self.now()
        with self.store.transaction() as repo:
            directory = repo.load_directory()
            keys = _unique(data.recipient_keys)
            for key in keys:
                directory.require(key)
            remiss = Remiss.draft(
                case_number=data.case_number,
                title=data.title,
                description=data.description,
                sender_key=self.sender_key,
                coordinators=(actor.user_id,),
                contact=data.contact,
                questions=list(data.questions),
                deadline=data.deadline,
                created_by=actor.user_id,
                created_at=now,
                today=self.today(),
                documents=tuple(data.documents),
            )
            remiss = repo.add_remiss(remiss)
            for key in directory.sorted_keys(keys):
                repo.add_recipient(Recipient(remiss.case_number, key, (), remiss.deadline))
            repo.append_audit(audit(remiss.case_number, AuditAction.CREATED, actor.user_id, now, recipients=len(keys)))
            return remiss

    def send(self, actor: Actor, case_number: str) -> SendReport:
        """Mark the remiss sent and fix each recipient's responsible officials from the directory."""
        self._require_coordinator(actor)
        directory = self.directory()
        with self.store.read() as repo:
            remiss = self._require_remiss(repo, case_number)
            recipients = repo.list_recipients(remiss.case_number)
        if not recipients:
            raise DomainError(ErrorCode.NO_RECIPIENTS, field="recipients")
        if remiss.deadline < self.today():
            raise DomainError(ErrorCode.DEADLINE_IN_PAST, field="deadline", deadline=remiss.deadline)
        # Resolving e-mail addresses may call Slack: done before the write transaction, never inside it.
        officials = {
            r.organisation_key: self._resolve(directory.require(r.organisation_key).contacts) for r in recipients
        }
        now = self.now()
        with self.store.transaction() as repo:
            remiss = self._require_remiss(repo, case_number)
            remiss.mark_sent(now)
            repo.save_remiss(remiss)
            reachable: list[Recipient] = []
            unreachable: list[Organisation] = []
            for recipient in repo.list_recipients(case_number):
                recipient.officials = officials.get(recipient.organisation_key, ())
                repo.save_recipient(recipient)
                if recipient.officials:
                    reachable.append(recipient)
                else:
                    unreachable.append(directory.require(recipient.organisation_key))
            repo.append_audit(audit(case_number, AuditAction.SENT, actor.user_id, now, reachable=len(reachable)))
            return SendReport(remiss, reachable, unreachable)

    def _resolve(self, refs: Iterable[str]) -> tuple[str, ...]:
        """Slack user ids for directory contacts; e-mail addresses are looked up (cached) or skipped."""
        ids: list[str] = []
        for ref in refs:
            user_id = ref if is_slack_user_id(ref) else self._lookup_email(ref) if is_email(ref) else None
            if user_id and user_id not in ids:
                ids.append(user_id)
        return tuple(ids)

    def _lookup_email(self, email: str) -> str | None:
        with self.store.read() as repo:
            cached = repo.cached_user_id(email)
        if cached or self.users is None:
            return cached
        user_id = self.users.lookup_by_email(email)
        if user_id:
            with self.store.transaction() as repo:
                repo.cache_user_id(email, user_id, self.now())
        return user_id

    # -- the official's answer -------------------------------------------------------------------------
    def record_opened(self, actor: Actor, case_number: str, organisation_key: str) -> None:
        self._act(actor, case_number, organisation_key, lambda r, rem, now: r.open(rem, actor.user_id, now))

    def save_draft(self, actor: Actor, case_number: str, organisation_key: str, content: ResponseContent) -> None:
        self._act(
            actor,
            case_number,
            organisation_key,
            lambda r, rem, now: r.save_draft(rem, content, actor.user_id, now),
        )

    def submit(self, actor: Actor, case_number: str, organisation_key: str, content: ResponseContent) -> Recipient:
        """Submit (or edit) the recipient's response; every version is kept."""
        today = self.today()
        return self._act(
            actor,
            case_number,
            organisation_key,
            lambda r, rem, now: r.submit(rem, content, actor.user_id, now, today),
        )

    def decline(self, actor: Actor, case_number: str, organisation_key: str, reason: str = "") -> Recipient:
        return self._act(
            actor,
            case_number,
            organisation_key,
            lambda r, rem, now: r.decline(rem, reason, actor.user_id, now),
        )

    def withdraw(self, actor: Actor, case_number: str, organisation_key: str) -> Recipient:
        today = self.today()
        return self._act(
            actor,
            case_number,
            organisation_key,
            lambda r, rem, now: r.withdraw(rem, actor.user_id, now, today),
        )

    def hand_over(
        self, actor: Actor, case_number: str, organisation_key: str, to_user: str, note: str = ""
    ) -> Recipient:
        """Give the recipient's work to a colleague; the previous officials stay in the audit trail."""
        return self._act(
            actor,
            case_number,
            organisation_key,
            lambda r, rem, now: r.hand_over(rem, to_user, actor.user_id, now, note),
        )

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
        )

    def _act(
        self,
        actor: Actor,
        case_number: str,
        organisation_key: str,
        change: _Change,
        *,
        as_coordinator: bool = False,
    ) -> Recipient:
        """Load, check who may act, apply one domain transition, save it and its audit entry, atomically."""
        now = self.now()
        with self.store.transaction() as repo:
            remiss = self._require_remiss(repo, case_number)
            directory = repo.load_directory()
            organisation = directory.require(organisation_key)
            recipient = repo.get_recipient(remiss.case_number, organisation_key)
            if recipient is None:
                raise DomainError(
                    ErrorCode.NOT_A_RECIPIENT, case_number=remiss.case_number, organisation=organisation.name
                )
            stand_ins = tuple(s for s in organisation.stand_ins if is_slack_user_id(s))
            if not as_coordinator and not recipient.may_act(actor.user_id, stand_ins):
                raise DomainError(ErrorCode.NOT_RECIPIENT_OFFICIAL, organisation=organisation.name)
            entry = change(recipient, remiss, now)
            repo.save_recipient(recipient)
            if entry is not None:
                repo.append_audit(entry)
            return recipient

    # -- status ----------------------------------------------------------------------------------------
    def overview(self, case_number: str) -> RemissOverview:
        with self.store.read() as repo:
            remiss = self._require_remiss(repo, case_number)
            return self._overview(repo, remiss, repo.load_directory())

    def open_remisses(self) -> list[RemissOverview]:
        """Every sent, open remiss with its status table, newest deadline last."""
        with self.store.read() as repo:
            directory = repo.load_directory()
            remisses = sorted(repo.list_remisses(OPEN_STATUSES), key=lambda r: (r.deadline, r.case_number))
            return [self._overview(repo, remiss, directory) for remiss in remisses]

    def assignments(self, actor: Actor) -> list[AssignmentRow]:
        """Open remisses the user answers for, soonest deadline first."""
        today = self.today()
        with self.store.read() as repo:
            directory = repo.load_directory()
            found = repo.assignments_for([actor.user_id], OPEN_STATUSES)
        rows = [
            AssignmentRow(
                remiss=a.remiss,
                recipient=a.recipient,
                organisation=directory.require(a.recipient.organisation_key),
                status=a.recipient.status(today),
                days_left=(a.recipient.deadline - today).days,
            )
            for a in found
        ]
        return sorted(rows, key=lambda r: (r.recipient.deadline, r.remiss.case_number))

    def audit_trail(self, case_number: str) -> list[AuditEntry]:
        with self.store.read() as repo:
            return repo.list_audit(self._require_remiss(repo, case_number).case_number)

    def _overview(self, repo: Repository, remiss: Remiss, directory: Directory) -> RemissOverview:
        today = self.today()
        rows: list[RecipientRow] = []
        for recipient in sorted(
            repo.list_recipients(remiss.case_number), key=lambda r: directory.position(r.organisation_key)
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

    @staticmethod
    def _require_remiss(repo: Repository, case_number: str) -> Remiss:
        remiss = repo.get_remiss(" ".join(case_number.split()))
        if remiss is None:
            raise DomainError(ErrorCode.UNKNOWN_REMISS, case_number=case_number)
        return remiss


def _unique(keys: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for key in keys:
        if key not in seen:
            seen.append(key)
    return seen
