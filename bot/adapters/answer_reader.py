"""Reads a board's decided answer document (yttrande, PDF or Word): its text per question and what it decides.

The file is untrusted: its text is read with the importer's readers in their limited child process. Reading
never raises; a document that cannot be read (encrypted, a scan without text, empty, damaged) is still a
valid answer, and the reading says why its text is missing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import PurePath

from bot.adapters.importer.isolated import Limits, read_isolated
from bot.adapters.importer.model import DocumentError, DocumentErrorCode
from bot.core.domain.answer_document import DocumentSplit, SplitKind, split_by_question
from bot.core.domain.decision_offers import DecisionOffers, decision_offers
from bot.core.domain.documents import ACCEPTED_TYPES, MAX_DOCUMENT_BYTES
from bot.core.domain.remiss import Question

log = logging.getLogger(__name__)

# An encrypted Word file is not a zip but an OLE compound file holding the encrypted package.
_COMPOUND_FILE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class UnreadableReason(StrEnum):
    """Why a document's text could not be read automatically (the document still answers)."""

    EMPTY = "empty"  # no content, or no text in it
    UNSUPPORTED_TYPE = "unsupported_type"  # not a PDF or a Word document (.docx)
    ENCRYPTED = "encrypted"  # password-protected
    NO_TEXT = "no_text"  # a scan or an image: pages without a text layer, and no OCR here
    NO_WORDS = "no_words"  # a scan where OCR found no words: blank pages
    IMAGES_ONLY = "images_only"  # a Word file with only pictures (a photo of a page): pictures are not read
    DAMAGED = "damaged"  # not the file its name says, or broken
    TOO_LARGE = "too_large"  # over the size the reader takes
    TOO_DEMANDING = "too_demanding"  # more text, pages or parts than the reader takes, or out of its time
    FAILED = "failed"  # the reader itself failed (ours, not the file's): logged


_REASONS = {
    DocumentErrorCode.EMPTY: UnreadableReason.EMPTY,
    DocumentErrorCode.UNSUPPORTED_TYPE: UnreadableReason.UNSUPPORTED_TYPE,
    DocumentErrorCode.BINARY: UnreadableReason.UNSUPPORTED_TYPE,
    DocumentErrorCode.UNKNOWN_ENCODING: UnreadableReason.UNSUPPORTED_TYPE,
    DocumentErrorCode.ENCRYPTED_PDF: UnreadableReason.ENCRYPTED,
    DocumentErrorCode.SCANNED_PDF: UnreadableReason.NO_TEXT,
    DocumentErrorCode.SCAN_WITHOUT_WORDS: UnreadableReason.NO_WORDS,
    DocumentErrorCode.WORD_ONLY_IMAGES: UnreadableReason.IMAGES_ONLY,
    DocumentErrorCode.TOO_MANY_SCANNED_PAGES: UnreadableReason.TOO_DEMANDING,
    DocumentErrorCode.OCR_TOO_SLOW: UnreadableReason.TOO_DEMANDING,
    DocumentErrorCode.IMAGE: UnreadableReason.NO_TEXT,
    DocumentErrorCode.TOO_LARGE: UnreadableReason.TOO_LARGE,
    DocumentErrorCode.ZIP_BOMB: UnreadableReason.TOO_DEMANDING,
    DocumentErrorCode.TOO_MUCH_TEXT: UnreadableReason.TOO_DEMANDING,
    DocumentErrorCode.TOO_MANY_PARAGRAPHS: UnreadableReason.TOO_DEMANDING,
    DocumentErrorCode.TOO_MANY_RUNS: UnreadableReason.TOO_DEMANDING,
    DocumentErrorCode.TOO_MANY_PAGES: UnreadableReason.TOO_DEMANDING,
    DocumentErrorCode.TOO_DEMANDING: UnreadableReason.TOO_DEMANDING,
}  # every other code (not a zip, not a PDF, unreadable Word or PDF, not found) is a damaged file


@dataclass(frozen=True)
class AnswerReading:
    """What an answer document says; `unreadable` is None when its text was read.

    `split` is None only when the text could not be read. `pages_without_text` are 1-based PDF pages that
    had no text layer and were not read (a scanned page inside an otherwise readable PDF, no OCR here);
    `ocr_pages` were read by text recognition (OCR), so their text is worth a closer look.
    """

    name: str
    split: DocumentSplit | None = None
    offers: DecisionOffers = field(default_factory=DecisionOffers)
    unreadable: UnreadableReason | None = None
    pages_without_text: tuple[int, ...] = ()
    ocr_pages: tuple[int, ...] = ()

    @property
    def readable(self) -> bool:
        return self.unreadable is None


def read_answer_document(
    content: bytes,
    name: str,
    questions: Sequence[Question],
    *,
    remiss_case_number: str | None = None,
    max_bytes: int = MAX_DOCUMENT_BYTES,
    limits: Limits | None = None,
    on_ocr: Callable[[int], None] | None = None,
) -> AnswerReading:
    """The text of an answer document split per question, and the decision it states; never raises.
    `on_ocr` is told the number of scanned pages before OCR reads them."""
    suffix = PurePath(name).suffix.lower()
    if suffix.removeprefix(".") not in ACCEPTED_TYPES:  # the answer's own rule: PDF or Word (.docx)
        return AnswerReading(name, unreadable=UnreadableReason.UNSUPPORTED_TYPE)
    if suffix == ".docx" and content.startswith(_COMPOUND_FILE):
        return AnswerReading(name, unreadable=UnreadableReason.ENCRYPTED)
    try:
        document = read_isolated(content, suffix, max_bytes=max_bytes, limits=limits or Limits(), on_ocr=on_ocr)
        split = split_by_question(document.text, questions)
        if not split.whole:
            return AnswerReading(name, unreadable=UnreadableReason.EMPTY)
        offers = decision_offers(
            document.text,
            remiss_case_number=remiss_case_number,
            page_starts=document.page_starts,
            sections=split.sections if split.kind is SplitKind.BY_QUESTION else None,
        )
    except DocumentError as refused:
        return AnswerReading(name, unreadable=_REASONS.get(refused.code, UnreadableReason.DAMAGED))
    except Exception:  # ImportFailed (the child failed) or a bug: ours, not the file's; the answer still stands
        log.exception("reading the answer document %r failed", name)
        return AnswerReading(name, unreadable=UnreadableReason.FAILED)
    return AnswerReading(
        name, split, offers, pages_without_text=document.pages_without_text, ocr_pages=document.ocr_pages
    )
