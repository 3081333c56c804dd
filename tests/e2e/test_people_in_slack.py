"""Stand-ins, reassignment and being away in Slack: the real app over HTTP against the loopback Slack, on SQLite
and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import Engine

from bot.core.clock import STOCKHOLM
from bot.core.domain.audit import AuditAction
from bot.core.domain.remiss import RecipientStatus
from devtools.clocks import FakeClock
from devtools.sandbox import Message
from devtools.sandbox.block_kit import message_block_errors
from devtools.sandbox.harness import Sandbox
from devtools.sandbox.screen import ephemeral_after, shown
from handlers import ids
from tests.e2e.conftest import COORDINATOR
from tests.e2e.test_chat import (
    ANNA,
    APP,
    BERTIL,
    CASE,
    CECILIA,
    DAVID,
    ORG,
    OTHER_ORG,
    official_sandbox,
    remiss_dm,
    send_remiss,
)
from tests.e2e.test_extensions_in_slack import status_message
from tests.e2e.test_recipient_actions import buttons, status

STAND_IN_MARK = "Du är ersättare för <@U0ANNA> (Tekniska nämnden)"


@pytest.fixture
def box(database_url: str, database_engine: Engine, clock: FakeClock) -> Iterator[Sandbox]:
    with official_sandbox(database_url, database_engine, clock) as sandbox:
        yield sandbox
        assert sandbox.fake.scope_refusals == []


def send_with_stand_in(box: Sandbox) -> tuple[Message, Message]:
    """STK-2023-137 to Tekniska nämnden (Anna, Cecilia her stand-in) and Miljönämnden (Bertil): both TN DMs."""
    return send_remiss(box, stand_ins=(CECILIA,)), remiss_dm(box, CECILIA)


# -- stand-ins ----------------------------------------------------------------------------------------------------
def test_the_stand_in_gets_the_remiss_marked_declines_it_and_the_official_sees_it(box: Sandbox) -> None:
    annas, cecilias = send_with_stand_in(box)
    assert STAND_IN_MARK in shown(cecilias)
    assert "ersättare" not in shown(annas)
    assert message_block_errors(cecilias.blocks or []) == []
    assert (
        buttons(cecilias)
        == buttons(annas)
        == [
            ids.ANSWER,
            ids.ANSWER_IN_CHAT,
            ids.DECLINE,
            ids.HAND_OVER,
            ids.REQUEST_EXTENSION,
        ]
    )

    assert box.driver.block_action(CECILIA, ids.DECLINE, message=cecilias).status == 200
    box.fake.wait_for(lambda: box.fake.views_of(CECILIA))
    reason = {"reason": {"reason": {"type": "plain_text_input", "value": "Berör inte nämnden"}}}
    assert box.driver.view_submission(CECILIA, reason).json() is None
    assert status(box) is RecipientStatus.DECLINED
    box.fake.wait_for(lambda: ids.WITHDRAW in buttons(cecilias))
    assert STAND_IN_MARK in shown(cecilias)  # the stand-in's own DM keeps the mark

    box.courier.drain()  # Anna's DM is edited in place: she sees who declined, and may undo it
    box.fake.wait_for(lambda: ids.WITHDRAW in buttons(annas))
    assert "Ni har avstått från att svara" in shown(annas) and "<@U0CECILIA> avstod för er" in shown(annas)
    assert len([m for m in box.fake.messages_in(ANNA) if m.thread_ts is None]) == 1  # an edit, no new message
    assert box.fake.warnings == []


def test_the_stand_ins_app_home_lists_the_remiss_with_whom_they_stand_in_for(box: Sandbox) -> None:
    send_with_stand_in(box)
    box.driver.app_home_opened(CECILIA)
    home = box.fake.wait_for(lambda: box.fake.home_of(CECILIA))
    text = json.dumps(home.payload["blocks"], ensure_ascii=False)
    assert "*STK-2023-137* Områdeslyft" in text and STAND_IN_MARK in text
    assert ids.DECLINE in text


# -- Tilldela om ---------------------------------------------------------------------------------------------------
def reassignment(org: str | None, person: str | None, note: str | None = None) -> dict[str, Any]:
    chosen = {"selected_option": {"text": {"type": "plain_text", "text": org}, "value": org}} if org else {}
    return {
        "organisation": {"organisation": {"type": "static_select", **chosen}},
        "person": {"person": {"type": "users_select", "selected_user": person}},
        "note": {"note": {"type": "plain_text_input", "value": note}},
    }


def open_reassign(box: Sandbox) -> dict[str, Any]:
    status = status_message(box)
    assert ids.REASSIGN in buttons(status)
    assert box.driver.block_action(COORDINATOR, ids.REASSIGN, CASE, message=status).status == 200
    return box.fake.wait_for(lambda: box.fake.views_of(COORDINATOR))[-1].payload


def test_the_coordinator_reassigns_an_organisations_remiss_with_a_note(box: Sandbox) -> None:
    annas, _ = send_with_stand_in(box)
    modal = open_reassign(box)
    assert (modal["title"]["text"], modal["submit"]["text"]) == ("Tilldela om remissen", "Tilldela om")
    offered = next(b for b in modal["blocks"] if b["block_id"] == "organisation")["element"]["options"]
    assert [o["value"] for o in offered] == [ORG, OTHER_ORG]

    response = box.driver.view_submission(COORDINATOR, reassignment(ORG, BERTIL, "Anna är föräldraledig."))
    assert (response.status, response.json()) == (200, None)
    box.courier.drain()
    bertils = remiss_dm(box, BERTIL)  # his second remiss: Tekniska nämnden's
    assert "Tekniska nämnden" in shown(bertils)
    assert "<@U0MIA> gav remissen till dig (den låg hos <@U0ANNA>): «Anna är föräldraledig.»" in shown(bertils)
    notice = box.fake.messages_in(ANNA)[-1]
    assert notice.text == (
        "<@U0MIA> har gett remiss STK-2023-137 för Tekniska nämnden till <@U0BERTIL>: «Anna är föräldraledig.»"
        " Den finns nu hos <@U0BERTIL>; du behöver inte göra något mer."
    )
    entry = [e for e in box.core.service.queries.audit_trail(CASE) if e.action is AuditAction.HANDED_OVER][-1]
    assert (entry.actor, entry.details_dict) == (
        COORDINATOR,
        {"previous": ANNA, "to": BERTIL, "note": "Anna är föräldraledig."},
    )
    # Anna no longer acts for Tekniska nämnden; the stand-in still may.
    box.driver.block_action(ANNA, ids.DECLINE, f"{ORG}|{CASE}", message=annas)
    assert ephemeral_after(box.fake, 0).startswith("Du är inte ansvarig handläggare eller ersättare")
    assert box.fake.warnings == []


def test_reassigning_to_a_bot_a_deactivated_account_or_the_one_who_has_it_is_refused_next_to_the_person(
    box: Sandbox,
) -> None:
    send_with_stand_in(box)
    open_reassign(box)
    refusals = {
        APP: "<@U0KALENDER> är en app, inte en person, och kan inte svara på remissen. Välj en person.",
        DAVID: "<@U0DAVID> har inget aktivt konto i Slack och kan inte få remissen. Välj en annan person.",
        ANNA: "<@U0ANNA> har redan remissen. Välj en annan person att ge den till.",
    }
    for person, message in refusals.items():
        response = box.driver.view_submission(COORDINATOR, reassignment(ORG, person, "Ta över"))
        assert response.json() == {"response_action": "errors", "errors": {"person": message}}
    missing = box.driver.view_submission(COORDINATOR, reassignment(None, None))
    assert set(missing.json()["errors"]) == {"organisation", "person"}
    assert [e for e in box.core.service.queries.audit_trail(CASE) if e.action is AuditAction.HANDED_OVER] == []
    assert len(box.fake.views_of(COORDINATOR)) == 1  # the modal stays open with what was chosen


def test_only_a_coordinator_may_reassign(box: Sandbox) -> None:
    send_with_stand_in(box)
    box.driver.block_action(ANNA, ids.REASSIGN, CASE, message=status_message(box))
    assert ephemeral_after(box.fake, 0).startswith("Det här kan bara en remissamordnare göra.")
    assert box.fake.views_of(ANNA) == []


# -- away ----------------------------------------------------------------------------------------------------------
def test_while_the_official_is_away_the_reminder_goes_to_the_stand_in_marked(box: Sandbox, clock: FakeClock) -> None:
    send_with_stand_in(box)
    clock.set(datetime(2023, 11, 13, 10, 0, tzinfo=STOCKHOLM))
    for count, (text, said) in enumerate(
        [
            ("borta 2023-11-13", "Du kan bara vara borta framåt i tiden"),
            ("borta 20 november", "«20 november» är inget datum."),
            ("borta 2023-11-20", "Du är borta till och med måndag 20 november."),
        ]
    ):
        assert box.driver.slash_command(ANNA, "/remiss", text).status == 200
        assert said in ephemeral_after(box.fake, count)

    box.driver.app_home_opened(ANNA)
    home = box.fake.wait_for(lambda: box.fake.home_of(ANNA))
    assert "Du är borta till och med måndag 20 november" in json.dumps(home.payload["blocks"], ensure_ascii=False)
    assert ids.END_AWAY in json.dumps(home.payload["blocks"])

    before = {user: len(box.fake.messages_in(user)) for user in (ANNA, CECILIA)}
    clock.set(datetime(2023, 11, 16, 9, 0, tzinfo=STOCKHOLM))  # ten working days before the deadline
    box.core.service.reminding.remind()
    box.courier.drain()
    assert len(box.fake.messages_in(ANNA)) == before[ANNA]
    reminder = box.fake.messages_in(CECILIA)[before[CECILIA] :]
    assert len(reminder) == 1 and STAND_IN_MARK in shown(reminder[0])
    assert message_block_errors(reminder[0].blocks or []) == []


def test_back_early_from_the_app_home_and_the_reminders_come_to_the_official_again(
    box: Sandbox, clock: FakeClock
) -> None:
    send_with_stand_in(box)
    clock.set(datetime(2023, 11, 13, 10, 0, tzinfo=STOCKHOLM))
    box.driver.slash_command(ANNA, "/remiss", "borta 2023-11-24")
    assert "Du är borta till och med fredag 24 november" in ephemeral_after(box.fake, 0)
    box.driver.app_home_opened(ANNA)
    home = box.fake.wait_for(lambda: box.fake.home_of(ANNA))
    assert ids.END_AWAY in json.dumps(home.payload["blocks"])
    assert box.driver.block_action(ANNA, ids.END_AWAY, "2023-11-24").status == 200
    box.fake.wait_for(
        lambda: (
            "borta till och med" not in json.dumps(getattr(box.fake.home_of(ANNA), "payload", None), ensure_ascii=False)
        )
    )
    assert home is not None and box.core.service.people.away_until(ANNA) is None

    before = len(box.fake.messages_in(ANNA))
    clock.set(datetime(2023, 11, 16, 9, 0, tzinfo=STOCKHOLM))
    box.core.service.reminding.remind()
    box.courier.drain()
    assert len(box.fake.messages_in(ANNA)) == before + 1
