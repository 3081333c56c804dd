"""The decided yttrande as the answer, end to end: the official attaches a PDF in the answer form with no typed
text, the bot fetches it from (the loopback) Slack with its token and stores the bytes itself, and the
summary counts it as an answer and lists the stored file. Refused files are said in Swedish, and nothing the
official typed is lost."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.importer.ocr import OcrLimits
from bot.adapters.summary import load_summary, render_markdown
from bot.adapters.summary.files import write_case_summary
from bot.core.domain.remiss import Answer, Position
from devtools.pdf import pdf_with_pages
from devtools.sandbox import View
from devtools.sandbox.harness import Sandbox
from handlers import ids
from handlers.answer_views import FILES_BLOCK, SAVE_DRAFT
from tests.e2e.servers import LocalServer
from tests.e2e.test_answer import (
    CASE,
    OFFICIAL,
    ORG,
    filled,
    input_block,
    press_answer,
    recipient,
    remiss_message_showing,
    send_remiss,
    submit,
    thread_lines,
)
from tests.faults import database_down

YTTRANDE = pdf_with_pages([["Tekniska nämnden", "Yttrande över remissen STK-2023-137", "Nämnden tillstyrker."]])
NAME = "Yttrande TN 2023-11-19.pdf"
# The signed yttrande as a scan: pages without a text layer.
SCANNED = pdf_with_pages([None, None])
# Its two blank pages go through OCR (pdftoppm, tesseract, an orientation check): about 3 s idle, over 5 s while the
# whole suite runs on two cores. The receipt is waited for as long as the bot gives one page.
OCR_WAIT = OcrLimits().seconds_per_page
# The decided yttrande as a board writes it, one heading per remiss question, with its decision.
STRUCTURED = pdf_with_pages(
    [
        [
            "Tekniska nämnden  Dnr TN-2023-512",
            "Yttrande över remissen om områdeslyft",
            "Tekniska nämnden beslutade den 16 november 2023, § 123, att anta yttrandet.",
            "Nämnden tillstyrker förslaget.",
            "Fråga 1",
            "Trygghetsvandringar och belysningsprogrammet i Rosengård passar in.",
            "Fråga 2",
            "Nämnden lyfter Amiralsgatan och Sofielund.",
        ]
    ]
)

# Documents are read after the ack, a scan's pages by OCR (seconds a page, more on a busy machine); a wait
# ends as soon as the reply is there, so a long limit costs nothing when the reply comes.
READ_WAIT = 60.0


def shown(box: Sandbox, view_id: str, wanted: str, wait: float = READ_WAIT) -> str:
    """Everything the modal shows, once it shows `wanted` (waited for up to `wait` seconds)."""

    def text() -> str | None:
        view = box.fake.view(view_id)
        found = json.dumps(view.payload, ensure_ascii=False) if view else ""
        return found if wanted in found else None

    return box.fake.wait_for(text, timeout=wait)


def submit_with(box: Sandbox, form: View, files: list[dict[str, Any]], **fields: Any) -> Any:
    """Submit the form with `files` picked in its file field; Slack's answer to the submission."""
    values = filled(form, meeting_date="2023-11-19", paragraph="§ 145", files=files, **fields)
    return submit(box, values)


def test_a_scanned_pdf_with_no_typed_text_is_fetched_stored_and_counted_as_the_answer(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    form = press_answer(sandbox, send_remiss(sandbox))
    assert input_block(form, FILES_BLOCK)["element"]["filetypes"] == ["docx", "pdf"]
    file = sandbox.fake.add_file(NAME, SCANNED)

    reply = submit_with(sandbox, form, [file.to_slack()])

    # The files are fetched after the ack; meanwhile the modal says so, then gives the receipt.
    assert reply["response_action"] == "update"
    assert "Hämtar de bifogade filerna" in json.dumps(reply["view"], ensure_ascii=False)
    # A scan has no text to read: the document is the answer as it is, and the official is told so.
    shown(
        sandbox,
        form.id,
        "Svaret är inskickat: Svar i bifogat yttrande. Texten i «Yttrande TN 2023-11-19.pdf»",
        wait=OCR_WAIT,
    )
    [version] = recipient(sandbox).responses
    assert version.content.answers == ()
    [stored] = version.content.attachments
    digest = hashlib.sha256(SCANNED).hexdigest()
    assert (stored.file_id, stored.name, stored.sha256, stored.size) == (file.id, NAME, digest, len(SCANNED))
    assert stored.mime_type == "application/pdf"
    # The bytes are the bot's own, in the database: the download carried the bot token.
    assert sandbox.core.service.answering.document_content(digest) == SCANNED
    with sandbox.core.service.store.read() as repo:
        assert [(d.name, d.organisation_key) for d in repo.documents.list_for(CASE)] == [(NAME, ORG)]
    remiss_message_showing(sandbox, "Ni har svarat")

    summary = render_markdown(load_summary(sandbox.core.service, CASE), sandbox.core.texts)
    assert "Besvarade inte frågan" not in summary and "Frågan besvarades inte" not in summary
    assert "Svar i bifogat yttrande: Tekniska nämnden (se bilagan)." in summary
    assert "| Tekniska nämnden | i bifogat yttrande | i bifogat yttrande |" in summary
    assert "texten i «Yttrande TN 2023-11-19.pdf» kunde inte läsas automatiskt" in summary
    # The coordinator is told in the status thread to read the answer in the file.
    sandbox.courier.drain()
    told = "Texten i «Yttrande TN 2023-11-19.pdf» kunde inte läsas automatiskt: läs svaret i det bifogade yttrandet."
    assert told in thread_lines(sandbox)
    assert f"SHA-256 {digest}" in summary and "Yttrande TN 2023-11-19.pdf (" in summary
    assert "STK-2023-137-bilagor/tekniska-namnden%20Yttrande%20TN%202023-11-19.pdf" in summary

    # `remissbot summary` writes the stored file beside the summary, where the web page links to it.
    paths = write_case_summary(sandbox.core.service, sandbox.core.texts, CASE, tmp_path)
    beside = tmp_path / "STK-2023-137-bilagor" / f"tekniska-namnden {NAME}"
    assert beside in paths and beside.read_bytes() == SCANNED
    html = next(p for p in paths if p.suffix == ".html").read_text(encoding="utf-8")
    assert 'href="STK-2023-137-bilagor/tekniska-namnden%20Yttrande%20TN%202023-11-19.pdf"' in html
    assert "Frågan besvarades inte" not in html
    assert sandbox.fake.warnings == []


def test_a_file_saved_with_the_draft_is_stored_and_stays_when_the_answer_is_submitted(sandbox: Sandbox) -> None:
    form = press_answer(sandbox, send_remiss(sandbox))
    file = sandbox.fake.add_file(NAME, YTTRANDE)
    values = filled(form, answers={1: "Se yttrandet."}, files=[file.to_slack()])
    sandbox.driver.block_action(OFFICIAL, SAVE_DRAFT, view_id=form.id, state_values=values)

    saved = shown(sandbox, form.id, "Utkastet sparades")
    draft = recipient(sandbox).draft
    assert draft is not None and [a.sha256 for a in draft.content.attachments] == [hashlib.sha256(YTTRANDE).hexdigest()]
    assert NAME in saved  # offered as a kept file in the redrawn form

    # Submitted later with the kept file ticked: nothing to fetch again, so the form closes at once.
    redrawn = sandbox.fake.view(form.id)
    assert redrawn is not None
    assert submit(sandbox, filled(redrawn, meeting_date="2023-11-19", paragraph="§ 145")) is None
    [version] = recipient(sandbox).responses
    assert [a.name for a in version.content.attachments] == [NAME]
    assert version.content.answer_to(1) is not None


def test_a_word_97_file_is_refused_saying_what_is_accepted_and_the_typed_answer_is_kept_as_draft(
    sandbox: Sandbox,
) -> None:
    form = press_answer(sandbox, send_remiss(sandbox))
    file = sandbox.fake.add_file("Yttrande.doc", b"\xd0\xcf\x11\xe0 old Word")

    reply = submit_with(sandbox, form, [file.to_slack()], answers={1: "Nämnden tillstyrker förslaget."})

    assert reply["response_action"] == "update"
    text = shown(sandbox, form.id, "Svaret skickades inte in")
    assert "svaret tar bara emot PDF och Word (.docx)" in text
    assert recipient(sandbox).responses == []
    draft = recipient(sandbox).draft
    assert draft is not None and draft.content.attachments == ()
    assert draft.content.answer_to(1) == Answer(1, "Nämnden tillstyrker förslaget.")
    # The form is back, with what was typed in it.
    back = sandbox.fake.view(form.id)
    assert back is not None and back.callback_id == ids.ANSWER_VIEW
    assert "Nämnden tillstyrker förslaget." in text


def test_a_pdf_over_the_limit_is_refused_and_not_stored(sandbox: Sandbox) -> None:
    service = sandbox.core.service
    service.shared.config = replace(service.config, max_document_bytes=len(YTTRANDE) - 1)
    form = press_answer(sandbox, send_remiss(sandbox))
    file = sandbox.fake.add_file(NAME, YTTRANDE)

    submit_with(sandbox, form, [file.to_slack()])

    text = shown(sandbox, form.id, "Svaret skickades inte in")
    assert f"Filen «{NAME}» är större än" in text
    assert recipient(sandbox).responses == []
    assert service.answering.document_content(hashlib.sha256(YTTRANDE).hexdigest()) is None


def test_a_file_named_pdf_that_is_not_one_is_refused(sandbox: Sandbox) -> None:
    form = press_answer(sandbox, send_remiss(sandbox))
    file = sandbox.fake.add_file(NAME, b"<html>not a pdf</html>")

    submit_with(sandbox, form, [file.to_slack()])

    assert "svaret tar bara emot PDF och Word (.docx)" in shown(sandbox, form.id, "Svaret skickades inte in")
    assert recipient(sandbox).responses == []


def test_a_file_whose_url_is_not_on_slacks_file_host_is_not_fetched(sandbox: Sandbox) -> None:
    form = press_answer(sandbox, send_remiss(sandbox))
    file = sandbox.fake.add_file(NAME, YTTRANDE)
    with LocalServer(body=YTTRANDE) as foreign:
        file.url_private = foreign.url + "files-pri/yttrande.pdf"
        submit_with(sandbox, form, [file.to_slack()], answers={2: "MKB bör samordna."})
        text = shown(sandbox, form.id, "Svaret skickades inte in")
        assert foreign.seen == []  # the bot token never went there
    assert f"Filen «{NAME}» ligger inte hos Slack och hämtades inte." in text
    draft = recipient(sandbox).draft
    assert draft is not None and draft.content.answer_to(2) is not None


def test_a_file_slack_no_longer_has_is_said_to_be_not_fetched(sandbox: Sandbox) -> None:
    form = press_answer(sandbox, send_remiss(sandbox))
    gone = {"id": "F0GONE", "name": NAME, "url_private": sandbox.fake.url + "files-pri/T0-F0GONE/x.pdf"}

    submit_with(sandbox, form, [gone])

    assert f"Filen «{NAME}» kunde inte hämtas från Slack." in shown(sandbox, form.id, "Svaret skickades inte in")
    assert recipient(sandbox).responses == []


@pytest.mark.database_outage
def test_when_the_database_fails_after_the_files_were_fetched_the_form_comes_back_whole(
    sandbox: Sandbox, database_url: str
) -> None:
    form = press_answer(sandbox, send_remiss(sandbox))
    file = sandbox.fake.add_file(NAME, YTTRANDE)

    with database_down(database_url, tables=("stored_document",)):
        submit_with(sandbox, form, [file.to_slack()], answers={1: "Nämnden tillstyrker."})
        text = shown(sandbox, form.id, "Svaret skickades inte in")

    assert "Allt du fyllt i finns kvar här" in text and "Nämnden tillstyrker." in text
    back = sandbox.fake.view(form.id)
    assert back is not None and back.callback_id == ids.ANSWER_VIEW
    assert recipient(sandbox).responses == []
    # Sent again once the database is back: the answer goes in with its file.
    assert submit_with(sandbox, back, [file.to_slack()])["response_action"] == "update"
    shown(sandbox, form.id, "Svaret är inskickat")
    [version] = recipient(sandbox).responses
    assert [a.sha256 for a in version.content.attachments] == [hashlib.sha256(YTTRANDE).hexdigest()]


def test_a_structured_yttrande_is_read_into_the_form_for_the_official_to_check_then_submitted(
    sandbox: Sandbox,
) -> None:
    form = press_answer(sandbox, send_remiss(sandbox))
    file = sandbox.fake.add_file("Yttrande TN.pdf", STRUCTURED)

    assert submit(sandbox, filled(form, files=[file.to_slack()]))["response_action"] == "update"

    # Nothing is submitted yet: the form comes back with what was read, and from which sentence.
    text = shown(sandbox, form.id, "Remissbot har läst")
    assert "Svaren på fråga 1 och 2 är hämtade ur dokumentet." in text  # the remiss has two questions
    assert "Paragraf: *§ 123*" in text and "Sammanträdesdatum: *torsdag 16 november*" in text
    assert "Ställningstagande: *Tillstyrker*" in text and "Beslutande organ: *Nämnden (Tekniska nämnden)*" in text
    assert recipient(sandbox).responses == []
    draft = recipient(sandbox).draft
    assert draft is not None
    # The board's "tillstyrker" is offered for each open question (both are, in this remiss).
    assert [(a.question_number, a.position, a.from_document) for a in draft.content.answers] == [
        (1, Position.TILLSTYRKER, True),
        (2, Position.TILLSTYRKER, True),
    ]
    assert draft.content.their_case_number == "TN-2023-512"
    [stored] = draft.content.attachments
    assert stored.sha256 == hashlib.sha256(STRUCTURED).hexdigest() and "Amiralsgatan" in stored.text

    # The official checks it and submits the form as shown: the answer keeps the marks and the stored file.
    again = sandbox.fake.view(form.id)
    assert again is not None
    assert submit(sandbox, filled(again, meeting_date="2023-11-16", paragraph="§ 123")) is None
    [version] = recipient(sandbox).responses
    content = version.content
    assert [(a.question_number, a.text, a.from_document) for a in content.answers] == [
        (1, "Trygghetsvandringar och belysningsprogrammet i Rosengård passar in.", True),
        (2, "Nämnden lyfter Amiralsgatan och Sofielund.", True),
    ]
    assert [a.sha256 for a in content.attachments] == [stored.sha256]
    summary = render_markdown(load_summary(sandbox.core.service, CASE), sandbox.core.texts)
    assert "Texten är hämtad ur det bifogade yttrandet." in summary
    assert sandbox.fake.warnings == []


def test_a_stored_answer_whose_receipt_slack_refuses_is_never_said_to_be_not_submitted(sandbox: Sandbox) -> None:
    """The answer is stored before the modal is redrawn: a refusal of that redraw is logged, and the form never
    comes back saying "not submitted" (the official would send the same answer again)."""
    form = press_answer(sandbox, send_remiss(sandbox))
    file = sandbox.fake.add_file(NAME, YTTRANDE)
    edits = len(sandbox.fake.calls_to("chat.update"))
    sandbox.fake.inject("views.update", error="invalid_arguments")  # the receipt, the first redraw after the ack

    assert submit_with(sandbox, form, [file.to_slack()], answers={1: "Se yttrandet."})["response_action"] == "update"

    # The work goes on to the remiss message, which now says the answer is in.
    sandbox.fake.wait_for(lambda: len(sandbox.fake.calls_to("chat.update")) > edits, timeout=READ_WAIT)
    [version] = recipient(sandbox).responses
    assert [a.name for a in version.content.attachments] == [NAME]
    view = sandbox.fake.view(form.id)
    assert view is not None and "skickades inte in" not in json.dumps(view.payload, ensure_ascii=False)
