"""Planning a recipient's reminders: shared by the use cases that send a remiss, move a deadline, change
meetings or snooze. Not a use case itself; it works inside the caller's transaction."""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from datetime import date

from bot.core.clock import local_date
from bot.core.domain.answer_history import late_organisations
from bot.core.domain.organisation import Directory
from bot.core.domain.recipient import Recipient
from bot.core.domain.reminders import (
    CANCELLED_SNOOZED,
    PlannedReminder,
    ReminderKind,
    ReminderPolicy,
    ReminderState,
    plan_reminders,
    policy_with,
)
from bot.core.domain.remiss import Remiss
from bot.core.domain.statistics import COUNTED_STATUSES
from bot.core.ports.store import Transaction
from bot.core.usecases.base import Shared

# Reminders an official may snooze away; the deadline's morning, overdue and escalation always come.
SNOOZABLE = frozenset(
    {ReminderKind.NUDGE_UNOPENED, ReminderKind.BEFORE_DEADLINE, ReminderKind.BEFORE_SUBMISSION, ReminderKind.SNOOZED}
)
log = logging.getLogger(__name__)


class ReminderPlanner:
    """Plans reminders against the global policy with each remiss's own settings applied."""

    def __init__(self, shared: Shared) -> None:
        self.shared = shared

    def policy(self, repo: Transaction, case_number: str) -> ReminderPolicy:
        """The global policy with the remiss's own settings applied (settings that no longer fit are ignored)."""
        default = self.shared.config.reminder_policy
        try:
            return policy_with(default, repo.reminders.reminder_policy(case_number))
        except ValueError:
            log.warning("The reminder settings of %s can't be used; the global policy applies", case_number)
            return default

    def often_late(
        self, repo: Transaction, remiss: Remiss, organisation_keys: Collection[str], policy: ReminderPolicy
    ) -> frozenset[str]:
        """The organisations among these whose first reminder comes earlier: late in their last two remisses
        (other than this one) as the statistics judge them, when the policy says so
        (REMISSBOT_EARLY_REMINDER_FOR_LATE_ORGS); one read."""
        if policy.earlier_for_late is None or not organisation_keys:
            return frozenset()
        config = self.shared.config
        histories = repo.remisses.statistics_history(
            COUNTED_STATUSES, organisation_keys=organisation_keys, excluding=remiss.case_number
        )
        return late_organisations(histories, calendar=config.calendar, tz=config.tz, today=self.shared.today())

    def plan(
        self,
        remiss: Remiss,
        recipient: Recipient,
        directory: Directory,
        policy: ReminderPolicy,
        snoozed_to: Sequence[date] = (),
        *,
        often_late: bool = False,
    ) -> list[PlannedReminder]:
        config = self.shared.config
        organisation = directory.get(recipient.organisation_key)
        sent_on = local_date(remiss.sent_at or self.shared.now(), config.tz)
        return plan_reminders(
            remiss,
            recipient,
            sent_on=sent_on,
            policy=policy,
            calendar=config.calendar,
            tz=config.tz,
            meetings=organisation.meetings if organisation else (),
            submission_lead_days=organisation.submission_lead_days if organisation else None,
            snoozed_to=snoozed_to,
            late_history=often_late,
        )

    def schedule(
        self,
        repo: Transaction,
        remiss: Remiss,
        recipient: Recipient,
        directory: Directory,
        policy: ReminderPolicy,
        *,
        snooze_to: date | None = None,
        often_late: Collection[str] | None = None,
    ) -> None:
        """Plan the recipient's reminders from now on against its current deadline, keeping its snoozes.

        Only reminders still to come are planned: one whose time has passed (a deadline moved in the
        afternoon) would be sent late or recorded as missed, and neither helps anyone.
        `often_late`: `self.often_late(...)` read once for every recipient a caller replans; else read here.
        """
        now = self.shared.now()
        existing = repo.reminders.reminders_for(remiss.case_number, recipient.organisation_key)
        snoozes = [
            s.reminder.local_date
            for s in existing
            if s.reminder.kind is ReminderKind.SNOOZED and s.state is ReminderState.PLANNED
        ]
        if snooze_to is not None:
            snoozes.append(snooze_to)
        if often_late is None:
            often_late = self.often_late(repo, remiss, [recipient.organisation_key], policy)
        late = recipient.organisation_key in often_late
        plan = [r for r in self.plan(remiss, recipient, directory, policy, snoozes, often_late=late) if r.due_at > now]
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

    def replan(self, repo: Transaction, remiss: Remiss, recipient: Recipient) -> None:
        """Plan the recipient's reminders again (its deadline or its organisation's meetings changed)."""
        self.schedule(
            repo, remiss, recipient, self.shared.cached_directory(repo), self.policy(repo, remiss.case_number)
        )
