"""Reading a board's decided answer document end to end: real Word and PDF files through the limited child."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pypdf
import pytest

from bot.adapters.answer_reader import AnswerReading, UnreadableReason, read_answer_document
from bot.adapters.importer import import_text
from bot.core.domain.answer_document import SplitKind
from bot.core.domain.answer_text import Location
from bot.core.domain.organisation import Directory
from bot.core.domain.remiss import DecidingBody, Position, Question
from devtools.pdf import pdf_with_pages

from . import documents
from .broken_child import break_import_child

QUESTIONS = (
    Question(1, "Hur påverkas er verksamhet av den föreslagna parkeringsnormen?"),
    Question(2, "Vilka delar av förslaget behöver förtydligas innan normen antas?"),
    Question(3, "Ser ni behov av särskilda regler för cykelparkering i nya bostadsområden?"),
)


def word_yttrande() -> bytes:
    """A decided yttrande as a förvaltning saves it from Word: dnr in the page header, Word headings and lists."""
    return documents.word_yttrande(
        "Malmö stad, Servicenämnden    Dnr SN-2024-1187",
        "Yttrande över förslag till parkeringsnorm",
        [
            "Servicenämnden beslutade vid sammanträdet den 14 mars 2024, § 41, att yttra sig.",
            "Servicenämnden tillstyrker förslaget.",
        ],
        [
            ["Våra fordon i hemtjänsten behöver laddplatser nära kunderna."],
            [
                "Nämnden vill se tre förtydliganden:",
                ("Hur laddplatser räknas", "Vad som gäller för tjänstebilar", "När normen följs upp"),
            ],
            ["Ja, i synnerhet för lastcyklar."],
        ],
    )


def pdf_yttrande() -> bytes:
    """The same kind of answer as a PDF of two pages, each with the page header and a page number."""
    header = "Dnr FSN-2024-220"
    return pdf_with_pages(
        [
            [
                header,
                "Funktionsstödsnämnden",
                "Yttrande över förslag till parkeringsnorm",
                "Nämnden har inga invändningar mot förslaget.",
                "Beslutet fattades vid nämndens sammanträde 2024-03-19, § 33.",
                "1. Hur påverkas er verksamhet av den föreslagna parkeringsnormen?",
                "Färdtjänstens fordon behöver platser för på- och avstigning vid våra boen-",
                "Sida 1 av 2",
            ],
            [
                header,
                "den.",
                "3. Ser ni behov av särskilda regler för cykelparkering i nya bostadsområden?",
                "Nej.",
                "Sida 2 av 2",
            ],
        ]
    )


def test_a_word_yttrande_split_per_question_with_its_decision_offered() -> None:
    reading = read_answer_document(word_yttrande(), "Yttrande parkeringsnorm.docx", QUESTIONS)

    assert reading.readable and reading.split is not None
    assert reading.split.kind is SplitKind.BY_QUESTION
    assert reading.split.sections == {
        1: "Våra fordon i hemtjänsten behöver laddplatser nära kunderna.",
        2: "Nämnden vill se tre förtydliganden:\n"
        "1. Hur laddplatser räknas\n2. Vad som gäller för tjänstebilar\n3. När normen följs upp",
        3: "Ja, i synnerhet för lastcyklar.",
    }
    assert "Servicenämnden tillstyrker förslaget." in reading.split.intro
    offers = reading.offers
    assert offers.position is not None and offers.position.value is Position.TILLSTYRKER
    assert offers.meeting_date is not None and offers.meeting_date.value == date(2024, 3, 14)
    assert offers.paragraph is not None and offers.paragraph.value == "§ 41"
    assert offers.deciding_body is not None
    assert offers.deciding_body.value is DecidingBody.NAMND
    assert offers.decided_by is not None and offers.decided_by.value == "Servicenämnden"
    assert offers.their_case_number is not None and offers.their_case_number.value == "SN-2024-1187"
    # Where each was read: a Word file has no pages, its paragraphs are counted (the page header's first).
    assert offers.organisation is not None and offers.organisation.value == "Servicenämnden"
    assert offers.organisation.where == Location(1)
    assert offers.position.where == Location(4)


def test_a_pdf_yttrande_over_two_pages_with_its_page_headers_dropped() -> None:
    reading = read_answer_document(pdf_yttrande(), "yttrande.pdf", QUESTIONS, remiss_case_number="STK-2024-5")

    assert reading.readable and reading.split is not None
    assert reading.split.sections == {
        1: "Färdtjänstens fordon behöver platser för på- och avstigning vid våra boenden.",
        2: "",
        3: "Nej.",
    }
    assert reading.split.missing == (2,)
    offers = reading.offers
    assert offers.position is not None and offers.position.value is Position.INGA_SYNPUNKTER
    assert offers.meeting_date is not None and offers.meeting_date.value == date(2024, 3, 19)
    assert offers.paragraph is not None and offers.paragraph.value == "§ 33"
    assert offers.their_case_number is not None and offers.their_case_number.value == "FSN-2024-220"
    # Where each was read: the page, and the line on it as the reader counts it (the page header is line 1).
    assert offers.paragraph.where == Location(5, page=1)
    assert offers.organisation is not None and offers.organisation.where == Location(2, page=1)
    assert reading.offers.question_positions == {}  # "Nej." is an answer, not a position on the proposal


def test_an_encrypted_pdf_is_an_answer_whose_text_could_not_be_read() -> None:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf_yttrande())))
    writer.encrypt("hemligt", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)

    reading = read_answer_document(out.getvalue(), "yttrande.pdf", QUESTIONS)

    assert reading == AnswerReading("yttrande.pdf", unreadable=UnreadableReason.ENCRYPTED)
    assert not reading.readable


@pytest.mark.usefixtures("without_ocr")
def test_without_ocr_a_scan_says_so_and_a_scanned_page_among_text_pages_is_listed() -> None:
    scan = read_answer_document(pdf_with_pages([None, None]), "skannat.pdf", QUESTIONS)
    mixed = read_answer_document(pdf_with_pages([["Fråga 1", "Inga synpunkter."], None]), "blandat.pdf", QUESTIONS)

    assert scan.unreadable is UnreadableReason.NO_TEXT and scan.split is None
    assert mixed.readable and mixed.pages_without_text == (2,)
    assert mixed.split is not None and mixed.split.sections[1] == "Inga synpunkter."


@pytest.mark.parametrize(
    ("content", "name", "reason"),
    [
        (b"", "tomt.pdf", UnreadableReason.EMPTY),
        (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> trasig", "trasig.pdf", UnreadableReason.DAMAGED),
        (b"PK\x03\x04 inte en zip", "trasig.docx", UnreadableReason.DAMAGED),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "lösenord.docx", UnreadableReason.ENCRYPTED),
        ("Nämnden tillstyrker.".encode(), "yttrande.odt", UnreadableReason.UNSUPPORTED_TYPE),
        ("Nämnden tillstyrker.".encode(), "yttrande", UnreadableReason.UNSUPPORTED_TYPE),
    ],
)
def test_unreadable_documents_say_why(content: bytes, name: str, reason: UnreadableReason) -> None:
    reading = read_answer_document(content, name, QUESTIONS)

    assert reading.unreadable is reason and reading.split is None


def test_a_pdf_with_only_page_numbers_is_empty() -> None:
    reading = read_answer_document(pdf_with_pages([["Sida 1 av 1"]]), "tom.pdf", QUESTIONS)

    assert reading.unreadable is UnreadableReason.EMPTY


def test_a_file_over_the_limit_is_not_read() -> None:
    reading = read_answer_document(pdf_yttrande(), "yttrande.pdf", QUESTIONS, max_bytes=100)

    assert reading.unreadable is UnreadableReason.TOO_LARGE


def test_a_reader_that_fails_is_reported_not_raised(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    break_import_child(monkeypatch, tmp_path / "broken", "exits_1")

    reading = read_answer_document(pdf_yttrande(), "yttrande.pdf", QUESTIONS)

    assert reading.unreadable is UnreadableReason.FAILED


def test_seed_003_a_real_decided_answer_read_as_a_pdf(shared_dir: Path, directory: Directory) -> None:
    """ASN-2020-11022: the memo with the board's answer, against the four questions of STK-2023-137."""
    remiss = import_text(next((shared_dir / "seeds").glob("002_*.txt")).read_text(encoding="utf-8"), directory)
    questions = [Question(n, text) for n, text in enumerate(remiss.questions, start=1)]
    lines = next((shared_dir / "seeds").glob("003_*.txt")).read_text(encoding="utf-8").splitlines()
    pages = [["ASN-2020-11022", *lines[start : start + 40]] for start in range(0, len(lines), 40)]

    reading = read_answer_document(
        pdf_with_pages(pages), "ASN-2020-11022.pdf", questions, remiss_case_number="STK-2023-137"
    )

    assert len(questions) == 4 and reading.readable and reading.split is not None
    # Not written per question: the whole text answers, and its numbered lists are not taken for the questions.
    assert reading.split.kind is SplitKind.WHOLE
    assert reading.split.missing == (1, 2, 3, 4)
    assert "Förvaltningen anser att det bör finnas någon form av prioritering" in reading.split.whole
    offers = reading.offers
    assert offers.their_case_number is not None and offers.their_case_number.value == "ASN-2020-11022"
    assert offers.deciding_body is not None and offers.deciding_body.value is DecidingBody.NAMND
    assert offers.decided_by is not None and offers.decided_by.value == "Arbetsmarknads- och socialnämnden"
    # The memo was written 2020-10-26; the board decided at its meeting in the beslutsplanering.
    assert offers.meeting_date is not None and offers.meeting_date.value == date(2020, 11, 19)
    assert offers.meeting_date.sentence == "Arbetsmarknads- och socialnämnden 2020-11-19"
    assert offers.position is None  # the förvaltning's views, not a stated tillstyrker/avstyrker
    assert offers.paragraph is None
