"""`/remiss sammanträden`: a board's officials keep its meeting dates and inlämningsdag, and reminders follow."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.core.domain.reminders import ReminderState
from devtools.sandbox.harness import Sandbox
from handlers import ids
from handlers.meetings import LEAD_DAYS_BLOCK, MEETINGS_BLOCK
from tests.e2e.conftest import COORDINATOR
from tests.e2e.test_chat import ANNA, BERTIL, CASE, CECILIA, ORG, send_remiss


def values(meetings: str | None, lead_days: str | None) -> dict[str, Any]:
    return {
        MEETINGS_BLOCK: {MEETINGS_BLOCK: {"type": "plain_text_input", "value": meetings}},
        LEAD_DAYS_BLOCK: {LEAD_DAYS_BLOCK: {"type": "plain_text_input", "value": lead_days}},
    }


def open_form(box: Sandbox, user_id: str, text: str = "sammanträden") -> dict[str, Any]:
    assert box.driver.slash_command(user_id, "/remiss", text).status == 200
    stack = box.fake.wait_for(lambda: box.fake.views_of(user_id))
    return dict(stack[-1].payload)


def test_an_official_enters_the_boards_meetings_and_the_reminders_name_the_last_one(box: Sandbox) -> None:
    send_remiss(box)
    modal = open_form(box, ANNA)
    assert modal["callback_id"] == ids.MEETINGS_VIEW
    assert modal["private_metadata"] == ORG
    assert modal["title"]["text"] == "Sammanträden"

    response = box.driver.view_submission(ANNA, values("2023-10-19\n16 november\n2023-12-14", "14"))
    assert (response.status, response.json()) == (200, None)
    organisation = box.core.service.directory.directory().require(ORG)
    assert organisation.meetings == (date(2023, 10, 19), date(2023, 11, 16), date(2023, 12, 14))
    assert organisation.submission_lead_days == 14
    confirmation = box.fake.wait_for(lambda: [m for m in box.fake.messages_in(ANNA) if "är sparade" in m.text])
    assert "16 november" in confirmation[-1].text

    with box.core.service.store.read() as repo:
        planned = [s for s in repo.reminders.reminders_for(CASE, ORG) if s.state is ReminderState.PLANNED]
    advised = [s.reminder.meeting for s in planned if s.reminder.meeting is not None]
    assert advised, "the replanned reminders carry the board-meeting advice"
    assert {(a.meeting, a.submission_date) for a in advised} == {(date(2023, 11, 16), date(2023, 11, 2))}

    # The form shows what is stored the next time.
    again = open_form(box, ANNA)
    field = next(b for b in again["blocks"] if b.get("block_id") == MEETINGS_BLOCK)
    assert field["element"]["initial_value"] == "2023-10-19\n2023-11-16\n2023-12-14"


def test_bad_dates_and_lead_times_are_refused_next_to_the_field_and_nothing_changes(box: Sandbox) -> None:
    send_remiss(box)
    open_form(box, ANNA)
    response = box.driver.view_submission(ANNA, values("2023-11-16\nnästa torsdag kanske", "två veckor"))
    errors = response.json()["errors"]
    assert errors[MEETINGS_BLOCK].startswith("«nästa torsdag kanske» är inget datum")
    assert errors[LEAD_DAYS_BLOCK] == "Ange ett helt antal dagar från 0 till 90, inte «två veckor»."
    assert box.core.service.directory.directory().require(ORG).meetings == ()


def test_someone_who_is_no_official_is_told_so_and_gets_no_form(box: Sandbox) -> None:
    send_remiss(box)
    count = len(box.fake.responses)
    assert box.driver.slash_command(CECILIA, "/remiss", "sammanträden").status == 200
    reply = box.fake.wait_for(lambda: box.fake.responses[count:][:1])[0].payload["text"]
    assert "Du står inte som kontaktperson" in reply
    assert box.fake.views_of(CECILIA) == []


def test_a_coordinator_picks_any_organisation_and_the_form_switches_to_it(box: Sandbox) -> None:
    send_remiss(box)
    modal = open_form(box, COORDINATOR, "sammanträden Miljönämnden")
    assert modal["private_metadata"] == "miljonamnden"
    box.driver.block_action(
        COORDINATOR,
        ids.MEETINGS_ORGANISATION,
        selected_option={"text": {"type": "plain_text", "text": "Tekniska nämnden"}, "value": ORG},
    )
    switched = box.fake.wait_for(
        lambda: [v for v in box.fake.views_of(COORDINATOR) if v.payload.get("private_metadata") == ORG]
    )
    assert switched
    box.driver.view_submission(COORDINATOR, values("2023-11-23", None))
    assert box.core.service.directory.directory().require(ORG).meetings == (date(2023, 11, 23),)
    # Bertil (Miljönämnden) may not edit Tekniska nämnden's meetings by naming it.
    count = len(box.fake.responses)
    box.driver.slash_command(BERTIL, "/remiss", "sammanträden Tekniska nämnden")
    reply = box.fake.wait_for(lambda: box.fake.responses[count:][:1])[0].payload["text"]
    assert "Hittar ingen organisation som heter «Tekniska nämnden»" in reply
