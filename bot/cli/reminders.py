"""`remissbot reminders plan|policy`: a remiss's reminders, planned and settled, and its own settings."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from datetime import time as dt_time
from typing import Any, TextIO

from bot.bootstrap import Core
from bot.cli.common import EXIT_CONFIG, EXIT_OK, Refused, case_command, cli_actor, help_text, open_core
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.reminders import (
    PlannedReminder,
    ReminderPolicy,
    ReminderState,
    ScheduledReminder,
    policy_overrides,
)
from bot.core.domain.remiss import RemissStatus
from bot.core.usecases.results import RecipientRow, RemissOverview

# The settings a remiss can have of its own, as bot.core.domain.reminders.policy_with reads them.
POLICY_KEYS = (
    "send_at",
    "before_deadline",
    "on_deadline_morning",
    "nudge_unopened_after",
    "before_submission",
    "overdue_after",
    "escalate_after",
    "office_hours",
)
_OFF_WORDS = ("av", "off", "nej", "no", "false", "0")
_ON_WORDS = ("ja", "på", "on", "yes", "true", "1")


def register(commands: Any) -> None:
    """Add this module's commands to the `remissbot` parser's subcommands."""
    reminders = commands.add_parser("reminders", help=help_text("reminders"))
    reminder_commands = reminders.add_subparsers(
        dest="reminders_command", required=True, metavar=help_text("command_metavar")
    )
    plan = case_command(reminder_commands, "plan", cmd_reminders_plan, "reminders_plan")
    plan.add_argument("--json", action="store_true", help=help_text("reminders_plan_json"))
    policy = case_command(reminder_commands, "policy", cmd_reminders_policy, "reminders_policy")
    policy.add_argument(
        "--set",
        dest="changes",
        metavar=help_text("policy_set_metavar"),
        nargs="+",
        action="extend",
        default=[],
        help=help_text("policy_set", keys=POLICY_KEYS),
    )
    policy.add_argument("--reset", action="store_true", help=help_text("policy_reset"))


def _reminder_text(core: Core, part: str, **extra: object) -> str:
    return core.texts.part("cli/reminder_messages.j2", part, **extra)


def _refuse_unknown(core: Core, error: DomainError) -> Refused:
    if error.code is ErrorCode.UNKNOWN_REMISS:
        return Refused(_reminder_text(core, "unknown_case", case_number=error.params.get("case_number", "")))
    return Refused(core.texts.error(error))


def cmd_reminders_plan(args: argparse.Namespace, out: TextIO) -> int:
    """Every reminder of one remiss, planned or settled, recipient by recipient in directory order."""
    core = open_core()
    try:
        try:
            overview = core.service.queries.overview(args.case_number)
            rows = core.service.reminding.reminder_plan(overview.remiss.case_number)
        except DomainError as error:
            raise _refuse_unknown(core, error) from error
    except Refused as refused:
        print(f"remissbot: {refused}", file=sys.stderr)
        return EXIT_CONFIG
    finally:
        core.close()
    tz = core.service.config.tz
    by_organisation: dict[str, list[ScheduledReminder]] = {}
    for row in rows:
        by_organisation.setdefault(row.organisation.key, []).append(row.scheduled)
    recipients = [
        _PlanRecipient(r, [_PlanLine.of(s, tz) for s in by_organisation.get(r.organisation.key, [])])
        for r in overview.rows
    ]
    if args.json:
        out.write(json.dumps(_plan_json(overview, recipients, tz), ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    out.write(
        core.texts.render("cli/reminder_plan.j2", remiss=overview.remiss, recipients=recipients, timezone=str(tz))
        + "\n"
    )
    return EXIT_OK


@dataclass(frozen=True)
class _PlanLine:
    """One reminder as the plan shows it: its local time, and when it was settled if that was later."""

    scheduled: ScheduledReminder
    local: datetime
    decided: datetime | None
    late: datetime | None  # sent or skipped a minute or more after its time (after an outage)

    @property
    def reminder(self) -> PlannedReminder:
        return self.scheduled.reminder

    @classmethod
    def of(cls, scheduled: ScheduledReminder, tz: tzinfo) -> _PlanLine:
        due = scheduled.reminder.due_at
        decided = scheduled.decided_at.astimezone(tz) if scheduled.decided_at is not None else None
        settled = scheduled.state in (ReminderState.SENT, ReminderState.SKIPPED)
        late = decided if decided is not None and settled and decided - due >= timedelta(minutes=1) else None
        return cls(scheduled, due.astimezone(tz), decided, late)


@dataclass(frozen=True)
class _PlanRecipient:
    row: RecipientRow
    reminders: list[_PlanLine]


def _plan_json(overview: RemissOverview, recipients: list[_PlanRecipient], tz: tzinfo) -> dict[str, object]:
    """The plan for machines: ISO times with their UTC offset, English enum values, stable keys."""
    remiss = overview.remiss

    def reminder(line: _PlanLine) -> dict[str, object]:
        planned, scheduled = line.reminder, line.scheduled
        return {
            "key": planned.key,
            "kind": planned.kind.value,
            "to": planned.to,
            "due_at": line.local.isoformat(),
            "local_date": planned.local_date.isoformat(),
            "working_days_left": planned.working_days_left,
            "deadline": planned.deadline.isoformat(),
            # Why it falls earlier than the policy alone gives ("late_history"), else None.
            "because": planned.because or None,
            "state": scheduled.state.value,
            # Why it was skipped (a Decision value) or cancelled ("replanned", "snoozed").
            "reason": scheduled.reason if scheduled.reason and scheduled.state is not ReminderState.SENT else None,
            "decided_at": line.decided.isoformat() if line.decided is not None else None,
        }

    return {
        "case_number": remiss.case_number,
        "title": remiss.title,
        "status": remiss.status.value,
        "deadline": remiss.deadline.isoformat(),
        "timezone": str(tz),
        "recipients": [
            {
                "organisation": entry.row.organisation.key,
                "name": entry.row.organisation.name,
                "deadline": entry.row.recipient.deadline.isoformat(),
                "status": entry.row.status.value,
                "reminders": [reminder(line) for line in entry.reminders],
            }
            for entry in recipients
        ],
    }


def cmd_reminders_policy(args: argparse.Namespace, out: TextIO) -> int:
    """Show a remiss's reminder settings; --set changes some of them, --reset goes back to the global ones."""
    core = open_core()
    try:
        return _reminders_policy(core, args, out)
    except Refused as refused:
        print(f"remissbot: {refused}", file=sys.stderr)
        return EXIT_CONFIG
    finally:
        core.close()


def _reminders_policy(core: Core, args: argparse.Namespace, out: TextIO) -> int:
    service = core.service
    try:
        remiss = service.queries.overview(args.case_number).remiss
        current = service.reminding.reminder_policy_for(remiss.case_number)
    except DomainError as error:
        raise _refuse_unknown(core, error) from error
    changed = bool(args.changes or args.reset)
    if changed:
        overrides = {} if args.reset else policy_overrides(current, service.config.reminder_policy)
        for change in args.changes:
            key, value = _policy_change(core, change)
            overrides[key] = value
        _check_hours(core, service.config.reminder_policy, overrides)
        try:
            service.reminding.set_reminder_policy(cli_actor(), remiss.case_number, overrides or None)
        except DomainError as error:
            raise Refused(core.texts.error(error)) from error
        current = service.reminding.reminder_policy_for(remiss.case_number)
    own = policy_overrides(current, service.config.reminder_policy)
    out.write(
        core.texts.render(
            "cli/reminder_policy.j2",
            remiss=remiss,
            policy=current,
            own=own,
            keys=POLICY_KEYS,
            changed=changed,
            replanned=changed and remiss.status is RemissStatus.SENT,
        )
        + "\n"
    )
    return EXIT_OK


def _policy_change(core: Core, text: str) -> tuple[str, object]:
    """One `key=value` of --set, in the stored form policy_with reads; its own checks say the rest."""
    key, equals, raw = text.partition("=")
    key, raw = key.strip(), raw.strip()
    if not equals:
        raise Refused(_reminder_text(core, "not_key_value", text=text, keys=POLICY_KEYS))
    if key not in POLICY_KEYS:
        raise Refused(_reminder_text(core, "unknown_key", key=key, keys=POLICY_KEYS))
    word = raw.lower()
    if key in ("nudge_unopened_after", "before_submission", "overdue_after", "escalate_after"):
        return key, None if word in _OFF_WORDS else int(raw) if raw.isdigit() else raw
    if key == "before_deadline":
        if word in _OFF_WORDS:
            return key, []
        return key, [int(p) if p.strip().isdigit() else p.strip() for p in raw.split(",")]
    if key == "on_deadline_morning":
        if word not in _ON_WORDS + _OFF_WORDS:
            raise Refused(_reminder_text(core, "not_yes_no", key=key, value=raw))
        return key, word in _ON_WORDS
    if key == "send_at":
        return key, _clock_text(core, key, raw)
    start, dash, end = raw.replace("–", "-").partition("-")
    if not dash:
        raise Refused(_reminder_text(core, "not_hours", key=key, value=raw))
    return key, [_clock_text(core, key, start), _clock_text(core, key, end)]


def _clock_text(core: Core, key: str, text: str) -> str:
    """ "9:30", "09.30" → "09:30"."""
    hours, sep, minutes = text.strip().replace(".", ":").partition(":")
    if not (sep and hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise Refused(_reminder_text(core, "not_clock", key=key, value=text.strip()))
    clock = dt_time.fromisoformat(f"{int(hours):02d}:{minutes}") if int(hours) < 24 and int(minutes) < 60 else None
    if clock is None:
        raise Refused(_reminder_text(core, "not_clock", key=key, value=text.strip()))
    return clock.strftime("%H:%M")


def _check_hours(core: Core, base: ReminderPolicy, overrides: dict[str, object]) -> None:
    """Reminders go within office hours: refused here in Swedish, before the policy refuses it in English."""
    send_at = dt_time.fromisoformat(str(overrides["send_at"])) if "send_at" in overrides else base.send_at
    hours = overrides.get("office_hours")
    start, end = (
        (dt_time.fromisoformat(str(hours[0])), dt_time.fromisoformat(str(hours[1])))
        if isinstance(hours, list)
        else base.office_hours
    )
    if not start < end:
        raise Refused(_reminder_text(core, "hours_backwards", start=start, end=end))
    if not start <= send_at < end:
        raise Refused(_reminder_text(core, "outside_hours", send_at=send_at, start=start, end=end))
