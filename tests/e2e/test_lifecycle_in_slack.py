"""Avsluta, återöppna and återkalla a remiss, end to end: the real app over HTTP against the loopback Slack, on
SQLite and PostgreSQL. The coordinator's buttons on the status message and the App Home, an answer that
arrives after closing (stored, marked, the coordinator told), and the withdraw form (every remiss DM edited in
place, the registries told)."""

from __future__ import annotations

import json

from bot.core.domain.audit import AuditAction
from bot.core.domain.reminders import ReminderState
from bot.core.domain.remiss import RemissStatus, ResponseKind
from devtools.clocks import FakeClock
from devtools.sandbox import Message
from devtools.sandbox.block_kit import message_block_errors
from devtools.sandbox.harness import Sandbox
from devtools.sandbox.screen import ephemeral_after, shown
from handlers import ids
from handlers.lifecycle_blocks import REASON
from tests.e2e.conftest import COORDINATOR
from tests.e2e.test_answer import filled, press_answer, submit
from tests.e2e.test_chat import ANNA, BERTIL, CASE, CECILIA, ORG, remiss_dm, send_remiss
from tests.e2e.test_extensions_in_slack import status_message, thread
from tests.e2e.test_recipient_actions import buttons

NOT_COORDINATOR = "Det här kan bara en remissamordnare göra. Be en remissamordnare om hjälp om du behöver det."
REGISTRATOR = CECILIA  # Tekniska nämndens registratur


def press(box: Sandbox, user: str, action_id: str, message: Message) -> None:
    assert box.driver.block_action(user, action_id, message=message).status == 200


def status_of(box: Sandbox) -> RemissStatus:
    return box.core.service.queries.overview(CASE).remiss.status


def planned(box: Sandbox) -> int:
    return sum(1 for r in box.core.service.reminding.reminder_plan(CASE) if r.scheduled.state is ReminderState.PLANNED)


def lines(box: Sandbox) -> str:
    return "\n".join(m.text for m in thread(box))


def test_the_coordinator_closes_from_the_status_message_and_reopens_it(box: Sandbox) -> None:
    send_remiss(box, registry=(REGISTRATOR,))
    status = status_message(box)
    assert {ids.CLOSE_REMISS, ids.WITHDRAW_REMISS} <= set(buttons(status))
    assert ids.REOPEN_REMISS not in buttons(status)
    assert planned(box) > 0

    press(box, ANNA, ids.CLOSE_REMISS, status)  # only a coordinator
    assert ephemeral_after(box.fake, 0) == NOT_COORDINATOR
    assert status_of(box) is RemissStatus.SENT

    press(box, COORDINATOR, ids.CLOSE_REMISS, status)
    box.fake.wait_for(lambda: status_of(box) is RemissStatus.CLOSED or None)
    box.courier.drain()
    closed = status_message(box)
    assert "– *avslutad* måndag 2 oktober" in shown(closed)
    assert buttons(closed) == [ids.SUMMARY_PREVIEW, ids.REOPEN_REMISS, ids.HISTORY]
    assert message_block_errors(closed.blocks or []) == []
    assert ":lock: Remissen är avslutad av <@U0MIA>. Inga fler påminnelser går ut." in lines(box)
    assert planned(box) == 0  # no more reminders
    [entry] = [e for e in box.core.service.queries.audit_trail(CASE) if e.action is AuditAction.CLOSED]
    assert entry.actor == COORDINATOR

    # The button as it was on a copy of the message from before (a second click): said when and by whom.
    assert box.driver.block_action(COORDINATOR, ids.CLOSE_REMISS, CASE, message=closed).status == 200
    assert ephemeral_after(box.fake, 1) == (
        "Remiss STK-2023-137 är redan avslutad, måndag 2 oktober kl. 09.00 av <@U0MIA>. Inget ändrades."
        " Tryck på Återöppna om den ska ta emot svar och påminna igen."
    )

    press(box, COORDINATOR, ids.REOPEN_REMISS, closed)
    box.fake.wait_for(lambda: status_of(box) is RemissStatus.SENT or None)
    box.courier.drain()
    assert {ids.CLOSE_REMISS, ids.WITHDRAW_REMISS} <= set(buttons(status_message(box)))
    assert "Remissen återöppnades av <@U0MIA>." in lines(box)
    assert planned(box) > 0  # reminders planned again for those who have not answered


def test_the_app_home_offers_closing_and_lists_closed_remisses(box: Sandbox, clock: FakeClock) -> None:
    send_remiss(box, registry=(REGISTRATOR,))
    box.driver.app_home_opened(COORDINATOR)
    home = box.fake.wait_for(lambda: box.fake.home_of(COORDINATOR))
    assert box.driver.block_action(COORDINATOR, ids.CLOSE_REMISS, view_id=home.id).status == 200
    box.fake.wait_for(lambda: status_of(box) is RemissStatus.CLOSED or None)

    def republished() -> str | None:
        view = box.fake.home_of(COORDINATOR)
        text = json.dumps(view.payload["blocks"], ensure_ascii=False) if view else ""
        return text if "Avslutade remisser" in text else None

    text = box.fake.wait_for(republished)
    assert ":lock: *STK-2023-137* Områdeslyft: avslutad måndag 2 oktober" in text
    assert ids.REOPEN_REMISS in text and ids.CLOSE_REMISS not in text


def test_an_answer_after_closing_is_stored_marked_and_the_coordinator_told(box: Sandbox) -> None:
    dm = send_remiss(box, registry=(REGISTRATOR,))
    service = box.core.service
    service.lifecycle.close(service.actor(COORDINATOR), CASE)
    box.courier.drain()

    late_answers = {1: "Vi svarar sent.", 2: "Tekniska nämnden."}
    view = press_answer(box, dm, ANNA)  # the button on the DM sent before closing still opens the form
    response = submit(box, filled(view, answers=late_answers, kind=ResponseKind.DELEGATION, decided_by="Presidiet"))
    assert response["response_action"] == "update"
    notice = json.dumps(response["view"]["blocks"], ensure_ascii=False)
    assert (
        "Remissen var redan avslutad när svaret kom in. Svaret är sparat och markerat som *inkommet efter avslut*"
        in notice
    )

    rows = {r.organisation.key: r.recipient for r in service.queries.overview(CASE).rows}
    current = rows[ORG].current_response
    assert current is not None and current.after_close
    box.courier.drain()
    assert "*Inkom efter avslut*: svaret är sparat och markerat så i sammanställningen." in lines(box)
    assert status_of(box) is RemissStatus.CLOSED  # stays closed


def test_withdrawing_asks_why_edits_every_remiss_dm_in_place_and_tells_the_registry(box: Sandbox) -> None:
    dm = send_remiss(box, registry=(REGISTRATOR,))
    bertil_dm = remiss_dm(box, BERTIL)
    copies = len(box.fake.messages_in(REGISTRATOR))
    press(box, BERTIL, ids.WITHDRAW_REMISS, status_message(box))
    assert ephemeral_after(box.fake, 0) == NOT_COORDINATOR
    assert box.fake.views_of(BERTIL) == []

    press(box, COORDINATOR, ids.WITHDRAW_REMISS, status_message(box))
    modal = box.fake.wait_for(lambda: box.fake.views_of(COORDINATOR))[-1].payload
    assert (modal["callback_id"], modal["title"]["text"], modal["submit"]["text"]) == (
        ids.WITHDRAW_REMISS_VIEW,
        "Återkalla remissen",
        "Återkalla",
    )
    empty = box.driver.view_submission(COORDINATOR, {REASON: {REASON: {"type": "plain_text_input", "value": " "}}})
    assert empty.json()["errors"] == {REASON: "Fältet Skäl måste fyllas i."}
    assert status_of(box) is RemissStatus.SENT

    reason = {REASON: {REASON: {"type": "plain_text_input", "value": "Förslaget dras tillbaka av kommunstyrelsen."}}}
    done = box.driver.view_submission(COORDINATOR, reason)
    assert (done.status, done.json()) == (200, None)
    assert status_of(box) is RemissStatus.WITHDRAWN
    assert planned(box) == 0
    box.courier.drain()

    for user, message in ((ANNA, dm), (BERTIL, bertil_dm)):
        edited = box.fake.wait_for(
            lambda u=user, m=message: next(  # type: ignore[misc]
                (x for x in box.fake.messages_in(u) if x.ts == m.ts and "återkallad" in x.text + str(x.blocks)), None
            )
        )
        assert "Remissen är återkallad" in shown(edited)
        assert "«Förslaget dras tillbaka av kommunstyrelsen.»" in shown(edited)
        assert buttons(edited) == []  # no answer buttons
        assert message_block_errors(edited.blocks or []) == []
    told = box.fake.messages_in(REGISTRATOR)[copies:]
    assert len(told) == 1 and "*Remissen är återkallad* – till Tekniska nämnden" in told[0].text
    assert "Skäl: «Förslaget dras tillbaka av kommunstyrelsen.»" in told[0].text
    assert "Remissen återkallades av <@U0MIA>: «Förslaget dras tillbaka av kommunstyrelsen.»" in lines(box)
    assert buttons(status_message(box)) == [ids.SUMMARY_PREVIEW, ids.HISTORY]

    # A withdrawn remiss takes no answers, said plainly in the form's modal (a click on a copy of the DM from
    # before the edit).
    assert box.driver.block_action(ANNA, ids.ANSWER, f"{ORG}|{CASE}", message=dm).status == 200
    refused = "Remiss STK-2023-137 är återkallad och tar inte emot svar."
    box.fake.wait_for(lambda: next((v for v in box.fake.views_of(ANNA) if refused in str(v.payload)), None))
