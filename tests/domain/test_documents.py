"""The rule for files attached to an answer: PDF or DOCX by name and by content, within the size limit; and
when a question counts as answered by the attached yttrande."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from bot.core.domain.documents import DOCX, MAX_DOCUMENT_BYTES, PDF, answered_in_document, document_of
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.remiss import Answer, Attachment, ResponseContent, ResponseKind
from tests.domain.samples import make_remiss

AT = datetime(2023, 11, 20, 9, 0, tzinfo=UTC)


def stored(name: str, content: bytes, max_bytes: int = MAX_DOCUMENT_BYTES) -> object:
    return document_of(name, content, case_number="STK-2023-137", organisation_key="mkb", at=AT, max_bytes=max_bytes)


def refusal(name: str, content: bytes, max_bytes: int = MAX_DOCUMENT_BYTES) -> DomainError:
    with pytest.raises(DomainError) as raised:
        stored(name, content, max_bytes)
    return raised.value


def test_a_pdf_and_a_docx_are_accepted_with_their_type_size_and_sha256() -> None:
    pdf, docx = b"%PDF-1.7\n...", b"PK\x03\x04 word/document.xml"
    document = document_of("Yttrande.PDF", pdf, case_number="STK-2023-137", organisation_key="mkb", at=AT)
    assert (document.mime_type, document.size, document.sha256) == (PDF, len(pdf), hashlib.sha256(pdf).hexdigest())
    assert document_of("Yttrande.docx", docx, case_number="X", organisation_key="mkb", at=AT).mime_type == DOCX


@pytest.mark.parametrize("name", ["Yttrande.doc", "Yttrande.odt", "Yttrande.rtf", "Yttrande", "yttrande.pdf.exe"])
def test_other_kinds_of_file_are_refused_by_name(name: str) -> None:
    error = refusal(name, b"%PDF-1.4")
    assert (error.code, error.field, error.params["name"]) == (ErrorCode.DOCUMENT_TYPE_REFUSED, "attachments", name)


def test_a_file_named_pdf_whose_bytes_are_no_pdf_is_refused() -> None:
    assert refusal("Yttrande.pdf", b"<html>sign in</html>").code is ErrorCode.DOCUMENT_TYPE_REFUSED
    assert refusal("Yttrande.docx", b"%PDF-1.4").code is ErrorCode.DOCUMENT_TYPE_REFUSED


def test_a_file_over_the_limit_is_refused_and_one_at_the_limit_is_not() -> None:
    content = b"%PDF-1.4" + b"0" * 92
    error = refusal("Yttrande.pdf", content, max_bytes=99)
    assert (error.code, error.params["limit"]) == (ErrorCode.DOCUMENT_TOO_LARGE, 99)
    assert stored("Yttrande.pdf", content, max_bytes=100)


def test_a_question_without_text_is_answered_in_the_document_only_when_a_file_is_attached() -> None:
    text = (Answer(1, "Vi tillstyrker."), Answer(2, "  "))
    with_file = ResponseContent(ResponseKind.YTTRANDE, text, attachments=(Attachment("F1", "Yttrande.pdf"),))
    without = ResponseContent(ResponseKind.YTTRANDE, text)
    assert [answered_in_document(with_file, n) for n in (1, 2, 3)] == [False, True, True]
    assert [answered_in_document(without, n) for n in (1, 2, 3)] == [False, False, False]


def test_a_draft_with_the_yttrande_attached_misses_no_question_so_reminders_do_not_ask_for_text() -> None:
    remiss = make_remiss()
    attached = ResponseContent(ResponseKind.YTTRANDE, attachments=(Attachment("F1", "Yttrande.pdf"),))
    assert attached.missing_questions(remiss) == []
    assert ResponseContent(ResponseKind.YTTRANDE).missing_questions(remiss) == [q.number for q in remiss.questions]
