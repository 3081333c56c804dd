"""A board's yttrande as read, put into the answer: only where the official wrote nothing, always marked."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from bot.core.domain.answer_document import DocumentSplit, SplitKind
from bot.core.domain.answer_reading import (
    DocumentRead,
    filled_questions,
    with_documents,
    with_reading,
)
from bot.core.domain.decision_offers import DecisionOffers, Offer
from bot.core.domain.remiss import (
    Answer,
    Attachment,
    DecidingBody,
    Position,
    Question,
    QuestionKind,
    ResponseContent,
    ResponseKind,
)

QUESTIONS = (
    Question(1, "Hur ser nämnden på modellen?", QuestionKind.POSITION),
    Question(2, "Vilka processer passar in?"),
    Question(3, "Vilken nämnd bör samordna?", QuestionKind.ORGANISATION_CHOICE),
)
FILE = Attachment("F1", "Yttrande.pdf", sha256="a" * 64, size=100, mime_type="application/pdf")
OFFERS = DecisionOffers(
    position=Offer(Position.TILLSTYRKER, "Nämnden tillstyrker förslaget."),
    meeting_date=Offer(date(2023, 11, 23), "Beslutat vid sammanträde 2023-11-23."),
    paragraph=Offer("§ 123", "§ 123"),
    deciding_body=Offer(DecidingBody.NAMND, "Tekniska nämnden beslutar"),
    decided_by=Offer("Tekniska nämnden", "Tekniska nämnden beslutar"),
    their_case_number=Offer("TN-2023-512", "Dnr TN-2023-512"),
)
SPLIT = DocumentSplit(
    SplitKind.BY_QUESTION,
    "hela texten",
    {1: "Modellen är bra.", 2: "Trygghetsvandringarna.", 3: "Stadsbyggnadsnämnden."},
)


def test_the_sections_fill_the_empty_answers_marked_and_the_typed_one_stays() -> None:
    typed = ResponseContent(ResponseKind.YTTRANDE, (Answer(1, "Vårt eget svar."),), attachments=(FILE,))

    read = with_reading(typed, DocumentRead(FILE, SPLIT, OFFERS), QUESTIONS)

    assert read.answers == (
        Answer(1, "Vårt eget svar."),
        Answer(2, "Trygghetsvandringarna.", Position.NOT_STATED, from_document=True),  # fritext: no position
        Answer(3, "Stadsbyggnadsnämnden.", Position.NOT_STATED, from_document=True),  # no position on a choice
    )
    assert filled_questions(typed, read) == (2, 3)
    assert read.attachments[0].text == "hela texten"


def test_the_decision_the_document_states_fills_what_the_form_left_empty() -> None:
    empty = ResponseContent(ResponseKind.YTTRANDE, attachments=(FILE,), paragraph="§ 9")

    read = with_reading(empty, DocumentRead(FILE, SPLIT, OFFERS), QUESTIONS)

    assert read.answers[0] == Answer(1, "Modellen är bra.", Position.TILLSTYRKER, from_document=True)
    assert (read.meeting_date, read.paragraph, read.deciding_body) == (date(2023, 11, 23), "§ 9", DecidingBody.NAMND)
    assert (read.decided_by, read.their_case_number) == ("Tekniska nämnden", "TN-2023-512")
    # The position the document states is offered for the ställningstagande question only, and as the
    # answer's overall position.
    assert [a.position for a in read.answers] == [Position.TILLSTYRKER, Position.NOT_STATED, Position.NOT_STATED]
    assert read.overall_position is Position.TILLSTYRKER


def test_an_overall_position_the_official_chose_is_kept_and_a_document_without_one_offers_none() -> None:
    chosen = ResponseContent(ResponseKind.YTTRANDE, attachments=(FILE,), overall_position=Position.AVSTYRKER)
    whole = DocumentSplit(SplitKind.WHOLE, "Nämnden tillstyrker förslaget.", {1: "", 2: "", 3: ""})

    assert with_reading(chosen, DocumentRead(FILE, whole, OFFERS), QUESTIONS).overall_position is Position.AVSTYRKER
    empty = replace(chosen, overall_position=Position.NOT_STATED)
    # A document not split per question still states the overall position.
    assert with_reading(empty, DocumentRead(FILE, whole, OFFERS), QUESTIONS).overall_position is Position.TILLSTYRKER
    silent = DocumentRead(FILE, whole, DecisionOffers())
    assert with_reading(empty, silent, QUESTIONS).overall_position is Position.NOT_STATED


def test_a_whole_document_fills_no_answer_and_an_unreadable_one_says_why() -> None:
    empty = ResponseContent(ResponseKind.YTTRANDE, attachments=(FILE,))
    whole = DocumentSplit(SplitKind.WHOLE, "Nämnden ser positivt på förslaget.", {1: "", 2: "", 3: ""})

    assert with_reading(empty, DocumentRead(FILE, whole, DecisionOffers()), QUESTIONS).answers == ()
    unreadable = with_reading(empty, DocumentRead(FILE, None, DecisionOffers(), "no_text"), QUESTIONS)
    assert (unreadable.attachments[0].text, unreadable.attachments[0].unreadable) == ("", "no_text")
    assert unreadable.meeting_date is None


def test_documents_added_to_a_draft_keep_its_answers_and_files_and_a_file_held_already_is_not_added_twice() -> None:
    other = Attachment("F0", "Protokollsutdrag.pdf", sha256="b" * 64, size=10, mime_type="application/pdf")
    draft = ResponseContent(ResponseKind.YTTRANDE, (Answer(1, "Vårt eget svar."),), attachments=(other, FILE))

    added = with_documents(draft, [FILE], [DocumentRead(FILE, SPLIT, OFFERS)], QUESTIONS)

    assert [a.name for a in added.attachments] == ["Protokollsutdrag.pdf", "Yttrande.pdf"]
    assert added.attachments[1].text == "hela texten"
    assert [a.question_number for a in added.answers] == [1, 2, 3] and added.answers[0].text == "Vårt eget svar."


def test_an_answer_submitted_as_typed_takes_only_the_documents_text_onto_its_attachment() -> None:
    typed = ResponseContent(ResponseKind.YTTRANDE, (Answer(1, "Vårt eget svar."),), attachments=(FILE,))

    read = with_reading(typed, DocumentRead(FILE, SPLIT, OFFERS), QUESTIONS, fill=False)

    assert read.answers == typed.answers
    assert (read.meeting_date, read.paragraph, read.decided_by, read.their_case_number) == (None, "", "", "")
    assert read.attachments[0].text == "hela texten"


def test_a_position_stated_in_a_questions_own_section_goes_before_the_documents() -> None:
    per_question = replace(OFFERS, question_positions={1: Offer(Position.AVSTYRKER, "Nämnden avstyrker modellen.")})
    empty = ResponseContent(ResponseKind.YTTRANDE, attachments=(FILE,))

    read = with_reading(empty, DocumentRead(FILE, SPLIT, per_question), QUESTIONS)

    assert read.answers[0].position is Position.AVSTYRKER  # the section's own, not the whole's "tillstyrker"
    assert read.overall_position is Position.TILLSTYRKER
