"""When the bot's periodic work next has something to do, read from its store: for walks that skip idle runs.

A test (or the demo) that moves a fake clock across weeks need not run the reminder job and the courier at
every half hour: a run at which no planned reminder is due and nothing in the outbox can be claimed does
nothing. `agenda(store)` says when that changes, from what is stored (the reminders planned, the messages
waiting and the status messages out of date), so a walk can run the job only at those moments and still
see each message at the run that really sends it. The morning digest is not stored before it is offered,
so a walk asks the job itself about it at each run it would otherwise leave out (see tests/e2e).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.core.domain.outbox import DeliveryState
from bot.core.domain.reminders import ReminderState
from bot.core.ports.store import Store

# A status message out of date and claimed by nobody can be sent at once: earlier than any clock.
_AT_ONCE = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Agenda:
    """The earliest moment the reminder job, and the courier, can claim something (None: nothing waits)."""

    reminders_at: datetime | None
    outbox_at: datetime | None

    def reminders_due(self, now: datetime) -> bool:
        """A planned reminder (or escalation) is due: the job claims it at a run at or after `now`."""
        return self.reminders_at is not None and self.reminders_at <= now

    def outbox_due(self, now: datetime) -> bool:
        """A message or status message can be claimed by the courier at `now`."""
        return self.outbox_at is not None and self.outbox_at <= now

    def due(self, now: datetime) -> bool:
        return self.reminders_due(now) or self.outbox_due(now)


def agenda(store: Store) -> Agenda:
    """Read, in one read transaction, what the reminder job and the courier will next find to do.

    Reminders still planned are claimed from their due time (a reminder kept waiting, say before office
    hours, stays due until the job settles it). Messages waiting in the outbox are claimable from their next
    attempt (at once if none), ones being sent when their claim runs out; a status message out of date when
    its claim runs out (at once if unclaimed). Digests (no case number) are in the outbox once offered.
    """
    reminders: list[datetime] = []
    outbox: list[datetime] = []
    with store.read() as repo:
        cases = [remiss.case_number for remiss in repo.remisses.list_remisses()]
        for case in cases:
            reminders += [
                s.reminder.due_at for s in repo.reminders.reminders_for(case) if s.state is ReminderState.PLANNED
            ]
            board = repo.outbox.get_status(case)
            if board is not None and board.stale:
                outbox.append(board.claimed_until or _AT_ONCE)
        for case in [*cases, ""]:
            for message in repo.outbox.messages_for(case):
                if message.state is DeliveryState.PENDING:
                    outbox.append(message.next_attempt_at or message.created_at)
                elif message.state is DeliveryState.SENDING:
                    outbox.append(message.claimed_until or message.created_at)
    return Agenda(min(reminders, default=None), min(outbox, default=None))
