"""Claimed but not done, in the outbox: what Slack took while the database went down is recorded later, once.

The courier claims a message (or the status message) with a lease, posts it, then records where Slack put
it. Here the database fails between the post and the record: the claim runs out, and the next sender finds
the post in Slack by the key in its metadata instead of posting it again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine

from bot.core.ports.store import StoreUnavailable
from bot.core.usecases.delivery import SEND_LEASE
from devtools.clocks import FakeClock
from devtools.sandbox.harness import Sandbox, running_sandbox
from tests.e2e.conftest import COORDINATOR, USERS, load_directory
from tests.e2e.test_sending import OFFICIALS, answer, remiss_dms, send, thread_texts, top_level
from tests.faults import database_down

pytestmark = pytest.mark.database_outage

MKB = OFFICIALS["mkb"]


@pytest.fixture
def box(database_url: str, database_engine: Engine, clock: FakeClock) -> Iterator[Sandbox]:
    with running_sandbox(
        database_url=database_url, engine=database_engine, users=[*USERS, MKB], coordinators=[COORDINATOR], clock=clock
    ) as sb:
        load_directory(sb, {"mkb": (MKB.id,)})
        yield sb


def round_while_the_database_dies(box: Sandbox, database_url: str, posted: Callable[[], bool]) -> None:
    """One courier round whose first post Slack takes (`posted` comes true), then the database goes down
    before the post is recorded."""
    failures: list[Exception] = []

    def courier_round() -> None:
        try:
            box.courier.run_once()
        except Exception as error:  # the round fails as the courier's loop would see it
            failures.append(error)

    # Slack keeps its answer until the database is down.
    answer = threading.Event()
    box.fake.inject("chat.postMessage", hold_reply=answer)
    worker = threading.Thread(target=courier_round)
    worker.start()
    # Slack has the message (recorded before its held answer): now the database goes, then Slack answers.
    box.fake.wait_for(posted)
    with database_down(database_url):
        answer.set()
        worker.join()
    assert failures
    assert isinstance(failures[0], StoreUnavailable)


def after_the_lease(box: Sandbox) -> None:
    clock = box.core.clock
    assert isinstance(clock, FakeClock)
    clock.advance(SEND_LEASE + timedelta(seconds=1))
    box.courier.drain()


def test_posts_slack_took_while_the_database_was_down_are_found_after_the_lease_not_sent_again(
    box: Sandbox, database_url: str
) -> None:
    send(box, ["mkb"])
    # The status message: posted, then its ts could not be stored.
    round_while_the_database_dies(box, database_url, lambda: bool(top_level(box, COORDINATOR)))
    assert len(top_level(box, COORDINATOR)) == 1
    after_the_lease(box)
    assert len(top_level(box, COORDINATOR)) == 1
    assert len(remiss_dms(box, MKB.id)) == 1

    # A line in the status message's thread: posted, then "sent" could not be recorded.
    before = thread_texts(box, COORDINATOR)
    answer(box, "mkb")
    round_while_the_database_dies(box, database_url, lambda: len(thread_texts(box, COORDINATOR)) > len(before))
    after_the_lease(box)
    assert thread_texts(box, COORDINATOR) == [
        *before,
        ":white_check_mark: *MKB* har svarat (via delegation).",
        ":memo: Alla remissinstanser har svarat eller avstått. Sammanställningen av STK-2023-137 kan tas fram.",
    ]
    assert len(top_level(box, COORDINATOR)) == 1
    assert len(remiss_dms(box, MKB.id)) == 1
