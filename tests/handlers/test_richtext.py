"""Answers typed in Slack's rich text input become readable plain text, and plain text fills the input again."""

from __future__ import annotations

from typing import Any

import pytest

from handlers.richtext import TEXT_ELEMENT_CHUNK, from_plain_text, to_plain_text


def text(value: str, **style: bool) -> dict[str, Any]:
    return {"type": "text", "text": value, **({"style": style} if style else {})}


def section(*elements: dict[str, Any]) -> dict[str, Any]:
    return {"type": "rich_text_section", "elements": list(elements)}


def rich(*blocks: dict[str, Any]) -> dict[str, Any]:
    return {"type": "rich_text", "elements": list(blocks)}


def elements_of(value: Any) -> list[dict[str, Any]]:
    """Every object inside a rich text value, depth first."""
    found: list[dict[str, Any]] = []
    if isinstance(value, dict):
        found.append(value)
        for item in value.get("elements", []):
            found += elements_of(item)
    return found


# -- Slack's rich text to plain text --------------------------------------------------------------------
def test_paragraphs_and_line_breaks_stay_as_written_and_styles_fall_away() -> None:
    value = rich(
        section(
            text("Nämnden "),
            text("tillstyrker", bold=True),
            text(" förslaget.\nMed en radbrytning.\n\nOch ett nytt stycke med "),
            text("kod", code=True),
            text("."),
        )
    )
    assert to_plain_text(value) == (
        "Nämnden tillstyrker förslaget.\nMed en radbrytning.\n\nOch ett nytt stycke med kod."
    )


def test_bullet_and_numbered_lists_become_lines_with_bullets_and_numbers() -> None:
    value = rich(
        section(text("Nämnden föreslår:")),
        {
            "type": "rich_text_list",
            "style": "bullet",
            "indent": 0,
            "elements": [section(text("trygghet")), section(text("renhållning"))],
        },
        {"type": "rich_text_list", "style": "bullet", "indent": 1, "elements": [section(text("parker"))]},
        section(text("I ordning:")),
        {"type": "rich_text_list", "style": "ordered", "elements": [section(text("först")), section(text("sedan"))]},
        {"type": "rich_text_list", "style": "ordered", "indent": 1, "elements": [section(text("delsteg"))]},
        {"type": "rich_text_list", "style": "ordered", "offset": 2, "elements": [section(text("sist"))]},
    )
    assert to_plain_text(value) == (
        "Nämnden föreslår:\n"
        "• trygghet\n"
        "• renhållning\n"
        "    ◦ parker\n"
        "I ordning:\n"
        "1. först\n"
        "2. sedan\n"
        "    1. delsteg\n"
        "3. sist"
    )


def test_a_line_break_inside_a_list_item_continues_under_its_text() -> None:
    value = rich({"type": "rich_text_list", "style": "ordered", "elements": [section(text("ett\nfortsätter"))]})
    assert to_plain_text(value) == "1. ett\n   fortsätter"


def test_links_keep_their_address_and_mail_links_their_address_once() -> None:
    value = rich(
        section(
            text("Se "),
            {"type": "link", "url": "https://malmo.se/omradeslyft", "text": "underlaget"},
            text(", "),
            {"type": "link", "url": "https://malmo.se/a"},
            text(" eller skriv till "),
            {"type": "link", "url": "mailto:mia.idestrom@malmo.se", "text": "mia.idestrom@malmo.se"},
            text("."),
        )
    )
    assert to_plain_text(value) == (
        "Se underlaget (https://malmo.se/omradeslyft), https://malmo.se/a eller skriv till mia.idestrom@malmo.se."
    )


def test_emoji_become_characters_and_custom_emoji_keep_their_name() -> None:
    value = rich(
        section(
            {"type": "emoji", "name": "+1", "unicode": "1f44d"},
            text(" "),
            {"type": "emoji", "name": "family", "unicode": "1f468-200d-1f469-200d-1f467"},
            text(" "),
            {"type": "emoji", "name": "malmo-stad"},
        )
    )
    assert to_plain_text(value) == "👍 👨\u200d👩\u200d👧 :malmo-stad:"


def test_mentions_become_plain_text_that_can_never_notify_anyone() -> None:
    value = rich(
        section(
            {"type": "broadcast", "range": "channel"},
            text(" "),
            {"type": "user", "user_id": "U0BERTIL"},
            text(" "),
            {"type": "usergroup", "usergroup_id": "S0STK"},
            text(" i "),
            {"type": "channel", "channel_id": "C0REMISS"},
            text(" "),
            {"type": "date", "timestamp": 1701302400, "format": "{date}", "fallback": "30 november 2023"},
        )
    )
    plain = to_plain_text(value)
    assert plain == "@channel @U0BERTIL @S0STK i #C0REMISS 30 november 2023"
    assert "<" not in plain


def test_quotes_and_preformatted_text_stay_readable() -> None:
    value = rich(
        {"type": "rich_text_quote", "elements": [text("Citat rad ett\nrad två")]},
        {"type": "rich_text_preformatted", "elements": [text("kod  med  mellanrum")]},
    )
    assert to_plain_text(value) == "> Citat rad ett\n> rad två\nkod  med  mellanrum"


def test_nothing_and_malformed_values_give_empty_text_not_an_error() -> None:
    assert to_plain_text(None) == ""
    assert to_plain_text({"type": "rich_text", "elements": []}) == ""
    assert to_plain_text({"type": "rich_text", "elements": ["x", {"type": "rich_text_section", "elements": 3}]}) == ""


def test_a_12000_character_answer_comes_through_whole() -> None:
    answer = ("Stadsbyggnadsnämnden ser positivt på förslaget. " * 300)[:12_000]
    as_typed = rich(section(text(answer)))
    assert to_plain_text(as_typed) == answer
    assert len(to_plain_text(as_typed)) == 12_000


# -- plain text to rich text, and back ------------------------------------------------------------------
def test_a_12000_character_answer_fills_the_input_whole_in_pieces_slack_accepts() -> None:
    answer = ("Åtgärderna bör följas upp årligen. " * 400)[:12_000]
    value = from_plain_text(answer)
    pieces = [e["text"] for e in elements_of(value) if e["type"] == "text"]
    assert "".join(pieces) == answer
    assert all(len(piece) <= TEXT_ELEMENT_CHUNK for piece in pieces)
    assert to_plain_text(value) == answer


def test_special_characters_and_mention_syntax_go_in_as_literal_text() -> None:
    answer = "Vi 😀 håller med <!channel> & <@U0BERTIL> om <https://x.se|länken> &amp; <b>"
    value = from_plain_text(answer)
    assert {e["type"] for e in elements_of(value)} <= {"rich_text", "rich_text_section", "text", "link"}
    assert not any(e["type"] in ("broadcast", "user") for e in elements_of(value))
    assert to_plain_text(value) == answer


def test_bullets_numbers_and_addresses_come_back_as_lists_and_links_in_the_input() -> None:
    answer = "Förslag:\n• ett\n• två\n    ◦ under\nI ordning:\n1. först\n2. sedan\n\nLäs https://malmo.se/a."
    value = from_plain_text(answer)
    blocks = [(b["type"], b.get("style"), b.get("indent"), len(b["elements"])) for b in value["elements"]]
    assert blocks == [
        ("rich_text_section", None, None, 1),
        ("rich_text_list", "bullet", 0, 2),
        ("rich_text_list", "bullet", 1, 1),
        ("rich_text_section", None, None, 1),
        ("rich_text_list", "ordered", 0, 2),
        ("rich_text_section", None, None, 3),  # "\nLäs ", the link, "."
    ]
    links = [e for e in elements_of(value) if e["type"] == "link"]
    assert links == [{"type": "link", "url": "https://malmo.se/a"}]
    assert to_plain_text(value) == answer


@pytest.mark.parametrize(
    "answer",
    [
        "Kort svar.",
        "Första stycket.\n\nAndra stycket.",
        "\n\nInledande tomrader och avslutande  \n",
        "• a\n\n• b",  # an empty paragraph between lists: goes in as text
        "◦ fel punkt för nivån",
        "2023. Året då allt började.",
        "5. fem\n6. sex\n8. åtta",
        "1. ett\n   fortsätter\n2. två",
        "    ◦ indragen utan förälder",
        "Se (https://malmo.se/a), och https://malmo.se/b!",
        "> citat\nkod",
        "Tab\toch\r\nCRLF",
    ],
)
def test_plain_text_survives_the_trip_into_the_input_and_back_unchanged(answer: str) -> None:
    value = from_plain_text(answer)
    assert to_plain_text(value) == answer
    assert all(e.get("text") != "" for e in elements_of(value))


def test_no_text_means_an_empty_input() -> None:
    assert from_plain_text("") == {"type": "rich_text", "elements": []}
