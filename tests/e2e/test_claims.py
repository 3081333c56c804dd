"""Claimed but not done: a Slack event whose work fails is not marked handled, and the official is told.

The real app over HTTP against the loopback Slack, with the database failing for real (tests/faults.py).
"""

from __future__ import annotations

import json
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from bot.core.domain.audit import AuditAction
from devtools.sandbox import Message
from devtools.sandbox.harness import Sandbox
from devtools.sandbox.screen import bot_replies, shown
from handlers.create.views import CREATE_FROM_DOCUMENT
from tests.e2e.conftest import COORDINATOR
from tests.e2e.test_chat import (
    ANNA,
    BERTIL,
    CASE,
    audit_count,
    draft_answers,
    send_remiss,
    thread_message,
    write,
)
from tests.e2e.test_create import file_share
from tests.faults import database_down

pytestmark = pytest.mark.database_outage

NOT_SAVED = "Ditt svar kunde inte sparas just nu"
# SQLite's writers wait out the busy timeout (5 s) before "database is locked"; then the message is posted.
OUTAGE_WAIT = 30.0


def test_an_answer_written_while_the_database_is_down_is_stored_when_slack_delivers_it_again(
    box: Sandbox, database_url: str
) -> None:
    dm = send_remiss(box)
    event = thread_message(box, dm, "Fråga 1: Ja, i hela staden.")

    with database_down(database_url):
        assert box.driver.event(event, event_id="Ev0OUTAGE1").status == 200
        told = box.fake.wait_for(lambda: bot_replies(box.fake, ANNA, dm.ts), timeout=OUTAGE_WAIT)[0]
    assert NOT_SAVED in told.text
    assert "Skriv det igen här i tråden om en stund." in told.text
    assert "eftersom remissbot har ett tillfälligt fel" in told.text and "databas" not in told.text
    assert draft_answers(box) == {}

    retry = box.driver.event(event, event_id="Ev0OUTAGE1", retry_num=1, retry_reason="http_timeout")
    assert retry.status == 200
    stored = box.fake.wait_for(lambda: bot_replies(box.fake, ANNA, dm.ts)[1:])[0]
    assert "Fråga 1" in stored.text
    assert NOT_SAVED not in stored.text
    assert draft_answers(box) == {1: "Ja, i hela staden."}

    # A further retry of the now handled event is dropped: stored once, answered once.
    assert box.driver.event(event, event_id="Ev0OUTAGE1", retry_num=2, retry_reason="http_timeout").status == 200
    write(box, ANNA, dm, "Fråga 2: Nästa meddelande.")  # handled after the retry would have been
    assert len(bot_replies(box.fake, ANNA, dm.ts)) == 3
    assert audit_count(box, AuditAction.DRAFTED) == 2
    assert draft_answers(box) == {1: "Ja, i hela staden.", 2: "Nästa meddelande."}


def unhandled_errors(caplog: pytest.LogCaptureFixture) -> int:
    """Failures the app logged: listeners run after the ack, so this is how a test knows one has finished
    (a retry that arrives while the first delivery is still at work is dropped, as that one may succeed)."""
    return sum(1 for r in caplog.records if r.levelno >= logging.ERROR)


def home_opened(box: Sandbox, user_id: str) -> dict[str, Any]:
    return {"type": "app_home_opened", "user": user_id, "channel": box.fake.open_dm(user_id), "tab": "home"}


def test_a_home_tab_slack_refused_to_show_is_shown_when_slack_delivers_the_event_again(
    box: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    send_remiss(box)
    box.fake.inject("views.publish", status=500)
    assert box.driver.event(home_opened(box, ANNA), event_id="Ev0HOME1").status == 200
    box.fake.wait_for(lambda: unhandled_errors(caplog))
    assert box.fake.home_of(ANNA) is None

    assert box.driver.event(home_opened(box, ANNA), event_id="Ev0HOME1", retry_num=1).status == 200
    box.fake.wait_for(lambda: box.fake.home_of(ANNA))
    assert box.driver.event(home_opened(box, ANNA), event_id="Ev0HOME1", retry_num=2).status == 200
    box.driver.app_home_opened(BERTIL)  # handled after the second retry would have been
    box.fake.wait_for(lambda: box.fake.home_of(BERTIL))
    assert [c.status for c in box.fake.calls_to("views.publish")] == [500, 200, 200]


def test_a_home_tab_opened_while_the_database_is_down_is_shown_when_slack_delivers_the_event_again(
    box: Sandbox, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    send_remiss(box)
    with database_down(database_url):
        assert box.driver.event(home_opened(box, ANNA), event_id="Ev0HOME2").status == 200
        box.fake.wait_for(lambda: unhandled_errors(caplog), timeout=OUTAGE_WAIT)
    assert box.fake.home_of(ANNA) is None

    assert box.driver.event(home_opened(box, ANNA), event_id="Ev0HOME2", retry_num=1).status == 200
    home = box.fake.wait_for(lambda: box.fake.home_of(ANNA))
    assert CASE in json.dumps(home.payload, ensure_ascii=False)


def test_a_hint_slack_refused_to_post_is_posted_once_when_slack_delivers_the_message_again(
    box: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    send_remiss(box)
    channel = box.fake.open_dm(ANNA)
    posted = box.fake.record_user_message(channel, ANNA, "Fråga 2: Vi tillstyrker.", None)
    event = {"type": "message", "channel": channel, "user": ANNA, "text": posted.text, "ts": posted.ts}
    event |= {"channel_type": "im"}
    box.fake.inject("chat.postMessage", status=500)
    assert box.driver.event(event, event_id="Ev0HINT1").status == 200
    box.fake.wait_for(lambda: any("Could not reply" in r.getMessage() for r in caplog.records))

    assert box.driver.event(event, event_id="Ev0HINT1", retry_num=1).status == 200

    def hints() -> list[Message]:
        return [m for m in box.fake.messages_in(ANNA) if m.user is None and m.thread_ts == posted.ts]

    assert "Svar på en remiss skriver du i tråden" in box.fake.wait_for(hints)[0].text
    assert box.driver.event(event, event_id="Ev0HINT1", retry_num=2).status == 200
    box.driver.app_home_opened(BERTIL)  # handled after the second retry would have been
    box.fake.wait_for(lambda: box.fake.home_of(BERTIL))
    assert len(hints()) == 1


def test_an_import_offer_slack_refused_to_post_is_posted_once_when_slack_delivers_the_file_again(
    box: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    event = file_share(box, COORDINATOR, box.fake.add_file("remiss.txt", b"Remiss om parkering").to_slack())
    box.fake.inject("chat.postMessage", status=500)
    assert box.driver.event(event, event_id="Ev0FILE1").status == 200
    box.fake.wait_for(lambda: unhandled_errors(caplog))

    assert box.driver.event(event, event_id="Ev0FILE1", retry_num=1).status == 200

    def offers() -> list[Message]:
        return [m for m in box.fake.messages_in(COORDINATOR) if CREATE_FROM_DOCUMENT in shown(m)]

    box.fake.wait_for(offers)
    assert box.driver.event(event, event_id="Ev0FILE1", retry_num=2).status == 200
    box.driver.app_home_opened(BERTIL)  # handled after the second retry would have been
    box.fake.wait_for(lambda: box.fake.home_of(BERTIL))
    assert len(offers()) == 1


def test_two_deliveries_of_one_answer_at_once_store_it_once_and_reply_once(box: Sandbox) -> None:
    dm = send_remiss(box)
    event = thread_message(box, dm, "Fråga 3: Två tjänster.")
    with ThreadPoolExecutor(2) as pool:
        statuses = list(pool.map(lambda n: box.driver.event(event, event_id="Ev0TWICE", retry_num=n).status, [None, 1]))
    assert statuses == [200, 200]
    box.fake.wait_for(lambda: bot_replies(box.fake, ANNA, dm.ts))
    write(box, ANNA, dm, "Fråga 4: Stadskontoret.")  # handled after both deliveries
    assert audit_count(box, AuditAction.DRAFTED) == 2
    assert draft_answers(box) == {3: "Två tjänster.", 4: "Stadskontoret."}
    assert len(bot_replies(box.fake, ANNA, dm.ts)) == 2
