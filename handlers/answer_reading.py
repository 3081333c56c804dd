"""Reading the yttrande an official attaches: each newly stored document is read (in the importer's limited
child process) and what it says is put into the answer where the official left it empty, for them to check.

Slow (about a second a document), so it runs after the ack, like the fetch it follows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from bot.adapters.answer_reader import read_answer_document
from bot.adapters.rendering import Texts, day_as_said
from bot.core.domain.answer_reading import DocumentRead, filled_questions, with_reading
from bot.core.domain.decision_offers import DecisionOffers
from bot.core.domain.remiss import Remiss, ResponseContent
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

# The decision details a document states, grouped by the sentence they came from, as the form's notice and
# the thread's reply show them: [(sentence, [(what, value), ...]), ...], `what` naming the offer_label.
Details = list[tuple[str, list[tuple[str, str]]]]


def read_notice(texts: Texts, remiss: Remiss, reading: Reading, time: str) -> str:
    """The form's notice after reading: per document what it gave, each decision detail with its sentence."""
    numbers = [q.number for q in remiss.questions]
    read = [_shown(texts, r, numbers) for r in reading.read if r.split is not None]
    return texts.part(FORM_TEXTS, "read_from_document", read=read, time=time)


def decision_details(texts: Texts, offers: DecisionOffers) -> Details:
    """What the document states about its decision, in Swedish, for the official to check."""
    found: list[tuple[str, str, str]] = []
    if offers.position:
        found.append(("position", texts.label(f"position_{offers.position.value.value}"), offers.position.sentence))
    if offers.meeting_date:
        meeting = day_as_said(offers.meeting_date.value, texts.today())
        found.append(("meeting_date", meeting, offers.meeting_date.sentence))
    if offers.paragraph:
        found.append(("paragraph", offers.paragraph.value, offers.paragraph.sentence))
    if offers.deciding_body:
        body = texts.label(f"deciding_body_{offers.deciding_body.value.value}")
        name = offers.decided_by.value if offers.decided_by else ""
        shown = f"{body} ({name})" if name and name.casefold() != body.casefold() else body
        found.append(("deciding_body", shown, offers.deciding_body.sentence))
    elif offers.decided_by:
        found.append(("decided_by", offers.decided_by.value, offers.decided_by.sentence))
    if offers.their_case_number:
        found.append(("their_case_number", offers.their_case_number.value, offers.their_case_number.sentence))
    grouped: dict[str, list[tuple[str, str]]] = {}
    for what, value, sentence in found:
        grouped.setdefault(sentence, []).append((what, value))
    return list(grouped.items())


def _shown(texts: Texts, read: DocumentRead, numbers: Sequence[int]) -> dict[str, object]:
    split = read.split
    assert split is not None  # only readable documents are shown
    filled = [n for n in numbers if split.sections.get(n, "").strip()]
    return {
        "name": read.attachment.name,
        "kind": split.kind.value,
        "filled": filled,
        "missing": [n for n in numbers if n not in filled],
        "offers": decision_details(texts, read.offers),
        "ocr_pages": list(read.ocr_pages),
    }
