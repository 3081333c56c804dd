"""Reading the yttrande an official attaches: each newly stored document is read (in the importer's limited
child process) and what it says is put into the answer where the official left it empty, for them to check.

Slow (about a second a document), so it runs after the ack, like the fetch it follows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.adapters.answer_reader import read_answer_document
from bot.core.domain.answer_reading import DocumentRead, filled_questions, with_reading
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

    @property
    def found_anything(self) -> bool:
        """Whether the official has something to check: text put into a question, or a decision detail."""
        return bool(self.filled) or any(r.split is not None and _offers_something(r) for r in self.read)


def read_documents(remiss: Remiss, content: ResponseContent, documents: Sequence[Document]) -> Reading:
    """Read each newly stored document of the answer; the first readable one fills the empty questions."""
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
        content = with_reading(content, one, remiss.questions)
        read.append(one)
    return Reading(content, tuple(read), filled_questions(before, content))


def _offers_something(read: DocumentRead) -> bool:
    offers = read.offers
    return any(o is not None for o in (offers.meeting_date, offers.paragraph, offers.deciding_body, offers.position))
