"""Splitting a board's decided yttrande per remiss question: headings found, lists and page headers not."""

from __future__ import annotations

import pytest

from bot.core.domain.answer_document import SplitKind, split_by_question
from bot.core.domain.remiss import Question

# A remiss of our own about a parking standard, in the style of Malmö's memos.
QUESTIONS = (
    Question(1, "Hur påverkas er verksamhet av den föreslagna parkeringsnormen?"),
    Question(2, "Vilka delar av förslaget behöver förtydligas innan normen antas?"),
    Question(3, "Ser ni behov av särskilda regler för cykelparkering i nya bostadsområden?"),
    Question(4, "Vilken nämnd eller bolag bör ansvara för uppföljningen av normen?"),
)

BY_FRAGA = """Yttrande
Dnr FRI-2024-318
Parkeringsnorm för Malmö
Fritidsnämnden tillstyrker förslaget men vill lyfta några frågor om idrotten.
Fråga 1
Våra anläggningar har många besökare kvällstid och parkeringen behöver räcka till dem.
Fråga 2:
Nämnden vill att följande förtydligas:
1. Hur besöksparkering vid idrotts-
Sida 2 av 3
Dnr FRI-2024-318
anläggningar räknas.
2. Vem som ansvarar för skyltningen.
3. När normen börjar gälla.
Fråga 4 – Uppföljning
Servicenämnden bör följa upp normen.
Sida 3 av 3
Dnr FRI-2024-318
För Fritidsnämnden
Karin Holm, ordförande
"""


def test_fraga_headings_split_the_answer_and_keep_the_overall_view_apart() -> None:
    split = split_by_question(BY_FRAGA, QUESTIONS)

    assert split.kind is SplitKind.BY_QUESTION
    assert split.intro.endswith("Fritidsnämnden tillstyrker förslaget men vill lyfta några frågor om idrotten.")
    assert split.sections[1] == "Våra anläggningar har många besökare kvällstid och parkeringen behöver räcka till dem."
    # The list 1.–3. inside question 2's answer stays there; the page break inside a hyphenated word is mended.
    assert split.sections[2] == (
        "Nämnden vill att följande förtydligas:\n"
        "1. Hur besöksparkering vid idrottsanläggningar räknas.\n"
        "2. Vem som ansvarar för skyltningen.\n"
        "3. När normen börjar gälla."
    )
    assert split.sections[3] == ""  # never invented
    assert split.sections[4] == "Servicenämnden bör följa upp normen."
    assert split.missing == (3,)
    assert split.closing == "För Fritidsnämnden\nKarin Holm, ordförande"
    assert "Sida 2 av 3" not in split.whole and "FRI-2024-318" not in split.whole  # page furniture


def test_headings_in_any_order_and_answer_text_on_the_heading_line() -> None:
    text = (
        "Miljönämnden har tagit del av förslaget.\n"
        "Fråga 3: Nämnden ser ett stort behov av säkra cykelställ vid nya bostäder.\n"
        "Fråga 1: Vår tillsyn påverkas inte.\n"
        "Fråga 2 besvaras tillsammans med fråga 1.\n"
    )

    split = split_by_question(text, QUESTIONS)

    assert split.sections[3] == "Nämnden ser ett stort behov av säkra cykelställ vid nya bostäder."
    # A sentence that starts with "Fråga 2" is text, not the heading of question 2.
    assert split.sections[1] == "Vår tillsyn påverkas inte.\nFråga 2 besvaras tillsammans med fråga 1."
    assert split.sections[2] == "" and split.sections[4] == ""


def test_the_question_quoted_as_heading_even_when_the_introduction_lists_the_questions_first() -> None:
    text = (
        "Stadskontoret har ställt följande frågor:\n"
        "Hur påverkas er verksamhet av den föreslagna parkeringsnormen?\n"
        "Vilken nämnd eller bolag bör ansvara för uppföljningen av normen?\n"
        "Nämndens svar\n"
        "Hur påverkas er verksamhet av den föreslagna parkeringsnormen?\n"
        "Skolgårdarna får färre platser för lärarnas bilar, vilket förskolorna kan hantera.\n"
        "Vilken nämnd eller bolag bör ansvara för uppföljningen av normen\n"
        "Stadsbyggnadsnämnden, som ansvarar för normen.\n"
    )

    split = split_by_question(text, QUESTIONS)

    assert split.kind is SplitKind.BY_QUESTION
    assert split.sections[1] == "Skolgårdarna får färre platser för lärarnas bilar, vilket förskolorna kan hantera."
    assert split.sections[4] == "Stadsbyggnadsnämnden, som ansvarar för normen."
    assert split.intro.startswith("Stadskontoret har ställt följande frågor:")
    assert split.intro.endswith("Nämndens svar")


@pytest.mark.parametrize(
    ("text", "sections"),
    [
        pytest.param(
            "1. Påverkan på verksamheten\nHemtjänstens bilar behöver fler platser nära brukarna.\n"
            "3. Cykelparkering\nJa, särskilt för lastcyklar.\n",
            {
                1: "Hemtjänstens bilar behöver fler platser nära brukarna.",
                2: "",
                3: "Ja, särskilt för lastcyklar.",
                4: "",
            },
            id="headings-titled-with-the-questions-words",
        ),
        pytest.param(
            "1 Verkstäder\nInga.\n2 Definitioner\nBesöksplats.\n3 Lastcyklar\nJa.\n4 Ansvar\nTekniska nämnden.\n",
            {1: "Inga.", 2: "Besöksplats.", 3: "Ja.", 4: "Tekniska nämnden."},
            id="chapters-one-per-question-in-order",
        ),
        pytest.param(
            "1.\nInga.\n2.\nTre saker:\n1. Lastzoner\n2. Turistbussar\n3. Evenemang\n4.\nStadsbyggnadsnämnden.\n",
            {
                1: "Inga.",
                2: "Tre saker:\n1. Lastzoner\n2. Turistbussar\n3. Evenemang",
                3: "",
                4: "Stadsbyggnadsnämnden.",
            },
            id="bare-number-after-a-list-that-could-continue-it",
        ),
    ],
)
def test_numbered_headings_split_the_answer_by_question(text: str, sections: dict[int, str]) -> None:
    split = split_by_question(text, QUESTIONS)

    assert split.kind is SplitKind.BY_QUESTION
    assert split.sections == sections


def test_bare_numbers_as_headings_with_a_numbered_list_inside_an_answer() -> None:
    text = (
        "Kulturnämnden lämnar följande yttrande.\n"
        "1.\n"
        "Museerna påverkas lite.\n"
        "2.\n"
        "Tre saker behöver förtydligas\n"
        "1. Lastzoner\n"
        "2. Turistbussar\n"
        "3. Evenemang\n"
        "3.\n"
        "Nej.\n"
        "4.\n"
        "Stadsbyggnadsnämnden.\n"
    )

    split = split_by_question(text, QUESTIONS)

    assert split.kind is SplitKind.BY_QUESTION
    assert split.sections[2] == "Tre saker behöver förtydligas\n1. Lastzoner\n2. Turistbussar\n3. Evenemang"
    assert split.sections[3] == "Nej."
    assert split.sections[4] == "Stadsbyggnadsnämnden."
    assert split.intro == "Kulturnämnden lämnar följande yttrande."


def test_numbered_chapters_that_are_not_the_questions_are_not_taken_for_them() -> None:
    text = (
        "1 Bakgrund\nNämnden har fått förslaget på remiss.\n2 Synpunkter\nNämnden ser positivt på en gemensam norm.\n"
    )

    split = split_by_question(text, QUESTIONS)

    assert split.kind is SplitKind.WHOLE
    assert split.whole.startswith("1 Bakgrund\nNämnden har fått förslaget")
    assert split.missing == (1, 2, 3, 4)


def test_a_decision_list_in_an_unstructured_yttrande_is_not_the_questions() -> None:
    text = (
        "Förslag till beslut\n"
        "1. Servicenämnden godkänner yttrandet enligt förvaltningens förslag.\n"
        "2. Servicenämnden skickar yttrandet till stadskontoret.\n"
        "Förvaltningens överväganden\n"
        "Förvaltningen delar förslagets inriktning och vill att fordonsflottans laddplatser räknas in i normen.\n"
    )

    split = split_by_question(text, QUESTIONS)

    assert split.kind is SplitKind.WHOLE
    assert split.sections == {1: "", 2: "", 3: "", 4: ""}
    assert "laddplatser" in split.whole


def test_question_headings_the_remiss_does_not_have_are_reported() -> None:
    text = "Fråga 5\nNämnden har inget att tillägga.\nFråga 6\nSe ovan.\n"

    split = split_by_question(text, QUESTIONS)

    assert split.kind is SplitKind.UNMATCHED
    assert split.unmatched_headings == ("Fråga 5", "Fråga 6")
    assert split.whole == "Fråga 5\nNämnden har inget att tillägga.\nFråga 6\nSe ovan."


def test_a_heading_for_a_question_the_remiss_has_not_is_reported_beside_the_split() -> None:
    split = split_by_question("Fråga 1\nJa.\nFråga 9\nNej.\n", QUESTIONS)

    assert split.kind is SplitKind.BY_QUESTION
    assert split.sections[1] == "Ja.\nFråga 9\nNej."
    assert split.unmatched_headings == ("Fråga 9",)


def test_word_headings_are_headings_and_a_repeated_header_with_a_page_number_is_dropped() -> None:
    text = (
        "Malmö stad Grundskoleförvaltningen 1 (2)\n"
        "# Svar på fråga 2\n"
        "Begreppet skolparkering.\n"
        "Malmö stad Grundskoleförvaltningen 2 (2)\n"
        "# Svar på fråga 4\n"
        "Ingen uppfattning.\n"
    )

    split = split_by_question(text, QUESTIONS)

    assert split.sections[2] == "Begreppet skolparkering."
    assert split.sections[4] == "Ingen uppfattning."
    assert "Grundskoleförvaltningen" not in split.whole


def test_a_sentence_that_repeats_is_the_authors_text_and_stays() -> None:
    text = "Fråga 1\nSe bilaga.\nFråga 2\nSe bilaga.\n"

    split = split_by_question(text, QUESTIONS)

    assert split.sections[1] == "Se bilaga." and split.sections[2] == "Se bilaga."


def test_an_empty_document_is_whole_and_empty() -> None:
    split = split_by_question("  \n\n", QUESTIONS)

    assert split.kind is SplitKind.WHOLE and split.whole == ""


def test_the_decision_block_after_the_last_answer_is_the_closing_not_part_of_that_answer() -> None:
    text = "\n".join(
        [
            "Fråga 1",
            "Nämnden ser positivt på modellen.",
            "Fråga 2",
            "Områdena kring Amiralsgatan.",
            "Fråga 3",
            "Samordningen bör ligga hos stadsbyggnadsnämnden.",
            "Fråga 4",
            "Stadsbyggnadsnämnden.",
            "Beslut",
            "Nämnden tillstyrker förslaget.",
            "Miljönämnden beslutade yttrandet vid sammanträde 2023-11-23, § 203.",
        ]
    )
    split = split_by_question(text, QUESTIONS)
    assert split.sections[4] == "Stadsbyggnadsnämnden."
    assert split.closing.startswith("Beslut\nNämnden tillstyrker förslaget.")
