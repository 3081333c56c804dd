"""Reminders: each remiss's policy, the periodic job that sends what is due, the coordinator's "påminn igen",
the official's snooze and "Vi kommer att svara", the plan as the CLI shows it, and the morning digest."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from bot.core.clock import local_date
from bot.core.domain.audit import AuditAction, AuditEntry, audit
from bot.core.domain.calendar import local_time_on
from bot.core.domain.digest import in_week_of, near_deadline, what_it_says
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.organisation import is_slack_user_id
from bot.core.domain.outbox import MessageKind, digest, escalation, to_officials
from bot.core.domain.people import reminder_addressees
from bot.core.domain.recipient import Recipient
from bot.core.domain.reminders import (
    Decision,
    PlannedReminder,
    PolicyError,
    ReminderPolicy,
    ReminderState,
    policy_with,
    should_send,
    snooze_day,
)
from bot.core.domain.remiss import RecipientStatus, Remiss, RemissStatus
from bot.core.ports.store import Transaction
from bot.core.usecases.base import Shared, UseCase, unique
from bot.core.usecases.planning import ReminderPlanner
from bot.core.usecases.queries import QueryUseCases, shown_to
from bot.core.usecases.results import Actor, PlanRow, ReminderTick, RemissOverview

# Reminders claimed per transaction by the periodic job; it loops until fewer are due.
REMINDER_BATCH = 200


class ReminderUseCases(UseCase):
    """Who is reminded of what, when; settled exactly once across replicas."""

    def __init__(self, shared: Shared, planner: ReminderPlanner, queries: QueryUseCases) -> None:
        super().__init__(shared)
        self.planner = planner
        self.queries = queries
        self._digest_offered: date | None = None

    # -- the policy ------------------------------------------------------------------------------------
    def set_reminder_policy(self, actor: Actor, case_number: str, overrides: dict[str, object] | None) -> None:
        """Give a remiss its own reminder settings (None: back to the global ones); replans its recipients."""
        self._require_coordinator(actor)
        try:
            policy = policy_with(self.config.reminder_policy, overrides)
        except PolicyError as error:
            raise DomainError(
                ErrorCode.INVALID_REMINDER_POLICY, problem=error.problem, setting=error.setting, value=error.value
            ) from None
        with self.store.transaction() as repo:
            remiss = self._require_remiss(repo, case_number)
            self._require_coordinator(actor, remiss, repo)
            repo.reminders.set_reminder_policy(remiss.case_number, dict(overrides) if overrides else None)
            if remiss.status is RemissStatus.SENT:
                directory = self.shared.cached_directory(repo)
                recipients = repo.remisses.list_recipients(remiss.case_number)
                late = self.planner.often_late(repo, remiss, [r.organisation_key for r in recipients], policy)
                for recipient in recipients:
                    self.planner.schedule(repo, remiss, recipient, directory, policy, often_late=late)

    def reminder_policy_for(self, case_number: str) -> ReminderPolicy:
        with self.store.read() as repo:
            return self.planner.policy(repo, self._require_remiss(repo, case_number).case_number)

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

    # -- the periodic job ------------------------------------------------------------------------------
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
            self.shared.on_outbox()
        return ReminderTick(claimed=claimed, sent=sent, skipped=skipped, digests=digests)

    def _remind_batch(self, limit: int) -> ReminderTick:
        now = self.now()
        sent = skipped = 0
        settled: list[PlannedReminder] = []  # their lag is counted once the transaction has committed
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
                    policies[case] = self.planner.policy(repo, case)
                remiss = remisses[case]
                recipient = repo.remisses.get_recipient(case, reminder.organisation_key) if remiss is not None else None
                if remiss is None or recipient is None:
                    decision = Decision.SKIP_CLOSED
                else:
                    decision = should_send(
                        reminder,
                        recipient,
                        now=now,
                        tz=self.config.tz,
                        policy=policies[case],
                        calendar=self.config.calendar,
                        remiss=remiss,
                    )
                if decision is Decision.WAIT:
                    continue
                if decision is not Decision.SEND or remiss is None or recipient is None:
                    if repo.reminders.settle_reminder(scheduled.key, ReminderState.SKIPPED, decision.value, now):
                        skipped += 1
                        settled.append(reminder)
                    continue
                if not recipient.officials and reminder.to == "recipient":
                    if repo.reminders.settle_reminder(scheduled.key, ReminderState.SKIPPED, "no_official", now):
                        skipped += 1
                        settled.append(reminder)
                    continue
                # The conditional update decides: only its winner records the messages.
                if not repo.reminders.settle_reminder(scheduled.key, ReminderState.SENT, decision.value, now):
                    continue
                sent += 1
                settled.append(reminder)
                self._enqueue_reminder(repo, remiss, recipient, reminder, now)
        for reminder in settled:
            self.shared.metrics.reminder_lag((now - reminder.due_at).total_seconds())
        return ReminderTick(claimed=len(due), sent=sent, skipped=skipped)

    def _enqueue_reminder(
        self, repo: Transaction, remiss: Remiss, recipient: Recipient, reminder: PlannedReminder, now: datetime
    ) -> None:
        if reminder.to == "coordinator":
            # One message per remiss and day lists everyone late: the key makes the others no-ops.
            channel = self.shared.status_channel(remiss)
            repo.outbox.enqueue(escalation(reminder.escalation_group, remiss.case_number, channel, now))
            return
        for message in to_officials(
            MessageKind.REMINDER,
            reminder.key,
            recipient.case_number,
            recipient.organisation_key,
            self._addressees(repo, recipient),
            now,
        ):
            repo.outbox.enqueue(message)

    def _addressees(self, repo: Transaction, recipient: Recipient) -> tuple[str, ...]:
        """Who a recipient's reminder goes to: its officials and stand-ins, leaving out who is away."""
        organisation = self.shared.cached_directory(repo).get(recipient.organisation_key)
        stand_ins = self.shared.stand_ins_in(repo, organisation)
        return reminder_addressees(recipient.officials, stand_ins, self.shared.away_today(repo))

    # -- what people ask for ---------------------------------------------------------------------------
    def remind_again(self, actor: Actor, case_number: str, organisation_key: str) -> Recipient:
        """The coordinator's "påminn igen" on an escalation: one more reminder to a late recipient, now."""
        self._require_coordinator(actor)
        now = self.now()
        with self.store.transaction() as repo:
            remiss = self._require_remiss(repo, case_number, shared=True)
            self._require_coordinator(actor, remiss, repo)
            remiss.require_open()
            recipient = repo.remisses.get_recipient(remiss.case_number, organisation_key)
            if recipient is None:
                organisation = self.shared.cached_directory(repo).require(organisation_key)
                raise DomainError(
                    ErrorCode.NOT_A_RECIPIENT, case_number=remiss.case_number, organisation=organisation.name
                )
            if recipient.is_answered() and not recipient.is_preliminary():
                return recipient
            entry = audit(remiss.case_number, AuditAction.REMINDED, actor.user_id, now, organisation_key)
            stored = repo.remisses.append_audit(entry)
            for message in to_officials(
                MessageKind.REMINDER,
                f"reminder-again:{stored.id}",
                recipient.case_number,
                recipient.organisation_key,
                self._addressees(repo, recipient),
                now,
                audit_id=stored.id,
            ):
                repo.outbox.enqueue(message)
        self.shared.on_outbox()
        return recipient

    def snooze(self, actor: Actor, case_number: str, organisation_key: str, until: date | None = None) -> date:
        """ "Påminn mig i morgon" (or on a date): the reminders before that day are left out; returns the day."""
        today = self.today()
        day = snooze_day(today, self.config.calendar, until)

        def change(recipient: Recipient, remiss: Remiss, now: datetime) -> AuditEntry:
            remiss.require_open()
            if until is not None and day > recipient.deadline >= today:
                raise DomainError(ErrorCode.SNOOZE_AFTER_DEADLINE, field="snooze_date", deadline=recipient.deadline)
            return audit(
                remiss.case_number, AuditAction.SNOOZED, actor.user_id, now, recipient.organisation_key, to=day
            )

        def then(repo: Transaction, remiss: Remiss, recipient: Recipient, _p: tuple[str, ...], _e: AuditEntry) -> None:
            directory = self.shared.cached_directory(repo)
            policy = self.planner.policy(repo, remiss.case_number)
            self.planner.schedule(repo, remiss, recipient, directory, policy, snooze_to=day)

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

    # -- the daily digest ------------------------------------------------------------------------------
    def offer_digest(self) -> int:
        """From `digest_at` on a working day, the coordinators' digest of open remisses, once a day.

        Every replica offers it; the outbox key makes it one message. Missed in the morning (the bot was
        down), it comes when the bot is back the same working day, never on a later one.
        """
        config = self.config
        now = self.now()
        today = local_date(now, config.tz)
        if self._digest_offered == today or not config.calendar.is_working_day(today):
            return 0
        if (
            now < local_time_on(today, config.digest_at, config.tz)
            or now.astimezone(config.tz).time() >= (config.reminder_policy.office_hours[1])
        ):
            return 0
        offered = 0
        # Every open remiss with its status table, read once for all the channels (at scale, most of the offer).
        open_now = self.queries.open_remisses()
        # A remiss sent today has nothing to report yet: no digest right after sending.
        reported = [o.remiss for o in open_now if o.remiss.sent_at and local_date(o.remiss.sent_at, config.tz) < today]
        # Only when it would not say what the last one said (something changed, or a near deadline counts down).
        channels = unique(map(self.shared.status_channel, reported))
        said = {channel: self._digest_says(channel, today, open_now) for channel in channels}
        with self.store.transaction() as repo:
            for channel, fingerprint in said.items():
                if repo.outbox.last_digest(channel) == fingerprint:
                    continue
                if repo.outbox.enqueue(digest(today, channel, now)):
                    repo.outbox.record_digest(channel, fingerprint)
                    offered += 1
        self._digest_offered = today
        return offered

    def digest_days_left(self, overview: RemissOverview, today: date, *, extensions: bool = False) -> int | None:
        """The working days left to the remiss's deadline (with `extensions`, the nearest of it and each
        unanswered recipient's anstånd) when it is `digest_deadline_days` or fewer: the digest says so, and
        comes every such day."""
        unanswered = (r.recipient.deadline for r in overview.rows if extensions and not r.recipient.is_answered())
        deadlines = (overview.remiss.deadline, *unanswered)
        return near_deadline(self.config.calendar, today, deadlines, self.config.digest_deadline_days)

    def _digest_says(self, channel: str, today: date, open_now: Sequence[RemissOverview]) -> str:
        """What the digest in `channel` would say today, as a fingerprint of the facts it shows (the date it is
        sent left out): counts, who is late, the deadlines this week and who has not answered them, a near
        deadline's working days left, and the remisses closed in the last week."""
        lines: list[str] = []
        for o in self.digest(channel, open_now):
            r = o.remiss
            late = [row.organisation.key for row in o.rows if row.status is RecipientStatus.OVERDUE]
            lines.append(
                f"remiss {r.case_number} {r.deadline} {o.answered} {o.preliminary} {o.declined} {late} {r.title}"
            )
            lines.append(f"left {self.digest_days_left(o, today, extensions=True)}")
            unanswered = [row for row in o.rows if not row.recipient.is_answered()]
            week = in_week_of(today, (r.deadline, *(row.recipient.deadline for row in unanswered)))
            lines += [
                f"due {day} {[row.organisation.key for row in unanswered if row.recipient.deadline == day]}"
                for day in week
            ]
        lines += [f"closed {r.case_number} {r.closed_at} {r.title}" for r in self.recently_closed(channel)]
        return what_it_says(lines)

    def recently_closed(self, channel: str) -> list[Remiss]:
        """The remisses whose status lives in `channel` closed in the last week, for the digest's *Avslutade*; in a
        coordinator's DM only those of the offices they coordinate."""
        since = self.now() - timedelta(days=7)
        reader = self.shared.actor(channel) if is_slack_user_id(channel) else None
        return [
            r
            for r in self.queries.closed_remisses(reader)
            if r.closed_at is not None and r.closed_at >= since and self.shared.status_channel(r) == channel
        ]

    def digest(self, channel: str, open_now: Sequence[RemissOverview] | None = None) -> list[RemissOverview]:
        """The open remisses whose status lives in `channel`, soonest deadline first; in a coordinator's DM (no
        status channel configured) only those of the offices they coordinate. From `open_now` (every open
        remiss, as `open_remisses` reads them) when given, else read."""
        reader = self.shared.actor(channel) if is_slack_user_id(channel) else None
        shown = (
            self.queries.open_remisses(reader)
            if open_now is None
            else [o for o in open_now if shown_to(reader, o.remiss)]
        )
        return [o for o in shown if self.shared.status_channel(o.remiss) == channel]
