"""The parts of OCR that need no recognition: turning a page image, laying words out as lines, the limits."""

from __future__ import annotations

import io
import shutil
import sys
import time
from pathlib import Path

import pypdf
import pytest

from bot.adapters.importer.model import DocumentError, DocumentErrorCode
from bot.adapters.importer.ocr import OcrLimits, OcrTooSlow, _Grey, _Runner, _text, _Word, read_pages
from bot.adapters.importer.readers import read_document_bytes
from devtools.pdf import pdf_with_pages
from devtools.scans import scanned, typed_pdf
from tests.system import missing

from .conftest import ocr_or_skip

# 3 wide, 2 high:  a b c
#                  d e f
IMAGE = _Grey(3, 2, b"abcdef")


@pytest.mark.parametrize(
    ("degrees", "width", "pixels"),
    [
        (180, 3, b"fedcba"),
        (90, 2, b"daebfc"),  # clockwise: the left column, read from the bottom up, is the new top row
        (270, 2, b"cfbead"),
    ],
)
def test_a_page_image_is_turned_clockwise_without_an_image_library(degrees: int, width: int, pixels: bytes) -> None:
    turned = IMAGE.rotated(degrees)

    assert (turned.width, turned.pixels) == (width, pixels)
    assert turned.rotated(360 - degrees if degrees != 180 else 180) == IMAGE


def test_an_image_round_trips_as_the_grey_pgm_tesseract_reads() -> None:
    assert _Grey.parse(IMAGE.pgm) == IMAGE


def test_recognised_words_become_lines_with_a_blank_line_between_paragraphs() -> None:
    words = [
        _Word(1, 1, 1, 96.0, "Beslutet"),
        _Word(1, 1, 1, 95.0, "skickas"),
        _Word(1, 1, 1, 95.0, "till"),
        _Word(1, 2, 1, 91.0, "Tekniska"),
        _Word(1, 2, 1, 92.0, "nämnden"),
        _Word(1, 2, 2, 90.0, "MKB"),
        _Word(2, 1, 1, 93.0, "Frågor"),
    ]

    assert _text(words) == "Beslutet skickas till\n\nTekniska nämnden\nMKB\n\nFrågor"


def test_a_paragraph_sign_read_as_a_dollar_sign_is_put_back() -> None:
    words = [_Word(1, 1, 1, 90.0, "sammanträde"), _Word(1, 1, 1, 90.0, "2024-03-14,"), _Word(1, 1, 1, 80.0, "$41.")]

    assert _text(words) == "sammanträde 2024-03-14, § 41."


def test_a_scan_that_takes_longer_than_its_time_is_refused_as_too_slow() -> None:
    ocr_or_skip()
    too_short = OcrLimits(seconds_per_process=0.01)

    with pytest.raises(DocumentError) as refused:
        read_document_bytes(pdf_with_pages([None]), ".pdf", ocr_limits=too_short)

    assert refused.value.code is DocumentErrorCode.OCR_TOO_SLOW


def _two_page_scan() -> bytes:
    writer = pypdf.PdfWriter()
    for text in ("Första sidan handlar om parkering.", "Andra sidan handlar om cykelbanor."):
        writer.append(pypdf.PdfReader(io.BytesIO(scanned(typed_pdf(text)))))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _path_without_prlimit(tmp_path: Path) -> str:
    """A PATH with the OCR programs but without util-linux's prlimit."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for program in ("tesseract", "pdftoppm"):
        found = shutil.which(program)
        assert found is not None
        (folder / program).symlink_to(found)
    return str(folder)


def test_pages_read_two_at_a_time_or_one_by_one_come_back_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ocr_or_skip()
    if shutil.which("prlimit") is None:
        missing("util-linux's prlimit is missing: pages are read one at a time")
    scan = _two_page_scan()

    together = read_pages(scan, [1, 2])
    assert _Runner(OcrLimits(), 0.0).thread_safe
    monkeypatch.setenv("PATH", _path_without_prlimit(tmp_path))
    one_by_one = read_pages(scan, [1, 2])
    assert not _Runner(OcrLimits(), 0.0).thread_safe

    for readings in (together, one_by_one):
        assert [r.number for r in readings] == [1, 2]
        assert "parkering" in readings[0].text and "cykelbanor" in readings[1].text
    assert [r.text for r in together] == [r.text for r in one_by_one]


@pytest.mark.parametrize("with_prlimit", [True, False])
def test_a_program_over_its_cpu_limit_is_stopped_with_or_without_prlimit(
    with_prlimit: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ocr_or_skip()
    if not with_prlimit:
        monkeypatch.setenv("PATH", _path_without_prlimit(tmp_path))
    run = _Runner(OcrLimits(cpu_seconds=1), time.monotonic() + 60)
    spin = shutil.which("python3") or sys.executable

    with pytest.raises(OcrTooSlow):  # killed by SIGXCPU after one second of CPU
        run([spin, "-c", "while True: pass"], b"")
