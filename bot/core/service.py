"""The use cases: one method per thing a coordinator, an official or the clock can do."""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from datetime import time as dt_time
from zoneinfo import ZoneInfo

from bot.core.clock import STOCKHOLM, Clock, local_date
from bot.core.domain.calendar import (
    SHORT_WINDOW_WORKING_DAYS,
    WeekendCalendar,
    WindowReport,
    WorkingCalendar,
    analyse_window,
    local_time_on,
    next_office_time,
    working_days_between,
)
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.extension import ExtensionRequest, RequestState
from bot.core.domain.organisation import Directory, Organisation, is_email, is_slack_user_id
from bot.core.domain.outbox import (
    MAX_ATTEMPTS,
    DeliveryState,
    MessageKind,
    OutboxMessage,
    StatusBoard,
    backoff,
    remiss_delivery_key,
)
from bot.core.domain.reminders import (
    CANCELLED_SNOOZED,
    Decision,
    MeetingAdvice,
    PlannedReminder,
    PolicyError,
    ReminderKind,
    ReminderPolicy,
    ReminderState,
    ScheduledReminder,
    missing_for,
    plan_reminders,
    policy_with,
    should_send,
    snooze_day,
)
from bot.core.domain.remiss import (
    Answer,
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
from bot.core.ports.store import Store, StoreUnavailable, Transaction
from bot.core.ports.users import UserDirectory

OPEN_STATUSES = (RemissStatus.SENT,)
# What the coordinator sees as a line in the status message's thread; every change refreshes the message.
THREAD_ACTIONS = frozenset(
    {
        AuditAction.SENT,
        AuditAction.SUBMITTED,
        AuditAction.EDITED,
        AuditAction.DECLINED,
        AuditAction.WITHDRAWN,
        AuditAction.HANDED_OVER,
        AuditAction.EXTENDED,
        AuditAction.UNREACHABLE,
        AuditAction.CLOSED,
        AuditAction.DEADLINE_CHANGED,
        AuditAction.EXTENSION_REFUSED,
    }
)
# Reminders claimed per transaction by the periodic job; it loops until fewer are due.
REMINDER_BATCH = 200
# Reminders an official may snooze away; the deadline's morning, overdue and escalation always come.
SNOOZABLE = frozenset(
    {ReminderKind.NUDGE_UNOPENED, ReminderKind.BEFORE_DEADLINE, ReminderKind.BEFORE_SUBMISSION, ReminderKind.SNOOZED}
)
DEFAULT_DIGEST_TIME = dt_time(8, 30)
GROUP_CACHE_SECONDS = 300
DIRECTORY_CACHE_SECONDS = 60
log = logging.getLogger(__name__)
# How long a sender may hold a claimed message before another process may take it over.
SEND_LEASE = timedelta(seconds=60)

# A domain transition applied to a loaded recipient; returns what goes into the audit trail.
_Change = Callable[[Recipient, Remiss, datetime], AuditEntry | None]
# What a transition causes beyond itself (messages), inside the same transaction:
# (repo, remiss, recipient after the change, its officials before it, the stored audit entry).
_Then = Callable[[Transaction, Remiss, Recipient, tuple[str, ...], AuditEntry], None]


class _AlreadyHandled(Exception):
    """An earlier delivery of this Slack event did its work; this one changes nothing."""


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
    today: date

    @property
    def days_left(self) -> int:
        """Days until the recipient's own deadline (0 on the day, negative after it)."""
        return (self.recipient.deadline - self.today).days


@dataclass(frozen=True)
class Delivery:
    """What the sender needs to render one outbox message, read fresh when it is sent."""

    message: OutboxMessage
    remiss: Remiss
    sender_name: str
    today: date
    organisation: Organisation | None = None
    recipient: Recipient | None = None
    event: AuditEntry | None = None
    status: StatusBoard | None = None
    recipients_answered: bool = False
    reminder: ReminderDelivery | None = None
    request: ExtensionRequest | None = None
    digest: list[RemissOverview] = field(default_factory=list)


@dataclass(frozen=True)
class SendReport:
    """What sending did: who will get the remiss, who could not be reached (no usable contact), and what
    the coordinator should know about the answering window (short, over Christmas or summer)."""

    remiss: Remiss
    reachable: list[Recipient]
    unreachable: list[Organisation]
    window: WindowReport | None = None


@dataclass(frozen=True)
class ReminderTick:
    """What one run of the periodic reminder job did."""

    claimed: int = 0
    sent: int = 0
    skipped: int = 0
    digests: int = 0


@dataclass(frozen=True)
class ReminderDelivery:
    """What a reminder says, worked out when it is sent: the recipient as it is then."""

    kind: ReminderKind
    working_days_left: int
    deadline: date
    missing: list[int]
    meeting: MeetingAdvice | None
    late: list[RecipientRow] = field(default_factory=list)  # escalations: everyone late on this remiss


@dataclass(frozen=True)
class PlanRow:
    """One reminder of `remissbot reminders plan`: to which organisation, and what became of it."""

    organisation: Organisation
    scheduled: ScheduledReminder


class RemissService:
    """The core of remissbot; it knows storage, Slack and templates only through ports."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        *,
        users: UserDirectory | None = None,
        coordinators: Iterable[str] = (),
        coordinator_group: str | None = None,
        sender_key: str = "stadskontoret",
        tz: ZoneInfo = STOCKHOLM,
        status_channel: str | None = None,
        calendar: WorkingCalendar | None = None,
        reminder_policy: ReminderPolicy | None = None,
        short_window_days: int = SHORT_WINDOW_WORKING_DAYS,
        digest_at: dt_time = DEFAULT_DIGEST_TIME,
    ) -> None:
        self.store = store
        self.clock = clock
        self.users = users
        self.coordinators = frozenset(coordinators)
        self.coordinator_group = coordinator_group
        self._group_cache: tuple[float, frozenset[str]] = (float("-inf"), frozenset())
        self._group_lock = threading.Lock()
        self._directory_cache: tuple[float, Directory] | None = None
        self.sender_key = sender_key
        self.tz = tz
        self.status_channel = status_channel
        self.calendar: WorkingCalendar = calendar or WeekendCalendar()
        self.reminder_policy = reminder_policy or ReminderPolicy()
        self.short_window_days = short_window_days
        self.digest_at = digest_at
        self._digest_offered: date | None = None
        # Called after a commit that recorded messages, so a sender in this process starts at once.
        self.on_outbox: Callable[[], None] = lambda: None

    # -- time and identity -----------------------------------------------------------------------------
    def now(self) -> datetime:
        return self.clock.now()

    def today(self) -> date:
        """The local (Stockholm) date, which deadlines are counted in."""
        return local_date(self.clock.now(), self.tz)

    def actor(self, user_id: str) -> Actor:
        """The acting user, a coordinator if configured so by id or by membership of the coordinators' group."""
        return Actor(user_id=user_id, is_coordinator=user_id in self.coordinators or user_id in self._group())

    def _group(self) -> frozenset[str]:
        """The coordinators' user group, asked of Slack at most every five minutes (usergroups.* is Tier 2)."""
        if self.coordinator_group is None or self.users is None:
            return frozenset()
        with self._group_lock:
            fetched_at, members = self._group_cache
            if time.monotonic() - fetched_at > GROUP_CACHE_SECONDS:
                try:
                    members = self.users.group_members(self.coordinator_group)
                except Exception:  # Slack unreachable: keep the last known members rather than lock everyone out
                    log.warning("Could not read the coordinators' user group", exc_info=True)
                    return members
                self._group_cache = (time.monotonic(), members)
            return members

    def _require_coordinator(self, actor: Actor) -> None:
        if not actor.is_coordinator:
            raise DomainError(ErrorCode.NOT_COORDINATOR)

    # -- the organisation directory --------------------------------------------------------------------
    def directory(self) -> Directory:
        with self.store.read() as repo:
            return repo.directory.load_directory()

    def replace_directory(self, directory: Directory) -> None:
        """Make the stored directory exactly this one, all or nothing."""
        with self.store.transaction() as repo:
            repo.directory.replace_directory(directory)
        self._directory_cache = None

    def sender_name(self, remiss: Remiss) -> str:
        """The sending organisation's name, as messages show it."""
        with self.store.read() as repo:
            return self._cached_directory(repo).require(remiss.sender_key).name

    def _cached_directory(self, repo: Transaction) -> Directory:
        """The directory for rendering messages, read at most once a minute: sending 500 DMs shouldn't read
        it 500 times. This process's own changes show at once, other replicas' within DIRECTORY_CACHE_SECONDS."""
        cached = self._directory_cache
        if cached is not None and time.monotonic() - cached[0] < DIRECTORY_CACHE_SECONDS:
            return cached[1]
        directory = repo.directory.load_directory()
        self._directory_cache = (time.monotonic(), directory)
        return directory

    def seed_directory(self, directory: Directory) -> bool:
        """Store the shipped directory if none is stored yet; True if it did."""
        with self.store.transaction() as repo:
            if len(repo.directory.load_directory()) > 0:
                return False
            repo.directory.replace_directory(directory)
            return True

    def set_meetings(
        self, actor: Actor, organisation_key: str, meetings: Iterable[date], submission_lead_days: int | None
    ) -> Organisation:
        """Replace one organisation's meeting dates and lead time; its officials (contacts, stand-ins) or a
        coordinator may. Every other organisation in the stored directory stays as it is."""
        if not actor.is_coordinator:
            with self.store.read() as repo:
                organisation = repo.directory.load_directory().require(organisation_key)
            refs = (*organisation.contacts, *organisation.stand_ins)
            # E-mail contacts are resolved (the cache, else Slack) only when no Slack id matched, and before the
            # write transaction: resolving writes the cache in a transaction of its own.
            if actor.user_id not in refs and actor.user_id not in self._resolve(r for r in refs if is_email(r)):
                raise DomainError(ErrorCode.NOT_RECIPIENT_OFFICIAL, organisation=organisation.name)
        # The Transaction writes the directory only as a whole, so on PostgreSQL a directory change committed
        # between this load and the write below is undone; acceptable while such edits are rare and by hand.
        with self.store.transaction() as repo:
            directory = repo.directory.load_directory()
            changed = replace(
                directory.require(organisation_key), meetings=tuple(meetings), submission_lead_days=submission_lead_days
            )
            repo.directory.replace_directory(
                Directory(tuple(changed if o.key == changed.key else o for o in directory))
            )
            # Reminders to it name its last meeting before the deadline: plan them again with the new dates.
            updated = Directory(tuple(changed if o.key == changed.key else o for o in directory))
            for remiss in repo.remisses.list_remisses(OPEN_STATUSES):
                recipient = repo.remisses.get_recipient(remiss.case_number, organisation_key)
                if recipient is not None and recipient.officials:
                    self._schedule(repo, remiss, recipient, updated, self._policy(repo, remiss.case_number))
        self._directory_cache = None
        return changed

    def editable_organisations(self, actor: Actor) -> list[Organisation]:
        """The organisations whose meetings this user may edit: a coordinator all, an official their own."""
        directory = self.directory()
        if actor.is_coordinator:
            return [o for o in directory if o.active]
        mine: list[Organisation] = []
        for organisation in directory:
            refs = (*organisation.contacts, *organisation.stand_ins)
            if not organisation.active:
                continue
            if actor.user_id in refs or actor.user_id in self._resolve(r for r in refs if is_email(r)):
                mine.append(organisation)
        return mine

    # -- Slack deliveries ------------------------------------------------------------------------------
    # The rule for Slack's repeated deliveries: an event is marked handled together with its work, never before
    # it. Work that writes the database claims the event in the same transaction (merge_draft_answers), so
    # both commit or neither does; work only Slack sees (a reply posted) runs through once(). Slack delivers
    # an event again when it got no 200 in time, so a claim left without its work would drop that delivery.
    def claim_delivery(self, event_id: str) -> bool:
        """True the first time Slack delivers this event; a retry of a handled event gets False."""
        with self.store.transaction() as repo:
            return repo.edge.claim_delivery(event_id, self.now())

    def once(self, event_id: str | None, work: Callable[[], object]) -> bool:
        """Do an event's work that only Slack sees (posting a reply) once: False when an earlier delivery did.

        The event is claimed before the work and released when the work raises, so a later delivery does it.
        """
        if event_id is None:
            work()
            return True
        if not self.claim_delivery(event_id):
            return False
        try:
            work()
        except BaseException:
            try:
                with self.store.transaction() as repo:
                    repo.edge.release_delivery(event_id)
            except StoreUnavailable:
                log.warning("Could not release event %s after its work failed; a retry of it is dropped", event_id)
            raise
        return True

    def prune_deliveries(self, older_than: timedelta = timedelta(days=7)) -> int:
        """Forget old Slack deliveries; Slack retries an event within minutes, so a week is plenty."""
        with self.store.transaction() as repo:
            return repo.edge.prune_deliveries(self.now() - older_than)

    # -- forms between their steps -------------------------------------------------------------------------
    def keep_form(self, key: str, payload: str, ttl: timedelta = timedelta(hours=24)) -> None:
        """Keep a form that doesn't fit in Slack's private_metadata until its next step (any replica)."""
        with self.store.transaction() as repo:
            repo.edge.put_pending_form(key, payload, self.now() + ttl)

    def kept_form(self, key: str) -> str | None:
        with self.store.read() as repo:
            return repo.edge.get_pending_form(key, self.now())

    def drop_form(self, key: str) -> None:
        with self.store.transaction() as repo:
            repo.edge.delete_pending_form(key)

    def prune_forms(self) -> int:
        with self.store.transaction() as repo:
            return repo.edge.prune_pending_forms(self.now())

    # -- the coordinator's round -----------------------------------------------------------------------
    def create_draft(self, actor: Actor, data: RemissInput) -> Remiss:
        """Save a new remiss as a draft; recipients may still be missing (sending requires them)."""
        self._require_coordinator(actor)
        now = self.now()
        with self.store.transaction() as repo:
            checked, keys = self._checked_draft(
                repo, data, data.case_number, (actor.user_id,), created_by=actor.user_id, created_at=now
            )
            remiss = repo.remisses.add_remiss(checked)
            for key in keys:
                repo.remisses.add_recipient(Recipient(remiss.case_number, key, (), remiss.deadline))
            self._record(repo, remiss, audit(remiss.case_number, AuditAction.CREATED, actor.user_id, now))
            return remiss

    def update_draft(self, actor: Actor, case_number: str, data: RemissInput) -> Remiss:
        """Change a draft before it is sent (same checks as creating it); the case number stays."""
        self._require_coordinator(actor)
        with self.store.transaction() as repo:
            current = self._require_remiss(repo, case_number)
            if current.status is not RemissStatus.DRAFT:
                raise DomainError(ErrorCode.REMISS_NOT_DRAFT, case_number=current.case_number)
            checked, keys = self._checked_draft(
                repo,
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
        data: RemissInput,
        case_number: str,
        coordinators: tuple[str, ...],
        *,
        created_by: str,
        created_at: datetime,
    ) -> tuple[Remiss, list[str]]:
        """The remiss as the form describes it, validated whole, and its recipients' keys in directory order."""
        directory = repo.directory.load_directory()
        keys = _unique(data.recipient_keys)
        for key in keys:
            directory.require(key)
        remiss = Remiss.draft(
            case_number=case_number,
            title=data.title,
            description=data.description,
            sender_key=self.sender_key,
            coordinators=coordinators,
            contact=data.contact,
            questions=list(data.questions),
            deadline=data.deadline,
            created_by=created_by,
            created_at=created_at,
            today=self.today(),
            documents=tuple(data.documents),
        )
        return remiss, directory.sorted_keys(keys)

    def send(self, actor: Actor, case_number: str) -> SendReport:
        """Mark the remiss sent and fix each recipient's responsible officials from the directory."""
        self._require_coordinator(actor)
        directory = self.directory()
        with self.store.read() as repo:
            remiss = self._require_remiss(repo, case_number)
            recipients = repo.remisses.list_recipients(remiss.case_number)
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
            repo.remisses.save_remiss(remiss)
            reachable: list[Recipient] = []
            unreachable: list[Organisation] = []
            for recipient in repo.remisses.list_recipients(remiss.case_number):
                recipient.officials = officials.get(recipient.organisation_key, ())
                repo.remisses.save_recipient(recipient)
                if recipient.officials:
                    reachable.append(recipient)
                else:
                    unreachable.append(directory.require(recipient.organisation_key))
            sent = audit(remiss.case_number, AuditAction.SENT, actor.user_id, now, reachable=len(reachable))
            self._record(repo, remiss, sent)
            policy = self._policy(repo, remiss.case_number)
            plans: list[PlannedReminder] = []
            for recipient in reachable:
                for user_id in recipient.officials:
                    self._enqueue_remiss(repo, remiss, recipient.organisation_key, user_id, now)
                plans += [r for r in self._plan(repo, remiss, recipient, directory, policy) if r.due_at > now]
            # A draft has no reminders yet: all of them in one go, not a read and a write per recipient.
            repo.reminders.add_reminders(plans)
            for organisation in unreachable:
                lost = audit(
                    remiss.case_number,
                    AuditAction.UNREACHABLE,
                    actor.user_id,
                    now,
                    organisation.key,
                    reason="no_contact",
                )
                self._record(repo, remiss, lost)
        self.on_outbox()
        window = analyse_window(self.calendar, self.today(), remiss.deadline, self.short_window_days)
        return SendReport(remiss, reachable, unreachable, window)

    def window_report(self, deadline: date) -> WindowReport:
        """The answering window a remiss sent today with this deadline would have (the preview warns)."""
        return analyse_window(self.calendar, self.today(), deadline, self.short_window_days)

    # -- recording what happened, and what to tell whom -------------------------------------------------
    def _record(self, repo: Transaction, remiss: Remiss, entry: AuditEntry | None) -> AuditEntry | None:
        """Append to the audit trail; on a sent remiss also refresh its status message and, for the
        actions a coordinator follows, add a line to its thread."""
        if entry is None:
            return None
        stored = repo.remisses.append_audit(entry)
        if remiss.status is RemissStatus.DRAFT:
            return stored
        if stored.action in THREAD_ACTIONS and stored.id is not None:
            repo.outbox.enqueue(
                OutboxMessage(
                    key=f"event:{stored.id}",
                    kind=MessageKind.STATUS_EVENT,
                    case_number=remiss.case_number,
                    created_at=stored.at,
                    organisation_key=stored.organisation_key,
                    audit_id=stored.id,
                )
            )
        # Last: on PostgreSQL bumping the board locks its row until the commit, and every answer to this
        # remiss bumps it, so the lock is taken as late as possible (answers then queue only for the commit).
        repo.outbox.touch_status(remiss.case_number, self._status_channel(remiss))
        return stored

    def _enqueue_summary_ready(self, repo: Transaction, remiss: Remiss) -> None:
        repo.outbox.enqueue(
            OutboxMessage(
                key=f"summary-ready:{remiss.case_number}",
                kind=MessageKind.SUMMARY_READY,
                case_number=remiss.case_number,
                created_at=self.now(),
            )
        )

    def offer_due_summaries(self) -> int:
        """Each morning: refresh every open remiss's status message (who became overdue overnight), and the
        morning after the last deadline (extensions counted) offer its summary.

        Safe in every replica at once: the outbox key makes the offer exactly once.
        """
        today = self.today()
        offered = 0
        with self.store.transaction() as repo:
            for remiss in repo.remisses.list_remisses(OPEN_STATUSES):
                repo.outbox.touch_status(remiss.case_number, self._status_channel(remiss))
                recipients = repo.remisses.list_recipients(remiss.case_number)
                if recipients and max(r.deadline for r in recipients) < today:
                    self._enqueue_summary_ready(repo, remiss)
                    offered += 1
        self.on_outbox()
        return offered

    def _status_channel(self, remiss: Remiss) -> str:
        """The configured coordinators' channel, or else a DM with the coordinator who created the remiss."""
        return self.status_channel or remiss.coordinators[0]

    def _enqueue_remiss(
        self, repo: Transaction, remiss: Remiss, organisation_key: str, user_id: str, now: datetime
    ) -> None:
        earlier = [
            m
            for m in repo.outbox.messages_for(remiss.case_number, organisation_key)
            if m.kind is MessageKind.REMISS and m.to_user == user_id
        ]
        repo.outbox.enqueue(
            OutboxMessage(
                key=remiss_delivery_key(remiss.case_number, organisation_key, user_id, len(earlier) + 1),
                kind=MessageKind.REMISS,
                case_number=remiss.case_number,
                created_at=now,
                to_user=user_id,
                organisation_key=organisation_key,
            )
        )

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
            cached = repo.edge.cached_user_id(email)
        if cached or self.users is None:
            return cached
        user_id = self.users.lookup_by_email(email)
        if user_id:
            with self.store.transaction() as repo:
                repo.edge.cache_user_id(email, user_id, self.now())
        return user_id

    # -- the official's answer -------------------------------------------------------------------------
    def answer_context(self, actor: Actor, case_number: str, organisation_key: str) -> AssignmentRow:
        """The recipient an official is about to answer for (its draft and versions), checking they may."""
        today = self.today()
        with self.store.read() as repo:
            # One lean read at every click in the answer form; the refusals below say what is missing.
            found = repo.remisses.get_assignment(" ".join(case_number.split()), organisation_key)
            remiss = found.remiss if found is not None else self._require_remiss(repo, case_number)
            organisation = self._cached_directory(repo).require(organisation_key)
            if found is None:
                raise DomainError(
                    ErrorCode.NOT_A_RECIPIENT, case_number=remiss.case_number, organisation=organisation.name
                )
            recipient = found.recipient
            stand_ins = tuple(s for s in organisation.stand_ins if is_slack_user_id(s))
            if not recipient.may_act(actor.user_id, stand_ins):
                raise DomainError(ErrorCode.NOT_RECIPIENT_OFFICIAL, organisation=organisation.name)
        return AssignmentRow(remiss, recipient, organisation, recipient.status(today), today)

    def merge_draft_answers(
        self,
        actor: Actor,
        case_number: str,
        organisation_key: str,
        answers: dict[int, str],
        *,
        event_id: str | None = None,
    ) -> Recipient | None:
        """Answers written in chat ("Fråga 2: …") join the same draft the form edits; other answers stay.

        `event_id`, the Slack event that brought them, is marked handled in the same transaction; None (and
        nothing changed) when an earlier delivery of that event stored them already.
        """

        def merge(recipient: Recipient, remiss: Remiss, now: datetime) -> AuditEntry:
            base = recipient.draft.content if recipient.draft else ResponseContent(kind=ResponseKind.YTTRANDE)
            kept = [a for a in base.answers if a.question_number not in answers]
            added = [
                Answer(number, text, (base.answer_to(number) or Answer(number, "")).position)
                for number, text in answers.items()
            ]
            merged = replace(base, answers=tuple(sorted([*kept, *added], key=lambda a: a.question_number)))
            return recipient.save_draft(remiss, merged, actor.user_id, now)

        try:
            return self._act(actor, case_number, organisation_key, merge, event_id=event_id)
        except _AlreadyHandled:
            return None

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
            then=self._tell_about_hand_over,
        )

    def _tell_about_hand_over(
        self, repo: Transaction, remiss: Remiss, recipient: Recipient, previous: tuple[str, ...], entry: AuditEntry
    ) -> None:
        """The colleague gets the remiss; whoever had it is told who has it now."""
        for user_id in recipient.officials:
            self._enqueue_remiss(repo, remiss, recipient.organisation_key, user_id, entry.at)
        for user_id in previous:
            repo.outbox.enqueue(
                OutboxMessage(
                    key=f"handed-over:{entry.id}:{user_id}",
                    kind=MessageKind.HANDED_OVER,
                    case_number=remiss.case_number,
                    created_at=entry.at,
                    to_user=user_id,
                    organisation_key=recipient.organisation_key,
                    audit_id=entry.id,
                )
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
            then=self._replan,
        )

    def _replan(
        self, repo: Transaction, remiss: Remiss, recipient: Recipient, _previous: tuple[str, ...], entry: AuditEntry
    ) -> None:
        """A new deadline for this recipient: its reminders are planned again against it, and the remiss DMs
        its officials have show the new date."""
        self._schedule(repo, remiss, recipient, self._cached_directory(repo), self._policy(repo, remiss.case_number))
        self._refresh_remiss_dms(repo, remiss, recipient, entry)

    def _refresh_remiss_dms(self, repo: Transaction, remiss: Remiss, recipient: Recipient, entry: AuditEntry) -> None:
        """Edit the recipient's remiss DMs in place (deadline, days left): a silent edit, at any hour."""
        repo.outbox.enqueue(
            OutboxMessage(
                key=f"remiss-refresh:{entry.id}:{recipient.organisation_key}",
                kind=MessageKind.REMISS_REFRESH,
                case_number=remiss.case_number,
                created_at=entry.at,
                organisation_key=recipient.organisation_key,
                audit_id=entry.id,
            )
        )

    def remiss_dms(self, case_number: str, organisation_key: str) -> list[OutboxMessage]:
        """The remiss DMs sent to the recipient's current officials, where they are in Slack."""
        with self.store.read() as repo:
            recipient = repo.remisses.get_recipient(" ".join(case_number.split()), organisation_key)
            messages = repo.outbox.messages_for(" ".join(case_number.split()), organisation_key)
        officials = set(recipient.officials) if recipient is not None else set()
        return [
            m
            for m in messages
            if m.kind is MessageKind.REMISS
            and m.state is DeliveryState.SENT
            and m.to_user in officials
            and m.channel_id
            and m.ts
        ]

    def _act(
        self,
        actor: Actor,
        case_number: str,
        organisation_key: str,
        change: _Change,
        *,
        as_coordinator: bool = False,
        then: _Then | None = None,
        event_id: str | None = None,
    ) -> Recipient:
        """Load, check who may act, apply one domain transition, save it, its audit entry and the messages it
        causes, atomically; with the Slack event that asked for it marked handled (_AlreadyHandled if it was)."""
        now = self.now()
        with self.store.transaction() as repo:
            if event_id is not None and not repo.edge.claim_delivery(event_id, now):
                raise _AlreadyHandled(event_id)
            # One lean read of both (SQLite holds its write lock meanwhile); the refusals say what is missing.
            found = repo.remisses.get_assignment(" ".join(case_number.split()), organisation_key)
            remiss = found.remiss if found is not None else self._require_remiss(repo, case_number, shared=True)
            organisation = self._cached_directory(repo).require(organisation_key)
            if found is None:
                raise DomainError(
                    ErrorCode.NOT_A_RECIPIENT, case_number=remiss.case_number, organisation=organisation.name
                )
            recipient = found.recipient
            stand_ins = tuple(s for s in organisation.stand_ins if is_slack_user_id(s))
            if not as_coordinator and not recipient.may_act(actor.user_id, stand_ins):
                raise DomainError(ErrorCode.NOT_RECIPIENT_OFFICIAL, organisation=organisation.name)
            previous = recipient.officials
            entry = change(recipient, remiss, now)
            repo.remisses.save_recipient(recipient)
            stored = self._record(repo, remiss, entry)
            if then is not None and stored is not None:
                then(repo, remiss, recipient, previous, stored)
        # Whether this was the last answer is checked when its line in the status thread has been sent
        # (outgoing_sent), not here: that is after this commit and any other committing beside it, and it
        # keeps a transaction out of the official's click.
        self.on_outbox()
        return recipient

    # -- reminders -------------------------------------------------------------------------------------
    def _policy(self, repo: Transaction, case_number: str) -> ReminderPolicy:
        """The global policy with the remiss's own settings applied (settings that no longer fit are ignored)."""
        try:
            return policy_with(self.reminder_policy, repo.reminders.reminder_policy(case_number))
        except ValueError:
            log.warning("The reminder settings of %s can't be used; the global policy applies", case_number)
            return self.reminder_policy

    def set_reminder_policy(self, actor: Actor, case_number: str, overrides: dict[str, object] | None) -> None:
        """Give a remiss its own reminder settings (None: back to the global ones); replans its recipients."""
        self._require_coordinator(actor)
        try:
            policy = policy_with(self.reminder_policy, overrides)
        except PolicyError as error:
            raise DomainError(
                ErrorCode.INVALID_REMINDER_POLICY, problem=error.problem, setting=error.setting, value=error.value
            ) from None
        with self.store.transaction() as repo:
            remiss = self._require_remiss(repo, case_number)
            repo.reminders.set_reminder_policy(remiss.case_number, dict(overrides) if overrides else None)
            if remiss.status is RemissStatus.SENT:
                directory = self._cached_directory(repo)
                for recipient in repo.remisses.list_recipients(remiss.case_number):
                    self._schedule(repo, remiss, recipient, directory, policy)

    def reminder_policy_for(self, case_number: str) -> ReminderPolicy:
        with self.store.read() as repo:
            return self._policy(repo, self._require_remiss(repo, case_number).case_number)

    def _plan(
        self,
        repo: Transaction,
        remiss: Remiss,
        recipient: Recipient,
        directory: Directory,
        policy: ReminderPolicy,
        snoozed_to: Sequence[date] = (),
    ) -> list[PlannedReminder]:
        organisation = directory.get(recipient.organisation_key)
        sent_on = local_date(remiss.sent_at or self.now(), self.tz)
        return plan_reminders(
            remiss,
            recipient,
            sent_on=sent_on,
            policy=policy,
            calendar=self.calendar,
            tz=self.tz,
            meetings=organisation.meetings if organisation else (),
            submission_lead_days=organisation.submission_lead_days if organisation else None,
            snoozed_to=snoozed_to,
        )

    def _schedule(
        self,
        repo: Transaction,
        remiss: Remiss,
        recipient: Recipient,
        directory: Directory,
        policy: ReminderPolicy,
        *,
        snooze_to: date | None = None,
    ) -> None:
        """Plan the recipient's reminders from now on against its current deadline, keeping its snoozes.

        Only reminders still to come are planned: one whose time has passed (a deadline moved in the
        afternoon) would be sent late or recorded as missed, and neither helps anyone.
        """
        now = self.now()
        existing = repo.reminders.reminders_for(remiss.case_number, recipient.organisation_key)
        snoozes = [
            s.reminder.local_date
            for s in existing
            if s.reminder.kind is ReminderKind.SNOOZED and s.state is ReminderState.PLANNED
        ]
        if snooze_to is not None:
            snoozes.append(snooze_to)
        plan = [r for r in self._plan(repo, remiss, recipient, directory, policy, snoozes) if r.due_at > now]
        cancel_reason = "replanned"
        if snooze_to is not None:
            # Left alone until the day asked for: the gentle reminders before it go; the deadline's own,
            # the overdue one and the coordinator's escalation still come.
            plan = [
                r
                for r in plan
                if not (r.kind in SNOOZABLE and r.local_date < snooze_to and r.to == "recipient")
                or (r.kind is ReminderKind.SNOOZED and r.local_date >= snooze_to)
            ]
            cancel_reason = CANCELLED_SNOOZED
        repo.reminders.schedule_reminders(
            remiss.case_number, recipient.organisation_key, plan, now, cancel_reason=cancel_reason
        )

    def remind(self, limit: int = REMINDER_BATCH) -> ReminderTick:
        """The periodic job: settle every due reminder (send it, or record why not), and offer the digest.

        Runs in every replica. Each due reminder is claimed by one transaction (FOR UPDATE SKIP LOCKED on
        PostgreSQL, the write lock on SQLite) and settled by a conditional update; a reminder to send
        becomes outbox messages whose keys are unique, so it reaches each official exactly once.
        """
        claimed = sent = skipped = 0
        while True:
            batch = self._remind_batch(limit)
            claimed += batch.claimed
            sent += batch.sent
            skipped += batch.skipped
            # Fewer than a batch left, or only ones to wait for (claimed again next time): done for now.
            if batch.claimed < limit or not (batch.sent or batch.skipped):
                break
        digests = self.offer_digest()
        if sent or digests:
            self.on_outbox()
        return ReminderTick(claimed=claimed, sent=sent, skipped=skipped, digests=digests)

    def _remind_batch(self, limit: int) -> ReminderTick:
        now = self.now()
        sent = skipped = 0
        with self.store.transaction() as repo:
            due = repo.reminders.claim_due_reminders(now, limit)
            if not due:
                return ReminderTick()
            remisses: dict[str, Remiss | None] = {}
            policies: dict[str, ReminderPolicy] = {}
            for scheduled in due:
                reminder = scheduled.reminder
                case = reminder.case_number
                if case not in remisses:
                    remisses[case] = repo.remisses.get_remiss(case, shared=True)
                    policies[case] = self._policy(repo, case)
                remiss = remisses[case]
                recipient = repo.remisses.get_recipient(case, reminder.organisation_key) if remiss is not None else None
                if remiss is None or recipient is None:
                    decision = Decision.SKIP_CLOSED
                else:
                    decision = should_send(
                        reminder,
                        recipient,
                        now=now,
                        tz=self.tz,
                        policy=policies[case],
                        calendar=self.calendar,
                        remiss=remiss,
                    )
                if decision is Decision.WAIT:
                    continue
                if decision is not Decision.SEND or remiss is None or recipient is None:
                    if repo.reminders.settle_reminder(scheduled.key, ReminderState.SKIPPED, decision.value, now):
                        skipped += 1
                    continue
                if not recipient.officials and reminder.to == "recipient":
                    if repo.reminders.settle_reminder(scheduled.key, ReminderState.SKIPPED, "no_official", now):
                        skipped += 1
                    continue
                # The conditional update decides: only its winner records the messages.
                if not repo.reminders.settle_reminder(scheduled.key, ReminderState.SENT, decision.value, now):
                    continue
                sent += 1
                self._enqueue_reminder(repo, remiss, recipient, reminder, now)
        return ReminderTick(claimed=len(due), sent=sent, skipped=skipped)

    def _enqueue_reminder(
        self, repo: Transaction, remiss: Remiss, recipient: Recipient, reminder: PlannedReminder, now: datetime
    ) -> None:
        if reminder.to == "coordinator":
            # One message per remiss and day lists everyone late: the key makes the others no-ops.
            repo.outbox.enqueue(
                OutboxMessage(
                    key=reminder.escalation_group,
                    kind=MessageKind.ESCALATION,
                    case_number=remiss.case_number,
                    created_at=now,
                    to_user=self._status_channel(remiss),
                )
            )
            return
        self._enqueue_to_officials(repo, recipient, MessageKind.REMINDER, reminder.key, now)

    def _enqueue_to_officials(
        self,
        repo: Transaction,
        recipient: Recipient,
        kind: MessageKind,
        key: str,
        now: datetime,
        *,
        audit_id: int | None = None,
        not_before: datetime | None = None,
    ) -> None:
        """One DM to each of the recipient's officials now, keyed `{key}:{user}` so each is recorded once."""
        for user_id in recipient.officials:
            repo.outbox.enqueue(
                OutboxMessage(
                    key=f"{key}:{user_id}",
                    kind=kind,
                    case_number=recipient.case_number,
                    created_at=now,
                    to_user=user_id,
                    organisation_key=recipient.organisation_key,
                    audit_id=audit_id,
                    next_attempt_at=not_before,
                )
            )

    def _quiet_until(self, now: datetime) -> datetime | None:
        """Nobody is pinged outside office hours: a message the bot starts (not a reply to the person's own
        click) waits for the next working day's office hours."""
        due = next_office_time(now, self.tz, self.reminder_policy.office_hours, self.calendar)
        return due if due > now else None

    def remind_again(self, actor: Actor, case_number: str, organisation_key: str) -> Recipient:
        """The coordinator's "påminn igen" on an escalation: one more reminder to a late recipient, now."""
        self._require_coordinator(actor)
        now = self.now()
        with self.store.transaction() as repo:
            remiss = self._require_remiss(repo, case_number, shared=True)
            remiss.require_open()
            recipient = repo.remisses.get_recipient(remiss.case_number, organisation_key)
            if recipient is None:
                organisation = self._cached_directory(repo).require(organisation_key)
                raise DomainError(
                    ErrorCode.NOT_A_RECIPIENT, case_number=remiss.case_number, organisation=organisation.name
                )
            if recipient.is_answered():
                return recipient
            entry = audit(remiss.case_number, AuditAction.REMINDED, actor.user_id, now, organisation_key)
            stored = repo.remisses.append_audit(entry)
            key = f"reminder-again:{stored.id}"
            self._enqueue_to_officials(repo, recipient, MessageKind.REMINDER, key, now, audit_id=stored.id)
        self.on_outbox()
        return recipient

    def snooze(self, actor: Actor, case_number: str, organisation_key: str, until: date | None = None) -> date:
        """ "Påminn mig i morgon" (or on a date): the reminders before that day are left out; returns the day."""
        today = self.today()
        day = snooze_day(today, self.calendar, until)

        def change(recipient: Recipient, remiss: Remiss, now: datetime) -> AuditEntry:
            remiss.require_open()
            if until is not None and day > recipient.deadline >= today:
                raise DomainError(ErrorCode.SNOOZE_AFTER_DEADLINE, field="snooze_date", deadline=recipient.deadline)
            return audit(
                remiss.case_number, AuditAction.SNOOZED, actor.user_id, now, recipient.organisation_key, to=day
            )

        def then(repo: Transaction, remiss: Remiss, recipient: Recipient, _p: tuple[str, ...], _e: AuditEntry) -> None:
            directory = self._cached_directory(repo)
            self._schedule(repo, remiss, recipient, directory, self._policy(repo, remiss.case_number), snooze_to=day)

        self._act(actor, case_number, organisation_key, change, then=then)
        return day

    def intend_to_answer(self, actor: Actor, case_number: str, organisation_key: str) -> Recipient:
        """The nudge's "Vi kommer att svara": recorded, and the remiss counts as opened."""

        def change(recipient: Recipient, remiss: Remiss, now: datetime) -> AuditEntry:
            remiss.require_open()
            recipient.open(remiss, actor.user_id, now)
            return audit(
                remiss.case_number, AuditAction.INTENDS_TO_ANSWER, actor.user_id, now, recipient.organisation_key
            )

        return self._act(actor, case_number, organisation_key, change)

    def reminder_plan(self, case_number: str) -> list[PlanRow]:
        """Every reminder planned or settled for a remiss, recipient by recipient in directory order."""
        with self.store.read() as repo:
            remiss = self._require_remiss(repo, case_number)
            directory = repo.directory.load_directory()
            rows = [
                PlanRow(directory.require(s.reminder.organisation_key), s)
                for s in repo.reminders.reminders_for(remiss.case_number)
            ]
        return sorted(rows, key=lambda row: (directory.position(row.organisation.key), row.scheduled.reminder.due_at))

    # -- anstånd and the deadline ----------------------------------------------------------------------
    def request_extension(
        self, actor: Actor, case_number: str, organisation_key: str, new_deadline: date, reason: str = ""
    ) -> ExtensionRequest:
        """An official asks for a later deadline; the coordinator gets the request with Bevilja / Avslå."""
        created: list[ExtensionRequest] = []

        def change(recipient: Recipient, remiss: Remiss, now: datetime) -> AuditEntry:
            remiss.require_open()
            if new_deadline <= recipient.deadline:
                raise DomainError(ErrorCode.EXTENSION_NOT_LATER, field="new_deadline", deadline=recipient.deadline)
            return audit(
                remiss.case_number,
                AuditAction.EXTENSION_REQUESTED,
                actor.user_id,
                now,
                recipient.organisation_key,
                new=new_deadline,
                reason=reason.strip(),
            )

        def then(
            repo: Transaction, remiss: Remiss, recipient: Recipient, _p: tuple[str, ...], entry: AuditEntry
        ) -> None:
            # One open request at a time; raising here rolls the whole request back, audit entry and all.
            known = repo.remisses.extension_requests(remiss.case_number, recipient.organisation_key)
            pending = [r for r in known if r.is_pending]
            if pending:
                raise DomainError(ErrorCode.EXTENSION_PENDING, deadline=pending[-1].requested_deadline)
            request = repo.remisses.add_extension_request(
                ExtensionRequest(
                    case_number=remiss.case_number,
                    organisation_key=recipient.organisation_key,
                    requested_by=actor.user_id,
                    requested_at=entry.at,
                    requested_deadline=new_deadline,
                    reason=reason.strip(),
                )
            )
            created.append(request)
            repo.outbox.enqueue(
                OutboxMessage(
                    key=f"extension-request:{request.id}",
                    kind=MessageKind.EXTENSION_REQUEST,
                    case_number=remiss.case_number,
                    created_at=entry.at,
                    organisation_key=recipient.organisation_key,
                    audit_id=entry.id,
                    to_user=actor.user_id,
                )
            )

        self._act(actor, case_number, organisation_key, change, then=then)
        return created[0]

    def extension_request(self, request_id: int) -> ExtensionRequest:
        with self.store.read() as repo:
            request = repo.remisses.get_extension_request(request_id)
        if request is None:
            raise DomainError(ErrorCode.UNKNOWN_REQUEST)
        return request

    def decide_extension(
        self, actor: Actor, request_id: int, *, grant: bool, deadline: date | None = None, note: str = ""
    ) -> ExtensionRequest:
        """Bevilja (the date asked for, or another) or Avslå; decided once, and the official is told."""
        self._require_coordinator(actor)
        now = self.now()
        with self.store.transaction() as repo:
            request = repo.remisses.get_extension_request(request_id)
            if request is None:
                raise DomainError(ErrorCode.UNKNOWN_REQUEST)
            if not request.is_pending:
                raise DomainError(
                    ErrorCode.REQUEST_ALREADY_DECIDED, state=request.state.value, decided_by=request.decided_by or ""
                )
            remiss = self._require_remiss(repo, request.case_number, shared=True)
            remiss.require_open()
            recipient = repo.remisses.get_recipient(remiss.case_number, request.organisation_key)
            if recipient is None:
                raise DomainError(ErrorCode.UNKNOWN_REQUEST)
            if grant:
                granted = deadline or request.requested_deadline
                if granted < self.today():
                    raise DomainError(ErrorCode.DEADLINE_IN_PAST, field="deadline", deadline=granted)
                if granted <= recipient.deadline:
                    raise DomainError(ErrorCode.EXTENSION_NOT_LATER, field="deadline", deadline=recipient.deadline)
                entry = recipient.extend(remiss, granted, actor.user_id, now, request.reason)
                entry = replace(entry, details=tuple(sorted((*entry.details, ("request", str(request.id))))))
                decided = replace(
                    request,
                    state=RequestState.GRANTED,
                    decided_by=actor.user_id,
                    decided_at=now,
                    granted_deadline=granted,
                )
                repo.remisses.save_recipient(recipient)
            else:
                entry = audit(
                    remiss.case_number,
                    AuditAction.EXTENSION_REFUSED,
                    actor.user_id,
                    now,
                    request.organisation_key,
                    request=request.id,
                    note=note.strip(),
                )
                decided = replace(request, state=RequestState.REFUSED, decided_by=actor.user_id, decided_at=now)
            repo.remisses.save_extension_request(decided)
            stored = self._record(repo, remiss, entry)
            if grant:
                directory = self._cached_directory(repo)
                self._schedule(repo, remiss, recipient, directory, self._policy(repo, remiss.case_number))
                if stored is not None:
                    self._refresh_remiss_dms(repo, remiss, recipient, stored)
            repo.outbox.enqueue(
                OutboxMessage(
                    key=f"extension-decided:{request.id}",
                    kind=MessageKind.EXTENSION_DECIDED,
                    case_number=remiss.case_number,
                    created_at=now,
                    next_attempt_at=self._quiet_until(now),
                    to_user=request.requested_by,
                    organisation_key=request.organisation_key,
                    audit_id=stored.id if stored else None,
                )
            )
        self.on_outbox()
        return decided

    def change_deadline(self, actor: Actor, case_number: str, new_deadline: date, reason: str = "") -> Remiss:
        """The coordinator moves the deadline for everyone: every reminder is replanned, and every recipient
        who has not answered (and has no anstånd of its own) is told."""
        self._require_coordinator(actor)
        now = self.now()
        with self.store.transaction() as repo:
            remiss = self._require_remiss(repo, case_number)
            previous = remiss.change_deadline(new_deadline, self.today())
            repo.remisses.save_remiss(remiss)
            entry = audit(
                remiss.case_number,
                AuditAction.DEADLINE_CHANGED,
                actor.user_id,
                now,
                previous=previous,
                new=new_deadline,
                reason=reason.strip(),
            )
            stored = self._record(repo, remiss, entry)
            directory = self._cached_directory(repo)
            policy = self._policy(repo, remiss.case_number)
            quiet_until = self._quiet_until(now)
            for recipient in repo.remisses.list_recipients(remiss.case_number):
                # Storage may already give the new remiss deadline: work out the old one from `previous`.
                recipient.remiss_deadline = previous
                before = recipient.deadline
                recipient.remiss_deadline = new_deadline
                self._schedule(repo, remiss, recipient, directory, policy)
                if recipient.deadline != before and stored is not None:
                    self._refresh_remiss_dms(repo, remiss, recipient, stored)
                # Told if its own deadline moved: an anstånd later than the new date stands, and says so.
                if recipient.is_answered() or recipient.deadline == before:
                    continue
                self._enqueue_to_officials(
                    repo,
                    recipient,
                    MessageKind.DEADLINE_CHANGED,
                    f"deadline-changed:{stored.id if stored else 0}:{recipient.organisation_key}",
                    now,
                    audit_id=stored.id if stored else None,
                    not_before=quiet_until,
                )
        self.on_outbox()
        return remiss

    # -- the daily digest ------------------------------------------------------------------------------
    def offer_digest(self) -> int:
        """From `digest_at` on a working day, the coordinators' digest of open remisses, once a day.

        Every replica offers it; the outbox key makes it one message. Missed in the morning (the bot was
        down), it comes when the bot is back the same working day, never on a later one.
        """
        now = self.now()
        today = local_date(now, self.tz)
        if self._digest_offered == today or not self.calendar.is_working_day(today):
            return 0
        if (
            now < local_time_on(today, self.digest_at, self.tz)
            or now.astimezone(self.tz).time() >= (self.reminder_policy.office_hours[1])
        ):
            return 0
        offered = 0
        with self.store.transaction() as repo:
            # A remiss sent today has nothing to report yet: no digest right after sending.
            remisses = [
                r
                for r in repo.remisses.list_remisses(OPEN_STATUSES)
                if r.sent_at and local_date(r.sent_at, self.tz) < today
            ]
            channels = _unique(self._status_channel(r) for r in remisses)
            for channel in channels:
                offered += repo.outbox.enqueue(
                    OutboxMessage(
                        key=f"digest:{today.isoformat()}:{channel}",
                        kind=MessageKind.DIGEST,
                        case_number="",
                        created_at=now,
                        to_user=channel,
                    )
                )
        self._digest_offered = today
        return offered

    def digest(self, channel: str) -> list[RemissOverview]:
        """The open remisses whose status lives in `channel`, soonest deadline first."""
        return [o for o in self.open_remisses() if self._status_channel(o.remiss) == channel]

    def _reminder_delivery(self, repo: Transaction, message: OutboxMessage, remiss: Remiss) -> ReminderDelivery | None:
        today = self.today()
        if message.kind is MessageKind.ESCALATION:
            overview = self._overview(repo, remiss, self._cached_directory(repo))
            late = [row for row in overview.rows if row.status is RecipientStatus.OVERDUE]
            return ReminderDelivery(ReminderKind.ESCALATION, -1, remiss.deadline, [], None, late)
        recipient = repo.remisses.get_recipient(remiss.case_number, message.organisation_key or "")
        if recipient is None:
            return None
        planned = next(
            (
                s.reminder
                for s in repo.reminders.reminders_for(remiss.case_number, recipient.organisation_key)
                if message.key.startswith(s.key + ":")
            ),
            None,
        )
        left = working_days_between(self.calendar, today, recipient.deadline)
        if planned is not None:
            kind, meeting = planned.kind, planned.meeting
        else:  # "påminn igen" from the coordinator
            kind = ReminderKind.OVERDUE if today > recipient.deadline else ReminderKind.BEFORE_DEADLINE
            meeting = None
        return ReminderDelivery(kind, left, recipient.deadline, missing_for(recipient, remiss), meeting)

    # -- the sender (handlers/courier.py) ---------------------------------------------------------------
    def claim_outgoing(self, limit: int = 20, lease: timedelta = SEND_LEASE) -> list[OutboxMessage]:
        """Messages this process should send now; each is claimed by exactly one process."""
        with self.store.transaction() as repo:
            return repo.outbox.claim_messages(self.now(), lease, limit)

    def delivery(self, message: OutboxMessage) -> Delivery:
        """Everything needed to render a message, read as it is now (the state may have moved on)."""
        if message.kind is MessageKind.DIGEST:
            return self._digest_delivery(message)
        with self.store.read() as repo:
            remiss = self._require_remiss(repo, message.case_number)
            directory = self._cached_directory(repo)
            key = message.organisation_key
            event = None
            if message.audit_id is not None:
                event = next(
                    (e for e in repo.remisses.list_audit(remiss.case_number) if e.id == message.audit_id), None
                )
            elif message.kind is MessageKind.REMISS and key is not None:
                # A remiss handed over to this person: the DM says by whom, and their note.
                handed = [
                    e
                    for e in repo.remisses.list_audit(remiss.case_number, key)
                    if e.action is AuditAction.HANDED_OVER and e.details_dict.get("to") == message.to_user
                ]
                event = handed[-1] if handed else None
            return Delivery(
                message=message,
                remiss=remiss,
                sender_name=directory.require(remiss.sender_key).name,
                today=self.today(),
                organisation=directory.get(key) if key else None,
                recipient=repo.remisses.get_recipient(remiss.case_number, key) if key else None,
                event=event,
                status=repo.outbox.get_status(remiss.case_number),
                recipients_answered=message.kind is MessageKind.SUMMARY_READY
                and all(r.is_answered() for r in repo.remisses.list_recipients(remiss.case_number)),
                reminder=self._reminder_delivery(repo, message, remiss)
                if message.kind in (MessageKind.REMINDER, MessageKind.ESCALATION)
                else None,
                request=self._request_of(repo, event) if event is not None else None,
            )

    def _request_of(self, repo: Transaction, event: AuditEntry) -> ExtensionRequest | None:
        request_id = event.details_dict.get("request", "")
        if event.action is AuditAction.EXTENSION_REQUESTED:
            found = repo.remisses.extension_requests(event.case_number, event.organisation_key)
            return next((r for r in found if r.requested_at == event.at and r.requested_by == event.actor), None)
        return repo.remisses.get_extension_request(int(request_id)) if request_id.isdigit() else None

    def _digest_delivery(self, message: OutboxMessage) -> Delivery:
        with self.store.read() as repo:
            directory = self._cached_directory(repo)
            sender = directory.get(self.sender_key)
        placeholder = Remiss(
            case_number="",
            title="",
            description="",
            sender_key=self.sender_key,
            coordinators=(),
            contact="",
            questions=(),
            deadline=self.today(),
            created_by="",
            created_at=message.created_at,
        )
        return Delivery(
            message=message,
            remiss=placeholder,
            sender_name=sender.name if sender else self.sender_key,
            today=self.today(),
            digest=self.digest(message.to_user or ""),
        )

    def outgoing_sent(self, message: OutboxMessage, channel_id: str, ts: str) -> None:
        sent = replace(
            message,
            state=DeliveryState.SENT,
            channel_id=channel_id,
            ts=ts,
            sent_at=self.now(),
            error="",
            uncertain=False,
        )
        offered = False
        with self.store.transaction() as repo:
            repo.outbox.finish_message(sent)
            if message.kind is MessageKind.STATUS_EVENT:
                # Everyone has answered or declined: offer the summary (once: its key sees to that). Each
                # answer's line is recorded in its own transaction, so the line of the last answer to commit
                # is sent after every answer is visible, even when two last answers commit side by side.
                # A share lock only: answers being saved meanwhile (they share it too) need not wait.
                remiss = repo.remisses.get_remiss(message.case_number, shared=True)
                if remiss is not None and remiss.is_open and repo.remisses.unanswered_count(remiss.case_number) == 0:
                    self._enqueue_summary_ready(repo, remiss)
                    offered = True
        if offered:
            self.on_outbox()

    def outgoing_retry(self, message: OutboxMessage, error: str, *, after: timedelta | None, uncertain: bool) -> None:
        """Try again later: after Slack's Retry-After, or with backoff; give up after MAX_ATTEMPTS and say so."""
        attempts = message.attempts + 1
        if attempts >= MAX_ATTEMPTS:
            self.outgoing_undeliverable(replace(message, attempts=attempts), error, unreachable=False)
            return
        wait = after if after is not None else backoff(attempts)
        self._finish(
            replace(
                message,
                state=DeliveryState.PENDING,
                attempts=attempts,
                next_attempt_at=self.now() + wait,
                error=error,
                uncertain=message.uncertain or uncertain,
            )
        )

    def outgoing_undeliverable(self, message: OutboxMessage, error: str, *, unreachable: bool) -> None:
        """Slack refused this person for good (or we gave up): record it, and tell the coordinator by name."""
        state = DeliveryState.UNREACHABLE if unreachable else DeliveryState.FAILED
        now = self.now()
        with self.store.transaction() as repo:
            repo.outbox.finish_message(replace(message, state=state, error=error, uncertain=False))
            remiss = repo.remisses.get_remiss(message.case_number)
            if remiss is not None and message.kind is MessageKind.REMISS:
                lost = audit(
                    remiss.case_number,
                    AuditAction.UNREACHABLE,
                    "remissbot",
                    now,
                    message.organisation_key,
                    reason=error,
                    user=message.to_user or "",
                )
                self._record(repo, remiss, lost)
        self.on_outbox()

    def _finish(self, message: OutboxMessage) -> None:
        with self.store.transaction() as repo:
            repo.outbox.finish_message(message)

    def claim_status_boards(self, limit: int = 10, lease: timedelta = SEND_LEASE) -> list[StatusBoard]:
        with self.store.transaction() as repo:
            return repo.outbox.claim_status(self.now(), lease, limit)

    def status_rendered(self, board: StatusBoard, ts: str) -> None:
        """The status message now shows `board.version` (or later changes are still to come)."""
        with self.store.transaction() as repo:
            repo.outbox.finish_status(replace(board, ts=ts, rendered_version=board.version, claimed_until=None))

    def release_status(self, board: StatusBoard) -> None:
        """Sending the status message failed; let the next round try again."""
        with self.store.transaction() as repo:
            repo.outbox.finish_status(replace(board, claimed_until=None))

    def recipient_of_message(self, channel_id: str, ts: str) -> tuple[str, str] | None:
        """Which (case number, organisation key) a remiss DM at this place in Slack is about."""
        with self.store.read() as repo:
            message = repo.outbox.find_message(channel_id, ts)
        if message is None or message.kind is not MessageKind.REMISS or message.organisation_key is None:
            return None
        return message.case_number, message.organisation_key

    # -- status ----------------------------------------------------------------------------------------
    def overview(self, case_number: str) -> RemissOverview:
        with self.store.read() as repo:
            remiss = self._require_remiss(repo, case_number)
            return self._overview(repo, remiss, repo.directory.load_directory())

    def open_remisses(self) -> list[RemissOverview]:
        """Every sent, open remiss with its status table, newest deadline last."""
        with self.store.read() as repo:
            directory = repo.directory.load_directory()
            remisses = sorted(repo.remisses.list_remisses(OPEN_STATUSES), key=lambda r: (r.deadline, r.case_number))
            return [self._overview(repo, remiss, directory) for remiss in remisses]

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
            )
            for a in found
        ]
        return sorted(rows, key=lambda r: (r.recipient.deadline, r.remiss.case_number))

    def audit_trail(self, case_number: str) -> list[AuditEntry]:
        with self.store.read() as repo:
            return repo.remisses.list_audit(self._require_remiss(repo, case_number).case_number)

    def _overview(self, repo: Transaction, remiss: Remiss, directory: Directory) -> RemissOverview:
        today = self.today()
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

    @staticmethod
    def _require_remiss(repo: Transaction, case_number: str, *, shared: bool = False) -> Remiss:
        remiss = repo.remisses.get_remiss(" ".join(case_number.split()), shared=shared)
        if remiss is None:
            raise DomainError(ErrorCode.UNKNOWN_REMISS, case_number=case_number)
        return remiss


def _unique(keys: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for key in keys:
        if key not in seen:
            seen.append(key)
    return seen
