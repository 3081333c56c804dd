"""Avstå, ångra, dra tillbaka and lämna över, end to end: the real app over HTTP against the loopback Slack."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

from bot.core.domain.audit import AuditAction
from bot.core.domain.remiss import RecipientStatus
from devtools.clocks import FakeClock
from devtools.sandbox import Message
from devtools.sandbox.harness import Sandbox
from devtools.sandbox.screen import bot_replies, ephemeral_after, shown
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
    audit_count,
    close_remiss,
    draft_answers,
    remiss_dm,
    send_remiss,
    submit_delegation,
    withdraw_remiss,
    write,
)

REF = f"{ORG}|{CASE}"
CLOSED = (
    "Remiss STK-2023-137 är avslutad, så det här går inte längre. Ett svar kan ni fortfarande skicka in: det"
    " sparas och markeras som inkommet efter avslut. Kontakta remissamordnaren om något annat behöver ändras."
)


def status(box: Sandbox, org: str = ORG) -> RecipientStatus:
    return next(r.status for r in box.core.service.queries.overview(CASE).rows if r.organisation.key == org)


def buttons(message: Message) -> list[str]:
    return [
        e["action_id"]
        for b in message.blocks or []
        if b["type"] == "actions"
        for e in b["elements"]
        if "action_id" in e
    ]


def open_modal(box: Sandbox, user_id: str, action_id: str, dm: Message) -> dict[str, Any]:
    assert box.driver.block_action(user_id, action_id, message=dm).status == 200
    return box.fake.wait_for(lambda: box.fake.views_of(user_id))[-1].payload


def open_withdraw(box: Sandbox, dm: Message) -> dict[str, Any]:
    """Anna presses Dra tillbaka svaret for Tekniska nämnden; the modal that asks why."""
    assert box.driver.block_action(ANNA, ids.WITHDRAW, REF, message=dm).status == 200
    return box.fake.wait_for(lambda: box.fake.views_of(ANNA))[-1].payload


def reason(text: str | None) -> dict[str, Any]:
    return {"reason": {"reason": {"type": "plain_text_input", "value": text}}}


def colleague(user_id: str, note: str | None = None) -> dict[str, Any]:
    return {
        "colleague": {"colleague": {"type": "users_select", "selected_user": user_id}},
        "note": {"note": {"type": "plain_text_input", "value": note}},
    }


# -- Avstå ------------------------------------------------------------------------------------------------------
def test_declining_with_a_reason_is_recorded_shown_in_the_dm_and_told_to_the_coordinator(box: Sandbox) -> None:
    dm = send_remiss(box)
    modal = open_modal(box, ANNA, ids.DECLINE, dm)
    assert modal["callback_id"] == ids.DECLINE_VIEW
    assert (modal["title"]["text"], modal["submit"]["text"]) == ("Avstå från att svara", "Avstå")
    assert "Avstå från att svara på remiss *STK-2023-137* «Områdeslyft» för *Tekniska nämnden*?" in json.dumps(
        modal["blocks"], ensure_ascii=False
    )
    field = next(b for b in modal["blocks"] if b["type"] == "input")
    assert (field["optional"], field["element"]["multiline"], field["element"]["max_length"]) == (True, True, 3000)

    response = box.driver.view_submission(ANNA, reason("Frågan berör inte nämnden <!channel>"))
    assert (response.status, response.json()) == (200, None)
    assert box.fake.views_of(ANNA) == []
    assert status(box) is RecipientStatus.DECLINED
    box.fake.wait_for(lambda: ids.WITHDRAW in buttons(dm))
    assert "Ni har avstått från att svara" in shown(dm)
    assert buttons(dm) == [ids.WITHDRAW]
    assert "Ångra avstående" in shown(dm)

    box.courier.drain()
    lines = [m.text for m in box.fake.messages_in(COORDINATOR) if m.thread_ts]
    assert "*Tekniska nämnden* avstår från att svara: «Frågan berör inte nämnden &lt;!channel&gt;»" in "\n".join(lines)
    assert box.fake.warnings == []


def test_a_decline_reason_longer_than_3000_characters_is_refused_next_to_the_field(box: Sandbox) -> None:
    dm = send_remiss(box)
    open_modal(box, ANNA, ids.DECLINE, dm)
    response = box.driver.view_submission(ANNA, reason("x" * 3001))
    assert response.json()["errors"]["reason"].startswith("Texten i fältet Skäl är för lång (3001 tecken)")
    assert status(box) is RecipientStatus.NOT_OPENED
    assert len(box.fake.views_of(ANNA)) == 1


def test_declining_after_an_answer_was_submitted_is_refused_in_swedish(box: Sandbox) -> None:
    dm = send_remiss(box)
    open_modal(box, ANNA, ids.DECLINE, dm)
    submit_delegation(box, ANNA, ORG)  # meanwhile, in the form
    response = box.driver.view_submission(ANNA, reason(None))
    assert response.json()["errors"]["reason"] == (
        "Ni har redan skickat in ett svar på STK-2023-137. Dra tillbaka svaret först om ni vill avstå."
    )
    box.driver.view_closed(ANNA)
    box.driver.block_action(ANNA, ids.DECLINE, REF, message=dm)
    assert ephemeral_after(box.fake, 0).startswith("Ni har redan skickat in ett svar på STK-2023-137.")
    assert status(box) is RecipientStatus.SUBMITTED


# -- Ångra / Dra tillbaka ---------------------------------------------------------------------------------------
def test_undoing_a_decline_lets_the_official_answer_and_a_second_click_gets_a_short_message(box: Sandbox) -> None:
    dm = send_remiss(box)
    open_modal(box, ANNA, ids.DECLINE, dm)
    box.driver.view_submission(ANNA, reason(None))
    box.fake.wait_for(lambda: ids.WITHDRAW in buttons(dm))
    assert status(box) is RecipientStatus.DECLINED
    stale = copy.deepcopy(dm)  # what the second click of a double click was made on

    box.driver.block_action(ANNA, ids.WITHDRAW, message=dm)
    box.fake.wait_for(lambda: ids.DECLINE in buttons(dm))
    assert status(box) is RecipientStatus.OPENED
    assert buttons(dm) == [ids.ANSWER, ids.ANSWER_IN_CHAT, ids.DECLINE, ids.HAND_OVER, ids.REQUEST_EXTENSION]

    box.driver.block_action(ANNA, ids.WITHDRAW, message=stale)
    assert ephemeral_after(box.fake, 0) == "Det finns inget inskickat svar att dra tillbaka för STK-2023-137."
    assert audit_count(box, AuditAction.WITHDRAWN) == 1

    write(box, ANNA, dm, "Fråga 1: Vi svarar ändå.")
    assert draft_answers(box) == {1: "Vi svarar ändå."}
    assert status(box) is RecipientStatus.DRAFTING


def test_withdrawing_a_submitted_answer_asks_why_keeps_the_version_and_tells_the_coordinator_the_reason(
    box: Sandbox,
) -> None:
    dm = send_remiss(box)
    submit_delegation(box, ANNA, ORG)  # through the service: the DM still shows Svara, and the click is the same
    modal = open_withdraw(box, dm)
    assert modal["callback_id"] == ids.WITHDRAW_ANSWER_VIEW
    assert (modal["title"]["text"], modal["submit"]["text"]) == ("Dra tillbaka svaret", "Dra tillbaka svaret")
    field = next(b for b in modal["blocks"] if b["type"] == "input")
    assert (field["label"]["text"], field["optional"], field["element"]["max_length"]) == (
        "Varför drar ni tillbaka svaret?",
        True,
        500,
    )
    assert status(box) is RecipientStatus.SUBMITTED  # opening the modal withdraws nothing

    response = box.driver.view_submission(ANNA, reason("  Fel version av yttrandet skickades in.  "))
    assert (response.status, response.json()) == (200, None)
    box.fake.wait_for(lambda: ids.DECLINE in buttons(dm))
    assert buttons(dm) == [ids.ANSWER, ids.ANSWER_IN_CHAT, ids.DECLINE, ids.HAND_OVER, ids.REQUEST_EXTENSION]
    recipient = box.core.service.answering.answer_context(box.core.service.actor(ANNA), CASE, ORG).recipient
    assert recipient.current_response is None
    assert [r.version for r in recipient.responses] == [1]
    assert status(box) is RecipientStatus.OPENED
    [entry] = [e for e in box.core.service.queries.audit_trail(CASE) if e.action is AuditAction.WITHDRAWN]
    assert entry.details_dict["reason"] == "Fel version av yttrandet skickades in."
    box.courier.drain()
    lines = "\n".join(m.text for m in box.fake.messages_in(COORDINATOR) if m.thread_ts)
    assert (
        "*Tekniska nämnden* drog tillbaka sitt svar (version 1). Skäl: «Fel version av yttrandet skickades in.»"
        in lines
    )


def test_withdrawing_without_a_reason_is_fine_and_the_line_says_no_reason(box: Sandbox) -> None:
    dm = send_remiss(box)
    submit_delegation(box, ANNA, ORG)
    open_withdraw(box, dm)
    assert box.driver.view_submission(ANNA, reason(None)).json() is None
    assert status(box) is RecipientStatus.OPENED
    box.courier.drain()
    lines = [m.text for m in box.fake.messages_in(COORDINATOR) if m.thread_ts]
    assert ":leftwards_arrow_with_hook: *Tekniska nämnden* drog tillbaka sitt svar (version 1)." in lines


def test_a_withdrawal_reason_over_500_characters_is_refused_in_swedish_and_the_answer_stays(box: Sandbox) -> None:
    dm = send_remiss(box)
    submit_delegation(box, ANNA, ORG)
    open_withdraw(box, dm)
    response = box.driver.view_submission(ANNA, reason("x" * 501))
    assert response.json() == {
        "response_action": "errors",
        "errors": {"reason": "Texten i fältet Skäl är för lång (501 tecken); högst 500 tecken går."},
    }
    assert status(box) is RecipientStatus.SUBMITTED
    assert audit_count(box, AuditAction.WITHDRAWN) == 0
    assert len(box.fake.views_of(ANNA)) == 1  # the modal stays open, with what was written


def test_withdrawing_after_the_deadline_passed_while_the_modal_was_open_is_refused_next_to_the_reason(
    box: Sandbox, clock: FakeClock
) -> None:
    dm = send_remiss(box)
    submit_delegation(box, ANNA, ORG)
    open_withdraw(box, dm)
    clock.set(datetime(2023, 12, 1, 8, 0, tzinfo=UTC))  # the day after the deadline, in Stockholm
    response = box.driver.view_submission(ANNA, reason("Sent påkommet"))
    assert response.json()["errors"]["reason"] == (
        "Sista svarsdatum var torsdag 30 november. Kontakta remissamordnaren om ni behöver ändra något."
    )
    assert status(box) is RecipientStatus.SUBMITTED


# -- Lämna över -------------------------------------------------------------------------------------------------
def test_handing_over_gives_the_colleague_the_remiss_and_takes_it_from_the_previous_official(box: Sandbox) -> None:
    dm = send_remiss(box)
    write(box, ANNA, dm, "Fråga 1: Ett utkast som följer med.")
    old = copy.deepcopy(dm)
    modal = open_modal(box, ANNA, ids.HAND_OVER, dm)
    assert (modal["title"]["text"], modal["submit"]["text"]) == ("Lämna över remissen", "Lämna över")
    picker = next(b for b in modal["blocks"] if b["block_id"] == "colleague")
    assert picker["element"]["type"] == "users_select"
    assert "optional" not in picker

    response = box.driver.view_submission(ANNA, colleague(CECILIA, "Du har koll på budgeten."))
    assert (response.status, response.json()) == (200, None)
    box.fake.wait_for(lambda: "lämnade över" in dm.text)
    assert "Du lämnade över remissen till <@U0CECILIA>" in shown(dm)
    assert buttons(dm) == []

    box.courier.drain()
    cecilias = remiss_dm(box, CECILIA)
    assert buttons(cecilias) == [ids.ANSWER, ids.ANSWER_IN_CHAT, ids.DECLINE, ids.HAND_OVER, ids.REQUEST_EXTENSION]
    notice = box.fake.messages_in(ANNA)[-1]
    assert "Du har lämnat över remiss STK-2023-137 för Tekniska nämnden till <@U0CECILIA>" in notice.text
    trail = [e for e in box.core.service.queries.audit_trail(CASE) if e.action is AuditAction.HANDED_OVER]
    assert trail[0].details_dict == {"previous": ANNA, "to": CECILIA, "note": "Du har koll på budgeten."}

    reply = write(box, CECILIA, cecilias, "Fråga 2: Cecilias svar.")
    assert "Fråga 3 och 4 saknar svar." in reply.text
    assert draft_answers(box) == {1: "Ett utkast som följer med.", 2: "Cecilias svar."}

    refused = write(box, ANNA, dm, "Fråga 3: Annas svar.")
    assert refused.text == (
        "Du är inte ansvarig handläggare eller ersättare för Tekniska nämnden och kan inte svara för den."
    )
    box.driver.block_action(ANNA, ids.DECLINE, message=old)
    assert ephemeral_after(box.fake, 0).startswith(
        "Du är inte ansvarig handläggare eller ersättare för Tekniska nämnden"
    )
    assert draft_answers(box) == {1: "Ett utkast som följer med.", 2: "Cecilias svar."}
    assert box.fake.warnings == []


def test_handing_over_to_yourself_a_bot_or_a_deactivated_account_is_refused_next_to_the_field(box: Sandbox) -> None:
    dm = send_remiss(box)
    open_modal(box, ANNA, ids.HAND_OVER, dm)
    refusals = {
        ANNA: "Välj en annan kollega; remissen är redan din.",
        APP: "Kalenderappen är en app eller bot och kan inte ta över en remiss. Välj en person.",
        DAVID: "David Dahl har inte längre ett aktivt Slack-konto. Välj en annan kollega.",
        "U0NOBODY": "Hittar inte den personen i Slack. Välj en annan kollega.",
    }
    for choice, message in refusals.items():
        response = box.driver.view_submission(ANNA, colleague(choice))
        assert response.json() == {"response_action": "errors", "errors": {"colleague": message}}
    too_long = box.driver.view_submission(ANNA, colleague(CECILIA, "x" * 1001))
    assert too_long.json()["errors"]["note"].startswith("Texten i fältet Meddelande till kollegan är för lång")
    assert audit_count(box, AuditAction.HANDED_OVER) == 0
    assert len(box.fake.views_of(ANNA)) == 1
    assert ids.HAND_OVER in buttons(dm)


# -- refusals -----------------------------------------------------------------------------------------------------
def test_an_official_of_another_organisation_is_refused_in_swedish(box: Sandbox) -> None:
    dm = send_remiss(box)
    for count, action_id in enumerate([ids.DECLINE, ids.HAND_OVER, ids.WITHDRAW, ids.ANSWER_IN_CHAT]):
        # 200 every time: Bolt answers 404 when a listener raises right after acking (see after_ack)
        assert box.driver.block_action(BERTIL, action_id, REF, message=dm).status == 200
        assert ephemeral_after(box.fake, count) == (
            "Du är inte ansvarig handläggare eller ersättare för Tekniska nämnden och kan inte svara för den."
        )
    assert box.fake.views_of(BERTIL) == []
    assert bot_replies(box.fake, ANNA, dm.ts) == []
    assert status(box) is RecipientStatus.NOT_OPENED


def test_buttons_on_a_closed_or_withdrawn_remiss_are_refused_and_nothing_saved_is_lost(box: Sandbox) -> None:
    dm = send_remiss(box)
    write(box, ANNA, dm, "Fråga 1: Sparat.")
    close_remiss(box)
    for count, action_id in enumerate([ids.HAND_OVER, ids.WITHDRAW]):  # changes to a closed remiss
        assert box.driver.block_action(ANNA, action_id, REF, message=dm).status == 200
        assert ephemeral_after(box.fake, count) == CLOSED
    service = box.core.service
    service.lifecycle.reopen(service.actor(COORDINATOR), CASE)
    withdraw_remiss(box)
    for count, action_id in enumerate([ids.DECLINE, ids.HAND_OVER, ids.WITHDRAW, ids.ANSWER_IN_CHAT], start=2):
        assert box.driver.block_action(ANNA, action_id, REF, message=dm).status == 200
        assert (
            ephemeral_after(box.fake, count)
            == "Remiss STK-2023-137 är återkallad och tar inte emot svar. Ett utkast ni redan sparat finns kvar."
        )
    assert box.fake.views_of(ANNA) == []
    assert len(bot_replies(box.fake, ANNA, dm.ts)) == 1
    assert draft_answers(box) == {1: "Sparat."}


def test_a_decline_after_closing_is_kept_marked_and_after_withdrawing_refused_next_to_the_field(
    box: Sandbox,
) -> None:
    dm = send_remiss(box)
    open_modal(box, ANNA, ids.DECLINE, dm)
    close_remiss(box)
    response = box.driver.view_submission(ANNA, reason("Sent"))
    assert (response.status, response.json()) == (200, None)
    assert status(box) is RecipientStatus.DECLINED
    [declined] = [e for e in box.core.service.queries.audit_trail(CASE) if e.action is AuditAction.DECLINED]
    assert declined.details_dict["after_close"] == "True"

    service = box.core.service
    service.lifecycle.reopen(service.actor(COORDINATOR), CASE)
    open_modal(box, BERTIL, ids.DECLINE, remiss_dm(box, BERTIL))
    withdraw_remiss(box)
    response = box.driver.view_submission(BERTIL, reason("Sent"))
    assert response.json()["errors"] == {
        "reason": "Remiss STK-2023-137 är återkallad och tar inte emot svar. Ett utkast ni redan sparat finns kvar."
    }
    assert status(box, OTHER_ORG) is RecipientStatus.NOT_OPENED
