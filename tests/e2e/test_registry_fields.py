"""What the registries need, on the answer: the answering organisation's own diarienummer, the deciding body,
the decision date and §, entered in the form and kept with the version."""

from __future__ import annotations

from datetime import date

from bot.core.domain.remiss import DecidingBody, ResponseKind
from devtools.sandbox.harness import Sandbox
from tests.e2e.conftest import COORDINATOR
from tests.e2e.test_answer import OFFICIAL, filled, press_answer, recipient, send_remiss, submit


def test_the_answer_keeps_their_diarienummer_the_deciding_body_and_a_paragraph_written_as_in_the_minutes(
    sandbox: Sandbox,
) -> None:
    form = press_answer(sandbox, send_remiss(sandbox))
    values = filled(
        form,
        answers={1: "Vi tillstyrker."},
        meeting_date="2023-11-23",
        paragraph="§123",
        their_case_number=" TN-2023-  512 ",
        deciding_body=DecidingBody.ARBETSUTSKOTT,
        decided_by="Tekniska nämndens arbetsutskott",
    )

    assert submit(sandbox, values) is None

    [version] = recipient(sandbox).responses
    content = version.content
    assert (content.kind, content.meeting_date, content.paragraph) == (
        ResponseKind.YTTRANDE,
        date(2023, 11, 23),
        "§ 123",
    )
    assert content.their_case_number == "TN-2023- 512"
    assert (content.deciding_body, content.decided_by) == (
        DecidingBody.ARBETSUTSKOTT,
        "Tekniska nämndens arbetsutskott",
    )
    # The coordinator's status message lists it with the answer.
    sandbox.courier.drain()
    status = [m for m in sandbox.fake.messages_in(COORDINATOR) if not m.thread_ts or m.thread_ts == m.ts]
    shown = "\n".join(m.text + str(m.blocks) for m in status)
    assert (
        "deras dnr TN-2023- 512; beslut arbetsutskottet Tekniska nämndens arbetsutskott torsdag 23 november § 123"
        in shown
    )


def test_a_paragraph_that_is_no_paragraph_is_refused_on_its_field_and_the_typed_answers_stay(
    sandbox: Sandbox,
) -> None:
    form = press_answer(sandbox, send_remiss(sandbox))
    values = filled(
        form, answers={1: "Ett långt svar som inte får försvinna."}, meeting_date="2023-11-23", paragraph="punkt 4"
    )

    refused = submit(sandbox, values)

    assert refused == {
        "response_action": "errors",
        "errors": {
            "paragraph": "«punkt 4» är ingen paragraf. Skriv paragrafens nummer i protokollet, t.ex. § 145 eller 145."
        },
    }
    # The form stays open as it was (Slack keeps what was typed under an errors reply); nothing is stored.
    assert [v.id for v in sandbox.fake.views_of(OFFICIAL)] == [form.id]
    assert recipient(sandbox).responses == []


def test_a_diarienummer_that_is_none_is_refused_on_its_field(sandbox: Sandbox) -> None:
    form = press_answer(sandbox, send_remiss(sandbox))
    values = filled(
        form, answers={1: "Svar."}, meeting_date="2023-11-23", paragraph="12", their_case_number="<!channel>"
    )

    refused = submit(sandbox, values)

    assert list(refused["errors"]) == ["their_case_number"]
    assert "ser inte ut som ett diarienummer" in refused["errors"]["their_case_number"]
    assert recipient(sandbox).responses == []
