"""Reading real .txt (UTF-8, BOM, Windows-1252, UTF-16), .docx and .pdf files made in the test."""

from __future__ import annotations

import codecs
from datetime import date
from pathlib import Path

import pytest

from bot.adapters.importer import WarningCode, import_file
from bot.adapters.importer.model import DocumentKind
from bot.adapters.importer.readers import read_document
from bot.core.domain.organisation import Directory
from devtools.pdf import pdf_with_pages

from .documents import A_SMALL_REMISS, word_remiss

SWEDISH = "Hälsa-, vård- och omsorgsnämnden; Förskolenämnden; Ärendet"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (SWEDISH.encode("utf-8"), "UTF-8"),
        (codecs.BOM_UTF8 + SWEDISH.encode("utf-8"), "UTF-8"),
        (SWEDISH.encode("cp1252"), "Windows-1252"),
        (codecs.BOM_UTF16_LE + SWEDISH.encode("utf-16-le"), "UTF-16"),
    ],
    ids=["utf-8", "utf-8 with BOM", "windows-1252", "utf-16"],
)
def test_text_files_are_decoded_in_the_encodings_offices_save(data: bytes, encoding: str, tmp_path: Path) -> None:
    path = tmp_path / "remiss.txt"
    path.write_bytes(data)

    document = read_document(path)

    assert document.text == SWEDISH
    assert document.source.encoding == encoding


def test_a_windows_1252_remiss_imports_like_its_utf8_original(tmp_path: Path, directory: Directory) -> None:
    path = tmp_path / "remiss.txt"
    path.write_bytes(A_SMALL_REMISS.replace("\n", "\r\n").encode("cp1252"))

    result = import_file(path, directory)

    assert result.case_number == "STK-2024-512"
    assert result.deadline == date(2024, 3, 15)
    assert [r.name for r in result.recipients] == ["Tekniska nämnden", "Stadsbyggnadsnämnden", "Parkering Malmö"]
    assert result.unmatched_recipients == ()


def test_a_word_remiss_gives_header_number_title_list_and_numbered_questions(
    tmp_path: Path, directory: Directory
) -> None:
    result = import_file(word_remiss(tmp_path / "remiss.docx"), directory)

    assert result.source is not None
    assert result.source.kind is DocumentKind.WORD
    assert result.case_number == "STK-2024-77"  # from the page header, not the attachment's number
    assert result.title == "Remiss: Riktlinjer för lokal samverkan"
    assert result.deadline == date(2024, 4, 12)
    assert [r.name for r in result.recipients] == [
        "Tekniska nämnden",
        "Hälsa- vård och omsorgsnämnden",
        "MKB",
        "Malmö Ideella",
    ]
    assert result.unmatched_recipients == ("Malmö Ideella",)
    # Word's automatic numbering is not in the text; the reader puts "1." and "2." back.
    assert result.questions == ("Delar ni förslagets syfte?", "Vilken nämnd bör samordna arbetet?")
    assert result.contact is not None
    assert result.contact.email == "eva.svensson@malmo.se"


def test_a_text_pdf_is_read_line_by_line(tmp_path: Path, directory: Directory) -> None:
    path = tmp_path / "remiss.pdf"
    path.write_bytes(pdf_with_pages([A_SMALL_REMISS.splitlines()]))

    result = import_file(path, directory)

    assert result.source is not None
    assert (result.source.kind, result.source.pages) == (DocumentKind.PDF, 1)
    assert result.case_number == "STK-2024-512"
    assert result.deadline == date(2024, 3, 15)
    assert len(result.recipients) == 3
    assert result.questions == ("Hur påverkas er verksamhet?", "Vilken nämnd bör följa upp normen?")


@pytest.mark.usefixtures("without_ocr")
def test_without_ocr_a_pdf_with_a_scanned_page_is_read_and_the_page_named(tmp_path: Path, directory: Directory) -> None:
    path = tmp_path / "delvis-skannad.pdf"
    path.write_bytes(pdf_with_pages([A_SMALL_REMISS.splitlines(), None]))

    result = import_file(path, directory)

    assert result.case_number == "STK-2024-512"
    warning = next(w for w in result.warnings if w.code is WarningCode.PAGES_WITHOUT_TEXT)
    assert warning.params["pages"] == [2]
    assert warning.message.startswith("Sidan 2 saknar text (troligen inskannade) och har inte lästs. Inskannade sidor")
    assert "apt-get install tesseract-ocr tesseract-ocr-swe poppler-utils" in warning.message


def test_a_pdf_wraps_a_long_question_and_it_is_joined_again(tmp_path: Path, directory: Directory) -> None:
    lines = [
        "Remiss STK-2024-9",
        "Frågor",
        "1. Vilka pågående processer inom er nämnds ansvarsområde skulle",
        "passa in i den beskrivna organiseringen?",
        "2. Vem bör samordna?",
        "Ansvariga",
    ]
    path = tmp_path / "remiss.pdf"
    path.write_bytes(pdf_with_pages([lines]))

    result = import_file(path, directory)

    assert result.questions == (
        "Vilka pågående processer inom er nämnds ansvarsområde skulle passa in i den beskrivna organiseringen?",
        "Vem bör samordna?",
    )
