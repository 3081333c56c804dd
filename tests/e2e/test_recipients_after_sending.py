"""Recipients after sending, end to end: the real app over HTTP against the loopback Slack, on SQLite and PostgreSQL.

The whole story: a remiss sent while an organisation had no contact; a directory loaded that gives it one; the
offer in the status thread; *Skicka igen*; the new official gets the remiss and answers. And *Lägg till
remissinstans* from the status message's modal.
"""

from __future__ import annotations

import json

from bot.core.domain.audit import AuditAction
from devtools.sandbox import Message
from devtools.sandbox.block_kit import message_block_errors
from devtools.sandbox.harness import Sandbox
from devtools.sandbox.screen import current, ephemeral_after, shown
from handlers import ids
from tests.e2e.conftest import COORDINATOR, load_directory, send_as_coordinator
from tests.e2e.test_chat import ANNA, BERTIL, CASE, CECILIA, ORG, QUESTIONS, remiss_dm
from tests.e2e.test_extensions_in_slack import status_message, thread
from tests.e2e.test_recipient_actions import buttons, colleague, open_modal, reason

NEW_ORG = "kulturnamnden"


def sent_without_contact(box: Sandbox) -> None:
    """STK-2023-137 sent to Tekniska nämnden (Anna) and Kulturnämnden, which has no contact in the directory."""
    load_directory(box, {ORG: (ANNA,)})
    send_as_coordinator(box, "Områdeslyft", QUESTIONS, [ORG, NEW_ORG])
    box.courier.drain()


def test_sent_without_contact_then_a_directory_with_one_then_skicka_igen_and_the_official_answers(
    box: Sandbox,
) -> None:
    sent_without_contact(box)
    assert box.fake.messages_in(BERTIL) == []
    assert any("Kulturnämnden* kunde inte nås" in m.text for m in thread(box))

    offers = load_directory(box, {ORG: (ANNA,), NEW_ORG: (BERTIL,)})
    assert [(o.case_number, o.organisation.key) for o in offers] == [(CASE, NEW_ORG)]
    box.courier.drain()
    offer = next(m for m in thread(box) if ids.RESEND in buttons(m))
    assert "Katalogen anger nu kontaktpersoner för *Kulturnämnden*: <@U0BERTIL>" in offer.text
    assert message_block_errors(offer.blocks or []) == []

    assert box.driver.block_action(COORDINATOR, ids.RESEND, message=offer).status == 200
    assert "Remissen skickas igen till *Kulturnämnden*: <@U0BERTIL>" in ephemeral_after(box.fake, 0)
    box.courier.drain()
    dm = remiss_dm(box, BERTIL)
    assert buttons(dm)[0] == ids.ANSWER

    # The offer keeps its text; its button gives way to who sent it, when.
    def offer_done() -> Message | None:
        now = current(box.fake, COORDINATOR, offer.ts)
        return now if ids.RESEND not in buttons(now) else None

    done = box.fake.wait_for(offer_done)
    assert "<@U0MIA> skickade remissen igen" in shown(done)
    line = next(m for m in thread(box) if "skickade remissen igen till" in m.text)
    assert "<@U0BERTIL> fick den nu" in line.text and "Tidigare fanns ingen kontaktperson" in line.text

    # A second press (a double click before the edit showed) sends nobody anything twice, and says why.
    box.driver.block_action(COORDINATOR, ids.RESEND, ids.RecipientRef(CASE, NEW_ORG).encode(), message=offer)
    assert "har redan fått remissen" in ephemeral_after(box.fake, 1)
    box.courier.drain()
    assert len([m for m in box.fake.messages_in(BERTIL) if m.thread_ts is None]) == 1

    # Bertil answers for Kulturnämnden from his remiss DM: here he declines, which was refused before.
    modal = open_modal(box, BERTIL, ids.DECLINE, dm)
    assert modal["callback_id"] == ids.DECLINE_VIEW
    assert box.driver.view_submission(BERTIL, reason("Berör inte nämnden.")).status == 200
    box.courier.drain()
    assert any("*Kulturnämnden* avstår från att svara" in m.text for m in thread(box))
    actions = [e.action for e in box.core.service.queries.audit_trail(CASE) if e.organisation_key == NEW_ORG]
    assert actions == [AuditAction.UNREACHABLE, AuditAction.RESENT, AuditAction.DECLINED]


def test_after_skicka_igen_from_the_status_message_the_new_official_hands_over(box: Sandbox) -> None:
    sent_without_contact(box)
    load_directory(box, {ORG: (ANNA,), NEW_ORG: (BERTIL,)})
    box.courier.drain()
    status = status_message(box)
    pick = next(
        e
        for b in status.blocks or []
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == ids.RESEND_PICK
    )
    option = next(o for o in pick["options"] if o["text"]["text"] == "Kulturnämnden")
    assert pick["confirm"]["confirm"]["text"] == "Skicka igen"
    box.driver.block_action(COORDINATOR, ids.RESEND_PICK, message=status, selected_option=option)
    assert "Remissen skickas igen till *Kulturnämnden*" in ephemeral_after(box.fake, 0)
    box.courier.drain()
    dm = remiss_dm(box, BERTIL)
    open_modal(box, BERTIL, ids.HAND_OVER, dm)
    assert box.driver.view_submission(BERTIL, colleague(CECILIA)).status == 200
    box.courier.drain()
    assert remiss_dm(box, CECILIA) is not None
    row = next(r for r in box.core.service.queries.overview(CASE).rows if r.organisation.key == NEW_ORG)
    assert row.recipient.officials == (CECILIA,)


def test_lagg_till_remissinstans_from_the_status_message(box: Sandbox) -> None:
    sent_without_contact(box)
    load_directory(box, {ORG: (ANNA,), "fritidsnamnden": (BERTIL,)})
    box.courier.drain()
    status = status_message(box)
    assert ids.ADD_RECIPIENT in buttons(status)
    assert message_block_errors(status.blocks or []) == []
    modal = open_modal(box, COORDINATOR, ids.ADD_RECIPIENT, status)
    assert (modal["callback_id"], modal["title"]["text"]) == (ids.ADD_RECIPIENT_VIEW, "Lägg till remissinstans")
    offered = [o["value"] for o in modal["blocks"][1]["element"]["options"]]
    assert "fritidsnamnden" in offered and ORG not in offered and NEW_ORG not in offered

    # Already on the remiss (a colleague added it meanwhile): refused next to the field, naming it.
    already = {"type": "static_select", "selected_option": {"value": NEW_ORG}}
    response = box.driver.view_submission(COORDINATOR, {"organisation": {"organisation": already}})
    assert response.json() == {
        "response_action": "errors",
        "errors": {
            "organisation": "Kulturnämnden är redan remissinstans för STK-2023-137. Vill du att nya kontaktpersoner "
            "får remissen, välj Skicka igen för Kulturnämnden."
        },
    }
    # A date in the past: refused next to the date.
    response = box.driver.view_submission(
        COORDINATOR,
        {
            "organisation": {"organisation": {"type": "static_select", "selected_option": {"value": "fritidsnamnden"}}},
            "new_deadline": {"new_deadline": {"type": "plain_text_input", "value": "1 oktober 2023"}},
            "new_deadline_date": {"new_deadline_date": {"type": "datepicker", "selected_date": None}},
        },
    )
    assert response.json()["response_action"] == "errors"
    assert "har redan passerat" in json.dumps(response.json()["errors"], ensure_ascii=False)

    response = box.driver.view_submission(
        COORDINATOR,
        {"organisation": {"organisation": {"type": "static_select", "selected_option": {"value": "fritidsnamnden"}}}},
    )
    assert response.json()["response_action"] == "update", response.json()
    notice = shown(box.fake.views_of(COORDINATOR)[-1])
    assert "*Fritidsnämnden* är tillagd som remissinstans för *STK-2023-137*" in notice
    box.courier.drain()
    assert remiss_dm(box, BERTIL) is not None
    assert any("lade till *Fritidsnämnden* som remissinstans" in m.text for m in thread(box))
    assert "Fritidsnämnden" in shown(status_message(box))


def test_only_a_coordinator_adds_or_sends_again(box: Sandbox) -> None:
    sent_without_contact(box)
    load_directory(box, {ORG: (ANNA,), NEW_ORG: (BERTIL,)})
    box.courier.drain()
    offer = next(m for m in thread(box) if ids.RESEND in buttons(m))
    box.driver.block_action(ANNA, ids.RESEND, message=offer)
    assert "samordnare" in ephemeral_after(box.fake, 0)
    box.driver.block_action(ANNA, ids.ADD_RECIPIENT, message=status_message(box))
    assert "samordnare" in ephemeral_after(box.fake, 1)
    box.courier.drain()
    assert box.fake.messages_in(BERTIL) == []


def test_from_the_coordinators_app_home_add_a_recipient_and_send_again(box: Sandbox) -> None:
    sent_without_contact(box)
    load_directory(box, {ORG: (ANNA,), NEW_ORG: (BERTIL,), "fritidsnamnden": (CECILIA,)})
    box.courier.drain()
    box.driver.app_home_opened(COORDINATOR)
    home = box.fake.wait_for(lambda: box.fake.home_of(COORDINATOR))
    assert box.driver.block_action(COORDINATOR, ids.ADD_RECIPIENT, view_id=home.id).status == 200
    modal = box.fake.wait_for(lambda: box.fake.views_of(COORDINATOR))[-1].payload
    assert modal["callback_id"] == ids.ADD_RECIPIENT_VIEW
    picked = {"type": "static_select", "selected_option": {"value": "fritidsnamnden"}}
    assert box.driver.view_submission(COORDINATOR, {"organisation": {"organisation": picked}}).status == 200
    box.courier.drain()
    assert remiss_dm(box, CECILIA) is not None

    pick = next(
        e
        for b in home.payload["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == ids.RESEND_PICK
    )
    option = next(o for o in pick["options"] if o["text"]["text"] == "Kulturnämnden")
    box.driver.block_action(COORDINATOR, ids.RESEND_PICK, view_id=home.id, selected_option=option)
    # No response URL in the App Home: the coordinator is told in a DM.
    told = box.fake.wait_for(
        lambda: [m for m in box.fake.messages_in(COORDINATOR) if "Remissen skickas igen" in m.text]
    )
    assert "<@U0BERTIL>" in told[0].text
    box.courier.drain()
    assert remiss_dm(box, BERTIL) is not None
