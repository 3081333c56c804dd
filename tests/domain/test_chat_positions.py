"""A position stated in an answer written in chat ("Fråga 3: Vi tillstyrker …") is taken only where the question
asks for one (ställningstagande)."""

from __future__ import annotations

import pytest

from bot.core.domain.answer_positions import stated_position
from bot.core.domain.answer_reading import answer_written_in_chat
from bot.core.domain.remiss import Answer, Position, Question, QuestionKind

STANCE = Question(3, "Hur ser ni på den föreslagna modellen?", QuestionKind.POSITION)
OPEN = Question(1, "Vilka processer passar in?", QuestionKind.FREE_TEXT)
CHOICE = Question(4, "Vilken nämnd bör samordna?", QuestionKind.ORGANISATION_CHOICE)


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("Vi tillstyrker förslaget.", Position.TILLSTYRKER),
        ("Tillstyrker. Modellen bygger på det vi redan gör.", Position.TILLSTYRKER),
        ("Nämnden avstyrker förslaget i sin helhet.", Position.AVSTYRKER),
        ("Vi tillstyrker inte förslaget.", Position.AVSTYRKER),
        ("Föreslår ändringar: samordningsgruppen behöver en egen budget.", Position.FORESLAR_ANDRINGAR),
        ("Tillstyrker med ändringar i tidsplanen.", Position.FORESLAR_ANDRINGAR),
        ("Inga synpunkter.", Position.INGA_SYNPUNKTER),
        ("Vi har inga synpunkter.", Position.INGA_SYNPUNKTER),
    ],
)
def test_a_position_stated_in_so_many_words_is_read(text: str, position: Position) -> None:
    assert stated_position(text) is position


@pytest.mark.parametrize(
    "text",
    [
        "Förskolornas språkutvecklande arbete och föräldrasamarbetet.",
        "Modellen är bra men samordningen bör ligga hos en nämnd.",
        # No comments on one part is not a position on the proposal.
        "Inga synpunkter på fråga 2, men vi ser problem med tidsplanen.",
        # Two positions that contradict each other: none is guessed.
        "Vi tillstyrker. Vi avstyrker.",
    ],
)
def test_an_answer_without_a_clear_position_states_none(text: str) -> None:
    assert stated_position(text) is None


def test_a_stance_question_takes_the_position_the_chat_answer_states() -> None:
    assert answer_written_in_chat(STANCE, "Vi tillstyrker modellen.", None) == Answer(
        3, "Vi tillstyrker modellen.", Position.TILLSTYRKER
    )


def test_a_new_chat_answer_without_a_position_keeps_the_one_the_draft_had() -> None:
    before = Answer(3, "Äldre text.", Position.FORESLAR_ANDRINGAR)
    assert answer_written_in_chat(STANCE, "Ny text utan ställningstagande.", before).position is (
        Position.FORESLAR_ANDRINGAR
    )
    assert answer_written_in_chat(STANCE, "Ny text.", None).position is Position.NOT_STATED


@pytest.mark.parametrize("question", [OPEN, CHOICE])
def test_fritext_and_organisation_choice_take_no_position_from_chat(question: Question) -> None:
    answer = answer_written_in_chat(question, "Vi tillstyrker: Stadsbyggnadsnämnden.", None)
    assert answer.position is Position.NOT_STATED
