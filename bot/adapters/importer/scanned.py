"""What reading a document left for the coordinator to know: pages read by OCR, pages not read, pictures.

A field found only in text that OCR read gets a lower confidence (recognised text can be misread: an "@"
taken for "Q", a 3 for an 8), so the coordinator checks it; a field the typed pages give as well keeps its own.
"""

from __future__ import annotations

from dataclasses import replace

from bot.adapters.importer.model import Confidence, Field, ImportedRemiss, WarningCode, WarningNote
from bot.adapters.importer.ocr import MAX_OCR_PAGES
from bot.adapters.importer.readers import DocumentText

_LOWER = {Confidence.HIGH: Confidence.MEDIUM, Confidence.MEDIUM: Confidence.LOW, Confidence.LOW: Confidence.LOW}


def reading_notes(document: DocumentText) -> list[WarningNote]:
    """Warnings about how the document was read, before its text is parsed."""
    notes: list[WarningNote] = []
    if document.ocr_pages:
        notes.append(
            (
                WarningCode.PAGES_READ_BY_OCR,
                {"pages": list(document.ocr_pages), "rotated": list(document.rotated_pages)},
            )
        )
    if document.blank_pages:
        notes.append((WarningCode.BLANK_SCANNED_PAGES, {"pages": list(document.blank_pages)}))
    if document.pages_without_text:
        # Not read: OCR is missing here, or there were more scanned pages than it reads.
        notes.append(
            (
                WarningCode.PAGES_WITHOUT_TEXT,
                {
                    "pages": list(document.pages_without_text),
                    "packages": list(document.ocr_missing),
                    "limit": 0 if document.ocr_missing else MAX_OCR_PAGES,
                },
            )
        )
    if document.images_not_read:
        notes.append((WarningCode.WORD_IMAGES_NOT_READ, {"count": document.images_not_read}))
    return notes


def with_ocr_confidence(result: ImportedRemiss, typed: ImportedRemiss | None) -> ImportedRemiss:
    """`result` (parsed from all pages) with a lower confidence for each field the typed pages (`typed`,
    parsed alone; None for a scan with no typed page) do not give the same way."""
    confidence = dict(result.confidence)
    for field, level in result.confidence.items():
        if typed is None or _value(typed, field) != _value(result, field):
            confidence[field] = _LOWER[level]
    return replace(result, confidence=confidence)


def _value(result: ImportedRemiss, field: Field) -> object:
    if field is Field.RECIPIENTS:
        return tuple(r.name for r in result.recipients)
    return {
        Field.CASE_NUMBER: result.case_number,
        Field.TITLE: result.title,
        Field.SENDER: result.sender,
        Field.CONTACT: result.contact,
        Field.DEADLINE: result.deadline,
        Field.QUESTIONS: result.questions,
    }[field]
