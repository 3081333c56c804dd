"""Historik: a coordinator reads a remiss's audit trail in Slack, newest first, a page at a time."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.core.domain.remiss import Answer, ResponseContent, ResponseKind
from devtools.clocks import FakeClock
from devtools.sandbox.block_kit import view_errors
from devtools.sandbox.harness import Sandbox
from devtools.sandbox.screen import ephemeral_after
from handlers import ids
from handlers.history import PAGE_SIZE
from tests.e2e.conftest import COORDINATOR
from tests.e2e.test_chat import ANNA, BERTIL, CASE, ORG, OTHER_ORG, send_remiss
from tests.e2e.test_extensions_in_slack import NOT_COORDINATOR, status_message
from tests.e2e.test_recipient_actions import buttons

DRAFTS = 24  # with the remiss created and sent and Bertil's decline: more than one page


def busy_round(box: Sandbox, clock: FakeClock) -> int:
    """The remiss sent; Anna saves her draft again and again over the day; Bertil declines last. The entries."""
    send_remiss(box)
    service = box.core.service
    for n in range(DRAFTS):
        clock.advance(timedelta(minutes=10))
        content = ResponseContent(kind=ResponseKind.YTTRANDE, answers=(Answer(1, f"Utkast {n + 1}."),))
        service.answering.save_draft(service.actor(ANNA), CASE, ORG, content)
    clock.advance(timedelta(minutes=10))
    service.answering.decline(service.actor(BERTIL), CASE, OTHER_ORG, "Berör inte <@U0MIA> & oss.")
    box.courier.drain()
    return len(service.queries.audit_trail(CASE))


def modal(box: Sandbox, user_id: str = COORDINATOR) -> dict[str, Any]:
    return dict(box.fake.wait_for(lambda: box.fake.views_of(user_id))[-1].payload)


def texts(view: dict[str, Any]) -> list[str]:
    return [b["text"]["text"] for b in view["blocks"] if b["type"] == "section"]


def turns(view: dict[str, Any]) -> list[str]:
    return [e["action_id"] for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]]


def showing(box: Sandbox, intro: str) -> dict[str, Any]:
    """The open modal once it shows the page that starts with `intro`'s second line."""
    box.fake.wait_for(lambda: [v for v in box.fake.views_of(COORDINATOR) if intro in str(v.payload["blocks"][0])])
    return modal(box)


def test_a_coordinator_pages_through_the_history_newest_first(box: Sandbox, clock: FakeClock) -> None:
    total = busy_round(box, clock)
    assert total == DRAFTS + 3  # created, sent, the drafts, the decline
    status = status_message(box)
    assert ids.HISTORY in buttons(status)

    box.driver.block_action(COORDINATOR, ids.HISTORY, message=status)
    first = modal(box)
    assert (first["callback_id"], first["title"]["text"], first["close"]["text"]) == (
        ids.HISTORY_VIEW,
        "Historik",
        "Stäng",
    )
    assert "submit" not in first
    assert view_errors(first) == []
    lines = texts(first)
    assert lines[0].splitlines() == [
        "*STK-2023-137* Områdeslyft",
        f"Händelser 1–{PAGE_SIZE} av {total}, nyast först.",
    ]
    assert len(lines) == PAGE_SIZE + 1
    # The newest first, with the person's name from Slack, user text escaped (no mention, no entity broken).
    assert lines[1] == (
        "*2 oktober 2023 kl. 13:10* · Bertil Berg\n"
        "Miljönämnden avstod från att yttra sig: «Berör inte &lt;@U0MIA&gt; &amp; oss.»"
    )
    assert lines[2] == (
        "*2 oktober 2023 kl. 13:00* · Anna Andersson\nTekniska nämnden sparade ett utkast till svar; "
        "3 frågor saknar svar än."
    )
    assert turns(first) == [ids.HISTORY_OLDER]

    box.driver.block_action(COORDINATOR, ids.HISTORY_OLDER)
    second = showing(box, f"Händelser {PAGE_SIZE + 1}–{total} av {total}")
    assert view_errors(second) == []
    older = texts(second)
    assert len(older) == total - PAGE_SIZE + 1
    assert older[-2:] == [  # created and sent in the same minute: the later entry first
        "*2 oktober 2023 kl. 09:00* · Mia Idestrom\nRemissen skickades till 2 remissinstanser.",
        "*2 oktober 2023 kl. 09:00* · Mia Idestrom\nMia Idestrom skapade remissen som utkast.",
    ]
    assert turns(second) == [ids.HISTORY_NEWER]
    assert len(box.fake.views_of(COORDINATOR)) == 1  # the same modal, updated in place

    box.driver.block_action(COORDINATOR, ids.HISTORY_NEWER)
    again = showing(box, f"Händelser 1–{PAGE_SIZE} av {total}")
    assert texts(again) == lines
    assert box.fake.warnings == []


def test_someone_who_is_no_coordinator_is_refused_and_sees_no_history(box: Sandbox, clock: FakeClock) -> None:
    busy_round(box, clock)
    count = len(box.fake.responses)
    assert box.driver.block_action(BERTIL, ids.HISTORY, message=status_message(box)).status == 200
    assert ephemeral_after(box.fake, count) == NOT_COORDINATOR
    assert box.fake.views_of(BERTIL) == []


def test_a_forged_page_number_is_refused_and_the_page_stays(box: Sandbox, clock: FakeClock) -> None:
    busy_round(box, clock)
    box.driver.block_action(COORDINATOR, ids.HISTORY, message=status_message(box))
    before = modal(box)
    box.driver.block_action(COORDINATOR, ids.HISTORY_OLDER, "-1; DROP")
    told = box.fake.wait_for(lambda: [m for m in box.fake.messages_in(COORDINATOR) if "gick inte att läsa" in m.text])
    assert told[0].text.startswith("Det som skickades gick inte att läsa")
    assert modal(box) == before
