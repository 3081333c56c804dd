"""Claimed but not done, for reminders: a tick that fails with the database claims nothing for good.

Each due reminder is claimed, settled and turned into outbox messages in one transaction, so a tick the
database fails in undoes all of it, and the next tick sends every reminder once.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from bot.core.ports.store import StoreUnavailable
from devtools.clocks import FakeClock
from devtools.sandbox.harness import Sandbox
from devtools.sandbox.screen import outbox_key
from tests.e2e.test_reminders_in_slack import OFFICIALS, box, clock, send, stockholm
from tests.faults import database_down

pytestmark = pytest.mark.database_outage

__all__ = ["box", "clock"]  # the reminder walk's fixtures


def reminder_keys(box: Sandbox) -> Counter[str]:
    """The outbox key of every reminder the officials got, with how many times they got it."""
    keys = (outbox_key(m) for user in OFFICIALS.values() for m in box.fake.messages_in(user.id))
    return Counter(k for k in keys if k.startswith(("reminder:", "reminder-again:")))


def test_reminders_due_while_the_database_is_down_are_sent_once_by_the_next_tick(
    box: Sandbox, clock: FakeClock, database_url: str
) -> None:
    send(box, date(2023, 11, 30))
    clock.set(stockholm(2023, 11, 30, 9, 0))  # the deadline's morning: its reminder is due for everyone

    # On PostgreSQL the reminders are claimed, and then writing their messages fails.
    with database_down(database_url, tables=["outbox_message"]), pytest.raises(StoreUnavailable):
        box.core.service.reminding.remind()
    box.courier.drain()
    assert reminder_keys(box) == Counter()

    tick = box.core.service.reminding.remind()
    box.courier.drain()
    sent = reminder_keys(box)
    assert tick.sent >= len(OFFICIALS)
    assert len(sent) == tick.sent
    assert set(sent.values()) == {1}

    assert box.core.service.reminding.remind().sent == 0
    box.courier.drain()
    assert reminder_keys(box) == sent
