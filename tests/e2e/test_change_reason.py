"""Changing a submitted answer in the form, with or without saying why: the version keeps the reason, and the
coordinator's status thread and the audit trail say which questions changed and why."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.adapters.audit_files import audit_rows
from bot.core.domain.audit import AuditAction
from bot.core.domain.remiss import Position
from devtools.clocks import FakeClock
from devtools.sandbox import View
from devtools.sandbox.harness import Sandbox
from handlers import answer
from tests.e2e.test_answer import (
    CASE,
    filled,
    input_block,
    press_answer,
    recipient,
    remiss_message,
    send_remiss,
    submit,
    submit_accepted,
    thread_lines,
)

FIRST = {1: "Trygghetsarbetet och parkförvaltningen.", 2: "Stadsbyggnadsnämnden"}
CHANGED = "*Tekniska nämnden* ändrade sitt svar (version 2): fråga 2, ställningstagandet i fråga 1."


def answered_then_editing(box: Sandbox, clock: FakeClock) -> View:
    """Anna answers (version 1) and, the next day, opens the form again with Ändra svar."""
    form = press_answer(box, send_remiss(box))
    assert answer.CHANGE_REASON_BLOCK not in {b.get("block_id") for b in form.payload["blocks"]}
    values = filled(
        form, answers=FIRST, positions={1: Position.TILLSTYRKER}, meeting_date="2023-11-19", paragraph="§ 1"
    )
    submit_accepted(box, values)
    box.courier.drain()
    clock.set(datetime(2023, 10, 3, 12, 0, tzinfo=UTC))
    return press_answer(box, remiss_message(box))


def test_a_change_with_a_reason_keeps_it_with_the_version_and_the_coordinator_sees_what_changed_and_why(
    sandbox: Sandbox, clock: FakeClock
) -> None:
    edit = answered_then_editing(sandbox, clock)
    field = input_block(edit, answer.CHANGE_REASON_BLOCK)
    assert (field["label"]["text"], field["optional"], field["element"]["max_length"]) == (
        "Varför ändrar ni svaret?",
        True,
        500,
    )
    reason = "Nämnden beslutade om ett nytt yttrande <!channel>."
    values = filled(edit, answers={2: "MKB"}, positions={1: Position.AVSTYRKER}, change_reason=f"  {reason}\n")
    submit_accepted(sandbox, values, shown="tisdag 3 oktober")

    first, second = recipient(sandbox).responses
    assert (first.change_reason, second.change_reason) == ("", reason)
    sandbox.courier.drain()
    assert f"{CHANGED} Skäl: «Nämnden beslutade om ett nytt yttrande &lt;!channel&gt;.»" in thread_lines(sandbox)

    service = sandbox.core.service
    [edited] = [e for e in service.queries.audit_trail(CASE) if e.action is AuditAction.EDITED]
    assert (edited.details_dict["changed_texts"], edited.details_dict["changed_positions"]) == ("2", "1")
    [row] = [r for r in audit_rows(service, sandbox.core.texts, CASE) if r.action == "edited"]
    assert row.what == (
        "Tekniska nämnden ändrade sitt svar (yttrande, version 2). Ändrat: fråga 2, ställningstagandet i fråga 1."
        f" Skäl: «{reason}»"
    )


def test_a_change_without_a_reason_says_what_changed_and_no_reason(sandbox: Sandbox, clock: FakeClock) -> None:
    edit = answered_then_editing(sandbox, clock)
    submit_accepted(sandbox, filled(edit, answers={2: "MKB"}, positions={1: Position.AVSTYRKER}), "tisdag 3 oktober")

    assert recipient(sandbox).responses[-1].change_reason == ""
    sandbox.courier.drain()
    lines = thread_lines(sandbox).splitlines()
    assert f":pencil2: {CHANGED}" in lines
    assert not any("Skäl" in line for line in lines)


def test_sending_the_same_answer_again_says_nothing_changed(sandbox: Sandbox, clock: FakeClock) -> None:
    edit = answered_then_editing(sandbox, clock)
    submit_accepted(sandbox, filled(edit), shown="tisdag 3 oktober")
    sandbox.courier.drain()
    assert ":pencil2: *Tekniska nämnden* skickade in samma svar igen (version 2)." in thread_lines(sandbox)


def test_a_reason_over_500_characters_is_refused_in_swedish_and_nothing_is_lost(
    sandbox: Sandbox, clock: FakeClock
) -> None:
    edit = answered_then_editing(sandbox, clock)
    values = filled(edit, answers={2: "MKB"}, change_reason="Därför att " + "x" * 495)

    refused = submit(sandbox, values)

    assert refused == {
        "response_action": "errors",
        "errors": {answer.CHANGE_REASON_BLOCK: "Texten i fältet Skäl är för lång (506 tecken); högst 500 tecken går."},
    }
    assert [r.version for r in recipient(sandbox).responses] == [1]  # nothing submitted, nothing changed
    assert [v.id for v in sandbox.fake.views_of("U0ANNA")] == [edit.id]  # the form stays open, as typed
    # Shortened, the same form goes in.
    assert submit(sandbox, filled(edit, answers={2: "MKB"}, change_reason="Därför att.")) is None
    assert recipient(sandbox).responses[-1].change_reason == "Därför att."


def test_after_withdrawing_the_form_shows_the_answer_drawn_back_and_sends_it_as_the_next_version(
    sandbox: Sandbox, clock: FakeClock
) -> None:
    answered_then_editing(sandbox, clock)
    sandbox.driver.view_closed("U0ANNA")  # the official closes the form and draws the answer back instead
    service = sandbox.core.service
    service.answering.withdraw(service.actor("U0ANNA"), CASE, "tekniska-namnden", "Fel beslutsdatum.")
    assert recipient(sandbox).current_response is None

    again = press_answer(sandbox, remiss_message(sandbox))
    assert again.payload["title"]["text"] == "Svara på remissen"
    states = [b["elements"][0]["text"] for b in again.payload["blocks"] if b["type"] == "context"]
    assert any("Ni drog tillbaka svaret (version 1). Formuläret visar det svaret" in s for s in states)
    assert answer.CHANGE_REASON_BLOCK not in {b.get("block_id") for b in again.payload["blocks"]}
    submit_accepted(sandbox, filled(again, meeting_date="2023-11-20"), shown="tisdag 3 oktober")

    versions = recipient(sandbox).responses
    assert [(v.version, v.content.answers[0].text, v.content.meeting_date) for v in versions] == [
        (1, FIRST[1], datetime(2023, 11, 19).date()),
        (2, FIRST[1], datetime(2023, 11, 20).date()),
    ]
