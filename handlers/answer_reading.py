"""Reading the yttrande an official attaches: each newly stored document is read (in the importer's limited
child process) and what it says is put into the answer where the official left it empty, for them to check.

Slow (about a second a document), so it runs after the ack, like the fetch it follows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.adapters.answer_reader import read_answer_document
from bot.adapters.rendering import Texts, swedish_date
from bot.core.domain.answer_reading import DocumentRead, filled_questions, with_reading
from bot.core.domain.decision_offers import DecisionOffers, Offer
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

    @property
    def found_anything(self) -> bool:
        """Whether the official has something to check: text put into a question, or a decision detail."""
        return bool(self.filled) or any(r.split is not None and _offers_something(r) for r in self.read)


def read_documents(
    remiss: Remiss, content: ResponseContent, documents: Sequence[Document], *, fill: bool = True
) -> Reading:
    """Read each newly stored document of the answer; with `fill`, what they say fills what the official
    left empty (to be shown before anything is submitted); the attachments keep their text either way."""
    before = content
    read: list[DocumentRead] = []
    for document, data in documents:
        attachment = next((a for a in content.attachments if a.sha256 == document.sha256), None)
        if attachment is None:
            continue
        found = read_answer_document(data, document.name, remiss.questions, remiss_case_number=remiss.case_number)
        one = DocumentRead(
            attachment, found.split, found.offers, found.unreadable.value if found.unreadable is not None else ""
        )
        content = with_reading(content, one, remiss.questions, fill=fill)
        read.append(one)
    return Reading(content, tuple(read), filled_questions(before, content))


def _offers_something(read: DocumentRead) -> bool:
    offers = read.offers
    return any(o is not None for o in (offers.meeting_date, offers.paragraph, offers.deciding_body, offers.position))


# -- what the official is told ---------------------------------------------------------------------------
FORM_TEXTS = "slack/answer_form.j2"
SENTENCE_SHOWN = 120  # characters of the sentence an offer came from


def read_notice(texts: Texts, remiss: Remiss, reading: Reading, time: str) -> str:
    """The form's notice after reading: per document what it gave, each offer with its sentence."""
    numbers = [q.number for q in remiss.questions]
    read = [_shown(texts, r, numbers) for r in reading.read if r.split is not None]
    return texts.part(FORM_TEXTS, "read_from_document", read=read, time=time)


def _shown(texts: Texts, read: DocumentRead, numbers: Sequence[int]) -> dict[str, object]:
    split = read.split
    assert split is not None  # only readable documents are shown
    filled = [n for n in numbers if split.sections.get(n, "").strip()]
    offers = read.offers
    values: list[tuple[str, object | None, str]] = [
        ("position", _label(texts, "position_", offers.position), _sentence(offers.position)),
        (
            "meeting_date",
            swedish_date(offers.meeting_date.value) if offers.meeting_date else None,
            _sentence(offers.meeting_date),
        ),
        ("paragraph", offers.paragraph.value if offers.paragraph else None, _sentence(offers.paragraph)),
        ("decided_by", _body(texts, offers), _sentence(offers.deciding_body)),
        (
            "their_case_number",
            offers.their_case_number.value if offers.their_case_number else None,
            _sentence(offers.their_case_number),
        ),
    ]
    return {
        "name": read.attachment.name,
        "kind": split.kind.value,
        "filled": filled,
        "missing": [n for n in numbers if n not in filled],
        "offers": [(texts.part(FORM_TEXTS, "offer_label", name=n), v, s) for n, v, s in values if v],
    }


def _label(texts: Texts, prefix: str, offer: Offer[Position] | None) -> str | None:
    return texts.label(f"{prefix}{offer.value.value}") if offer is not None else None


def _body(texts: Texts, offers: DecisionOffers) -> str | None:
    if offers.decided_by is not None:
        return offers.decided_by.value
    if offers.deciding_body is not None:
        return texts.label(f"deciding_body_{offers.deciding_body.value.value}")
    return None


def _sentence(offer: Offer[Any] | None) -> str:
    if offer is None:
        return ""
    sentence = " ".join(offer.sentence.split())
    return sentence if len(sentence) <= SENTENCE_SHOWN else sentence[: SENTENCE_SHOWN - 1].rstrip() + "…"
