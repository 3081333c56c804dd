"""What the bot read from a board's yttrande, put into the official's answer for them to check and submit.

The document's text goes where the official has written nothing: each question's section (marked as taken
from the document), and the decision details the document states. Nothing the official typed is replaced,
and nothing is submitted: the form shows the result, with the sentence each offer came from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.core.domain.answer_document import DocumentSplit, SplitKind
from bot.core.domain.answer_positions import stated_position
from bot.core.domain.decision_offers import DecisionOffers
from bot.core.domain.remiss import Answer, Attachment, Position, Question, QuestionKind, ResponseContent


@dataclass(frozen=True)
class DocumentRead:
    """One attached document as read: its text split per question (None when unreadable, with the reason);
    `ocr_pages` are the scanned pages read by text recognition, whose text is worth a closer look."""

    attachment: Attachment
    split: DocumentSplit | None
    offers: DecisionOffers
    unreadable: str = ""
    ocr_pages: tuple[int, ...] = ()


def with_reading(
    content: ResponseContent, read: DocumentRead, questions: Sequence[Question], *, fill: bool = True
) -> ResponseContent:
    """`content` with the document's text and offers filled in where the official left them empty (unless
    not to `fill`: an answer submitted as typed takes nothing unseen); the attachment always keeps the text
    read from it (or why it could not be read)."""
    split = read.split
    attachment = replace(read.attachment, text=split.whole if split else "", unreadable=read.unreadable)
    attachments = tuple(attachment if a.sha256 == attachment.sha256 else a for a in content.attachments)
    content = replace(content, attachments=attachments)
    if split is None or not fill:
        return content
    if split.kind is SplitKind.BY_QUESTION:
        content = replace(content, answers=_answers_from(content, split, questions, read.offers))
    return _decision_from(content, read.offers)


def with_documents(
    content: ResponseContent,
    attachments: Sequence[Attachment],
    reads: Sequence[DocumentRead],
    questions: Sequence[Question],
) -> ResponseContent:
    """`content` with further documents attached (a file it holds already, by its sha256, is not added twice)
    and what was read in them filled in where the official left it empty: nothing in `content` is lost."""
    held = {a.sha256 for a in content.attachments if a.sha256}
    added = tuple(a for a in attachments if a.sha256 not in held)
    content = replace(content, attachments=(*content.attachments, *added))
    for read in reads:
        content = with_reading(content, read, questions)
    return content


def answer_written_in_chat(question: Question, text: str, before: Answer | None) -> Answer:
    """An answer written in chat ("Fråga 3: Vi tillstyrker …") replacing `before`: a position it states is taken
    where the question asks for one (ställningstagande), else the position the draft had is kept."""
    position = before.position if before is not None else Position.NOT_STATED
    if question.kind is QuestionKind.POSITION:
        position = stated_position(text) or position
    return Answer(question.number, text, position)


def filled_questions(before: ResponseContent, after: ResponseContent) -> tuple[int, ...]:
    """The questions whose answer the reading filled in."""
    return tuple(a.question_number for a in after.answers if a.from_document and a not in before.answers)


def _answers_from(
    content: ResponseContent, split: DocumentSplit, questions: Sequence[Question], offers: DecisionOffers
) -> tuple[Answer, ...]:
    answers = []
    for question in questions:
        typed = content.answer_to(question.number)
        section = split.sections.get(question.number, "").strip()
        if (typed is not None and typed.text.strip()) or not section:
            if typed is not None:
                answers.append(typed)
            continue
        position = typed.position if typed is not None else Position.NOT_STATED
        # The position the question's own section states, else the document's ("Nämnden tillstyrker förslaget"),
        # offered only for a question that asks for a position (ställningstagande), never for fritext or an
        # organisation choice.
        stated = offers.question_positions.get(question.number) or offers.position
        if position is Position.NOT_STATED and stated and question.kind is QuestionKind.POSITION:
            position = stated.value
        answers.append(Answer(question.number, section, position, from_document=True))
    return tuple(answers)


def _decision_from(content: ResponseContent, offers: DecisionOffers) -> ResponseContent:
    """The decision details and the overall position the document states, where the official left them empty."""
    overall = content.overall_position
    if overall is Position.NOT_STATED and offers.position:
        overall = offers.position.value
    return replace(
        content,
        overall_position=overall,
        meeting_date=content.meeting_date or (offers.meeting_date.value if offers.meeting_date else None),
        paragraph=content.paragraph or (offers.paragraph.value if offers.paragraph else ""),
        deciding_body=content.deciding_body or (offers.deciding_body.value if offers.deciding_body else None),
        decided_by=content.decided_by or (offers.decided_by.value if offers.decided_by else ""),
        their_case_number=content.their_case_number
        or (offers.their_case_number.value if offers.their_case_number else ""),
    )


def keep_marks(content: ResponseContent, earlier: ResponseContent | None) -> ResponseContent:
    """`content` as the form sends it back, with the mark kept on each answer still as it was read from the
    document (`earlier`, the draft holding the reading); an answer the official changed is their own."""
    if earlier is None:
        return content
    taken = {a.question_number: _words(a.text) for a in earlier.answers if a.from_document}
    if not taken:  # nothing read from a document: the answers stay as they are (no 12,000 characters split)
        return content
    answers = tuple(
        replace(a, from_document=True) if taken.get(a.question_number) == _words(a.text) else a for a in content.answers
    )
    return replace(content, answers=answers)


def _words(text: str) -> str:
    return " ".join(text.split())
