"""The importer tells its caller how many scanned pages OCR is about to read, before it reads them, through
the limited child (so Slack can say that it takes a while); never for typed text, a refused scan or no OCR."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.adapters.importer import DocumentError, DocumentErrorCode, import_file
from bot.adapters.importer.isolated import Limits, read_isolated
from bot.adapters.importer.ocr import expected_seconds
from bot.core.domain.organisation import Directory
from devtools.pdf import pdf_with_pages

from .conftest import ocr_or_skip


def test_the_scanned_pages_are_told_before_ocr_reads_them(tmp_path: Path, directory: Directory) -> None:
    ocr_or_skip()
    path = tmp_path / "tom.pdf"
    path.write_bytes(pdf_with_pages([None, None]))
    told: list[int] = []

    with pytest.raises(DocumentError) as refused:  # blank sheets: OCR ran and found no words
        import_file(path, directory, on_ocr=told.append)

    assert refused.value.code is DocumentErrorCode.SCAN_WITHOUT_WORDS
    assert told == [2]


def test_a_mixed_pdf_tells_only_its_scanned_pages(directory: Directory) -> None:
    ocr_or_skip()
    told: list[int] = []
    document = read_isolated(
        pdf_with_pages([["Remiss om parkering", "Svar senast 15 mars 2024."], None]),
        ".pdf",
        max_bytes=10**7,
        limits=Limits(),
        on_ocr=told.append,
    )
    assert told == [1]
    assert "parkering" in document.text


def test_a_typed_pdf_and_a_text_file_tell_nothing(tmp_path: Path, directory: Directory) -> None:
    told: list[int] = []
    pdf = tmp_path / "remiss.pdf"
    pdf.write_bytes(pdf_with_pages([["Remiss om parkering", "Svar senast den 15 mars 2024."]]))
    text = tmp_path / "remiss.txt"
    text.write_text("Remiss om parkering\n\nSvar senast den 15 mars 2024.\n", encoding="utf-8")

    for path in (pdf, text):
        import_file(path, directory, on_ocr=told.append)

    assert told == []


def test_a_scan_over_the_page_limit_is_refused_without_telling(tmp_path: Path, directory: Directory) -> None:
    path = tmp_path / "hela-utredningen.pdf"
    path.write_bytes(pdf_with_pages([None] * 30))
    told: list[int] = []

    with pytest.raises(DocumentError) as refused:
        import_file(path, directory, on_ocr=told.append)

    assert refused.value.code is DocumentErrorCode.TOO_MANY_SCANNED_PAGES
    assert told == []


@pytest.mark.usefixtures("without_ocr")
def test_without_ocr_nothing_is_told(tmp_path: Path, directory: Directory) -> None:
    path = tmp_path / "skannad.pdf"
    path.write_bytes(pdf_with_pages([None]))
    told: list[int] = []

    with pytest.raises(DocumentError) as refused:
        import_file(path, directory, on_ocr=told.append)

    assert refused.value.code is DocumentErrorCode.SCANNED_PDF
    assert told == []


def test_a_failing_listener_does_not_fail_the_import(tmp_path: Path, directory: Directory) -> None:
    ocr_or_skip()
    path = tmp_path / "tom.pdf"
    path.write_bytes(pdf_with_pages([None]))

    def broken(pages: int) -> None:
        raise RuntimeError("Slack is down")

    with pytest.raises(DocumentError) as refused:
        import_file(path, directory, on_ocr=broken)

    assert refused.value.code is DocumentErrorCode.SCAN_WITHOUT_WORDS  # the import's own answer, not the listener's


def test_the_expected_time_grows_with_the_pages() -> None:
    assert expected_seconds(1) < expected_seconds(4) < expected_seconds(20)
