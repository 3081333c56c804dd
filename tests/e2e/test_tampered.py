"""Tampered payloads inside well-formed envelopes, end to end: a Swedish message where the user is, a warning in
the log (no error, no trace), and nothing stored. User text with a lone surrogate is stored, with U+FFFD."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import SQLModel

from bot.core.domain.remiss import RecipientStatus, ResponseContent
from devtools.sandbox import Message
from devtools.sandbox.harness import Sandbox
from handlers import answer, ids
from tests.e2e.test_chat import ANNA, CASE, ORG, OTHER_ORG, draft_answers, send_remiss, write

TAMPERED = "Det som skickades gick inte att läsa"
# Tables a request may write whatever it carries: the claim of an event's id.
CLAIMS = {"processed_delivery"}


def snapshot(engine: Engine) -> dict[str, list[str]]:
    """Every row of every table but the event claims, comparable before and after a request."""
    import storage.tables  # noqa: F401 - the tables' metadata

    with engine.connect() as connection:
        return {
            table.name: sorted(repr(tuple(row)) for row in connection.execute(table.select()))
            for table in SQLModel.metadata.sorted_tables
            if table.name not in CLAIMS
        }


def problems(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Log records at ERROR or above, and any with a traceback."""
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


def warnings_about_tampering(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and "tampered" in r.getMessage()]


def status(box: Sandbox) -> RecipientStatus:
    return next(r.status for r in box.core.service.queries.overview(CASE).rows if r.organisation.key == ORG)


def stored_response(box: Sandbox) -> ResponseContent:
    """What Anna's organisation's current response holds, as stored."""
    recipient = next(r.recipient for r in box.core.service.queries.overview(CASE).rows if r.organisation.key == ORG)
    assert recipient.current_response is not None
    return recipient.current_response.content


def open_modal(box: Sandbox, action_id: str, dm: Message) -> None:
    assert box.driver.block_action(ANNA, action_id, message=dm).status == 200
    box.fake.wait_for(lambda: box.fake.views_of(ANNA))
    if action_id == ids.ANSWER:  # the form records that it was opened, after opening
        box.fake.wait_for(lambda: status(box) is not RecipientStatus.NOT_OPENED)


def reason(text: Any) -> dict[str, Any]:
    return {"reason": {"reason": {"type": "plain_text_input", "value": text}}}


# -- buttons ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["inte-en-referens", "|", f"{ORG}|", 42, ["a"], {"ref": "x"}])
def test_a_tampered_button_value_is_told_in_swedish_where_the_user_is_and_logged_as_a_warning(
    box: Sandbox, caplog: pytest.LogCaptureFixture, value: Any
) -> None:
    dm = send_remiss(box)
    before = snapshot(box.core.engine)
    count = len(box.fake.responses)
    caplog.set_level(logging.INFO)
    response = box.driver.block_action(ANNA, ids.DECLINE, message=dm, **{"value": value})
    assert response.status == 200
    told = box.fake.wait_for(lambda: box.fake.responses[count:][:1])[0].payload
    assert TAMPERED in told["text"] and told["response_type"] == "ephemeral"
    assert box.fake.views_of(ANNA) == []
    assert warnings_about_tampering(caplog) and problems(caplog) == []
    assert snapshot(box.core.engine) == before


def test_a_tampered_button_inside_a_modal_is_told_in_a_direct_message(
    box: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    dm = send_remiss(box)
    open_modal(box, ids.ANSWER, dm)
    form = box.fake.views_of(ANNA)[-1]
    form.payload["private_metadata"] = "{not json"
    before = snapshot(box.core.engine)
    caplog.set_level(logging.INFO)
    count = len(box.fake.messages_in(ANNA))
    assert box.driver.block_action(ANNA, answer.SAVE_DRAFT, view_id=form.id).status == 200
    told = box.fake.wait_for(lambda: box.fake.messages_in(ANNA)[count:][:1])[0]
    assert TAMPERED in told.text
    assert (
        "Stäng formuläret om det är öppet och börja om där du tryckte; det du sparat tidigare finns kvar." in told.text
    )
    assert warnings_about_tampering(caplog) and problems(caplog) == []
    assert snapshot(box.core.engine) == before


# -- modals ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "metadata", ["", "not json", "[]", "null", '{"ref": 5}', '{"ref": "no-separator"}', "{}", '{"ref": "|x"}']
)
def test_tampered_private_metadata_gets_an_inline_error_and_stores_nothing(
    box: Sandbox, caplog: pytest.LogCaptureFixture, metadata: str
) -> None:
    dm = send_remiss(box)
    open_modal(box, ids.DECLINE, dm)
    box.fake.views_of(ANNA)[-1].payload["private_metadata"] = metadata
    before = snapshot(box.core.engine)
    caplog.set_level(logging.INFO)
    response = box.driver.view_submission(ANNA, reason("Ingen tid"))
    assert response.status == 200
    assert response.json()["response_action"] == "errors"
    assert TAMPERED in response.json()["errors"]["reason"]
    assert warnings_about_tampering(caplog) and problems(caplog) == []
    assert snapshot(box.core.engine) == before
    assert status(box) is RecipientStatus.NOT_OPENED


@pytest.mark.parametrize("text", [42, ["x"], {"a": 1}])
def test_a_typed_value_of_the_wrong_type_gets_an_inline_error(
    box: Sandbox, caplog: pytest.LogCaptureFixture, text: Any
) -> None:
    dm = send_remiss(box)
    open_modal(box, ids.DECLINE, dm)
    before = snapshot(box.core.engine)
    caplog.set_level(logging.INFO)
    response = box.driver.view_submission(ANNA, reason(text))
    assert TAMPERED in response.json()["errors"]["reason"]
    assert problems(caplog) == [] and snapshot(box.core.engine) == before


def extension_form(picked: Any) -> dict[str, Any]:
    """The extension form's values with `picked` as the date picker's value."""
    return {
        "new_deadline_date": {"new_deadline_date": {"type": "datepicker", "selected_date": picked}},
        "reason": {"reason": {"type": "plain_text_input", "value": "Nämnden sammanträder sent"}},
    }


UNOFFERED_OPTION = {
    "answer_1": {answer.TEXT: {"type": "rich_text_input", "rich_text_value": None}},
    "position_1": {answer.POSITION: {"type": "static_select", "selected_option": {"value": "hurra"}}},
}


@pytest.mark.parametrize(
    ("action_id", "values"),
    [
        # a malformed date in the extension form
        *(
            pytest.param(ids.REQUEST_EXTENSION, extension_form(picked), id=f"date-{picked}")
            for picked in ["2023-13-45", "i morgon", 20231201, {"y": 2023}]
        ),
        # an option the answer form did not offer
        pytest.param(ids.ANSWER, UNOFFERED_OPTION, id="unoffered-option"),
    ],
)
def test_a_malformed_date_or_an_unoffered_option_in_a_form_gets_an_inline_error(
    box: Sandbox, caplog: pytest.LogCaptureFixture, action_id: str, values: dict[str, Any]
) -> None:
    dm = send_remiss(box)
    open_modal(box, action_id, dm)
    before = snapshot(box.core.engine)
    caplog.set_level(logging.INFO)
    response = box.driver.view_submission(ANNA, values)
    assert response.status == 200
    assert any(TAMPERED in message for message in response.json()["errors"].values())
    assert warnings_about_tampering(caplog) and problems(caplog) == []
    assert snapshot(box.core.engine) == before


# -- lone surrogates and NUL in user text ---------------------------------------------------------------------
# A lone surrogate becomes a replacement character; NUL is dropped, as PostgreSQL's text type cannot hold it at
# all (without this the answer was lost with a DataError).
REASONS = [("Ingen tid \ud800 i höst", "Ingen tid \ufffd i höst"), ("Ingen\x00 tid", "Ingen tid")]


@pytest.mark.parametrize(("written", "stored"), REASONS)
def test_a_decline_reason_with_a_lone_surrogate_or_a_nul_is_stored_cleaned(
    box: Sandbox, caplog: pytest.LogCaptureFixture, written: str, stored: str
) -> None:
    dm = send_remiss(box)
    open_modal(box, ids.DECLINE, dm)
    caplog.set_level(logging.INFO)
    response = box.driver.view_submission(ANNA, reason(written))
    assert (response.status, response.json()) == (200, None)
    assert status(box) is RecipientStatus.DECLINED
    assert stored_response(box).decline_reason == stored
    assert problems(caplog) == []


def test_an_answer_in_the_form_with_a_lone_surrogate_is_stored_with_a_replacement_character(
    box: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    dm = send_remiss(box)
    open_modal(box, ids.ANSWER, dm)
    caplog.set_level(logging.INFO)
    rich = {
        "type": "rich_text",
        "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": "Ja \udfff tack"}]}],
    }
    values = {
        "answer_1": {answer.TEXT: {"type": "rich_text_input", "rich_text_value": rich}},
        "kind": {answer.KIND: {"type": "radio_buttons", "selected_option": {"value": "delegation"}}},
        "decided_by": {answer.DECIDED_BY: {"type": "plain_text_input", "value": "Presidiet \udc00"}},
    }
    response = box.driver.view_submission(ANNA, values)
    assert (response.status, response.json()) == (200, None)
    assert stored_response(box).answers[0].text == "Ja \ufffd tack"
    assert stored_response(box).decided_by == "Presidiet \ufffd"
    assert problems(caplog) == []


@pytest.mark.parametrize(
    ("written", "stored"),
    [("Områdeslyft \ud800 passar", "Områdeslyft \ufffd passar"), ("Områdeslyft\x00 passar", "Områdeslyft passar")],
)
def test_an_answer_in_the_chat_thread_with_a_lone_surrogate_or_a_nul_is_stored_cleaned(
    box: Sandbox, caplog: pytest.LogCaptureFixture, written: str, stored: str
) -> None:
    dm = send_remiss(box)
    caplog.set_level(logging.INFO)
    reply = write(box, ANNA, dm, f"Fråga 1: {written}")
    assert "Områdeslyft" in reply.text
    assert draft_answers(box) == {1: stored}
    assert problems(caplog) == []


def test_a_refused_click_in_the_home_tab_is_told_in_a_direct_message(
    box: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    # A button in the Home tab has no response_url: a refusal there used to reach the log and nobody else.
    send_remiss(box)
    box.driver.app_home_opened(ANNA)
    home = box.fake.wait_for(lambda: box.fake.home_of(ANNA))
    before = snapshot(box.core.engine)
    count = len(box.fake.messages_in(ANNA))
    caplog.set_level(logging.INFO)
    other = ids.RecipientRef(CASE, OTHER_ORG).encode()
    assert box.driver.block_action(ANNA, ids.DECLINE, view_id=home.id, value=other).status == 200
    told = box.fake.wait_for(lambda: box.fake.messages_in(ANNA)[count:][:1])[0]
    assert "Miljönämnden" in told.text and TAMPERED not in told.text
    assert problems(caplog) == []
    assert snapshot(box.core.engine) == before
