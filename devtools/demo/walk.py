"""The demo's clock walk: the clock moves on to each step's time, running remissbot's reminder job at its times
on every working day on the way, and the transcript tells what each run sent and decided not to send."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from bot.core.clock import STOCKHOLM
from bot.core.domain.calendar import WorkingCalendar
from bot.core.domain.reminders import ReminderState
from bot.core.domain.remiss import RecipientStatus
from devtools.clocks import FakeClock
from devtools.demo.transcript import Transcript
from devtools.sandbox.harness import Sandbox
from devtools.sandbox.screen import outbox_key
from devtools.sandbox.workspace import Message

# The outbox keys (in each message's metadata) of what the reminder job sends.
JOB_KEYS = ("reminder:", "escalation:", "digest:")


def ticks_between(start: datetime, end: datetime, calendar: WorkingCalendar, times: Sequence[time]) -> list[datetime]:
    """The reminder job's runs (`times` each working day, Stockholm time) after `start`, up to and including
    `end`."""
    moments: list[datetime] = []
    day, last = start.astimezone(STOCKHOLM).date(), end.astimezone(STOCKHOLM).date()
    while day <= last:
        for at_time in times if calendar.is_working_day(day) else ():
            moment = datetime.combine(day, at_time, tzinfo=STOCKHOLM)
            if start < moment <= end:
                moments.append(moment)
        day += timedelta(days=1)
    return moments


@dataclass(frozen=True)
class Received:
    """A message of the reminder job as the simulated Slack recorded it, and when it came (the demo's clock).

    `key` is the message's outbox key: `reminder:{case}:{organisation}:{kind}:{date}:{user}`,
    `escalation:{case}:{date}` or `digest:{date}:{channel}`.
    """

    user: str
    at: datetime
    key: str
    message: Message

    @property
    def what(self) -> str:
        return self.key.partition(":")[0]

    @property
    def reminder_key(self) -> str:
        """The planned reminder's key: the message's without the user id."""
        return self.key.rpartition(":")[0]

    @property
    def organisation_key(self) -> str:
        return self.key.split(":")[2] if self.what == "reminder" else ""


class ClockWalk:
    """How far the reminder job has run, what it sent (as Slack recorded it), and which reminders' fates were
    already told."""

    def __init__(
        self,
        box: Sandbox,
        clock: FakeClock,
        t: Transcript,
        *,
        case: str,
        coordinator: str,
        watched: Sequence[str],
        tick_times: Sequence[time],
    ) -> None:
        self.box, self.clock, self.t, self.service = box, clock, t, box.core.service
        self.case, self.coordinator, self.watched, self.tick_times = case, coordinator, list(watched), tick_times
        self.walked = clock.now()
        self.seen: dict[str, int] = {}
        self.received: list[Received] = []
        self.settled: set[str] = set()
        self.kinds_shown: set[str] = set()

    def walk_to(self, when: datetime) -> None:
        """Move the clock on to `when`, running the reminder job (and sending what it records) on the way."""
        for moment in ticks_between(self.walked, when, self.service.config.calendar, self.tick_times):
            self.tick(moment)
        self.walked = max(self.walked, when)
        self.clock.set(when)

    def tick(self, moment: datetime) -> None:
        """One run of the bot's periodic job at `moment`, then the courier sends what it recorded."""
        self.clock.set(moment)
        done = self.service.reminding.remind()
        new: list[Received] = []
        # As in the bot, where the job wakes the courier only when it recorded something to send; it sends
        # round after round until nothing is left (courier.drain, without its pause between rounds).
        if done.sent or done.digests:
            while self.box.courier.run_once():
                pass
            new = self.collect(moment)
        if done.claimed:
            self.show_reminders(moment, [r for r in new if r.what == "reminder"])
        for item in new:
            if item.what == "escalation":
                self.t.tick(moment, "tick_escalation", coordinator=self.coordinator)
                self.t.saw("saw_job_message", self.t.slack(item.message.blocks), name=self.coordinator)
            elif item.what == "digest" and len(self.of("digest")) == 1:
                self.t.tick(moment, "tick_digest", coordinator=self.coordinator)
                self.t.saw("saw_job_message", self.t.slack(item.message.blocks), name=self.coordinator)

    def collect(self, moment: datetime) -> list[Received]:
        """The reminder job's messages that reached the simulated Slack since the last look."""
        new: list[Received] = []
        for user_id in self.watched:
            messages = self.box.fake.messages_in(user_id)
            for message in messages[self.seen.get(user_id, 0) :]:
                key = outbox_key(message)
                if message.user is None and message.thread_ts is None and key.startswith(JOB_KEYS):
                    new.append(Received(user_id, moment, key, message))
            self.seen[user_id] = len(messages)
        self.received += new
        return new

    def of(self, what: str) -> list[Received]:
        return [r for r in self.received if r.what == what]

    def show_reminders(self, moment: datetime, sent: Sequence[Received]) -> None:
        """The reminders one run sent, by kind (the first of each kind as its recipient saw it), and the
        ones it decided not to send, by reason."""
        plan = {row.scheduled.key: row for row in self.service.reminding.reminder_plan(self.case)}
        groups: dict[tuple[str, int], list[Received]] = {}
        for item in sent:
            reminder = plan[item.reminder_key].scheduled.reminder
            groups.setdefault((reminder.kind.value, reminder.working_days_left), []).append(item)
        for (kind, left), items in groups.items():
            people = [self.t.name_of(item.user) for item in items]
            self.t.tick(moment, "tick_reminders", kind=kind, left=left, people=people)
            if kind not in self.kinds_shown:
                self.kinds_shown.add(kind)
                first = items[0]
                self.t.saw("saw_job_message", self.t.slack(first.message.blocks), name=self.t.name_of(first.user))
        skipped: dict[tuple[bool, str], list[str]] = {}
        statuses = {row.organisation.key: row.status for row in self.service.queries.overview(self.case).rows}
        for key, row in plan.items():
            scheduled = row.scheduled
            if scheduled.state is ReminderState.PLANNED or key in self.settled:
                continue
            self.settled.add(key)
            if scheduled.state is ReminderState.SKIPPED:
                reason = self.t.words(
                    "skip_reason",
                    reason=scheduled.reason,
                    declined=statuses.get(row.organisation.key) is RecipientStatus.DECLINED,
                )
                escalation = scheduled.reminder.to == "coordinator"  # an escalation, of a late or a final answer
                skipped.setdefault((escalation, reason), []).append(row.organisation.name)
        for (escalation, reason), organisations in skipped.items():
            self.t.tick(moment, "tick_skipped", reason=reason, organisations=organisations, escalation=escalation)

    def latest_reminder(self, user_id: str) -> Received:
        return [item for item in self.of("reminder") if item.user == user_id][-1]
