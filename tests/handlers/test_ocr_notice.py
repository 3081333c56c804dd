"""An official is told which pages of their yttrande text recognition (OCR) read, in the thread and the form."""

from __future__ import annotations

from bot.adapters.rendering import Texts


def test_the_thread_reply_names_the_pages_ocr_read_before_what_the_document_gave() -> None:
    doc = {"name": "Skannat.pdf", "unreadable": "", "kind": "whole", "ocr_pages": [1, 2]}

    shown = Texts().part("slack/answer_file.j2", "document", doc=doc)

    assert shown.startswith(
        "*Skannat.pdf*\nSidorna 1 och 2 är inskannade och lästes med textigenkänning (OCR), som kan läsa fel: "
        "kontrollera texten extra noga.\n"
    )


def test_the_forms_notice_names_the_page_ocr_read() -> None:
    read = [{"name": "Skannat.pdf", "kind": "whole", "filled": [], "missing": [], "offers": [], "ocr_pages": [1]}]

    shown = Texts().part("slack/answer_form.j2", "read_from_document", read=read, time="10.02")

    assert "• Sidan 1 är inskannad och lästes med textigenkänning (OCR), som kan läsa fel" in shown
