"""The coordinator creates, previews, edits and sends a remiss, through the real app and the loopback Slack."""

from __future__ import annotations

import copy
import json
import logging
import threading
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.core.domain.errors import DomainError
from bot.core.domain.organisation import Directory
from bot.core.domain.remiss import QuestionKind, RemissStatus
from bot.core.usecases.results import RemissInput
from devtools.sandbox.harness import Sandbox
from devtools.sandbox.screen import blocks_shown
from devtools.sandbox.workspace import Message, View
from handlers import ids
from handlers.create.views import CREATE_FROM_DOCUMENT, IMPORT_DOCUMENT
from tests.e2e.conftest import COORDINATOR, load_directory
from tests.system import missing

ANNA, BERTIL = "U0ANNA", "U0BERTIL"
SEED_002 = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "002_fabd5ac619afef01.txt"
QUESTIONS = (
    "1. Vilka pågående processer inom er nämnds ansvarsområde passar in?\n"
    "2. Vilken nämnd eller bolag ser ni bör få den samordnande rollen?"
)


# -- helpers: what a person types and sees ---------------------------------------------------------------
def typed(text: str) -> dict[str, Any]:
    return {"value": {"type": "plain_text_input", "value": text}}


def form(**fields: Any) -> dict[str, Any]:
    """State values of a well-filled form; a keyword replaces (or with None removes) one field."""
    values: dict[str, Any] = {
        "case_number": typed("STK-2023-137"),
        "title": typed("Områdeslyft i Malmös socioekonomiskt svaga delar"),
        "description": typed("Förslaget skickas på remiss till berörda nämnder och bolag."),
        "documents": typed("Tjänsteskrivelse – https://malmo.se/stk-2023-137.pdf"),
        "deadline": typed("30 november"),
        "questions": typed(QUESTIONS),
        "recipients": {
            "value": {
                "type": "multi_static_select",
                "selected_options": [{"value": "tekniska-namnden"}, {"value": "miljonamnden"}],
            }
        },
        "recipient_groups": {"value": {"type": "checkboxes", "selected_options": [{"value": "all_bolag"}]}},
        "contact": {"value": {"type": "users_select", "selected_user": COORDINATOR}},
    }
    for name, value in fields.items():
        if value is None:
            values.pop(name, None)
        else:
            values[name] = typed(value) if isinstance(value, str) else value
    return values


def as_filled(view: View) -> dict[str, Any]:
    """The state Slack sends when the user submits a view without touching it: its initial values."""
    state: dict[str, Any] = {}
    for block in view.payload["blocks"]:
        if block.get("type") != "input":
            continue
        element = block["element"]
        kind = element["type"]
        if kind == "plain_text_input":
            value: dict[str, Any] = {"value": element.get("initial_value")}
        elif kind == "datepicker":
            value = {"selected_date": element.get("initial_date")}
        elif kind == "users_select":
            value = {"selected_user": element.get("initial_user")}
        elif kind in ("multi_static_select", "checkboxes"):
            value = {"selected_options": element.get("initial_options", [])}
        elif kind == "static_select":
            value = {"selected_option": element.get("initial_option")}
        else:
            continue
        state[block["block_id"]] = {element["action_id"]: {"type": kind, **value}}
    return state


def top_view(box: Sandbox, user: str = COORDINATOR) -> View:
    return box.fake.wait_for(lambda: box.fake.views_of(user))[-1]


def view_when(box: Sandbox, condition: Callable[[View], bool]) -> View:
    """The coordinator's top modal, once it satisfies `condition` (listeners update it after their ack)."""

    def satisfied() -> View | None:
        views = box.fake.views_of(COORDINATOR)
        return views[-1] if views and condition(views[-1]) else None

    return box.fake.wait_for(satisfied)


def message_when(box: Sandbox, condition: Callable[[Message], bool], *, first: bool = False) -> Message:
    """The coordinator's newest (or first) DM message, once it satisfies `condition`."""

    def satisfied() -> Message | None:
        messages = box.fake.messages_in(COORDINATOR)
        message = (messages[0] if first else messages[-1]) if messages else None
        return message if message is not None and condition(message) else None

    return box.fake.wait_for(satisfied)


def open_form(box: Sandbox) -> View:
    box.driver.slash_command(COORDINATOR, "/remiss", "ny")
    return top_view(box)


def pick_document(box: Sandbox, name: str, content: bytes) -> View:
    """The coordinator opens the form, presses Importera från dokument and picks `content`, uploaded as `name`:
    the form's view, which the import then fills in (or tells what went wrong)."""
    file = box.fake.add_file(name, content)
    root = open_form(box)
    box.driver.block_action(COORDINATOR, IMPORT_DOCUMENT)
    picker = view_when(box, lambda v: v.id != root.id)
    assert picker.callback_id == "new_remiss_import"
    document = {"value": {"type": "file_input", "files": [file.to_slack()]}}
    assert box.driver.view_submission(COORDINATOR, {"document": document}).status == 200
    return root


def imported(box: Sandbox, name: str, content: bytes) -> View:
    """The form once filled in from a document picked as in `pick_document`."""
    root = pick_document(box, name, content)
    return view_when(box, lambda v: v.id == root.id and "Ifyllt" in blocks_shown(v))


def fields(view: View) -> dict[str, Any]:
    """The values a view would be submitted with, by field (an imported form's block ids carry a suffix)."""
    return {block_id.partition("~")[0]: value["value"] for block_id, value in as_filled(view).items()}


def preview_with_deadline(box: Sandbox, typed_date: str) -> View:
    """The preview shown after the form is sent with `typed_date` as the deadline."""
    open_form(box)
    box.driver.view_submission(COORDINATOR, form(deadline=typed_date))
    preview = top_view(box)
    assert preview.callback_id == ids.PREVIEW_VIEW
    return preview


def draft_message(box: Sandbox) -> Message:
    def found() -> Message | None:
        return next((m for m in reversed(box.fake.messages_in(COORDINATOR)) if ids.SEND_DRAFT in blocks_shown(m)), None)

    return box.fake.wait_for(found)


def ephemeral_texts(box: Sandbox) -> str:
    return "\n".join(str(r.payload.get("text", "")) for r in box.fake.responses)


def create_draft_through_slack(box: Sandbox, **fields: Any) -> Message:
    open_form(box)
    response = box.driver.view_submission(COORDINATOR, form(**fields))
    assert response.json()["response_action"] == "update", response.body
    box.driver.view_submission(COORDINATOR, as_filled(top_view(box)))
    return draft_message(box)


def remiss_dms(box: Sandbox, user: str) -> list[Message]:
    return [m for m in box.fake.messages_in(user) if ids.ANSWER in blocks_shown(m)]


@pytest.fixture
def box(sandbox: Sandbox) -> Iterator[Sandbox]:
    """The sandbox with a directory where some recipients have a Slack contact and the rest have none."""
    contacts = {
        "tekniska-namnden": (ANNA,),
        "miljonamnden": (BERTIL,),
        "mkb": ("anna.andersson@malmo.se",),  # resolved through users.lookupByEmail
    }
    load_directory(sandbox, contacts)
    yield sandbox
    assert sandbox.fake.warnings == []


# -- opening the form ------------------------------------------------------------------------------------
def test_a_coordinator_opens_the_form_with_the_command(box: Sandbox) -> None:
    view = open_form(box)
    assert view.callback_id == ids.NEW_REMISS_VIEW
    blocks = {b.get("block_id"): b for b in view.payload["blocks"]}
    assert {"case_number", "title", "description", "documents", "deadline", "deadline_date", "questions"} <= set(blocks)
    groups = blocks["recipients"]["element"]["option_groups"]
    assert [g["label"]["text"] for g in groups] == ["Nämnder", "Bolag"]
    assert len(groups[0]["options"]) == 12
    assert [o["value"] for o in groups[1]["options"]] == ["mkb", "parkering-malmo", "parkeringsovervakning"]
    assert "stadskontoret" not in blocks_shown(view)  # the sender does not answer its own remiss
    shortcuts = [o["text"]["text"] for o in blocks["recipient_groups"]["element"]["options"]]
    assert shortcuts == ["Alla nämnder (12)", "Alla bolag (3)"]
    assert blocks["contact"]["element"]["initial_user"] == COORDINATOR


def test_a_coordinator_opens_the_form_with_the_shortcut(box: Sandbox) -> None:
    box.driver.shortcut(COORDINATOR, ids.NEW_REMISS_SHORTCUT)
    assert top_view(box).callback_id == ids.NEW_REMISS_VIEW


def test_someone_who_is_not_a_coordinator_is_refused_in_swedish(box: Sandbox) -> None:
    box.driver.slash_command(ANNA, "/remiss", "ny")
    box.fake.wait_for(lambda: box.fake.responses or None)
    assert "Det här kan bara en remissamordnare göra" in ephemeral_texts(box)
    assert box.fake.views_of(ANNA) == []
    box.driver.shortcut(ANNA, ids.NEW_REMISS_SHORTCUT)
    refusal = top_view(box, ANNA)
    assert refusal.callback_id != ids.NEW_REMISS_VIEW
    assert "Det här kan bara en remissamordnare göra" in blocks_shown(refusal)


# -- checking what was typed -----------------------------------------------------------------------------
BAD_INPUT: list[tuple[dict[str, Any], str, str]] = [
    ({"case_number": ""}, "case_number", "Fältet Diarienummer måste fyllas i."),
    ({"case_number": "STK 2023/137 ???"}, "case_number", "ser inte ut som ett diarienummer"),
    ({"title": ""}, "title", "Fältet Rubrik måste fyllas i."),
    ({"title": "R" * 251}, "title", "Texten i fältet Rubrik är för lång (251 tecken); högst 250 tecken går."),
    ({"deadline": "snart"}, "deadline", "«snart» går inte att läsa som ett datum"),
    ({"deadline": "1 september 2023"}, "deadline", "Sista svarsdatum fredag 1 september har redan passerat."),
    (
        {"deadline": None, "deadline_date": {"value": {"type": "datepicker", "selected_date": "2023-09-01"}}},
        "deadline_date",
        "Sista svarsdatum fredag 1 september har redan passerat.",
    ),
    ({"deadline": None}, "deadline", "Fältet Sista svarsdatum måste fyllas i."),
    (
        {"deadline_date": {"value": {"type": "datepicker", "selected_date": "2023-12-01"}}},
        "deadline",
        "Texten betyder torsdag 30 november men i kalendern står fredag 1 december.",
    ),
    ({"questions": ""}, "questions", "En remiss behöver minst en fråga."),
    ({"questions": "\n".join(f"Fråga nummer {n}?" for n in range(11))}, "questions", "högst 10 frågor"),
    ({"questions": "F" * 1001}, "questions", "Texten i fältet Frågor är för lång (1001 tecken)"),
    ({"recipients": None, "recipient_groups": None}, "recipients", "Välj minst en remissinstans."),
    (
        {"recipients": {"value": {"type": "multi_static_select", "selected_options": [{"value": "okand-namnd"}]}}},
        "recipients",
        "Organisationen «okand-namnd» finns inte i katalogen.",
    ),
    ({"documents": "Förslaget på intranätet"}, "documents", "Raden «Förslaget på intranätet» har ingen webbadress."),
]


def test_every_bad_input_gets_its_swedish_error_next_to_its_field_and_nothing_is_saved(box: Sandbox) -> None:
    view = open_form(box)
    for fields, block_id, message in BAD_INPUT:
        answer = box.driver.view_submission(COORDINATOR, form(**fields)).json()
        assert answer["response_action"] == "errors", fields
        assert block_id in answer["errors"], (fields, answer["errors"])
        assert message in answer["errors"][block_id], (fields, answer["errors"])
        assert top_view(box).id == view.id  # the form stays open, as typed
    with pytest.raises(DomainError):
        box.core.service.queries.overview("STK-2023-137")


def test_with_no_one_to_send_to_the_refusal_is_shown_under_an_input_slack_accepts(box: Sandbox) -> None:
    # A directory of the sender alone: the form has no recipient input, so "choose a recipient" cannot go there.
    service = box.core.service
    service.directory.replace_directory(Directory((service.directory.directory().require(service.config.sender_key),)))
    view = open_form(box)
    assert "recipients" not in {block.get("block_id") for block in view.payload["blocks"]}

    answer = box.driver.view_submission(COORDINATOR, form(recipients=None, recipient_groups=None)).json()

    assert answer["response_action"] == "errors"
    assert "Välj minst en remissinstans." in answer["errors"]["title"]
    assert top_view(box).id == view.id


def test_a_case_number_of_a_draft_offers_that_draft_and_saves_nothing(box: Sandbox) -> None:
    service = box.core.service
    service.drafting.create_draft(
        service.actor(COORDINATOR),
        RemissInput("STK-2023-137", "Annan remiss", [("Fråga?", QuestionKind.FREE_TEXT)], date(2023, 11, 1), []),
    )
    open_form(box)
    answer = box.driver.view_submission(COORDINATOR, form(case_number=" STK-2023-137 ")).json()
    assert answer["response_action"] == "push"  # tests/e2e/test_drafts.py opens it; a sent one is refused there
    assert "Det finns redan ett utkast med diarienummer *STK-2023-137*" in blocks_shown(top_view(box))
    assert service.queries.overview("STK-2023-137").remiss.title == "Annan remiss"


# -- the preview -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed_date", "understood"),
    [("30 november", "torsdag 30 november"), ("om tre veckor", "måndag 23 oktober")],
)
def test_a_date_written_in_swedish_is_echoed_back_before_anything_is_saved(
    box: Sandbox, typed_date: str, understood: str
) -> None:
    preview = preview_with_deadline(box, typed_date)
    assert f"Sista svarsdatum tolkades som {understood}" in blocks_shown(preview)
    with pytest.raises(DomainError):
        box.core.service.queries.overview("STK-2023-137")


def test_the_preview_shows_the_remiss_as_recipients_will_and_suggests_what_each_question_asks(box: Sandbox) -> None:
    open_form(box)
    box.driver.view_submission(COORDINATOR, form())
    preview = top_view(box)
    text = blocks_shown(preview)
    assert "Remiss från Stadskontoret" in text and "*Diarienummer:* STK-2023-137" in text
    assert "<https://malmo.se/stk-2023-137.pdf|Tjänsteskrivelse>" in text
    assert "*Kontaktperson:* Mia Idestrom" in text
    assert "Skickas till 5 remissinstanser:* Tekniska nämnden, Miljönämnden, MKB, Parkering Malmö" in text
    # One select per question, the suggestion chosen: question 2 names an organisation.
    kinds = [b for b in preview.payload["blocks"] if str(b.get("block_id")).startswith("question_kind_")]
    # Each label, «Fråga N: » and the question cut at a word, fits a phone's line (60 characters).
    assert [b["label"]["text"] for b in kinds] == [
        "Fråga 1: Vilka pågående processer inom er nämnds…",
        "Fråga 2: Vilken nämnd eller bolag ser ni bör få den…",
    ]
    assert [[o["text"]["text"] for o in b["element"]["options"]] for b in kinds] == [
        ["Ställningstagande", "Fritext", "Organisationsval"]
    ] * 2
    assert [b["element"]["initial_option"]["value"] for b in kinds] == ["free_text", "organisation_choice"]


def test_saving_the_preview_stores_a_draft_and_shows_it_to_the_coordinator_with_send_and_edit(box: Sandbox) -> None:
    message = create_draft_through_slack(box)
    assert box.fake.views_of(COORDINATOR) == []  # the modal closed
    overview = box.core.service.queries.overview("STK-2023-137")
    remiss = overview.remiss
    assert remiss.status is RemissStatus.DRAFT
    assert remiss.deadline == date(2023, 11, 30)
    assert remiss.contact == "Mia Idestrom"
    assert [q.kind for q in remiss.questions] == [QuestionKind.FREE_TEXT, QuestionKind.ORGANISATION_CHOICE]
    assert [d.url for d in remiss.documents] == ["https://malmo.se/stk-2023-137.pdf"]
    assert [r.organisation.key for r in overview.rows] == [
        "tekniska-namnden",
        "miljonamnden",
        "mkb",
        "parkering-malmo",
        "parkeringsovervakning",
    ]
    assert message.channel == box.fake.dm_channel_of(COORDINATOR)
    assert message.text.startswith("Utkast till remiss STK-2023-137")
    actions = next(b for b in message.blocks or [] if b["type"] == "actions")
    send, edit = actions["elements"]
    assert (send["action_id"], send["value"], edit["action_id"]) == (ids.SEND_DRAFT, "STK-2023-137", ids.EDIT_DRAFT)
    assert send["confirm"]["text"]["text"].startswith("Skicka till 5 remissinstanser?")


def test_the_coordinator_can_go_back_from_the_preview_to_the_form_as_filled(box: Sandbox) -> None:
    open_form(box)
    box.driver.view_submission(COORDINATOR, form(deadline="om tre veckor"))
    box.driver.block_action(COORDINATOR, "draft.back_to_form")
    view = view_when(box, lambda v: v.callback_id == ids.NEW_REMISS_VIEW)
    filled = as_filled(view)
    assert filled["deadline"]["value"]["value"] == "om tre veckor"
    assert filled["questions"]["value"]["value"] == QUESTIONS
    assert [o["value"] for o in filled["recipient_groups"]["value"]["selected_options"]] == ["all_bolag"]
    assert box.driver.view_submission(COORDINATOR, filled).json()["response_action"] == "update"


def test_a_second_click_on_tillbaka_sent_before_the_form_came_back_fails_nothing(
    box: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    open_form(box)
    box.driver.view_submission(COORDINATOR, form(deadline="om tre veckor"))
    preview = copy.deepcopy(top_view(box))  # as the coordinator saw it, with its hash, when clicking twice
    before = len(box.fake.messages_in(COORDINATOR))
    caplog.set_level(logging.INFO)

    box.driver.block_action(COORDINATOR, "draft.back_to_form", seen=preview)
    view_when(box, lambda v: v.callback_id == ids.NEW_REMISS_VIEW)
    box.driver.block_action(COORDINATOR, "draft.back_to_form", seen=preview)  # Slack: hash_conflict
    for executor in box.core.executors:
        executor.shutdown(wait=True)

    assert as_filled(top_view(box))["deadline"]["value"]["value"] == "om tre veckor"
    assert box.fake.messages_in(COORDINATOR)[before:] == []  # no "Något gick fel"
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_a_picker_slack_will_not_push_over_its_three_modals_is_told_and_fails_nothing(
    box: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    root = open_form(box)
    before = len(box.fake.messages_in(COORDINATOR))
    box.fake.inject("views.push", error="push_limit_reached")
    caplog.set_level(logging.INFO)

    box.driver.block_action(COORDINATOR, IMPORT_DOCUMENT)

    told = box.fake.wait_for(lambda: box.fake.messages_in(COORDINATOR)[before:][:1])[0]
    assert told.text.startswith("Slack kan inte visa fler fönster ovanpå varandra. Stäng det översta fönstret")
    assert [v.id for v in box.fake.views_of(COORDINATOR)] == [root.id]
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_a_form_too_large_for_private_metadata_is_kept_in_the_database_until_saved(box: Sandbox) -> None:
    long_description = "Bakgrund. " * 299
    open_form(box)
    box.driver.view_submission(COORDINATOR, form(description=long_description, title="T" * 250))
    preview = top_view(box)
    reference = json.loads(preview.private_metadata)
    # Only a reference travels with the view; the form itself is in the database, for any replica.
    assert set(reference) == {"pending"}
    assert box.core.service.edge.kept_form(reference["pending"]) is not None
    box.driver.view_submission(COORDINATOR, as_filled(preview))
    assert draft_message(box) is not None
    assert box.core.service.queries.overview("STK-2023-137").remiss.description == long_description.strip()
    assert box.core.service.edge.kept_form(reference["pending"]) is None


def test_user_text_is_shown_literally_never_as_a_mention(box: Sandbox) -> None:
    title = "Områdeslyft <!channel> & <@U0BERTIL> <https://evil.example|klicka>"
    open_form(box)
    box.driver.view_submission(COORDINATOR, form(title=title, description="Se <!here> & svara"))
    preview = blocks_shown(top_view(box))
    box.driver.view_submission(COORDINATOR, as_filled(top_view(box)))
    draft = draft_message(box)
    box.driver.block_action(COORDINATOR, ids.SEND_DRAFT)
    box.fake.wait_for(lambda: box.core.service.queries.overview("STK-2023-137").remiss.status is RemissStatus.SENT)
    box.courier.drain()
    for text in (preview, blocks_shown(draft), blocks_shown(remiss_dms(box, ANNA)[0]), draft.text):
        assert "<!channel>" not in text and "<!here>" not in text and "<@U0BERTIL>" not in text
        assert "<https://evil.example" not in text
    assert "&lt;!channel&gt; &amp; &lt;@U0BERTIL&gt;" in blocks_shown(draft)
    assert "Se &lt;!here&gt; &amp; svara" in blocks_shown(remiss_dms(box, ANNA)[0])


# -- editing a draft -------------------------------------------------------------------------------------
def test_the_coordinator_edits_a_draft_and_the_case_number_stays(box: Sandbox) -> None:
    draft = create_draft_through_slack(box)
    box.driver.block_action(COORDINATOR, ids.EDIT_DRAFT, message=draft)
    view = top_view(box)
    assert view.callback_id == ids.NEW_REMISS_VIEW
    assert "case_number" not in {b.get("block_id") for b in view.payload["blocks"]}
    assert "STK-2023-137" in blocks_shown(view)
    filled = as_filled(view)
    assert filled["deadline_date"]["value"]["selected_date"] == "2023-11-30"
    assert [o["value"] for o in filled["recipients"]["value"]["selected_options"]] == [
        "tekniska-namnden",
        "miljonamnden",
        "mkb",
        "parkering-malmo",
        "parkeringsovervakning",
    ]
    filled["title"] = typed("Områdeslyft, reviderad")
    filled["recipients"]["value"]["selected_options"] = [{"value": "tekniska-namnden"}]
    assert box.driver.view_submission(COORDINATOR, filled).json()["response_action"] == "update"
    kinds = as_filled(top_view(box))
    assert [kinds[f"question_kind_{n}"]["value"]["selected_option"]["value"] for n in (1, 2)] == [
        "free_text",
        "organisation_choice",
    ]
    box.driver.view_submission(COORDINATOR, kinds)
    message_when(box, lambda m: "reviderad" in blocks_shown(m))
    overview = box.core.service.queries.overview("STK-2023-137")
    assert overview.remiss.title == "Områdeslyft, reviderad"
    assert overview.remiss.contact == "Mia Idestrom"  # kept: nobody else was chosen
    assert [r.organisation.key for r in overview.rows] == ["tekniska-namnden"]
    # The draft message was edited in place, not posted again.
    drafts = [m for m in box.fake.messages_in(COORDINATOR) if ids.SEND_DRAFT in blocks_shown(m)]
    assert [m.ts for m in drafts] == [draft.ts]
    assert "Skicka till 1 remissinstans?" in blocks_shown(drafts[0])


# -- sending ---------------------------------------------------------------------------------------------
def test_sending_reaches_every_reachable_official_and_names_who_cannot_be_reached(box: Sandbox) -> None:
    draft = create_draft_through_slack(box)
    box.driver.block_action(COORDINATOR, ids.SEND_DRAFT, message=draft)
    sent = message_when(box, lambda m: "Skickad" in m.text, first=True)
    assert sent.ts == draft.ts  # the draft message itself now says it was sent
    assert "Skickad måndag 2 oktober kl. 09.00 till 3 remissinstanser." in sent.text
    assert "Kunde inte nås: Parkering Malmö, Parkeringsövervakning i Malmö AB." in sent.text
    assert ids.SEND_DRAFT not in blocks_shown(sent) and ids.EDIT_DRAFT not in blocks_shown(sent)
    box.courier.drain()
    assert len(remiss_dms(box, ANNA)) == 2  # Tekniska nämnden, and MKB through her e-mail address
    assert len(remiss_dms(box, BERTIL)) == 1
    assert "Miljönämnden" in blocks_shown(remiss_dms(box, BERTIL)[0])
    status = [m for m in box.fake.messages_in(COORDINATOR) if "0 av 5 har svarat" in m.text]
    assert len(status) == 1


def test_a_double_click_on_send_sends_once_and_the_second_click_is_told_calmly(box: Sandbox) -> None:
    draft = create_draft_through_slack(box)
    clicks = [
        threading.Thread(target=box.driver.block_action, args=(COORDINATOR, ids.SEND_DRAFT), kwargs={"message": draft})
        for _ in range(2)
    ]
    for click in clicks:
        click.start()
    for click in clicks:
        click.join()
    box.fake.wait_for(lambda: "redan skickad" in ephemeral_texts(box))
    assert "Remiss STK-2023-137 är redan skickad och kan inte skickas igen." in ephemeral_texts(box)
    assert all(r.payload.get("response_type") == "ephemeral" for r in box.fake.responses)
    message_when(box, lambda m: "Skickad" in m.text, first=True)
    box.courier.drain()
    assert len(remiss_dms(box, ANNA)) == 2
    assert len(remiss_dms(box, BERTIL)) == 1


def test_someone_who_is_not_a_coordinator_cannot_send_or_edit_a_draft(box: Sandbox) -> None:
    draft = create_draft_through_slack(box)
    box.driver.block_action(ANNA, ids.SEND_DRAFT, message=draft)
    box.driver.block_action(ANNA, ids.EDIT_DRAFT, message=draft)
    box.fake.wait_for(lambda: len(box.fake.responses) >= 2 or None)
    assert ephemeral_texts(box).count("Det här kan bara en remissamordnare göra") == 2
    assert box.core.service.queries.overview("STK-2023-137").remiss.status is RemissStatus.DRAFT
    assert box.fake.views_of(ANNA) == []
    box.courier.drain()
    assert remiss_dms(box, ANNA) == []


# -- warnings about the deadline and the answering window (issue 4) -------------------------------------
@pytest.mark.parametrize(
    ("typed_date", "flag"),
    [
        ("2 december", "Sista svarsdatum är en lördag, som inte är en arbetsdag."),
        ("25 december", "Sista svarsdatum är juldagen, som inte är en arbetsdag."),
    ],
)
def test_a_deadline_on_a_day_off_is_flagged_in_the_preview_and_still_accepted(
    box: Sandbox, typed_date: str, flag: str
) -> None:
    preview = preview_with_deadline(box, typed_date)
    assert flag in blocks_shown(preview)
    last_working_day = "fredag 1 december" if typed_date == "2 december" else "fredag 22 december"
    assert f"remissinstansernas sista arbetsdag före det är {last_working_day}" in blocks_shown(preview)
    box.driver.view_submission(COORDINATOR, as_filled(preview))
    draft_message(box)
    expected = date(2023, 12, 2) if typed_date == "2 december" else date(2023, 12, 25)
    assert box.core.service.queries.overview("STK-2023-137").remiss.deadline == expected


def test_a_deadline_on_a_working_day_is_not_flagged(box: Sandbox) -> None:
    open_form(box)
    box.driver.view_submission(COORDINATOR, form(deadline="30 november"))
    assert "inte är en arbetsdag" not in blocks_shown(top_view(box))


@pytest.mark.parametrize(
    ("typed_date", "warning"),
    [
        (
            "19 oktober",
            "Svarstiden är kort: den har bara 13 arbetsdagar fram till sista svarsdatum torsdag 19 oktober "
            "(färre än 15). Räkna med att någon ber om anstånd.",
        ),
        (
            "måndag 15 januari 2024",
            "Svarstiden går över julen: den har 72 arbetsdagar fram till sista svarsdatum måndag 15 januari 2024. "
            "Många är lediga då, så svaren kan dröja.",
        ),
        ("30 november", None),
    ],
)
def test_the_send_confirmation_warns_of_a_short_window_or_one_over_christmas(
    box: Sandbox, typed_date: str, warning: str | None
) -> None:
    draft = create_draft_through_slack(box, deadline=typed_date)
    box.driver.block_action(COORDINATOR, ids.SEND_DRAFT, message=draft)
    sent = message_when(box, lambda m: "Skickad" in m.text, first=True)
    assert sent.ts == draft.ts
    if warning is None:
        assert "Svarstiden" not in sent.text
    else:
        assert f":warning: {warning}" in sent.text
        assert warning in blocks_shown(sent)


# -- importing a document (issue 6) ----------------------------------------------------------------------
@pytest.fixture
def seed_002() -> bytes:
    if not SEED_002.exists():
        message = f"seed 002 is not at {SEED_002}"
        missing(message)
    return SEED_002.read_bytes()


def check_seed_002_prefilled(box: Sandbox, view: View) -> None:
    by_field = fields(view)
    assert by_field["case_number"]["value"] == "STK-2023-137"
    assert by_field["title"]["value"].startswith("Uppdrag budget 2023 - Definiera och starta")
    assert by_field["deadline_date"]["selected_date"] == "2023-11-30"
    assert len(by_field["recipients"]["selected_options"]) == 15
    assert by_field["questions"]["value"].count("\n") == 3
    assert by_field["contact"]["selected_user"] == COORDINATOR  # found by the e-mail address in the memo
    assert "Ifyllt från «002.txt»" in blocks_shown(view)
    box.driver.view_submission(COORDINATOR, as_filled(view))
    preview = top_view(box)
    kinds = [b for b in preview.payload["blocks"] if str(b.get("block_id")).startswith("question_kind_")]
    # Seed 002: two open questions, one on the proposed model (a stance), one naming an organisation.
    assert [b["element"]["initial_option"]["value"] for b in kinds] == [
        "free_text",
        "free_text",
        "position",
        "organisation_choice",
    ]
    assert "Skickas till 15 remissinstanser" in blocks_shown(preview)


def test_importing_seed_002_from_the_form_prefills_15_recipients_and_4_questions(box: Sandbox, seed_002: bytes) -> None:
    view = imported(box, "002.txt", seed_002)
    assert len(box.fake.views_of(COORDINATOR)) == 1
    check_seed_002_prefilled(box, view)


def test_a_document_sent_to_the_bot_in_a_dm_becomes_a_prefilled_form(box: Sandbox, seed_002: bytes) -> None:
    box.driver.event(file_share(box, COORDINATOR, box.fake.add_file("002.txt", seed_002).to_slack()))
    offer = message_when(box, lambda m: CREATE_FROM_DOCUMENT in blocks_shown(m))
    assert "Vill du skapa en remiss av dokumentet «002.txt»?" in offer.text
    box.driver.block_action(COORDINATOR, CREATE_FROM_DOCUMENT, message=offer)
    view = view_when(box, lambda v: "Ifyllt" in blocks_shown(v))
    check_seed_002_prefilled(box, view)


def file_share(box: Sandbox, user: str, file: dict[str, Any], thread_ts: str | None = None) -> dict[str, Any]:
    """The message event Slack sends when a user shares a file in their DM with the bot."""
    channel = box.fake.open_dm(user)
    message = box.fake.record_user_message(channel, user, "", thread_ts)
    return {
        "type": "message",
        "subtype": "file_share",
        "channel": channel,
        "channel_type": "im",
        "user": user,
        "text": "",
        "ts": message.ts,
        "files": [file],
        **({"thread_ts": thread_ts} if thread_ts else {}),
    }


def test_a_file_from_someone_not_a_coordinator_or_in_a_thread_is_left_alone(box: Sandbox) -> None:
    file = box.fake.add_file("002.txt", b"Remiss").to_slack()
    box.driver.event(file_share(box, ANNA, file))
    box.driver.event(file_share(box, COORDINATOR, file, thread_ts="1700000000.000001"))
    box.driver.event(file_share(box, COORDINATOR, file))  # the one that deserves an answer, last
    message_when(box, lambda m: CREATE_FROM_DOCUMENT in blocks_shown(m))
    # Listeners run after the ack, the first one slowest: give a wrong answer time to show up.
    with pytest.raises(TimeoutError):
        box.fake.wait_for(lambda: len(box.fake.calls_to("chat.postMessage")) > 1, timeout=0.5)


def test_a_kommuns_remiss_with_a_sentence_of_recipients_prefills_the_form_and_names_the_cited_number(
    box: Sandbox,
) -> None:
    document = Path(__file__).resolve().parents[1] / "importer" / "data" / "municipal"

    view = imported(box, "kulturstrategi.txt", (document / "kulturstrategi_tjansteskrivelse.txt").read_bytes())

    by_field = fields(view)
    assert by_field["case_number"]["value"] == "KN 2024/31-101"
    assert by_field["title"]["value"] == "Remiss – Kulturstrategi för Malmö 2025–2030"
    assert by_field["deadline_date"]["selected_date"] == "2024-03-12"
    assert [o["value"] for o in by_field["recipients"]["selected_options"]] == [
        "fritidsnamnden",
        "servicenamnden",
        "stadsbyggnadsnamnden",
    ]
    assert "Dokumentet hänvisar också till KN 2018/144, som hör till ett annat ärende." in blocks_shown(view)


def test_a_file_the_importer_cannot_read_gets_a_swedish_answer_not_an_offer(box: Sandbox) -> None:
    box.driver.event(file_share(box, COORDINATOR, box.fake.add_file("karta.png", b"\x89PNG").to_slack()))
    answer = message_when(box, lambda m: m.user is None)
    assert "remissbot kan skapa remisser ur .txt-, .docx- och .pdf-filer; «karta.png» är ingen sådan." in answer.text


def test_a_document_that_cannot_be_read_is_explained_in_the_form(box: Sandbox) -> None:
    root = pick_document(box, "002.pdf", b"this is no pdf")
    view = view_when(box, lambda v: v.id == root.id and ":x:" in blocks_shown(v))
    assert "002.pdf" in blocks_shown(view)


def test_an_imported_field_longer_than_its_input_holds_is_cut_and_the_form_says_so(box: Sandbox) -> None:
    from tests.importer.documents import A_SMALL_REMISS

    long = " ".join(["Hur påverkas er verksamhet av normen och dess krav på cykelparkering"] * 14)
    questions = "\n".join(f"{n}. {long}?" for n in range(1, 5))
    text = A_SMALL_REMISS.replace("1. Hur påverkas er verksamhet?\n2. Vilken nämnd bör följa upp normen?", questions)

    view = imported(box, "lang.txt", text.encode())

    filled = fields(view)
    assert len(filled["questions"]["value"]) == 3000
    assert "Frågorna var längre än 3\u00a0000 tecken och har kortats; hela texten finns i dokumentet." in blocks_shown(
        view
    )
    assert "Rubriken var längre" not in blocks_shown(view)


def test_a_draft_slack_will_not_show_is_told_as_saved_not_as_failed(
    box: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    open_form(box)
    assert box.driver.view_submission(COORDINATOR, form()).json()["response_action"] == "update"
    before = len(box.fake.messages_in(COORDINATOR))
    box.fake.inject("chat.postMessage", error="msg_too_long")
    caplog.set_level(logging.INFO)

    assert box.driver.view_submission(COORDINATOR, as_filled(top_view(box))).status == 200

    told = box.fake.wait_for(lambda: box.fake.messages_in(COORDINATOR)[before:][:1])[0]
    assert "STK-2023-137 sparades" in told.text and "Något gick fel" not in told.text
    assert box.core.service.queries.overview("STK-2023-137").remiss.status is RemissStatus.DRAFT
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_a_shortcut_whose_trigger_expired_is_told_in_a_direct_message(box: Sandbox) -> None:
    before = len(box.fake.messages_in(COORDINATOR))
    box.fake.inject("views.open", error="expired_trigger_id")

    box.driver.shortcut(COORDINATOR, ids.NEW_REMISS_SHORTCUT)

    told = box.fake.wait_for(lambda: box.fake.messages_in(COORDINATOR)[before:][:1])[0]
    assert "försök igen" in told.text
