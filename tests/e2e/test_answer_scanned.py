"""A scanned yttrande attached to an answer: the official is told at once that it is scanned and how long OCR
takes, and what was read takes that notice's place, in the answer form and in the remiss's thread."""

from __future__ import annotations

import json

import pytest

from bot.adapters.importer.ocr import missing_packages
from devtools.sandbox.harness import Sandbox
from devtools.sandbox.screen import bot_replies
from tests.e2e.test_answer import press_answer, send_remiss
from tests.e2e.test_answer_documents import NAME, OCR_WAIT, SCANNED, shown, submit_with
from tests.e2e.test_answer_in_thread import drop
from tests.e2e.test_chat import ANNA
from tests.system import missing

TOLD = "är skannat – remissbot läser 2 sidor med textigenkänning. Det tar en stund (ungefär 10 sekunder)."


@pytest.fixture(autouse=True)
def _ocr() -> None:
    absent = missing_packages()
    if absent:
        missing(f"OCR is not installed: missing {', '.join(absent)}")


def test_the_answer_form_says_a_scan_is_read_before_the_receipt_replaces_it(sandbox: Sandbox) -> None:
    form = press_answer(sandbox, send_remiss(sandbox))
    file = sandbox.fake.add_file(NAME, SCANNED)

    submit_with(sandbox, form, [file.to_slack()])

    shown(sandbox, form.id, "Svaret är inskickat", wait=OCR_WAIT)
    updates = [json.dumps(c.params.get("view"), ensure_ascii=False) for c in sandbox.fake.calls_to("views.update")]
    told = next(i for i, view in enumerate(updates) if f"«{NAME}» {TOLD}" in view)
    receipt = next(i for i, view in enumerate(updates) if "Svaret är inskickat" in view)
    assert told < receipt


def test_the_thread_says_a_scan_is_read_and_the_reply_takes_its_place(box: Sandbox) -> None:
    dm = send_remiss(box)

    reply = drop(box, ANNA, dm, "Skannat yttrande.pdf", SCANNED, wait=OCR_WAIT)

    [posted] = [c for c in box.fake.calls_to("chat.postMessage") if TOLD in str(c.params.get("text"))]
    assert str(posted.params["text"]).endswith(f"«Skannat yttrande.pdf» {TOLD}")
    assert posted.params["thread_ts"] == dm.ts
    # One message in the thread: the notice became the reply.
    assert [m.ts for m in bot_replies(box.fake, ANNA, dm.ts)] == [reply.ts]
    assert "Texten kunde inte läsas automatiskt" in reply.text
    assert TOLD not in reply.text
