"""Reads a remiss out of a document's text: every field from the text itself, nothing invented."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace

from bot.adapters.importer.case_number import find_case_number
from bot.adapters.importer.deadline import find_deadline
from bot.adapters.importer.header import (
    find_contact,
    find_sender,
    find_subject_line,
    find_title_line,
    find_titles,
    title_from_line,
    title_paragraph,
)
from bot.adapters.importer.model import (
    Confidence,
    Field,
    ImportedRecipient,
    ImportedRemiss,
    ParseWarning,
    SourceInfo,
    WarningCode,
    WarningNote,
)
from bot.adapters.importer.questions import find_questions
from bot.adapters.importer.recipients import find_recipients
from bot.adapters.importer.text import clean
from bot.core.domain.matching import match_organisation, normalise_name
from bot.core.domain.organisation import Directory

Describe = Callable[[WarningCode, Mapping[str, object]], str]
"""Turns a warning code and its parameters into the Swedish message (a template, in production)."""


# The city itself on a national remiss list: the coordinator picks the boards that answer for it.
_OWN_MUNICIPALITY = re.compile(r"^Malmö\s+(?:kommun|stad)$", re.IGNORECASE)
# A board adopting or sending this answer ("godkänner yttrandet", "skickar yttrandet till Tekniska
# nämnden"): the document answers a remiss rather than sending one.
_ADOPTS_ANSWER = re.compile(
    r"\b(?:godkänner|antar|avger|överlämnar)\s+(?:\w+\s+){0,3}?(?:yttrande|remissvar)(?:t|et)?\b"
    r"|\bskickar\s+(?:yttrandet|remissvaret)\b",
    re.IGNORECASE,
)


def parse_remiss(
    text: str,
    directory: Directory,
    *,
    describe: Describe,
    source: SourceInfo | None = None,
    notes: Iterable[WarningNote] = (),
) -> ImportedRemiss:
    """Everything the text states about a remiss, with confidence per field and warnings.

    `notes` are warnings found before parsing (by the reader); all warnings are worded by `describe`.
    """
    doc = clean(text)
    warnings: list[WarningNote] = list(notes)
    confidence: dict[Field, Confidence] = {}

    title_at = find_title_line(doc)
    case = find_case_number(doc, title_paragraph(doc, title_at[0]) if title_at else ())
    warnings += case.warnings
    _note(confidence, Field.CASE_NUMBER, case.confidence)
    title_at = title_at or find_subject_line(doc, case.line)
    title_text = " ".join(doc.lines[i] for i in title_paragraph(doc, title_at[0])) if title_at else None
    titles = find_titles(doc, title_from_line(title_text, case.case_number) if title_text else None)
    title = titles.title
    _note(confidence, Field.TITLE, title_at[1] if title_at and title else (Confidence.HIGH if title else None))

    deadline = find_deadline(doc.text)
    warnings += deadline.warnings
    _note(confidence, Field.DEADLINE, deadline.confidence)

    listed = find_recipients(doc, directory)
    recipients = tuple(ImportedRecipient(name, match_organisation(name, directory)) for name in listed.names)
    _note(confidence, Field.RECIPIENTS, listed.confidence)
    if listed.other_lists:
        warnings.append((WarningCode.SEVERAL_RECIPIENT_LISTS, {"count": listed.other_lists + 1}))

    questions = find_questions(doc)
    _note(confidence, Field.QUESTIONS, questions.confidence)

    sender = find_sender(doc, directory, listed.own_staff_offices, case.case_number)
    _note(confidence, Field.SENDER, sender[0].confidence if sender else None)
    if sender is not None:
        recipients = _without_sender(recipients, sender[0].value)
    contact = find_contact(doc)
    _note(confidence, Field.CONTACT, contact.confidence if contact else None)

    result = ImportedRemiss(
        case_number=case.case_number,
        title=title,
        short_title=titles.short_title,
        sender=sender[0].value if sender else None,
        sender_organisation=sender[1] if sender else None,
        contact=contact.value if contact else None,
        deadline=deadline.deadline,
        recipients=recipients,
        questions=questions.questions,
        confidence=confidence,
        source=source,
        references=case.references,
    )
    warnings += _document_warnings(result, doc.text)
    return _worded(result, warnings, describe)


def _without_sender(recipients: tuple[ImportedRecipient, ...], sender: str) -> tuple[ImportedRecipient, ...]:
    """The recipients without the sender or its bodies ("Regionstyrelsen har remitterat …" sends, not receives)."""
    own = {normalise_name(part) for part in sender.split(", ")}
    return tuple(r for r in recipients if normalise_name(r.name) not in own)


def _note(confidence: dict[Field, Confidence], field: Field, level: Confidence | None) -> None:
    if level is not None:
        confidence[field] = level


def _document_warnings(result: ImportedRemiss, text: str) -> list[WarningNote]:
    found: list[WarningNote] = []
    unmatched = result.unmatched_recipients
    if unmatched:
        found.append((WarningCode.UNMATCHED_RECIPIENTS, {"count": len(unmatched), "total": len(result.recipients)}))
    municipality = next((r.name for r in result.recipients if _OWN_MUNICIPALITY.match(r.name)), None)
    if municipality:
        found.append((WarningCode.MUNICIPALITY_IS_RECIPIENT, {"name": municipality}))
    if _ADOPTS_ANSWER.search(text):
        found.append((WarningCode.LOOKS_LIKE_ANSWER, {}))
    if len(result.missing) == len(Field):
        found.append((WarningCode.NO_STRUCTURE, {}))
    return found


def _worded(result: ImportedRemiss, notes: list[WarningNote], describe: Describe) -> ImportedRemiss:
    warnings = tuple(ParseWarning(code, describe(code, params), params) for code, params in notes)
    return replace(result, warnings=warnings)
