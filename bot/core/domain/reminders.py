"""The reminder plan for one recipient, the board-meeting advice it carries, and the send-time decision."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from typing import Literal

from bot.core.domain.calendar import (
    DEFAULT_OFFICE_HOURS,
    WorkingCalendar,
    add_working_days,
    local_time_on,
    next_working_day,
    working_day_on_or_after,
    working_day_on_or_before,
    working_days_between,
)
from bot.core.domain.recipient import Recipient
from bot.core.domain.remiss import Remiss

Audience = Literal["recipient", "coordinator"]


class PolicyError(ValueError):
    """A reminder setting that can't be used: `problem` (a code the Swedish message is chosen by), the setting
    it concerns and the value given."""

    def __init__(self, problem: str, setting: str, value: str = "") -> None:
        self.problem, self.setting, self.value = problem, setting, value
        super().__init__(f"{setting}: {problem} ({value})")


@dataclass(frozen=True)
class ReminderPolicy:
    """When reminders go out; the default is the city's, and a remiss may carry its own.

    Every count is in working days. `None` switches that reminder off.
    """

    nudge_unopened_after: int | None = 3
    before_deadline: tuple[int, ...] = (10, 5, 2)
    # A board with a known inlämningsdag is reminded this many working days before it: the day the matter
    # must be ready for the board's last meeting is its real deadline.
    before_submission: int | None = 2
    on_deadline_morning: bool = True
    overdue_after: int | None = 1
    # Counted from the overdue reminder (from the deadline when there is none).
    escalate_after: int | None = 1
    send_at: time = time(9, 0)
    office_hours: tuple[time, time] = DEFAULT_OFFICE_HOURS
    # An organisation late (or silent) in its last two remisses gets its first "days left" reminder this many
    # working days earlier (answer_history.late_in_last_remisses); None: off, as by default.
    earlier_for_late: int | None = None

    def __post_init__(self) -> None:
        start, end = self.office_hours
        if not start < end:
            raise PolicyError("hours_order", "office_hours", f"{start:%H:%M}–{end:%H:%M}")
        # A send time outside office hours would never be sent (after) or always wait (before): refuse it.
        if not start <= self.send_at < end:
            raise PolicyError("outside_office_hours", "send_at", f"{self.send_at:%H:%M}")
        counts = (
            self.nudge_unopened_after,
            self.overdue_after,
            self.escalate_after,
            self.before_submission,
            self.earlier_for_late,
            *self.before_deadline,
        )
        if any(n is not None and n < 1 for n in counts):
            raise PolicyError("not_days", "before_deadline", "0")


class ReminderKind(StrEnum):
    NUDGE_UNOPENED = "nudge_unopened"  # not opened yet: will you answer, decline, or need more time?
    BEFORE_DEADLINE = "before_deadline"
    BEFORE_SUBMISSION = "before_submission"  # the board's inlämningsdag is near
    DEADLINE_MORNING = "deadline_morning"
    OVERDUE = "overdue"
    ESCALATION = "escalation"  # to the coordinator: this recipient is late
    SNOOZED = "snoozed"  # asked for by an official ("påminn mig i morgon")
    # After a preliminary answer: the board's planned meeting has passed and its final answer has not come.
    FINAL_ANSWER = "final_answer"
    FINAL_ESCALATION = "final_escalation"  # to the coordinator: still only a preliminary answer


# A reminder planned earlier than the policy says, because the organisation was late in its last two remisses.
EARLIER_LATE_HISTORY = "late_history"

# Reminders about a preliminary answer's final one: planned against its board date, not the deadline.
AFTER_PRELIMINARY = frozenset({ReminderKind.FINAL_ANSWER, ReminderKind.FINAL_ESCALATION})


# When two reminders fall on one day only the more urgent goes: it says more and has the same buttons.
_URGENCY = {
    ReminderKind.NUDGE_UNOPENED: 0,
    ReminderKind.SNOOZED: 1,
    ReminderKind.BEFORE_DEADLINE: 2,
    # On the same day as a "days left" reminder, the inlämningsdag says more: it is the board's real deadline.
    ReminderKind.BEFORE_SUBMISSION: 3,
    ReminderKind.DEADLINE_MORNING: 4,
    ReminderKind.OVERDUE: 5,
    ReminderKind.ESCALATION: 6,
    ReminderKind.FINAL_ANSWER: 5,
    ReminderKind.FINAL_ESCALATION: 6,
}


class MeetingAlternative(StrEnum):
    """What a board can do when no meeting fits the deadline."""

    DELEGATION = "delegation"  # answer via delegation, reported to the board later
    PRELIMINARY = "preliminary"  # a preliminary answer, the board's yttrande after
    EXTENSION = "extension"  # ask for anstånd


@dataclass(frozen=True)
class MeetingAdvice:
    """A board's last meeting on or before the deadline and the day the matter must be ready for it.

    `submission_date` (the inlämningsdag) is the meeting minus the lead time in *calendar* days, as boards
    state it ("två veckor före sammanträdet": meeting 16 November, ready 2 November), moved back to a working
    day if it lands on a weekend or holiday. It is None when the lead time is unknown.

    `no_meeting_fits` when there is no meeting on or before the deadline, or the matter could not be ready
    for the last one: its submission date (the meeting itself, without a lead time) is not after the day the
    remiss was sent, as nothing can be prepared on the day it arrives.
    """

    meeting: date | None
    submission_date: date | None
    no_meeting_fits: bool

    @property
    def alternatives(self) -> tuple[MeetingAlternative, ...]:
        """What to suggest instead of an yttrande at a meeting; nothing when a meeting fits."""
        return tuple(MeetingAlternative) if self.no_meeting_fits else ()


def meeting_advice(
    meetings: Sequence[date],
    submission_lead_days: int | None,
    *,
    sent_on: date,
    deadline: date,
    calendar: WorkingCalendar,
) -> MeetingAdvice | None:
    """Advice for an organisation with meeting dates on file; None for one without (a bolag, or not entered)."""
    if not meetings:
        return None
    candidates = [m for m in meetings if m <= deadline]
    if not candidates:
        return MeetingAdvice(meeting=None, submission_date=None, no_meeting_fits=True)
    meeting = max(candidates)
    submission = None
    if submission_lead_days is not None:
        submission = working_day_on_or_before(calendar, meeting - timedelta(days=submission_lead_days))
    ready_by = submission if submission is not None else meeting
    return MeetingAdvice(meeting=meeting, submission_date=submission, no_meeting_fits=ready_by <= sent_on)


@dataclass(frozen=True)
class PlannedReminder:
    """One reminder due at a moment, about one recipient of one remiss.

    `deadline` is the recipient's deadline the reminder was planned for: after an extension it no longer
    matches and the reminder is stale. `working_days_left` counts working days after `local_date` up to and
    including that deadline: 10 on the "10 days before" reminder, 0 on the deadline's morning, -1 the
    working day after. Escalations go to the coordinator, one per late recipient; the sender groups those of
    one remiss and day into one message (`escalation_group`).
    """

    case_number: str
    organisation_key: str
    kind: ReminderKind
    due_at: datetime
    local_date: date
    deadline: date
    working_days_left: int
    to: Audience
    meeting: MeetingAdvice | None = None
    # Why it falls on another day than the policy alone gives: EARLIER_LATE_HISTORY, or "" (it doesn't).
    because: str = ""

    @property
    def key(self) -> str:
        """Stable across replanning, so enqueueing the same reminder twice records it once."""
        return f"reminder:{self.case_number}:{self.organisation_key}:{self.kind}:{self.local_date.isoformat()}"

    @property
    def escalation_group(self) -> str:
        """The coordinator's one message per remiss and day lists every recipient late that day."""
        return f"escalation:{self.case_number}:{self.local_date.isoformat()}"


def plan_reminders(
    remiss: Remiss,
    recipient: Recipient,
    *,
    sent_on: date,
    policy: ReminderPolicy,
    calendar: WorkingCalendar,
    tz: tzinfo,
    meetings: Sequence[date] = (),
    submission_lead_days: int | None = None,
    snoozed_to: Sequence[date] = (),
    late_history: bool = False,
) -> list[PlannedReminder]:
    """Every reminder the policy gives this recipient, in date order, against its own deadline.

    Reminders fall on working days only, at `policy.send_at` local time, and only after `sent_on` (the
    remiss itself is that day's message). Two on one day for one audience become the more urgent one. The
    nudge is planned whenever it falls on or before the deadline; whether it goes is decided when it is
    due (`should_send`), as is everything about answers. `snoozed_to` are the days an official asked to be
    reminded on. Replan after an extension: the plan is a function of the current deadline.

    While the current answer is preliminary, its final one is asked for as a late answer is: a reminder the
    working day after the planned board meeting (`overdue_after`), then the coordinator (`escalate_after`).
    Those two are planned against the board date (their `deadline`) and never merged with the others.

    `late_history`: the organisation was late in its last two remisses (answer_history.late_in_last_remisses).
    With `policy.earlier_for_late` set, its first "days left" reminder then comes that many working days
    earlier, marked EARLIER_LATE_HISTORY; unless that day would not be after `sent_on`.
    """
    deadline = recipient.deadline
    last_day = working_day_on_or_before(calendar, deadline)
    advice = meeting_advice(meetings, submission_lead_days, sent_on=sent_on, deadline=deadline, calendar=calendar)

    wanted: list[tuple[ReminderKind, date, Audience]] = []
    if policy.nudge_unopened_after is not None:
        nudge = add_working_days(calendar, sent_on, policy.nudge_unopened_after)
        # Asking "will you answer?" after the deadline makes no sense: the overdue reminder speaks then.
        if nudge <= last_day:
            wanted.append((ReminderKind.NUDGE_UNOPENED, nudge, "recipient"))
    # Counted back from the last working day on or before the deadline, so a Saturday deadline still
    # gets its "2 days left" reminder with 2 working days left, and its deadline-morning one on the Friday.
    wanted.extend(
        (ReminderKind.BEFORE_DEADLINE, add_working_days(calendar, last_day, -n), "recipient")
        for n in policy.before_deadline
    )
    earlier = _earlier_first(policy, calendar, last_day, sent_on) if late_history else None
    if earlier is not None:
        usual, early = earlier
        wanted.remove((ReminderKind.BEFORE_DEADLINE, usual, "recipient"))
        wanted.append((ReminderKind.BEFORE_DEADLINE, early, "recipient"))
    submission = advice.submission_date if advice is not None and not advice.no_meeting_fits else None
    if policy.before_submission is not None and submission is not None:
        ready_by = add_working_days(calendar, submission, -policy.before_submission)
        wanted.append((ReminderKind.BEFORE_SUBMISSION, ready_by, "recipient"))
    if policy.on_deadline_morning:
        wanted.append((ReminderKind.DEADLINE_MORNING, last_day, "recipient"))
    overdue_after = policy.overdue_after or 0
    if policy.overdue_after is not None:
        wanted.append((ReminderKind.OVERDUE, add_working_days(calendar, deadline, overdue_after), "recipient"))
    if policy.escalate_after is not None:
        escalation = add_working_days(calendar, deadline, overdue_after + policy.escalate_after)
        wanted.append((ReminderKind.ESCALATION, escalation, "coordinator"))
    wanted.extend((ReminderKind.SNOOZED, working_day_on_or_after(calendar, day), "recipient") for day in snoozed_to)

    chosen: dict[tuple[Audience, date], ReminderKind] = {}
    for kind, day, to in wanted:
        if day <= sent_on:
            continue
        current = chosen.get((to, day))
        if current is None or _URGENCY[kind] > _URGENCY[current]:
            chosen[(to, day)] = kind

    at = _Timing(remiss, recipient, policy, calendar, tz)
    plan = [at.reminder(kind, day, to, deadline) for (to, day), kind in chosen.items()]
    if earlier is not None:
        plan = [
            replace(r, because=EARLIER_LATE_HISTORY)
            if r.kind is ReminderKind.BEFORE_DEADLINE and r.local_date == earlier[1]
            else r
            for r in plan
        ]
    plan += _final_answer_reminders(at, sent_on)
    return _with_meeting_advice(sorted(plan, key=lambda r: (r.due_at, r.to == "coordinator")), advice)


def _earlier_first(
    policy: ReminderPolicy, calendar: WorkingCalendar, last_day: date, sent_on: date
) -> tuple[date, date] | None:
    """(the usual day, the earlier day) of the first "days left" reminder for an organisation often late; None
    when the policy moves nothing or the earlier day would not be after the remiss was sent."""
    if policy.earlier_for_late is None or not policy.before_deadline:
        return None
    first = max(policy.before_deadline)
    early = add_working_days(calendar, last_day, -(first + policy.earlier_for_late))
    if early <= sent_on:
        return None
    return add_working_days(calendar, last_day, -first), early


@dataclass(frozen=True)
class _Timing:
    """What every planned reminder of one recipient shares: whom it is about and when reminders go out."""

    remiss: Remiss
    recipient: Recipient
    policy: ReminderPolicy
    calendar: WorkingCalendar
    tz: tzinfo

    def reminder(self, kind: ReminderKind, day: date, to: Audience, deadline: date) -> PlannedReminder:
        """The reminder of `kind` on `day` at the send time, counted against `deadline`."""
        return PlannedReminder(
            case_number=self.remiss.case_number,
            organisation_key=self.recipient.organisation_key,
            kind=kind,
            due_at=local_time_on(day, self.policy.send_at, self.tz).astimezone(UTC),
            local_date=day,
            deadline=deadline,
            working_days_left=working_days_between(self.calendar, day, deadline),
            to=to,
        )


def _final_answer_reminders(at: _Timing, sent_on: date) -> list[PlannedReminder]:
    """After a preliminary answer: the final one asked for after its planned board meeting, then escalated."""
    planned = at.recipient.planned_board_date
    if planned is None:
        return []
    overdue_after = at.policy.overdue_after or 1
    wanted: list[tuple[ReminderKind, date, Audience]] = [
        (ReminderKind.FINAL_ANSWER, add_working_days(at.calendar, planned, overdue_after), "recipient")
    ]
    if at.policy.escalate_after is not None:
        day = add_working_days(at.calendar, planned, overdue_after + at.policy.escalate_after)
        wanted.append((ReminderKind.FINAL_ESCALATION, day, "coordinator"))
    return [at.reminder(kind, day, to, planned) for kind, day, to in wanted if day > sent_on]


def _with_meeting_advice(plan: list[PlannedReminder], advice: MeetingAdvice | None) -> list[PlannedReminder]:
    """Every reminder to the recipient up to the deadline names the meeting that fits.

    When none fits, the alternatives are suggested once: on the nudge and on the first reminder after it,
    because the nudge is skipped for a recipient who has opened the remiss, and the suggestion must still
    reach them in the first reminder they actually get.
    """
    if advice is None:
        return plan
    advised: list[PlannedReminder] = []
    suggested = False
    for reminder in plan:
        carries = reminder.to == "recipient" and reminder.working_days_left >= 0
        if carries and advice.no_meeting_fits and reminder.kind is not ReminderKind.NUDGE_UNOPENED:
            carries, suggested = not suggested, True
        advised.append(replace(reminder, meeting=advice) if carries else reminder)
    return advised


def snooze_day(today: date, calendar: WorkingCalendar, until: date | None = None) -> date:
    """The day a snoozed reminder comes back: "påminn mig i morgon" is the next working day, a date is that
    date or the working day after it. A date not after today means tomorrow (the request is to be left alone).
    """
    if until is None or until <= today:
        return next_working_day(calendar, today)
    return working_day_on_or_after(calendar, until)


class Decision(StrEnum):
    """What to do with a reminder at a given moment. Everything but WAIT is final."""

    SEND = "send"
    # Not due yet, or due before office hours open (office hours moved after the reminder was planned).
    WAIT = "wait"
    SKIP_ANSWERED = "skip_answered"  # submitted or declined: nothing more is expected
    SKIP_OPENED = "skip_opened"  # the nudge only: they have looked at it
    SKIP_SUPERSEDED = "skip_superseded"  # planned for a deadline since moved (an extension)
    SKIP_CLOSED = "skip_closed"  # the remiss is closed or withdrawn
    SKIP_MISSED = "skip_missed"  # its day has passed, or its office hours have: never late on another day

    @property
    def is_final(self) -> bool:
        return self is not Decision.WAIT


def should_send(
    reminder: PlannedReminder,
    recipient: Recipient,
    *,
    now: datetime,
    tz: tzinfo,
    policy: ReminderPolicy,
    calendar: WorkingCalendar,
    remiss: Remiss | None = None,
) -> Decision:
    """Decide at the moment of sending, from the recipient as it is now.

    A reminder is sent on its own local day within office hours, late if the bot was down at its time;
    once that day's office hours are over it is skipped, so an outage never ends in a burst of old
    reminders. An escalation is about `recipient` too: one who has answered since is not late.
    """
    if now < reminder.due_at:
        return Decision.WAIT
    if remiss is not None and not remiss.is_open:
        return Decision.SKIP_CLOSED
    if reminder.kind in AFTER_PRELIMINARY:
        # Asked for while the answer is preliminary, for the board date it names: a final (or a withdrawal)
        # ends it, another planned date replaces it.
        if not recipient.is_preliminary():
            return Decision.SKIP_ANSWERED
        if reminder.deadline != recipient.planned_board_date:
            return Decision.SKIP_SUPERSEDED
    # A snooze was asked for by a person; it stands even if the deadline moved after it.
    elif reminder.kind is not ReminderKind.SNOOZED and reminder.deadline != recipient.deadline:
        return Decision.SKIP_SUPERSEDED
    elif recipient.is_answered():
        return Decision.SKIP_ANSWERED
    if reminder.kind is ReminderKind.NUDGE_UNOPENED and recipient.opened_at is not None:
        return Decision.SKIP_OPENED
    local = now.astimezone(tz)
    start, end = policy.office_hours
    if local.date() != reminder.local_date or not calendar.is_working_day(local.date()) or local.time() >= end:
        return Decision.SKIP_MISSED
    if local.time() < start:
        return Decision.WAIT
    return Decision.SEND


def missing_for(recipient: Recipient, remiss: Remiss) -> list[int]:
    """The questions still without an answer ("fråga 3 och 4 saknar svar"): all of them without a draft."""
    if recipient.is_answered():
        return []
    if recipient.draft is None:
        return [q.number for q in remiss.questions]
    return recipient.draft.content.missing_questions(remiss)


class ReminderState(StrEnum):
    """Where a reminder is: planned until it is due, then sent, skipped (and why), or cancelled."""

    PLANNED = "planned"
    SENT = "sent"  # handed to the outbox, which sends it exactly once
    SKIPPED = "skipped"  # due, but not sent: `reason` is the Decision (answered, opened, missed, …)
    CANCELLED = "cancelled"  # replanned away (an extension, a new deadline, a snooze) before it was due


@dataclass(frozen=True)
class ScheduledReminder:
    """A planned reminder as stored, with what became of it."""

    reminder: PlannedReminder
    state: ReminderState = ReminderState.PLANNED
    reason: str = ""
    decided_at: datetime | None = None
    id: int | None = None

    @property
    def key(self) -> str:
        return self.reminder.key


@dataclass(frozen=True)
class Reconciliation:
    """What a store does to make one recipient's still-planned reminders exactly a plan (`reconcile`)."""

    cancel: tuple[str, ...] = ()  # keys of planned reminders no longer in the plan
    replan: tuple[PlannedReminder, ...] = ()  # known, planned or cancelled: planned again with these details
    add: tuple[PlannedReminder, ...] = ()  # not known yet: recorded as planned


def reconcile(existing: Mapping[str, ReminderState], plan: Sequence[PlannedReminder]) -> Reconciliation:
    """Make a recipient's still-planned reminders exactly `plan`, given the states of its stored ones by key.

    Planned ones not in the plan are cancelled; ones in it are added, or (planned or cancelled before)
    planned again with the new details; sent and skipped ones are history and stay as they are.
    """
    wanted = {reminder.key: reminder for reminder in plan}
    return Reconciliation(
        cancel=tuple(key for key, state in existing.items() if state is ReminderState.PLANNED and key not in wanted),
        replan=tuple(
            reminder
            for key, reminder in wanted.items()
            if existing.get(key) in (ReminderState.PLANNED, ReminderState.CANCELLED)
        ),
        add=tuple(reminder for key, reminder in wanted.items() if key not in existing),
    )


# A reminder that was replanned away says why (the Decision values say why a due one was skipped).
CANCELLED_REPLANNED = "replanned"
CANCELLED_SNOOZED = "snoozed"


def policy_with(base: ReminderPolicy, overrides: dict[str, object] | None) -> ReminderPolicy:
    """`base` with a remiss's own settings applied (as stored: numbers, lists, "HH:MM" strings).

    Raises PolicyError for a setting that is unknown or can't be used.
    """
    if not overrides:
        return base
    changes: dict[str, object] = {}
    for name, value in overrides.items():
        if name in ("nudge_unopened_after", "overdue_after", "escalate_after", "before_submission"):
            changes[name] = _days_or_none(name, value)
        elif name == "before_deadline":
            if not isinstance(value, list | tuple):
                raise PolicyError("not_list", name, str(value))
            changes[name] = tuple(sorted({_days(name, v) for v in value}, reverse=True))
        elif name == "on_deadline_morning":
            changes[name] = bool(value)
        elif name == "send_at":
            changes[name] = _clock_time(name, value)
        elif name == "office_hours":
            if not isinstance(value, list | tuple) or len(value) != 2:
                raise PolicyError("not_two_times", name, str(value))
            changes[name] = (_clock_time(name, value[0]), _clock_time(name, value[1]))
        else:
            raise PolicyError("unknown_setting", name)
    return replace(base, **changes)  # type: ignore[arg-type]


def policy_overrides(policy: ReminderPolicy, base: ReminderPolicy) -> dict[str, object]:
    """The settings in which `policy` differs from `base`, in the stored form `policy_with` reads."""
    stored: dict[str, object] = {}
    for name in ("nudge_unopened_after", "overdue_after", "escalate_after", "before_submission", "on_deadline_morning"):
        if getattr(policy, name) != getattr(base, name):
            stored[name] = getattr(policy, name)
    if policy.before_deadline != base.before_deadline:
        stored["before_deadline"] = list(policy.before_deadline)
    if policy.send_at != base.send_at:
        stored["send_at"] = policy.send_at.strftime("%H:%M")
    if policy.office_hours != base.office_hours:
        stored["office_hours"] = [t.strftime("%H:%M") for t in policy.office_hours]
    return stored


def _days(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 60:
        raise PolicyError("not_days", name, str(value))
    return value


def _days_or_none(name: str, value: object) -> int | None:
    return None if value is None or value is False else _days(name, value)


def _clock_time(name: str, value: object) -> time:
    if isinstance(value, time):
        return value
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        raise PolicyError("not_time", name, str(value)) from None
