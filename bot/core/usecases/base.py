"""What every use case shares: the store, the injected clock, Slack's users, the configuration and the caches
kept per process, and the helpers every capability uses (who acts, the audit trail, one domain transition)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dt_time
from zoneinfo import ZoneInfo

from bot.core.clock import STOCKHOLM, Clock, local_date
from bot.core.domain.audit import AuditAction, AuditEntry
from bot.core.domain.calendar import SHORT_WINDOW_WORKING_DAYS, WeekendCalendar, WorkingCalendar
from bot.core.domain.documents import MAX_DOCUMENT_BYTES
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.offices import coordinates, require_coordinates
from bot.core.domain.organisation import Directory, Organisation, is_email, is_slack_user_id
from bot.core.domain.outbox import (
    STATUS_EDIT_INTERVAL,
    remiss_dm,
    remiss_refresh,
    remiss_rounds,
    status_event,
)
from bot.core.domain.people import away_on, remiss_addressees
from bot.core.domain.recipient import Recipient
from bot.core.domain.reminders import ReminderPolicy
from bot.core.domain.remiss import (
    FINAL_ANSWER_GRACE_DAYS,
    AnswerRules,
    Remiss,
    RemissStatus,
    normalise_case_number,
)
from bot.core.ports.metrics import Metrics, NoMetrics
from bot.core.ports.store import Store, Transaction
from bot.core.ports.users import UserDirectory
from bot.core.usecases.results import Actor

OPEN_STATUSES = (RemissStatus.SENT,)
# What happened to a recipient's answer: who answers it, what they answered, and until when.
ANSWER_EVENTS = frozenset(
    {
        AuditAction.SUBMITTED,
        AuditAction.EDITED,
        AuditAction.DECLINED,
        AuditAction.WITHDRAWN,
        AuditAction.HANDED_OVER,
        AuditAction.EXTENDED,
    }
)
# What the coordinator sees as a line in the status message's thread; every change refreshes the message.
THREAD_ACTIONS = ANSWER_EVENTS | {
    AuditAction.SENT,
    AuditAction.UNREACHABLE,
    AuditAction.CLOSED,
    AuditAction.REOPENED,
    AuditAction.REMISS_WITHDRAWN,
    AuditAction.DEADLINE_CHANGED,
    AuditAction.EXTENSION_REFUSED,
    AuditAction.REGISTERED,
    AuditAction.RECIPIENT_ADDED,
    AuditAction.RESENT,
}
# What the others answering for a recipient (its officials, its stand-ins) see in their own remiss DMs.
SEEN_BY_OTHERS = ANSWER_EVENTS | {AuditAction.DRAFTED}
DEFAULT_DIGEST_TIME = dt_time(8, 30)
DIGEST_DEADLINE_DAYS = 2
AUTO_CLOSE_WORKING_DAYS = 10
# The coordinators' user group is asked of Slack at most this often (usergroups.* is Tier 2).
GROUP_CACHE = timedelta(minutes=5)
# The directory for rendering messages is read at most this often: sending 500 DMs shouldn't read it 500 times.
DIRECTORY_CACHE = timedelta(minutes=1)
log = logging.getLogger(__name__)

# A domain transition applied to a loaded recipient; returns what goes into the audit trail.
Change = Callable[[Recipient, Remiss, datetime], AuditEntry | None]
# What a transition causes beyond itself (messages), inside the same transaction:
# (repo, remiss, recipient after the change, its officials before it, the stored audit entry).
Then = Callable[[Transaction, Remiss, Recipient, tuple[str, ...], AuditEntry], None]


class AlreadyHandled(Exception):
    """An earlier delivery of this Slack event did its work; this one changes nothing."""


@dataclass(frozen=True)
class Config:
    """How this installation runs: who coordinates, who sends, in which timezone and calendar, and the policies."""

    coordinators: frozenset[str] = frozenset()  # global: every office's remisses
    coordinator_group: str | None = None  # its members are global coordinators
    sender_key: str = "stadskontoret"  # the default sending office
    # Every sending office (directory keys; sender_key among them), and the coordinators scoped to some of them.
    offices: tuple[str, ...] = ()
    scoped_coordinators: Mapping[str, frozenset[str]] = field(default_factory=dict)
    tz: ZoneInfo = STOCKHOLM
    status_channel: str | None = None
    calendar: WorkingCalendar = field(default_factory=WeekendCalendar)
    reminder_policy: ReminderPolicy = field(default_factory=ReminderPolicy)
    short_window_days: int = SHORT_WINDOW_WORKING_DAYS
    digest_at: dt_time = DEFAULT_DIGEST_TIME
    # The digest comes on a day nothing changed only while a deadline is this many working days away or less.
    digest_deadline_days: int = DIGEST_DEADLINE_DAYS
    # Per file attached to an answer (a test lowers it rather than upload 25 MB).
    max_document_bytes: int = MAX_DOCUMENT_BYTES
    final_answer_grace_days: int = FINAL_ANSWER_GRACE_DAYS
    # A sent remiss closes by itself this many working days after its last deadline; 0 never.
    auto_close_working_days: int = AUTO_CLOSE_WORKING_DAYS
    # A remiss's status message is edited at most once in this long (0: after every change, as the courier comes).
    status_edit_interval: timedelta = STATUS_EDIT_INTERVAL

    @property
    def sending_offices(self) -> tuple[str, ...]:
        """The sending offices, the default first."""
        return (self.sender_key, *(o for o in self.offices if o != self.sender_key))

    @property
    def answer_rules(self) -> AnswerRules:
        """How long answers may change, on this installation's calendar."""
        return AnswerRules(self.calendar, self.final_answer_grace_days)


class Shared:
    """The ports, the clock and the configuration, and what one process caches: one instance for all the use
    cases. The caches run on the injected clock, so a fake clock moves them as it moves everything else."""

    def __init__(self, store: Store, clock: Clock, config: Config, users: UserDirectory | None = None) -> None:
        self.store = store
        self.clock = clock
        self.config = config
        self.users = users
        # Called after a commit that recorded messages, so a sender in this process starts at once.
        self.on_outbox: Callable[[], None] = lambda: None
        # What this process counts for monitoring; the composition root passes one that records it.
        self.metrics: Metrics = NoMetrics()
        self._group_cache: tuple[datetime, frozenset[str]] | None = None
        self._group_lock = threading.Lock()
        self._directory_cache: tuple[datetime, Directory] | None = None

    def now(self) -> datetime:
        return self.clock.now()

    def today(self) -> date:
        """The local (Stockholm) date, which deadlines are counted in."""
        return local_date(self.clock.now(), self.config.tz)

    def actor(self, user_id: str) -> Actor:
        """The acting user: a global coordinator if configured by bare id or a member of the coordinators'
        group; else one scoped to the offices configured for them; else no coordinator."""
        if user_id in self.config.coordinators:
            return Actor(user_id=user_id, is_coordinator=True)
        scoped = self.config.scoped_coordinators.get(user_id, frozenset())
        if user_id in self._group():
            return Actor(user_id=user_id, is_coordinator=True)
        return Actor(user_id=user_id, is_coordinator=bool(scoped), offices=scoped)

    def coordinators_of(self, office: str) -> tuple[str, ...]:
        """The coordinators configured for one office's remisses: those scoped to it, or else the global ones."""
        config = self.config
        scoped = sorted(u for u, offices in config.scoped_coordinators.items() if office in offices)
        return tuple(scoped) or tuple(sorted(config.coordinators))

    def _group(self) -> frozenset[str]:
        """The coordinators' user group, asked of Slack at most every GROUP_CACHE."""
        group = self.config.coordinator_group
        if group is None or self.users is None:
            return frozenset()
        with self._group_lock:
            cached = self._group_cache
            members = cached[1] if cached else frozenset()
            if cached is None or self.now() - cached[0] > GROUP_CACHE:
                try:
                    members = self.users.group_members(group)
                except Exception:  # Slack unreachable: keep the last known members rather than lock everyone out
                    log.warning("Could not read the coordinators' user group", exc_info=True)
                    return members
                self._group_cache = (self.now(), members)
            return members

    def cached_directory(self, repo: Transaction) -> Directory:
        """The directory for rendering messages, read at most once per DIRECTORY_CACHE. This process's own
        changes show at once (forget_directory), other replicas' within DIRECTORY_CACHE."""
        cached = self.fresh_directory()
        if cached is not None:
            return cached
        directory = repo.directory.load_directory()
        self._directory_cache = (self.now(), directory)
        return directory

    def fresh_directory(self) -> Directory | None:
        """The cached directory while it is fresh (see cached_directory), else None: no read needed for it."""
        cached = self._directory_cache
        if cached is not None and self.now() - cached[0] < DIRECTORY_CACHE:
            return cached[1]
        return None

    def forget_directory(self) -> None:
        self._directory_cache = None

    def resolve(self, refs: Iterable[str]) -> tuple[str, ...]:
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

    def stand_ins_in(self, repo: Transaction, organisation: Organisation | None) -> tuple[str, ...]:
        """The organisation's stand-ins as Slack user ids, inside a transaction: e-mail addresses only as far as
        they are known already (`resolve` learns them, outside any transaction, when a remiss is sent)."""
        if organisation is None:
            return ()
        ids: list[str] = []
        for ref in organisation.stand_ins:
            user_id = ref if is_slack_user_id(ref) else repo.edge.cached_user_id(ref) if is_email(ref) else None
            if user_id and user_id not in ids:
                ids.append(user_id)
        return tuple(ids)

    def away_today(self, repo: Transaction) -> frozenset[str]:
        """Who is away today (their reminders go to the others)."""
        return away_on(repo.directory.absences(), self.today())

    def status_channel(self, remiss: Remiss) -> str:
        """The configured coordinators' channel, or else a DM with the coordinator who created the remiss."""
        return self.config.status_channel or remiss.coordinators[0]


class OnShared:
    """What every capability, and the container of them all (`UseCases`), reads from `Shared`: the store, the
    configuration and the time."""

    shared: Shared

    @property
    def store(self) -> Store:
        return self.shared.store

    @property
    def config(self) -> Config:
        return self.shared.config

    def now(self) -> datetime:
        return self.shared.now()

    def today(self) -> date:
        """The local (Stockholm) date, which deadlines are counted in."""
        return self.shared.today()


class UseCase(OnShared):
    """The base of every capability: the shared ports and caches, and the steps they all take."""

    def __init__(self, shared: Shared) -> None:
        self.shared = shared

    def _require_coordinator(self, actor: Actor, remiss: Remiss | None = None, repo: Transaction | None = None) -> None:
        """The check of every coordinator action. Without a remiss: a coordinator at all (what creating or listing
        asks). With the remiss acted on: one who coordinates its sending office (`offices.require_coordinates`),
        the refusal naming that office (from `repo`'s directory when given) and who to ask."""
        if not actor.is_coordinator:
            raise DomainError(ErrorCode.NOT_COORDINATOR)
        if remiss is None or coordinates(actor.offices, remiss.sender_key):
            return
        office = self.shared.cached_directory(repo).get(remiss.sender_key) if repo is not None else None
        ask = (*remiss.coordinators, *self.shared.coordinators_of(remiss.sender_key))
        require_coordinates(actor.offices, remiss, office=office.name if office else remiss.sender_key, ask=ask)

    @staticmethod
    def _require_remiss(repo: Transaction, case_number: str, *, shared: bool = False) -> Remiss:
        remiss = repo.remisses.get_remiss(normalise_case_number(case_number), shared=shared)
        if remiss is None:
            raise DomainError(ErrorCode.UNKNOWN_REMISS, case_number=case_number)
        return remiss

    def _assignment(
        self,
        repo: Transaction,
        actor: Actor,
        case_number: str,
        organisation_key: str,
        *,
        as_coordinator: bool = False,
        shared: bool = False,
    ) -> tuple[Remiss, Recipient, Organisation]:
        """The remiss, recipient and organisation `actor` acts on, in one lean read; refuses an organisation
        that is no recipient, and anyone not its official or stand-in, or (acting as coordinator) anyone who
        does not coordinate the remiss's office."""
        found = repo.remisses.get_assignment(normalise_case_number(case_number), organisation_key)
        remiss = found.remiss if found is not None else self._require_remiss(repo, case_number, shared=shared)
        if as_coordinator:
            self._require_coordinator(actor, remiss, repo)
        organisation = self.shared.cached_directory(repo).require(organisation_key)
        if found is None:
            raise DomainError(ErrorCode.NOT_A_RECIPIENT, case_number=remiss.case_number, organisation=organisation.name)
        stand_ins = self.shared.stand_ins_in(repo, organisation)
        if not as_coordinator and not found.recipient.may_act(actor.user_id, stand_ins):
            raise DomainError(ErrorCode.NOT_RECIPIENT_OFFICIAL, organisation=organisation.name)
        return remiss, found.recipient, organisation

    def _record(self, repo: Transaction, remiss: Remiss, entry: AuditEntry | None) -> AuditEntry | None:
        """Append to the audit trail; on a sent remiss also refresh its status message and, for the
        actions a coordinator follows, add a line to its thread."""
        if entry is None:
            return None
        stored = repo.remisses.append_audit(entry)
        if remiss.status is RemissStatus.DRAFT:
            return stored
        if stored.action in THREAD_ACTIONS and stored.id is not None:
            repo.outbox.enqueue(status_event(stored))
        # Last: on PostgreSQL bumping the board locks its row until the commit, and every answer to this
        # remiss bumps it, so the lock is taken as late as possible (answers then queue only for the commit).
        repo.outbox.touch_status(remiss.case_number, self.shared.status_channel(remiss))
        return stored

    def _enqueue_remiss(
        self, repo: Transaction, remiss: Remiss, organisation_key: str, user_id: str, now: datetime
    ) -> None:
        """The remiss to one official; one handed back to them later is a new round, not a duplicate."""
        rounds = remiss_rounds(repo.outbox.messages_for(remiss.case_number, organisation_key))
        repo.outbox.enqueue(
            remiss_dm(remiss.case_number, organisation_key, user_id, now, rounds[(organisation_key, user_id)] + 1)
        )

    def _shared_work(self, repo: Transaction, recipient: Recipient, organisation: Organisation) -> bool:
        """More than one person answers for the recipient (officials and stand-ins)."""
        return len(remiss_addressees(recipient.officials, self.shared.stand_ins_in(repo, organisation))) > 1

    def _act(
        self,
        actor: Actor,
        case_number: str,
        organisation_key: str,
        change: Change,
        *,
        as_coordinator: bool = False,
        then: Then | None = None,
        event_id: str | None = None,
    ) -> Recipient:
        """Load, check who may act, apply one domain transition, save it, its audit entry and the messages it
        causes, atomically; with the Slack event that asked for it marked handled (AlreadyHandled if it was)."""
        now = self.now()
        with self.store.transaction() as repo:
            if event_id is not None and not repo.edge.claim_delivery(event_id, now):
                self.shared.metrics.duplicate_event()
                raise AlreadyHandled(event_id)
            # One lean read of both (SQLite holds its write lock meanwhile); the refusals say what is missing.
            remiss, recipient, organisation = self._assignment(
                repo, actor, case_number, organisation_key, as_coordinator=as_coordinator, shared=True
            )
            previous = recipient.officials
            entry = change(recipient, remiss, now)
            repo.remisses.save_recipient(recipient)
            stored = self._record(repo, remiss, entry)
            if then is not None and stored is not None:
                then(repo, remiss, recipient, previous, stored)
            # The officials and stand-ins each see what the other did: their remiss DMs are edited in place.
            if (
                stored is not None
                and stored.action in SEEN_BY_OTHERS
                and self._shared_work(repo, recipient, organisation)
            ):
                repo.outbox.enqueue(remiss_refresh(stored, recipient.organisation_key))
        # Whether this was the last answer is checked when its line in the status thread has been sent
        # (outgoing_sent), not here: that is after this commit and any other committing beside it, and it
        # keeps a transaction out of the official's click.
        self.shared.on_outbox()
        return recipient


def unique(keys: Iterable[str]) -> list[str]:
    """The keys in their first order, each once."""
    seen: list[str] = []
    for key in keys:
        if key not in seen:
            seen.append(key)
    return seen
