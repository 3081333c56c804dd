"""The parts of OCR that need no recognition: turning a page image, laying words out as lines, the limits."""

from __future__ import annotations

import pytest

from bot.adapters.importer.model import DocumentError, DocumentErrorCode
from bot.adapters.importer.ocr import OcrLimits, _Grey, _text, _Word
from bot.adapters.importer.readers import read_document_bytes
from devtools.pdf import pdf_with_pages

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
