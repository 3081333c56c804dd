"""A preliminary answer and the board's final one after the deadline, end to end: STK-2023-137's deadline is
Thursday 30 November 2023, Tekniska nämnden meets Thursday 7 December."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.core.domain.extension import ExtensionRequest
from bot.core.domain.remiss import ResponseKind
from devtools.clocks import FakeClock
from devtools.sandbox import Message, View
from devtools.sandbox.harness import Sandbox
from handlers import answer, ids
from tests.e2e.conftest import COORDINATOR
from tests.e2e.test_answer import (
    CASE,
    OFFICIAL,
    ORG,
    act_in_form,
    action_ids,
    chosen_kind,
    filled,
    modal_text,
    mrkdwn_texts,
    press_answer,
    press_for_modal,
    recipient,
    remiss_message,
    send_remiss,
    submit,
    submit_accepted,
    thread_lines,
)
from tests.e2e.test_extensions_in_slack import ask, request_message


def status_message(box: Sandbox) -> str:
    """The coordinator's status message of the remiss, as it reads now (every block's text)."""
    posted = [m for m in box.fake.messages_in(COORDINATOR) if m.thread_ts is None or m.thread_ts == m.ts]
    return "\n".join(mrkdwn_texts(posted[-1].blocks))


def answer_preliminary(box: Sandbox, message: Message, planned: str = "2023-12-07") -> Message:
    """Svara, choose Preliminärt svar, name the planned board meeting and submit; the remiss message after it."""
    form = press_answer(box, message)
    entered = filled(form, answers={1: "Preliminärt: förvaltningen tillstyrker."}, kind=ResponseKind.PRELIMINARY)
    preliminary = act_in_form(box, form, answer.KIND, entered, selected_option=chosen_kind(entered))
    return submit_accepted(box, filled(preliminary, planned_board_date=planned), shown="preliminärt svar")


def final_form(box: Sandbox, message: Message) -> View:
    """Ändra svar, and the kind changed to yttrande: the form with the meeting date and §."""
    form = press_answer(box, message)
    entered = filled(form, answers={1: "Nämnden tillstyrker förslaget."}, kind=ResponseKind.YTTRANDE)
    return act_in_form(box, form, answer.KIND, entered, selected_option=chosen_kind(entered))


def test_a_final_answer_on_8_december_replaces_the_preliminary_one_and_the_coordinator_is_told(
    sandbox: Sandbox, clock: FakeClock
) -> None:
    message = send_remiss(sandbox)
    clock.set(datetime(2023, 11, 28, 9, 0, tzinfo=UTC))
    shown = answer_preliminary(sandbox, message)

    state = "\n".join(mrkdwn_texts(shown.blocks))
    assert "Nämnden behandlar ärendet torsdag 7 december, efter sista svarsdatum torsdag 30 november." in state
    assert "senast torsdag 21 december" in state
    assert ids.REQUEST_EXTENSION in action_ids(shown)
    sandbox.courier.drain()
    assert (
        "*Tekniska nämnden* har lämnat ett preliminärt svar."
        " Nämnden beslutar efter sista svarsdatum, torsdag 7 december." in thread_lines(sandbox)
    )
    board = status_message(sandbox)
    assert "1 av 1 har svarat, varav 1 preliminärt" in board
    assert "Har svarat (preliminärt svar; nämnden beslutar torsdag 7 december)" in board

    clock.set(datetime(2023, 12, 8, 9, 0, tzinfo=UTC))  # after the board's meeting, after the deadline
    sandbox.courier.drain()
    assert ids.ANSWER in action_ids(remiss_message(sandbox))
    form = final_form(sandbox, remiss_message(sandbox))
    submit_accepted(sandbox, filled(form, meeting_date="2023-12-07", paragraph="§ 123"), shown="Ni har svarat")

    first, second = recipient(sandbox).responses
    assert (first.kind, second.kind) == (ResponseKind.PRELIMINARY, ResponseKind.YTTRANDE)
    assert second.content.paragraph == "§ 123"
    sandbox.courier.drain()
    assert (
        "*Tekniska nämnden* har skickat in nämndens slutliga svar (yttrande, version 2) efter svarsdatum. "
        "Det ersätter det preliminära svaret." in thread_lines(sandbox)
    )
    assert "1 av 1 har svarat;" in status_message(sandbox)
    # Final now: no more changes after the deadline.
    assert ids.ANSWER not in action_ids(remiss_message(sandbox))
    assert "Ni kan ändra svaret" not in "\n".join(mrkdwn_texts(remiss_message(sandbox).blocks))
    assert sandbox.fake.warnings == []


def test_a_planned_board_date_in_the_past_is_refused_in_the_form(sandbox: Sandbox, clock: FakeClock) -> None:
    message = send_remiss(sandbox)
    clock.set(datetime(2023, 11, 28, 9, 0, tzinfo=UTC))
    form = press_answer(sandbox, message)
    entered = filled(form, answers={1: "Preliminärt."}, kind=ResponseKind.PRELIMINARY)
    preliminary = act_in_form(sandbox, form, answer.KIND, entered, selected_option=chosen_kind(entered))

    refused = submit(sandbox, filled(preliminary, planned_board_date="2023-11-27"))

    assert refused == {
        "response_action": "errors",
        "errors": {
            "planned_board_date": "Det planerade sammanträdet måndag 27 november har redan varit. Ange dagen då "
            "nämnden ska behandla svaret, eller skicka in nämndens beslutade yttrande."
        },
    }
    assert recipient(sandbox).responses == []


def test_a_final_answer_after_the_grace_period_is_refused_and_kept_as_the_draft(
    sandbox: Sandbox, clock: FakeClock
) -> None:
    message = send_remiss(sandbox)
    clock.set(datetime(2023, 11, 28, 9, 0, tzinfo=UTC))
    answer_preliminary(sandbox, message)
    clock.set(datetime(2023, 12, 21, 9, 0, tzinfo=UTC))  # the last day: 7 December + 10 working days
    form = final_form(sandbox, remiss_message(sandbox))
    clock.set(datetime(2023, 12, 22, 9, 0, tzinfo=UTC))

    refused = submit(sandbox, filled(form, meeting_date="2023-12-07", paragraph="§ 123"))

    too_late = (
        "Nämndens slutliga svar skulle ha kommit senast torsdag 21 december (sista svarsdatum var torsdag 30 november)."
    )
    contact = "Kontakta remissamordnaren om ni vill lämna svaret nu."
    kept_as_draft = f"{too_late} Det ni skrev är sparat som utkast. {contact}"
    assert refused == {"response_action": "errors", "errors": {"kind": kept_as_draft}}
    kept = recipient(sandbox)
    assert [r.kind for r in kept.responses] == [ResponseKind.PRELIMINARY]
    assert kept.draft is not None and kept.draft.content.answers[0].text == "Nämnden tillstyrker förslaget."
    assert kept.draft.content.paragraph == "§ 123"
    # The remiss message no longer offers Ändra svar; a click on an old one says why.
    sandbox.courier.drain()
    assert f"{too_late} {contact}" in modal_text(sandbox, press_for_modal(sandbox, message, OFFICIAL), too_late)


def test_begar_anstand_is_offered_and_asked_after_a_preliminary_answer(sandbox: Sandbox, clock: FakeClock) -> None:
    message = send_remiss(sandbox)
    clock.set(datetime(2023, 11, 28, 9, 0, tzinfo=UTC))
    shown = answer_preliminary(sandbox, message)
    assert ids.REQUEST_EXTENSION in action_ids(shown)

    ask(sandbox, shown, "15 december", "Nämnden behandlar ärendet 7 december.")

    assert "om anstånd med" in request_message(sandbox).text
    assert [r.requested_deadline for r in pending_requests(sandbox)] == [date(2023, 12, 15)]


def pending_requests(box: Sandbox) -> list[ExtensionRequest]:
    with box.core.store.read() as repo:
        return [r for r in repo.remisses.extension_requests(CASE, ORG) if r.is_pending]
