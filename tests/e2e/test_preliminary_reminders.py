"""After a preliminary answer, the board's final one is asked for in Slack: a reminder the working day after
the planned meeting, then the coordinator's escalation; none once the final has come. STK-2023-137's
deadline is Thursday 30 November 2023; Tekniska nämnden answers preliminarily on 28 November and its board
meets Thursday 7 December."""

from __future__ import annotations

from datetime import date

from bot.core.domain.remiss import Answer, ResponseContent, ResponseKind
from devtools.sandbox.harness import Sandbox
from devtools.sandbox.screen import elements
from handlers import ids
from tests.e2e import test_reminders_in_slack as walks
from tests.e2e.conftest import COORDINATOR
from tests.e2e.test_reminders_in_slack import CASE, OFFICIALS, TN, Walker, send, stockholm

BOARD = date(2023, 12, 7)
# The walks' own fixtures: the clock at 2 October 10:00 and the sandbox with Tove, Mats and Mona as officials.
box, clock = walks.box, walks.clock


def answer(box: Sandbox, content: ResponseContent) -> None:
    service = box.core.service
    service.answering.submit(service.actor(OFFICIALS[TN].id), CASE, TN, content)


def preliminary() -> ResponseContent:
    return ResponseContent(ResponseKind.PRELIMINARY, (Answer(1, "Preliminärt svar."),), planned_board_date=BOARD)


def final() -> ResponseContent:
    return ResponseContent(ResponseKind.YTTRANDE, (Answer(1, "Nämndens svar."),), meeting_date=BOARD, paragraph="§ 123")


def walk_after_preliminary(box: Sandbox) -> Walker:
    send(box, date(2023, 11, 30))
    walker = Walker(box)
    walker.clock.set(stockholm(2023, 11, 28, 10, 0))
    answer(box, preliminary())
    box.courier.drain()
    walker.look()
    return walker


def test_no_final_means_a_reminder_on_8_december_and_the_coordinator_told_on_11_december(box: Sandbox) -> None:
    walker = walk_after_preliminary(box)
    walker.walk(stockholm(2023, 12, 12, 12, 0))

    tove = OFFICIALS[TN].id
    finals = [s for s in walker.reminders(tove) if s.kind == "final_answer"]
    assert [s.when for s in finals] == [(date(2023, 12, 8), stockholm(2023, 12, 8, 9, 0).time())]
    text = finals[0].message.text
    assert "*STK-2023-137 Områdeslyft*: skicka in nämndens slutliga svar senast torsdag 21 december." in text
    assert "Nämnden skulle behandla ärendet torsdag 7 december" in text
    buttons = [e.get("action_id") for e in elements(finals[0].message)]
    assert ids.ANSWER in buttons and ids.REQUEST_EXTENSION in buttons and ids.DECLINE not in buttons
    # Preliminary is answered: none of the late answer's reminders went to Tove after 28 November.
    assert [s.kind for s in walker.reminders(tove) if s.at.date() > date(2023, 11, 28)] == ["final_answer"]

    digest = next(s.message.text for s in walker.of(COORDINATOR, "digest:") if s.at.date() == date(2023, 12, 1))
    assert "*STK-2023-137 Områdeslyft*: 1 av 3 har svarat, varav 1 preliminärt;" in digest
    escalations = {s.at.date(): s.message.text for s in walker.of(COORDINATOR, "escalation:")}
    assert "Tekniska nämnden" not in escalations[date(2023, 12, 4)]
    told = escalations[date(2023, 12, 11)]
    assert "1 remissinstans har bara lämnat preliminärt svar, och nämndens sammanträde har varit" in told
    assert "*Tekniska nämnden*: preliminärt svar; nämnden skulle behandla ärendet torsdag 7 december" in told


def test_the_final_on_the_morning_after_the_board_stops_the_reminder_and_the_escalation(box: Sandbox) -> None:
    walker = walk_after_preliminary(box)
    walker.walk(stockholm(2023, 12, 8, 8, 0))
    answer(box, final())
    box.courier.drain()
    walker.look()
    walker.walk(stockholm(2023, 12, 12, 12, 0))

    assert [s for s in walker.reminders(OFFICIALS[TN].id) if s.kind == "final_answer"] == []
    escalations = {s.at.date(): s.message.text for s in walker.of(COORDINATOR, "escalation:")}
    assert all("Tekniska nämnden" not in text for text in escalations.values())
    assert "har skickat in nämndens slutliga svar (yttrande, version 2) efter svarsdatum" in "\n".join(
        m.text for m in box.fake.messages_in(COORDINATOR)
    )
