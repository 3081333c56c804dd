"""What each question asks for, end to end: the coordinator marks it in the preview (ställningstagande, fritext,
organisationsval), the official is asked a position only where the question asks for one, plus one overall
position, and both are stored as given, or as not stated."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.core.domain.remiss import Position, QuestionKind, ResponseContent, ResponseKind
from devtools.sandbox.harness import Sandbox
from devtools.sandbox.screen import blocks_shown
from devtools.sandbox.workspace import Message, View
from handlers import answer, ids
from tests.e2e.conftest import COORDINATOR, load_directory
from tests.e2e.test_answer import OFFICIAL, filled, press_answer, recipient, submit_accepted
from tests.e2e.test_chat import write
from tests.e2e.test_create import as_filled, draft_message, form, open_form, remiss_dms, top_view

QUESTIONS = (
    "1. Vilka pågående processer inom er nämnds ansvarsområde passar in?\n"
    "2. Ställer ni er bakom förslaget om en gemensam samordningsstruktur?\n"
    "3. Vilken nämnd eller bolag ser ni bör få den samordnande rollen?"
)


@pytest.fixture
def box(sandbox: Sandbox) -> Iterator[Sandbox]:
    """The sandbox with Anna as Tekniska nämndens contact."""
    load_directory(sandbox, {"tekniska-namnden": (OFFICIAL,)})
    yield sandbox
    assert sandbox.fake.warnings == []


def submitted(box: Sandbox, values: dict[str, Any]) -> ResponseContent:
    """Anna submits the answer form with `values` and it is accepted: the answer stored."""
    submit_accepted(box, values)
    [version] = recipient(box).responses
    return version.content


def positions(content: ResponseContent) -> list[tuple[int, Position]]:
    return [(a.question_number, a.position) for a in content.answers]


def kind_selects(preview: View) -> list[dict[str, Any]]:
    return [b for b in preview.payload["blocks"] if str(b.get("block_id")).startswith("question_kind_")]


def choose(values: dict[str, Any], preview: View, number: int, kind: QuestionKind) -> None:
    """The coordinator picks `kind` in question `number`'s select, as Slack's client sends it."""
    block = kind_selects(preview)[number - 1]
    option = next(o for o in block["element"]["options"] if o["value"] == kind.value)
    values[block["block_id"]][block["element"]["action_id"]]["selected_option"] = option


def create_and_send(box: Sandbox, changes: dict[int, QuestionKind]) -> tuple[View, Message]:
    """Through Slack: the form, the preview with `changes` made to the suggested kinds, Spara utkast, Skicka
    remissen; returns the preview and Anna's remiss DM."""
    open_form(box)
    recipients = {"value": {"type": "multi_static_select", "selected_options": [{"value": "tekniska-namnden"}]}}
    response = box.driver.view_submission(
        COORDINATOR, form(questions=QUESTIONS, recipients=recipients, recipient_groups=None)
    )
    assert response.json()["response_action"] == "update", response.body
    preview = top_view(box)
    values = as_filled(preview)
    for number, kind in changes.items():
        choose(values, preview, number, kind)
    box.driver.view_submission(COORDINATOR, values)
    box.driver.block_action(COORDINATOR, ids.SEND_DRAFT, message=draft_message(box))
    box.fake.wait_for(lambda: box.core.service.queries.overview("STK-2023-137").remiss.status.value == "sent")
    box.courier.drain()
    return preview, remiss_dms(box, OFFICIAL)[0]


def position_blocks(form_view: View) -> list[str]:
    return [
        b["block_id"] for b in form_view.payload["blocks"] if b.get("type") == "input" and "position" in b["block_id"]
    ]


def test_the_coordinators_choice_of_kinds_is_stored_and_the_form_asks_positions_only_there(box: Sandbox) -> None:
    # Suggested: fritext, ställningstagande, organisationsval; the coordinator makes question 1 a stance too.
    preview, dm = create_and_send(box, {1: QuestionKind.POSITION})
    assert [b["element"]["initial_option"]["value"] for b in kind_selects(preview)] == [
        "free_text",
        "position",
        "organisation_choice",
    ]
    remiss = box.core.service.queries.overview("STK-2023-137").remiss
    assert [q.kind for q in remiss.questions] == [
        QuestionKind.POSITION,
        QuestionKind.POSITION,
        QuestionKind.ORGANISATION_CHOICE,
    ]
    # The remiss DM says discreetly where a position is asked.
    shown = blocks_shown(dm)
    assert shown.count("_(ange ställningstagande)_") == 2

    form_view = press_answer(box, dm)
    assert position_blocks(form_view) == [
        answer.position_block(1),
        answer.position_block(2),
        answer.OVERALL_POSITION_BLOCK,
    ]
    overall = next(b for b in form_view.payload["blocks"] if b.get("block_id") == answer.OVERALL_POSITION_BLOCK)
    assert overall["label"]["text"] == "Er inställning till förslaget som helhet"
    assert overall["optional"] is True
    assert overall["element"]["initial_option"]["value"] == Position.NOT_STATED.value

    values = filled(
        form_view,
        answers={1: "Trygghetsvandringarna.", 2: "Ja, med en egen budget.", 3: "Stadsbyggnadsnämnden"},
        positions={1: Position.TILLSTYRKER, 2: Position.FORESLAR_ANDRINGAR},
        overall=Position.FORESLAR_ANDRINGAR,
        meeting_date="2023-11-09",
        paragraph="§ 145",
    )
    content = submitted(box, values)
    assert positions(content) == [
        (1, Position.TILLSTYRKER),
        (2, Position.FORESLAR_ANDRINGAR),
        (3, Position.NOT_STATED),
    ]
    assert content.overall_position is Position.FORESLAR_ANDRINGAR


def test_a_stance_question_answered_without_a_position_is_accepted_as_not_stated(box: Sandbox) -> None:
    _, dm = create_and_send(box, {})
    form_view = press_answer(box, dm)
    # Fritext asks no position: only question 2 (and the whole) has one.
    assert position_blocks(form_view) == [answer.position_block(2), answer.OVERALL_POSITION_BLOCK]

    values = filled(
        form_view,
        answers={1: "Trygghetsvandringarna.", 2: "Vi har inte tagit ställning."},
        kind=ResponseKind.DELEGATION,
        decided_by="Förvaltningsdirektören",
    )
    content = submitted(box, values)
    assert positions(content) == [
        (1, Position.NOT_STATED),
        (2, Position.NOT_STATED),
    ]
    assert content.overall_position is Position.NOT_STATED


def test_a_position_sent_for_a_fritext_question_is_not_kept(box: Sandbox) -> None:
    """A client that sends a position for a question the form asked none for (an older form) changes nothing."""
    _, dm = create_and_send(box, {})
    form_view = press_answer(box, dm)
    values = filled(form_view, answers={1: "Text."}, kind=ResponseKind.DELEGATION, decided_by="Direktören")
    position = next(b for b in form_view.payload["blocks"] if b.get("block_id") == answer.position_block(2))
    values[answer.position_block(1)] = {
        answer.POSITION: {"type": "static_select", "selected_option": position["element"]["options"][0]}
    }
    content = submitted(box, values)
    assert positions(content) == [(1, Position.NOT_STATED)]


def test_in_chat_a_position_is_taken_only_for_the_stance_question(box: Sandbox) -> None:
    _, dm = create_and_send(box, {})

    # A stance answer without a position is stored, and the reply asks for one.
    reply = write(box, OFFICIAL, dm, "Fråga 2: Vi har inte bestämt oss än.")
    assert "Fråga 2 ber om ett ställningstagande" in reply.text
    reply = write(box, OFFICIAL, dm, "Fråga 2: Vi tillstyrker förslaget.\nFråga 3: Vi tillstyrker att MKB samordnar.")

    assert "*Fråga 2 (tillstyrker):*" in reply.text and "*Fråga 3:*" in reply.text
    assert "ber om ett ställningstagande" not in reply.text
    draft = recipient(box).draft
    assert draft is not None
    assert positions(draft.content) == [
        (2, Position.TILLSTYRKER),
        (3, Position.NOT_STATED),
    ]
    # New text without a position keeps the one the draft had; fritext never asks for one.
    reply = write(box, OFFICIAL, dm, "Fråga 2: Ny text.\nFråga 1: Trygghetsvandringarna.")
    assert "*Fråga 2 (tillstyrker):*" in reply.text and "*Fråga 1:*" in reply.text
    assert "ber om ett ställningstagande" not in reply.text
