"""The answer form end to end: Svara opens it, drafts come back, submissions and edits are kept whole."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

import pytest
from slack_sdk import WebClient

from bot.core.domain.recipient import Recipient
from bot.core.domain.remiss import (
    Answer,
    DecidingBody,
    Position,
    ResponseKind,
)
from devtools.clocks import FakeClock
from devtools.pdf import pdf_with_pages
from devtools.sandbox import Message, View
from devtools.sandbox.harness import Sandbox
from devtools.sandbox.screen import nested
from handlers import answer, ids
from handlers.richtext import to_plain_text
from tests.e2e.conftest import COORDINATOR, load_directory, send_as_coordinator

CASE = "STK-2023-137"
ORG = "tekniska-namnden"
OFFICIAL = "U0ANNA"
SOMEONE_ELSE = "U0BERTIL"
QUESTIONS = [
    "Vilka befintliga processer passar in i ett områdeslyft?",
    "Vilken nämnd eller vilket bolag bör samordna arbetet?",
]
PARAGRAPHS = [
    "Tekniska nämnden tillstyrker förslaget om ett långsiktigt och strategiskt områdeslyft i Malmö. ",
    "Nämnden ser att trygghetsarbetet, parkförvaltningen och renhållningen redan i dag samverkar i de "
    "utpekade områdena, och att ett områdeslyft kan bygga vidare på den samverkan. ",
    "Åtgärderna bör följas upp årligen med mått på trygghet, nedskräpning och skadegörelse. ",
]


def long_answer(length: int = 10_000, seed: int = 0) -> str:
    """Swedish prose in paragraphs, cut to exactly `length` characters."""
    parts: list[str] = []
    i = seed
    while sum(map(len, parts)) < length:
        parts.append(PARAGRAPHS[i % len(PARAGRAPHS)] + ("\n\n" if i % 4 == 3 else ""))
        i += 1
    return "".join(parts)[: length - 1] + "."


# -- setting up a sent remiss ------------------------------------------------------------------------
def send_remiss(box: Sandbox, questions: list[str] = QUESTIONS) -> Message:
    """A remiss to Tekniska nämnden, whose responsible official is Anna; returns her remiss message."""
    load_directory(box, {ORG: (OFFICIAL,)})
    send_as_coordinator(box, "Uppdrag budget 2023 - Definiera och starta ett områdeslyft", questions, [ORG])
    box.courier.drain()
    return remiss_message(box)


def remiss_message(box: Sandbox) -> Message:
    return next(m for m in box.fake.messages_in(OFFICIAL) if m.thread_ts is None and nested(m.blocks))


def remiss_message_showing(box: Sandbox, text: str) -> Message:
    """The remiss message once the app has updated it to show `text`."""
    return box.fake.wait_for(lambda: next((m for m in [remiss_message(box)] if text in str(m.blocks)), None))


def recipient(box: Sandbox, official: str = OFFICIAL) -> Recipient:
    service = box.core.service
    return service.answering.answer_context(service.actor(official), CASE, ORG).recipient


def thread_lines(box: Sandbox) -> str:
    """The lines in the thread of the remiss's status message (in the coordinator's DM)."""
    return "\n".join(m.text for m in box.fake.messages_in(COORDINATOR) if m.thread_ts and m.thread_ts != m.ts)


# -- acting as Slack's client ------------------------------------------------------------------------
def press_answer(box: Sandbox, message: Message, user: str = OFFICIAL, action_id: str = ids.ANSWER) -> View:
    """Press Svara (or Ändra svar, or `action_id`) on the message; returns the modal Slack opened once it holds
    the form."""
    view_id = press_for_modal(box, message, user, action_id)
    return box.fake.wait_for(lambda: next((v for v in [box.fake.view(view_id)] if is_form(v)), None))


def press_for_modal(box: Sandbox, message: Message, user: str = OFFICIAL, action_id: str = ids.ANSWER) -> str:
    """Press Svara (or `action_id`); returns the id of the modal the click opened (whatever it shows yet)."""
    before = len(box.fake.calls_to("views.open"))
    response = box.driver.block_action(user, action_id, message=message)
    assert response.status == 200
    call = box.fake.wait_for(lambda: box.fake.calls_to("views.open")[before:])[0]
    assert isinstance(call.response, dict) and call.response["ok"], call.response
    return str(call.response["view"]["id"])


def is_form(view: View | None) -> bool:
    return view is not None and view.callback_id == ids.ANSWER_VIEW


def modal_text(box: Sandbox, view_id: str, wanted: str) -> str:
    """The text of the modal once the app has put `wanted` in it."""
    return box.fake.wait_for(
        lambda: next(
            (t for v in [box.fake.view(view_id)] if v for t in [" ".join(mrkdwn_texts(v.payload))] if wanted in t), None
        )
    )


def act_in_form(box: Sandbox, view: View, action_id: str, values: dict[str, Any], **fields: Any) -> View:
    """Use an element inside the open form; returns the form as the app updated it."""
    before = len(box.fake.calls_to("views.update"))
    response = box.driver.block_action(OFFICIAL, action_id, view_id=view.id, state_values=values, **fields)
    assert response.status == 200
    call = box.fake.wait_for(lambda: box.fake.calls_to("views.update")[before:])[0]
    assert isinstance(call.response, dict) and call.response["ok"], call.response
    updated = box.fake.view(view.id)
    assert updated is not None
    return updated


def typed(text: str) -> dict[str, Any]:
    """A rich_text_input's value for text typed into it."""
    return {
        "type": "rich_text",
        "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}],
    }


def filled(
    view: View,
    *,
    answers: Mapping[int, str | dict[str, Any]] | None = None,
    positions: Mapping[int, Position] | None = None,
    kind: ResponseKind | None = None,
    meeting_date: str | None = None,
    paragraph: str | None = None,
    decided_by: str | None = None,
    planned_board_date: str | None = None,
    files: list[dict[str, Any]] | None = None,
    their_case_number: str | None = None,
    deciding_body: DecidingBody | None = None,
    overall: Position | None = None,
    change_reason: str | None = None,
) -> dict[str, Any]:
    """`view.state.values` as Slack's client sends it: every input, with what was entered or else what the
    form was opened with."""
    answers, positions = answers or {}, positions or {}
    typed_text = {
        answer.MEETING_DATE_BLOCK: meeting_date,
        answer.PARAGRAPH_BLOCK: paragraph,
        answer.DECIDED_BY_BLOCK: decided_by,
        answer.PLANNED_BOARD_DATE_BLOCK: planned_board_date,
        answer.THEIR_CASE_NUMBER_BLOCK: their_case_number,
        answer.CHANGE_REASON_BLOCK: change_reason,
    }
    values: dict[str, Any] = {}
    for block in view.payload["blocks"]:
        if block["type"] != "input":
            continue
        block_id, element = block["block_id"], block["element"]
        kind_of = element["type"]
        state: dict[str, Any] = {"type": kind_of}
        if kind_of == "rich_text_input":
            entered = answers.get(int(block_id.removeprefix("answer_")))
            initial = element.get("initial_value", {"type": "rich_text", "elements": []})
            state["rich_text_value"] = typed(entered) if isinstance(entered, str) else entered or initial
        elif kind_of in ("static_select", "radio_buttons"):
            wanted: StrEnum | None = kind
            if block_id == answer.DECIDING_BODY_BLOCK:
                wanted = deciding_body
            elif block_id == answer.OVERALL_POSITION_BLOCK:
                wanted = overall
            elif kind_of == "static_select":
                wanted = positions.get(int(block_id.removeprefix("position_")))
            options = [o for o in element["options"] if wanted is not None and o["value"] == wanted.value]
            state["selected_option"] = options[0] if options else element.get("initial_option")
        elif kind_of == "datepicker":
            state["selected_date"] = typed_text[block_id] or element.get("initial_date")
        elif kind_of == "plain_text_input":
            state["value"] = typed_text[block_id] if typed_text[block_id] is not None else element.get("initial_value")
        elif kind_of == "checkboxes":
            state["selected_options"] = element.get("initial_options", [])
        elif kind_of == "file_input":
            state["files"] = files or []
        values[block_id] = {element["action_id"]: state}
    return values


def chosen_kind(values: dict[str, Any]) -> Any:
    """The radio option a kind change sends in its action, as in the form's state."""
    return values[answer.KIND_BLOCK][answer.KIND]["selected_option"]


def submit(box: Sandbox, values: dict[str, Any]) -> Any:
    response = box.driver.view_submission(OFFICIAL, values)
    assert response.status == 200
    return response.json()


def submit_accepted(box: Sandbox, values: dict[str, Any], shown: str = "Ni har svarat") -> Message:
    """Submit, see the form close, and wait for the remiss message to show the new state."""
    assert submit(box, values) is None
    assert box.fake.views_of(OFFICIAL) == []
    return remiss_message_showing(box, shown)


def action_ids(message: Message) -> list[str]:
    return [e["action_id"] for e in nested(message.blocks) if e.get("type") == "button"]


def input_block(view: View, block_id: str) -> dict[str, Any]:
    return next(b for b in view.payload["blocks"] if b.get("block_id") == block_id)


def prefilled_answer(view: View, number: int) -> str:
    return to_plain_text(input_block(view, answer.answer_block(number))["element"].get("initial_value"))


def mrkdwn_texts(payload: Any) -> list[str]:
    return [str(e["text"]) for e in nested(payload) if e.get("type") == "mrkdwn"]


# -- the tests -----------------------------------------------------------------------------------------
def test_svara_opens_the_form_with_the_remiss_its_questions_and_deadline(sandbox: Sandbox) -> None:
    form = press_answer(sandbox, send_remiss(sandbox))
    shown = "\n".join(mrkdwn_texts(form.payload["blocks"]))
    assert form.payload["title"]["text"] == "Svara på remissen"
    assert "Diarienummer STK-2023-137 · Ni svarar för Tekniska nämnden" in shown
    assert "*Sista svarsdatum:* torsdag 30 november (59 dagar kvar)" in shown
    assert f"*Fråga 1.* {QUESTIONS[0]}" in shown and f"*Fråga 2.* {QUESTIONS[1]}" in shown
    assert input_block(form, "answer_1")["element"]["type"] == "rich_text_input"
    assert input_block(form, "kind")["element"]["initial_option"]["value"] == "yttrande"
    assert sandbox.fake.wait_for(lambda: recipient(sandbox).opened_at) is not None
    assert sandbox.fake.warnings == []


def test_svara_opens_a_light_modal_at_once_and_the_full_form_then_replaces_it(sandbox: Sandbox) -> None:
    message = send_remiss(sandbox)

    form = press_answer(sandbox, message)

    opened = sandbox.fake.calls_to("views.open")[-1]
    light = opened.params["view"]
    assert isinstance(opened.response, dict)
    assert light["callback_id"] == ids.ANSWER_LOADING_VIEW and light["title"]["text"] == "Svara på remissen"
    assert "submit" not in light and [b["type"] for b in light["blocks"]] == ["section"]
    assert light["blocks"][0]["text"]["text"] == "Hämtar dina frågor …"
    # The form replaces that very modal, and only the version views.open answered with.
    # The loopback Slack records a call just after the view changes: wait for the record, not only the view.
    [update] = sandbox.fake.wait_for(lambda: sandbox.fake.calls_to("views.update"))
    shown = opened.response["view"]
    assert (update.params["view_id"], update.params["hash"]) == (shown["id"], shown["hash"])
    assert sandbox.fake.views_of(OFFICIAL) == [form] and form.id == shown["id"]
    place = answer.FormPlace.decode(form.private_metadata)
    assert (place.ref, place.channel, place.ts) == (ids.RecipientRef(CASE, ORG), message.channel, message.ts)
    submit_accepted(sandbox, filled(form, answers={1: "Svar."}, meeting_date="2023-11-19", paragraph="§ 1"))
    assert [r.content.answers[0].text for r in recipient(sandbox).responses] == ["Svar."]
    assert sandbox.fake.warnings == []


def test_a_click_whose_trigger_expired_on_the_way_gets_svara_to_try_again_which_opens_the_form(
    sandbox: Sandbox,
) -> None:
    message = send_remiss(sandbox)

    # Slack issued the click's trigger 3.5 seconds before the app got the click: views.open can't use it.
    response = sandbox.driver.block_action(OFFICIAL, ids.ANSWER, message=message, trigger_age=3.5)

    assert response.status == 200
    told = sandbox.fake.wait_for(lambda: sandbox.fake.responses[-1] if sandbox.fake.responses else None)
    assert told.status == 200
    assert (told.payload["response_type"], told.payload["replace_original"]) == ("ephemeral", False)
    assert told.payload["text"] == (
        "Formuläret hann inte öppnas i tid. Tryck på Svara för att försöka igen. "
        "Inget av det du redan sparat har gått förlorat."
    )
    buttons = [e for e in nested(told.payload["blocks"]) if e.get("type") == "button"]
    assert [(b["action_id"], b["value"], b["text"]["text"]) for b in buttons] == [
        (ids.ANSWER, f"{ORG}|{CASE}", "Svara")
    ]
    assert sandbox.fake.views_of(OFFICIAL) == [] and recipient(sandbox).opened_at is None
    # The message is ephemeral (posted to a response_url): press Svara in it as the official saw it.
    shown = Message(
        message.channel, "1700000999.000100", told.payload["text"], told.payload["blocks"], ephemeral_to=OFFICIAL
    )

    form = press_answer(sandbox, shown)

    submit_accepted(
        sandbox, filled(form, answers={1: "Svar i andra försöket."}, meeting_date="2023-11-19", paragraph="§ 2")
    )
    assert [r.content.answers[0].text for r in recipient(sandbox).responses] == ["Svar i andra försöket."]
    assert sandbox.fake.warnings == []


def told_in_dm(box: Sandbox, wanted: str, after: int) -> Message:
    """The first DM message to the official after the `after`th that says `wanted`."""
    return box.fake.wait_for(
        lambda: next((m for m in box.fake.messages_in(OFFICIAL)[after:] if wanted in m.text), None)
    )


def test_a_click_in_the_app_home_whose_trigger_expired_gets_svara_in_a_dm_which_opens_the_form(
    sandbox: Sandbox,
) -> None:
    send_remiss(sandbox)
    sandbox.driver.app_home_opened(OFFICIAL)
    home = sandbox.fake.wait_for(lambda: sandbox.fake.home_of(OFFICIAL))
    before = len(sandbox.fake.messages_in(OFFICIAL))

    # A button in the Home tab has no response_url: the only way to reach the official is the DM.
    response = sandbox.driver.block_action(OFFICIAL, ids.ANSWER, view_id=home.id, trigger_age=3.5)

    assert response.status == 200
    told = told_in_dm(sandbox, "Formuläret hann inte öppnas i tid.", before)
    assert told.text == (
        "Formuläret hann inte öppnas i tid. Tryck på Svara för att försöka igen. "
        "Inget av det du redan sparat har gått förlorat."
    )
    assert action_ids(told) == [ids.ANSWER]
    assert sandbox.fake.views_of(OFFICIAL) == [] and sandbox.fake.responses == []

    form = press_answer(sandbox, told)

    submit_accepted(
        sandbox, filled(form, answers={1: "Svar från hemfliken."}, meeting_date="2023-11-19", paragraph="§ 3")
    )
    assert [r.content.answers[0].text for r in recipient(sandbox).responses] == ["Svar från hemfliken."]
    assert sandbox.fake.warnings == []


def test_a_form_from_the_app_home_that_slack_will_not_show_anywhere_is_told_in_the_dm(sandbox: Sandbox) -> None:
    send_remiss(sandbox)
    sandbox.driver.app_home_opened(OFFICIAL)
    home = sandbox.fake.wait_for(lambda: sandbox.fake.home_of(OFFICIAL))
    before = len(sandbox.fake.messages_in(OFFICIAL))
    # Both the form and the message put in its place are refused: the modal can't be changed at all.
    sandbox.fake.inject("views.update", error="invalid_arguments", times=2)

    assert sandbox.driver.block_action(OFFICIAL, ids.ANSWER, view_id=home.id).status == 200

    told = told_in_dm(sandbox, "Något gick fel hos remissbot", before)
    assert told.thread_ts is None and sandbox.fake.responses == []


def test_a_click_slack_refuses_with_a_rate_limit_gets_svara_to_try_again(sandbox: Sandbox) -> None:
    message = send_remiss(sandbox)
    sandbox.fake.inject("views.open", status=429)

    assert sandbox.driver.block_action(OFFICIAL, ids.ANSWER, message=message).status == 200

    told = sandbox.fake.wait_for(lambda: sandbox.fake.responses[-1] if sandbox.fake.responses else None)
    assert told.payload["text"] == (
        "Formuläret kunde inte öppnas, eftersom Slack är hårt belastat just nu. "
        "Tryck på Svara för att försöka igen. Inget av det du redan sparat har gått förlorat."
    )
    assert [e["action_id"] for e in nested(told.payload["blocks"]) if e.get("type") == "button"] == [ids.ANSWER]
    assert sandbox.fake.views_of(OFFICIAL) == []


def test_a_form_slack_rate_limits_once_is_shown_after_the_wait_slack_asked_for(sandbox: Sandbox) -> None:
    message = send_remiss(sandbox)
    sandbox.fake.inject("views.update", status=429, retry_after=1)
    before = len(sandbox.fake.calls_to("views.update"))

    view_id = press_for_modal(sandbox, message)

    form = sandbox.fake.wait_for(lambda: next((v for v in [sandbox.fake.view(view_id)] if is_form(v)), None))
    assert form.id == view_id
    updates = sandbox.fake.calls_to("views.update")[before:]
    assert [u.status for u in updates] == [429, 200]
    assert updates[1].time - updates[0].time >= 1.0
    assert sandbox.fake.responses == []


def test_a_form_slack_keeps_rate_limiting_gets_svara_to_try_again_not_an_error(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    message = send_remiss(sandbox)
    # The form, its one retry after Retry-After, and the modal saying so: all refused.
    sandbox.fake.inject("views.update", status=429, retry_after=1, times=3)

    with caplog.at_level(logging.WARNING):
        view_id = press_for_modal(sandbox, message)
        told = sandbox.fake.wait_for(lambda: sandbox.fake.responses[-1] if sandbox.fake.responses else None)

    assert told.payload["text"] == (
        "Formuläret kunde inte öppnas, eftersom Slack är hårt belastat just nu. "
        "Tryck på Svara för att försöka igen. Inget av det du redan sparat har gått förlorat."
    )
    assert [e["action_id"] for e in nested(told.payload["blocks"]) if e.get("type") == "button"] == [ids.ANSWER]
    assert not is_form(sandbox.fake.view(view_id))
    assert [r.levelname for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert "Något gick fel" not in caplog.text


def test_a_form_slack_will_not_show_is_replaced_by_a_message_not_left_loading(sandbox: Sandbox) -> None:
    message = send_remiss(sandbox)
    sandbox.fake.inject("views.update", error="invalid_arguments")

    view_id = press_for_modal(sandbox, message)

    failed = "Något gick fel hos remissbot och åtgärden genomfördes inte."
    assert failed in modal_text(sandbox, view_id, failed)
    assert recipient(sandbox).opened_at is None


def test_a_10000_character_answer_with_positions_and_an_yttrande_is_stored_whole(sandbox: Sandbox) -> None:
    message = send_remiss(sandbox)
    form = press_answer(sandbox, message)
    text = long_answer()
    assert len(text) == 10_000
    as_slack_sends_a_list = {
        "type": "rich_text",
        "elements": [
            {"type": "rich_text_section", "elements": [{"type": "text", "text": "Nämnden föreslår:"}]},
            {
                "type": "rich_text_list",
                "style": "bullet",
                "indent": 0,
                "elements": [
                    {"type": "rich_text_section", "elements": [{"type": "text", "text": "Stadsbyggnadsnämnden"}]},
                    {"type": "rich_text_section", "elements": [{"type": "text", "text": "i samråd med MKB"}]},
                ],
            },
            {
                "type": "rich_text_section",
                "elements": [
                    {"type": "text", "text": "Se "},
                    {"type": "link", "url": "https://malmo.se/omradeslyft", "text": "underlaget"},
                    {"type": "text", "text": " "},
                    {"type": "emoji", "name": "+1", "unicode": "1f44d"},
                ],
            },
        ],
    }
    # A real PDF, uploaded to (the loopback) Slack: the bot fetches and stores it after the ack.
    pdf = pdf_with_pages([["Yttrande"]])
    yttrande = sandbox.fake.add_file("Yttrande TN 2023-11-19.pdf", pdf).to_slack()
    values = filled(
        form,
        answers={1: text, 2: as_slack_sends_a_list},
        positions={1: Position.TILLSTYRKER, 2: Position.FORESLAR_ANDRINGAR},
        meeting_date="2023-11-19",
        paragraph="§ 145",
        files=[yttrande],
    )

    assert submit(sandbox, values)["response_action"] == "update"
    modal_text(sandbox, form.id, "Svaret är inskickat")
    [version] = recipient(sandbox).responses
    content = version.content
    assert (content.kind, content.meeting_date, content.paragraph) == (
        ResponseKind.YTTRANDE,
        date(2023, 11, 19),
        "§ 145",
    )
    assert content.answer_to(1) == Answer(1, text, Position.TILLSTYRKER)
    second = content.answer_to(2)
    assert second is not None and second.position is Position.FORESLAR_ANDRINGAR
    assert second.text == (
        "Nämnden föreslår:\n• Stadsbyggnadsnämnden\n• i samråd med MKB\nSe underlaget (https://malmo.se/omradeslyft) 👍"
    )
    [attached] = content.attachments
    assert (attached.file_id, attached.name, attached.size) == (yttrande["id"], "Yttrande TN 2023-11-19.pdf", len(pdf))
    assert attached.sha256 == hashlib.sha256(pdf).hexdigest()

    updated = remiss_message_showing(sandbox, "Ni har svarat")
    assert ":white_check_mark: Ni har svarat (yttrande) måndag 2 oktober kl. 09.00" in "\n".join(
        mrkdwn_texts(updated.blocks)
    )
    assert action_ids(updated) == [ids.ANSWER, ids.WITHDRAW]
    sandbox.courier.drain()
    assert "*Tekniska nämnden* har svarat (yttrande)." in thread_lines(sandbox)
    assert sandbox.fake.warnings == []


def test_a_missing_paragraph_is_shown_next_to_its_field_and_nothing_is_saved(sandbox: Sandbox) -> None:
    form = press_answer(sandbox, send_remiss(sandbox))
    values = filled(form, answers={1: "Vi tillstyrker."}, meeting_date="2023-11-19")

    refused = submit(sandbox, values)

    assert refused == {
        "response_action": "errors",
        "errors": {"paragraph": "Ange nämndens sammanträdesdatum och paragraf (§) för yttrandet."},
    }
    assert [v.id for v in sandbox.fake.views_of(OFFICIAL)] == [form.id]
    assert recipient(sandbox).responses == [] and recipient(sandbox).draft is None


def test_an_empty_answer_is_refused_next_to_the_first_question(sandbox: Sandbox) -> None:
    form = press_answer(sandbox, send_remiss(sandbox))
    refused = submit(sandbox, filled(form, meeting_date="2023-11-19", paragraph="§ 12"))
    assert refused["errors"] == {
        "answer_1": "Skriv svar på minst en fråga, eller bifoga yttrandet som fil, innan du skickar in."
    }
    assert recipient(sandbox).responses == []


def test_choosing_delegation_asks_who_decided_and_keeps_what_was_entered(sandbox: Sandbox) -> None:
    form = press_answer(sandbox, send_remiss(sandbox))
    entered = filled(
        form,
        answers={1: "Vårt svar."},
        positions={1: Position.AVSTYRKER},
        kind=ResponseKind.DELEGATION,
        meeting_date="2023-11-19",
        paragraph="§ 7",
    )
    delegation = act_in_form(sandbox, form, answer.KIND, entered, selected_option=chosen_kind(entered))

    blocks = {b.get("block_id") for b in delegation.payload["blocks"]}
    assert "decided_by" in blocks and not {"meeting_date", "paragraph"} & blocks
    assert prefilled_answer(delegation, 1) == "Vårt svar."
    assert input_block(delegation, "position_1")["element"]["initial_option"]["value"] == "avstyrker"

    back = filled(delegation, decided_by="Förvaltningsdirektören", kind=ResponseKind.YTTRANDE)
    yttrande = act_in_form(sandbox, delegation, answer.KIND, back, selected_option=chosen_kind(back))
    assert input_block(yttrande, "meeting_date")["element"]["initial_date"] == "2023-11-19"
    assert input_block(yttrande, "paragraph")["element"]["initial_value"] == "§ 7"

    final = filled(yttrande, kind=ResponseKind.DELEGATION, decided_by="Förvaltningsdirektören")
    final_form = act_in_form(sandbox, yttrande, answer.KIND, final, selected_option=chosen_kind(final))
    assert input_block(final_form, "decided_by")["element"]["initial_value"] == "Förvaltningsdirektören"
    submit_accepted(sandbox, filled(final_form))
    content = recipient(sandbox).responses[0].content
    assert (content.kind, content.decided_by, content.meeting_date, content.paragraph) == (
        ResponseKind.DELEGATION,
        "Förvaltningsdirektören",
        None,
        "",
    )
    assert sandbox.fake.warnings == []


def test_a_saved_draft_comes_back_prefilled(sandbox: Sandbox) -> None:
    message = send_remiss(sandbox)
    form = press_answer(sandbox, message)
    draft_text = "Första stycket.\n\nAndra stycket:\n• en punkt\n• en till\nLäs https://malmo.se/a."
    values = filled(
        form,
        answers={2: draft_text},
        positions={2: Position.INGA_SYNPUNKTER},
        meeting_date="2023-11-19",
        paragraph="§ 99",
    )

    saved = act_in_form(sandbox, form, answer.SAVE_DRAFT, values)

    assert "Utkastet sparades kl. 09.00" in "\n".join(mrkdwn_texts(saved.payload["blocks"]))
    assert prefilled_answer(saved, 2) == draft_text
    draft = recipient(sandbox).draft
    assert draft is not None and draft.content.answer_to(2) == Answer(2, draft_text, Position.INGA_SYNPUNKTER)
    assert recipient(sandbox).responses == []
    remiss_message_showing(sandbox, "Ni har ett utkast")

    sandbox.fake.close_views(OFFICIAL, form.id)
    again = press_answer(sandbox, remiss_message(sandbox))
    assert prefilled_answer(again, 2) == draft_text
    assert prefilled_answer(again, 1) == ""
    assert input_block(again, "position_2")["element"]["initial_option"]["value"] == "inga_synpunkter"
    assert input_block(again, "meeting_date")["element"]["initial_date"] == "2023-11-19"
    assert input_block(again, "paragraph")["element"]["initial_value"] == "§ 99"
    assert "Utkast senast sparat måndag 2 oktober kl. 09.00" in "\n".join(mrkdwn_texts(again.payload["blocks"]))

    refused = submit(sandbox, filled(again, paragraph=""))
    assert set(refused["errors"]) == {"paragraph"}
    still = recipient(sandbox).draft
    assert still is not None and still.content == draft.content and recipient(sandbox).responses == []
    assert sandbox.fake.warnings == []


def test_saving_a_draft_once_the_remiss_is_handed_over_is_refused_over_the_form(sandbox: Sandbox) -> None:
    form = press_answer(sandbox, send_remiss(sandbox))
    service = sandbox.core.service
    service.answering.hand_over(service.actor(OFFICIAL), CASE, ORG, SOMEONE_ELSE)
    before = len(sandbox.fake.calls_to("views.push"))

    sandbox.driver.block_action(
        OFFICIAL, answer.SAVE_DRAFT, view_id=form.id, state_values=filled(form, answers={1: "x"})
    )

    sandbox.fake.wait_for(lambda: sandbox.fake.calls_to("views.push")[before:])
    below, refusal = sandbox.fake.views_of(OFFICIAL)
    assert below.id == form.id
    assert refusal.payload["title"]["text"] == "Det gick inte"
    assert "Du är inte ansvarig handläggare eller ersättare för Tekniska nämnden" in str(refusal.payload["blocks"])
    assert recipient(sandbox, official=SOMEONE_ELSE).draft is None


def test_a_draft_that_cannot_be_saved_says_why_in_the_form(sandbox: Sandbox) -> None:
    form = press_answer(sandbox, send_remiss(sandbox))
    service = sandbox.core.service
    service.answering.decline(service.actor(OFFICIAL), CASE, ORG, "Berör inte nämnden")

    shown = act_in_form(sandbox, form, answer.SAVE_DRAFT, filled(form, answers={1: "Ändå ett svar."}))

    notice = "\n".join(mrkdwn_texts(shown.payload["blocks"]))
    assert ":warning: Utkastet sparades inte. Ni har avstått från att svara på STK-2023-137." in notice
    assert prefilled_answer(shown, 1) == "Ändå ett svar."
    assert recipient(sandbox).draft is None


def test_an_edited_answer_becomes_version_2_and_version_1_stays(sandbox: Sandbox, clock: FakeClock) -> None:
    form = press_answer(sandbox, send_remiss(sandbox))
    submit_accepted(sandbox, filled(form, answers={1: "Första versionen."}, meeting_date="2023-11-19", paragraph="§ 1"))
    sandbox.courier.drain()
    clock.set(datetime(2023, 10, 20, 12, 0, tzinfo=UTC))

    edit = press_answer(sandbox, remiss_message(sandbox))
    assert edit.payload["title"]["text"] == "Ändra svaret"
    assert prefilled_answer(edit, 1) == "Första versionen."
    submit_accepted(sandbox, filled(edit, answers={1: "Andra versionen."}), shown="fredag 20 oktober kl. 14.00")

    first, second = recipient(sandbox).responses
    assert (first.version, first.content.answers[0].text, first.submitted_at) == (
        1,
        "Första versionen.",
        datetime(2023, 10, 2, 7, 0, tzinfo=UTC),
    )
    assert (second.version, second.content.answers[0].text, second.content.paragraph) == (2, "Andra versionen.", "§ 1")
    sandbox.courier.drain()
    assert "*Tekniska nämnden* ändrade sitt svar (version 2): fråga 1." in thread_lines(sandbox)
    assert sandbox.fake.warnings == []


def test_a_form_opened_in_the_remiss_thread_updates_the_remiss_message_not_the_reply(sandbox: Sandbox) -> None:
    message = send_remiss(sandbox)
    client = WebClient(token=sandbox.fake.identity.bot_token, base_url=sandbox.fake.url)
    submit_button = {
        "type": "button",
        "text": {"type": "plain_text", "text": "Skicka in"},
        "action_id": ids.ANSWER,
        "value": ids.RecipientRef(CASE, ORG).encode(),
    }
    posted = client.chat_postMessage(
        channel=message.channel,
        thread_ts=message.ts,
        text="Alla frågor har svar. Skicka in när ni är klara.",
        blocks=[{"type": "actions", "block_id": "chat_submit", "elements": [submit_button]}],
    )
    reply = next(m for m in sandbox.fake.messages_in(OFFICIAL) if m.ts == posted["ts"])

    form = press_answer(sandbox, reply)
    submit_accepted(sandbox, filled(form, answers={1: "Svar från tråden."}, meeting_date="2023-11-19", paragraph="§ 4"))

    unchanged = next(m for m in sandbox.fake.messages_in(OFFICIAL) if m.ts == posted["ts"])
    assert unchanged.text == "Alla frågor har svar. Skicka in när ni är klara."
    assert [c.params["ts"] for c in sandbox.fake.calls_to("chat.update") if c.params["channel"] == message.channel] == [
        message.ts
    ]


def test_someone_who_does_not_answer_for_the_organisation_is_refused_in_swedish(sandbox: Sandbox) -> None:
    message = send_remiss(sandbox)

    view_id = press_for_modal(sandbox, message, SOMEONE_ELSE)

    # The light modal opened at once says why, in place of the form.
    refusal = "Du är inte ansvarig handläggare eller ersättare för Tekniska nämnden och kan inte svara för den."
    assert refusal in modal_text(sandbox, view_id, refusal)
    refused = sandbox.fake.view(view_id)
    assert refused is not None and not is_form(refused) and "submit" not in refused.payload
    assert recipient(sandbox).opened_at is None


def test_an_edit_after_the_recipients_deadline_is_refused_in_swedish(sandbox: Sandbox, clock: FakeClock) -> None:
    message = send_remiss(sandbox)
    form = press_answer(sandbox, message)
    submit_accepted(sandbox, filled(form, answers={1: "Svar."}, meeting_date="2023-11-19", paragraph="§ 1"))
    edit = press_answer(sandbox, remiss_message(sandbox))
    clock.set(datetime(2023, 12, 1, 8, 0, tzinfo=UTC))  # the day after the deadline, in Stockholm

    refused = submit(sandbox, filled(edit, answers={1: "För sent ändrat."}))

    deadline_passed = "Sista svarsdatum var torsdag 30 november. Kontakta remissamordnaren om ni behöver ändra något."
    assert refused == {"response_action": "errors", "errors": {"answer_1": deadline_passed}}
    assert [r.content.answers[0].text for r in recipient(sandbox).responses] == ["Svar."]
    assert deadline_passed in modal_text(sandbox, press_for_modal(sandbox, message), deadline_passed)


def test_answer_text_with_mentions_is_stored_literally_and_never_becomes_a_mention(sandbox: Sandbox) -> None:
    form = press_answer(sandbox, send_remiss(sandbox))
    text = "Vi håller med <!channel> & <@U0BERTIL>, men <!here> ska inte <b>väckas</b> &amp; 😀."
    submit_accepted(sandbox, filled(form, answers={1: text}, meeting_date="2023-11-19", paragraph="§ 3"))

    assert recipient(sandbox).responses[0].content.answers[0].text == text
    edit = press_answer(sandbox, remiss_message(sandbox))
    initial = input_block(edit, "answer_1")["element"]["initial_value"]
    assert {e["type"] for e in nested(initial["elements"])} == {"rich_text_section", "text"}
    assert to_plain_text(initial) == text
    for shown in [*mrkdwn_texts(edit.payload["blocks"]), *mrkdwn_texts(remiss_message(sandbox).blocks)]:
        assert "<!channel>" not in shown and "<!here>" not in shown and "<@U0BERTIL>" not in shown
    assert sandbox.fake.warnings == []


def test_ten_questions_with_10000_character_answers_fit_in_one_form(sandbox: Sandbox) -> None:
    questions = [f"Fråga {n}: hur påverkar förslaget nämndens ansvarsområde {n}?" for n in range(1, 11)]
    form = press_answer(sandbox, send_remiss(sandbox, questions))
    answers = {n: long_answer(10_000, seed=n) for n in range(1, 11)}
    submit_accepted(sandbox, filled(form, answers=answers, meeting_date="2023-11-19", paragraph="§ 8"))

    edit = press_answer(sandbox, remiss_message(sandbox))

    sent = sandbox.fake.calls_to("views.open")[-1].params["view"]
    assert len(sent["blocks"]) <= 100
    assert len(json.dumps(sent).encode()) < 250_000
    assert [prefilled_answer(edit, n) for n in range(1, 11)] == [answers[n] for n in range(1, 11)]
    assert len(edit.payload["private_metadata"]) <= 3000
    assert sandbox.fake.warnings == []


def act_in_a_form_closed_meanwhile(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture, action_id: str, values: Callable[[View], dict[str, Any]]
) -> list[str]:
    """Use an element of the form, which the official closes before the app redraws it (Slack no longer has
    that view); returns what went wrong, as the official or the log would see it."""
    form = press_answer(sandbox, send_remiss(sandbox))
    dms = len(sandbox.fake.messages_in(OFFICIAL))
    sandbox.fake.inject("views.update", error="not_found")
    before = len(sandbox.fake.calls_to("views.update"))
    caplog.set_level(logging.INFO)

    state = values(form)
    # A change of kind names the new choice in its action too, as Slack sends it.
    chosen = {"selected_option": chosen_kind(state)} if action_id == answer.KIND else {}
    response = sandbox.driver.block_action(OFFICIAL, action_id, view_id=form.id, state_values=state, **chosen)

    assert response.status == 200
    sandbox.fake.wait_for(lambda: sandbox.fake.calls_to("views.update")[before:])
    told = [m.text for m in sandbox.fake.messages_in(OFFICIAL)[dms:] if "Något gick fel" in m.text]
    return told + [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_draft_saved_as_the_official_closes_the_form_is_kept_and_no_failure_is_told(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    def values(form: View) -> dict[str, Any]:
        return filled(form, answers={1: "Sparat svar."})

    assert act_in_a_form_closed_meanwhile(sandbox, caplog, answer.SAVE_DRAFT, values) == []

    remiss_message_showing(sandbox, "Ni har ett utkast")
    draft = recipient(sandbox).draft
    assert draft is not None and draft.content.answer_to(1) is not None


def test_a_new_kind_chosen_as_the_official_closes_the_form_tells_nothing(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    def values(form: View) -> dict[str, Any]:
        return filled(form, kind=ResponseKind.DELEGATION)

    assert act_in_a_form_closed_meanwhile(sandbox, caplog, answer.KIND, values) == []


def test_a_draft_saved_when_slack_will_not_redraw_the_form_is_told_as_saved_in_the_dm(sandbox: Sandbox) -> None:
    form = press_answer(sandbox, send_remiss(sandbox))
    dms = len(sandbox.fake.messages_in(OFFICIAL))
    sandbox.fake.inject("views.update", error="fatal_error")

    sandbox.driver.block_action(
        OFFICIAL, answer.SAVE_DRAFT, view_id=form.id, state_values=filled(form, answers={1: "Sparat svar."})
    )

    told = told_in_dm(sandbox, "Utkastet sparades kl. 09.00", dms)
    assert "men formuläret kunde inte visa det" in told.text and "Något gick fel" not in told.text
    draft = recipient(sandbox).draft
    assert draft is not None and draft.content.answer_to(1) is not None
