"""Reading the yttrande an official attaches: each newly stored document is read (in the importer's limited
child process) and what it says is put into the answer where the official left it empty, for them to check.

Slow (about a second a document), so it runs after the ack, like the fetch it follows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from bot.adapters.answer_reader import read_answer_document
from bot.adapters.rendering import Texts, day_as_said
from bot.core.domain.answer_parties import answering_organisation, check_parties
from bot.core.domain.answer_reading import DocumentRead, filled_questions, with_reading
from bot.core.domain.answer_text import Offer
from bot.core.domain.organisation import Directory, Organisation
from bot.core.domain.remiss import Position, Remiss, ResponseContent
from bot.core.usecases.answering import Document


@dataclass(frozen=True)
class Reading:
    """The answer with the documents' text put in, and what was read (for the notice to the official)."""

    content: ResponseContent
    read: tuple[DocumentRead, ...]
    filled: tuple[int, ...]

    @property
    def unreadable(self) -> tuple[DocumentRead, ...]:
        return tuple(r for r in self.read if r.unreadable)


def read_documents(
    remiss: Remiss,
    content: ResponseContent,
    documents: Sequence[Document],
    *,
    fill: bool = True,
    on_ocr: Callable[[str, int], None] | None = None,
) -> Reading:
    """Read each newly stored document of the answer; with `fill`, what they say fills what the official
    left empty (to be shown before anything is submitted); the attachments keep their text either way.
    `on_ocr` is told a document's name and its scanned pages before OCR reads them (it takes a while)."""
    before = content
    read: list[DocumentRead] = []
    for document, data in documents:
        attachment = next((a for a in content.attachments if a.sha256 == document.sha256), None)
        if attachment is None:
            continue
        found = read_answer_document(
            data,
            document.name,
            remiss.questions,
            remiss_case_number=remiss.case_number,
            on_ocr=partial(on_ocr, document.name) if on_ocr else None,
        )
        one = DocumentRead(
            attachment,
            found.split,
            found.offers,
            found.unreadable.value if found.unreadable is not None else "",
            found.ocr_pages,
        )
        content = with_reading(content, one, remiss.questions, fill=fill)
        read.append(one)
    return Reading(content, tuple(read), filled_questions(before, content))


# -- what the official is told ---------------------------------------------------------------------------
FORM_TEXTS = "slack/answer_form.j2"


@dataclass(frozen=True)
class Answering:
    """Whose answer to which remiss a document is read for: what it names is checked against these."""

    remiss: Remiss
    organisation: Organisation
    directory: Directory


def read_notice(texts: Texts, answering: Answering, reading: Reading, time: str) -> str:
    """The form's notice after reading: per document what it gave, each detail with its sentence and where."""
    numbers = [q.number for q in answering.remiss.questions]
    read = [_shown(texts, r, numbers, answering) for r in reading.read if r.split is not None]
    return texts.part(FORM_TEXTS, "read_from_document", read=read, time=time)


def decision_details(texts: Texts, read: DocumentRead, answering: Answering) -> dict[str, Any]:
    """What the document states about who answers and its decision, in Swedish, for the official to check:
    `details` grouped by sentence, and `warnings` when it names another organisation or cites another remiss."""
    offers = read.offers
    found: list[tuple[str, str, Offer[Any]]] = []
    named = answering_organisation(offers, answering.directory)
    if named is not None:
        found.append(("organisation", named.value.name, named))
    elif offers.organisation:
        found.append(("organisation", offers.organisation.value, offers.organisation))
    if offers.position:
        found.append(("position", _position(texts, offers.position), offers.position))
    for number, offer in sorted(offers.question_positions.items()):
        found.append(("question_position", f"fråga {number}: {_position(texts, offer)}", offer))
    if offers.meeting_date:
        found.append(("meeting_date", day_as_said(offers.meeting_date.value, texts.today()), offers.meeting_date))
    if offers.paragraph:
        found.append(("paragraph", offers.paragraph.value, offers.paragraph))
    if offers.deciding_body:
        body = texts.label(f"deciding_body_{offers.deciding_body.value.value}")
        name = offers.decided_by.value if offers.decided_by else ""
        shown = f"{body} ({name})" if name and name.casefold() != body.casefold() else body
        found.append(("deciding_body", shown, offers.deciding_body))
    elif offers.decided_by:
        found.append(("decided_by", offers.decided_by.value, offers.decided_by))
    if offers.their_case_number:
        found.append(("their_case_number", offers.their_case_number.value, offers.their_case_number))
    if offers.cited_case_number:
        found.append(("cited_case_number", offers.cited_case_number.value, offers.cited_case_number))
    if offers.document_date:
        found.append(("document_date", day_as_said(offers.document_date.value, texts.today()), offers.document_date))
    unit = "stycke" if read.attachment.name.lower().endswith(".docx") else "rad"
    grouped: dict[str, dict[str, Any]] = {}
    # In reading order: the official checks them against the document from the top.
    for what, value, offer in sorted(found, key=lambda f: _reading_order(f[2])):
        where = {"page": offer.where.page, "line": offer.where.line, "unit": unit} if offer.where else None
        entry = grouped.setdefault(offer.sentence, {"sentence": offer.sentence, "where": where, "shown": []})
        entry["shown"].append((what, value))
    check = check_parties(
        offers,
        answering.directory,
        answering_for=answering.organisation,
        remiss_case_number=answering.remiss.case_number,
    )
    return {
        "details": list(grouped.values()),
        "other_case_number": check.other_case_number,
        "other_organisation": check.other_organisation.name if check.other_organisation else "",
        "remiss_case_number": answering.remiss.case_number,
        "organisation": answering.organisation.name,
    }


def _reading_order(offer: Offer[Any]) -> tuple[int, int]:
    return (offer.where.page or 0, offer.where.line) if offer.where else (0, 0)


def _position(texts: Texts, offer: Offer[Position]) -> str:
    label = texts.label(f"position_{offer.value.value}")
    return f"{label} ({offer.qualifier})" if offer.qualifier else label


def _shown(texts: Texts, read: DocumentRead, numbers: Sequence[int], answering: Answering) -> dict[str, object]:
    split = read.split
    assert split is not None  # only readable documents are shown
    filled = [n for n in numbers if split.sections.get(n, "").strip()]
    return {
        "name": read.attachment.name,
        "kind": split.kind.value,
        "filled": filled,
        "missing": [n for n in numbers if n not in filled],
        "offers": decision_details(texts, read, answering),
        "ocr_pages": list(read.ocr_pages),
    }
