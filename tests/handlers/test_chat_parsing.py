"""Reading answers written in a remiss's DM thread: prefixes, several questions, no prefix, bad numbers."""

from __future__ import annotations

import pytest

from bot.adapters.rendering import Texts
from handlers.chat import ParsedMessage, looks_like_answer, parse_answer_message, slack_message_text

QUESTIONS = [1, 2, 3, 4]


@pytest.mark.parametrize(
    "text",
    [
        "Fråga 2: Vi tillstyrker.",
        "fråga 2 Vi tillstyrker.",
        "FRÅGA 2. Vi tillstyrker.",
        "*Fråga 2:* Vi tillstyrker.",
        "Fråga nr 2 – Vi tillstyrker.",
        "Fraga 2: Vi tillstyrker.",
        "2. Vi tillstyrker.",
        "2: Vi tillstyrker.",
        "2) Vi tillstyrker.",
        "  2.  Vi tillstyrker.",
        "Fra\u030aga 2: Vi tillstyrker.",  # å written as a + combining ring, as some keyboards send it
    ],
)
def test_each_way_of_writing_the_question_number_answers_that_question(text: str) -> None:
    parsed = parse_answer_message(slack_message_text(text), QUESTIONS, fallback=1)
    assert parsed.answers == {2: "Vi tillstyrker."}
    assert parsed.unknown == ()


def test_several_questions_in_one_message_are_stored_each_with_its_own_text() -> None:
    text = "Fråga 1: Ja, processerna passar.\nDe behöver samordnas.\n\nFråga 3: Nej.\nfråga 4 Tekniska nämnden"
    parsed = parse_answer_message(text, QUESTIONS, fallback=2)
    assert parsed.answers == {
        1: "Ja, processerna passar.\nDe behöver samordnas.",
        3: "Nej.",
        4: "Tekniska nämnden",
    }


def test_bare_numbers_split_a_message_without_any_fraga_prefix() -> None:
    parsed = parse_answer_message("1. Ja.\n2: Nej.\n3) Kanske.", QUESTIONS, fallback=4)
    assert parsed.answers == {1: "Ja.", 2: "Nej.", 3: "Kanske."}


def test_a_numbered_list_inside_a_fraga_answer_stays_part_of_that_answer() -> None:
    text = "Fråga 1: Tre saker:\n1. budget\n2. tid\n3. ansvar\nFråga 2: Inga synpunkter."
    parsed = parse_answer_message(text, QUESTIONS, fallback=3)
    assert parsed.answers == {1: "Tre saker:\n1. budget\n2. tid\n3. ansvar", 2: "Inga synpunkter."}


@pytest.mark.parametrize("text", ["2.5 miljoner kronor räcker inte.", "2:a stycket är oklart.", "2023: ett bra år."])
def test_numbers_that_are_not_prefixes_do_not_pick_a_question(text: str) -> None:
    assert parse_answer_message(text, QUESTIONS, fallback=3).answers == {3: text}


def test_a_message_without_a_prefix_answers_the_question_the_bot_asked() -> None:
    parsed = parse_answer_message("  Nämnden tillstyrker förslaget.  ", QUESTIONS, fallback=3)
    assert parsed == ParsedMessage(answers={3: "Nämnden tillstyrker förslaget."})


def test_a_message_without_a_prefix_when_every_question_has_an_answer_is_not_stored() -> None:
    parsed = parse_answer_message("Tack!", QUESTIONS, fallback=None)
    assert parsed.answers == {}
    assert parsed.unaddressed == "Tack!"


def test_a_number_the_remiss_lacks_is_reported_and_the_clear_reply_names_the_real_range() -> None:
    parsed = parse_answer_message("Fråga 2: Ja.\nFråga 9: Nej.", QUESTIONS, fallback=1)
    assert parsed.unknown == (9,)
    reply = Texts().part("slack/chat.j2", "unknown_question", unknown=list(parsed.unknown), count=4)
    assert reply.startswith("Remissen har ingen fråga 9; den har frågorna 1–4. Inget från meddelandet sparades.")


def test_text_before_the_first_prefix_is_kept_apart_and_an_empty_prefix_stores_nothing() -> None:
    parsed = parse_answer_message("Här är våra svar:\nFråga 1:\nFråga 2: Ja.", QUESTIONS, fallback=1)
    assert parsed.answers == {2: "Ja."}
    assert parsed.preamble == "Här är våra svar:"
    assert parsed.empty == (1,)


def test_the_same_question_twice_in_one_message_keeps_both_texts() -> None:
    parsed = parse_answer_message("Fråga 2: Först.\nFråga 2: Sedan.", QUESTIONS, fallback=1)
    assert parsed.answers == {2: "Först.\n\nSedan."}


def test_an_answer_of_twelve_thousand_characters_is_kept_whole() -> None:
    long_answer = ("Nämnden anser att områdeslyftet behöver en tydlig samordning. " * 200)[:12_000].strip()
    parsed = parse_answer_message(f"Fråga 2: {long_answer}", QUESTIONS, fallback=1)
    assert parsed.answers[2] == long_answer
    assert len(parsed.answers[2]) >= 11_990


def test_slacks_escaping_is_undone_so_the_stored_answer_is_what_was_typed() -> None:
    assert slack_message_text("A &amp; B &lt;!channel&gt; &amp;lt;") == "A & B <!channel> &lt;"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fråga 2: ja", True),
        ("fråga om remissen", True),
        ("Hej, jag har en undran\nFråga 1: ja", True),
        ("Hej!", False),
        ("Frågan är när mötet är", False),
        ("2. ja", False),
    ],
)
def test_only_messages_that_look_like_answers_get_a_hint_outside_a_thread(text: str, expected: bool) -> None:
    assert looks_like_answer(text) is expected
