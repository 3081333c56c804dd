"""The words checker (tests/wording.py) catches what it is there to catch, and the one date filter says days
as KLARSPRAK.md does."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from bot.adapters.rendering import Texts, day_as_said, moment_as_said, term, terms
from devtools.clocks import FakeClock
from tests.wording import BUDGETS, Shown, problems, shown_length, slack_texts


def rules(*shown: Shown, written: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    return [(p.rule, p.detail.split(":")[0]) for p in problems(shown, written)]


def section(text: str) -> Shown:
    return Shown("section", "test", text, 2023)


def test_a_slack_id_a_person_would_read_is_caught_and_a_mention_is_not() -> None:
    assert rules(section("avslutad av U0MIA")) == [("slack_id", "U0MIA outside a mention")]
    assert rules(section("Registraturen C0REGISTRY fick inte kopian")) == [("slack_id", "C0REGISTRY outside a mention")]
    assert rules(section("avslutad av <@U0MIA> i <#C0123ABC>")) == []
    assert rules(section("MKB och STK-2023-137 och SBN")) == []


def test_a_banned_form_is_caught_with_the_word_to_use_and_what_people_wrote_is_not() -> None:
    [(rule, detail)] = [(p.rule, p.detail) for p in problems([section("Kontakta remissamordnaren.")])]
    assert rule == "banned" and "remissamordnaren" in detail
    [found] = problems([Shown("button", "test", "Behöver mer tid", 2023)])
    assert "Begär anstånd" in found.detail
    assert rules(section("Den finns nu hos hen.")) == [("banned", "«hen»")]
    assert rules(section("Ni kan svara på delegation.")) == [("banned", "«på delegation»")]
    assert rules(section("Svaret återkallades.")) == [("banned", "«Svaret återkallades»")]
    assert rules(section("Så ser det ut för mottagarna.")) == [("banned", "«mottagarna»")]
    assert rules(section("REMISS STK-2023-137")) == [("banned", "«REMISS»")]
    # Quoted or written by people: their words, not the bot's.
    assert rules(section("Skäl: «Vi hann inte till mötet»")) == []
    assert (
        rules(section("*Fråga 1.* Hur ser mottagarna på förslaget?"), written=("Hur ser mottagarna på förslaget?",))
        == []
    )
    # Not a banned form: the words the table asks for.
    assert rules(section("Remissinstanserna svarar via delegation; styrelsemötet är i morgon.")) == []


def test_a_text_over_its_budget_is_caught_and_the_budget_counts_what_the_reader_sees() -> None:
    assert BUDGETS["button"].limit == 30
    [found] = problems([Shown("button", "test", "Skicka in nämndens slutliga svar", 2023)])
    assert found.rule == "budget" and found.detail.startswith("32 characters, at most 30")
    assert rules(Shown("button", "test", "Begär anstånd", 2023)) == []
    line = ":wave: " + "x" * 140 + " <@U0MIA>"
    assert shown_length(line) == 1 + 1 + 140 + 1 + 14
    assert [p.rule for p in problems([Shown("first_line", "test", line, 2023)])] == ["budget"]
    # A stand-in replaces a text before it is measured (the full title by a kortrubrik's 60 characters).
    title = "T" * 175
    assert problems([Shown("first_line", "test", f"*{title}*", 2023)], stand_ins={title: "K" * 60}) == []


def test_a_date_with_this_years_year_or_without_its_weekday_is_caught() -> None:
    assert rules(section("senast torsdag 30 november 2023")) == [
        ("date", "«torsdag 30 november 2023» says this year's year")
    ]
    assert rules(section("senast 30 november")) == [("date", "«30 november» has no weekday")]
    assert rules(section("senast torsdag 30 november")) == []
    assert rules(section("nytt svarsdatum fredag 5 januari 2024")) == []  # next year: the year is said
    # An example in a placeholder is what to type, not a date the bot says.
    assert problems([Shown("placeholder", "test", "t.ex. 30 november", 2023)]) == []


def test_the_texts_of_a_slack_call_are_read_by_kind() -> None:
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Remiss från Stadskontoret"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "*Sista svarsdatum:* torsdag 30 november"}},
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": "x",
                    "value": "U0MIA",
                    "text": {"type": "plain_text", "text": "Svara"},
                    "confirm": {
                        "title": {"type": "plain_text", "text": "Skicka?"},
                        "text": {"type": "plain_text", "text": "Alla får det."},
                        "confirm": {"type": "plain_text", "text": "Skicka"},
                        "deny": {"type": "plain_text", "text": "Avbryt"},
                    },
                }
            ],
        },
    ]
    shown = slack_texts("chat.postMessage", {"text": "Ny remiss\nmer", "blocks": json.dumps(blocks)}, "t", 2023)
    assert [(s.kind, s.text) for s in shown] == [
        ("notification", "Ny remiss\nmer"),
        ("first_line", "Ny remiss"),
        ("header", "Remiss från Stadskontoret"),
        ("section", "*Sista svarsdatum:* torsdag 30 november"),
        ("button", "Svara"),
        ("confirm_title", "Skicka?"),
        ("confirm_text", "Alla får det."),
        ("button", "Skicka"),
        ("button", "Avbryt"),
    ]  # the button's value (a Slack id here) is no text anyone reads
    view = {"type": "modal", "title": {"type": "plain_text", "text": "Begär anstånd"}, "blocks": []}
    assert [(s.kind, s.text) for s in slack_texts("views.open", {"view": view}, "t", 2023)] == [
        ("modal_title", "Begär anstånd")
    ]


def test_every_term_has_its_word_and_banned_forms_that_compile() -> None:
    table = terms()
    assert {"extension", "remissinstans", "delegation", "coordinator", "withdraw_answer"} <= set(table)
    assert all(t.use and t.banned and t.why for t in table.values())
    assert term("extension") == "Begär anstånd"
    # The buttons read the act from the table.
    assert Texts().label("reminder_need_more_time") == Texts().label("request_extension") == "Begär anstånd"


@pytest.mark.parametrize(
    ("value", "today", "said"),
    [
        (date(2023, 11, 30), date(2023, 10, 2), "torsdag 30 november"),
        (date(2024, 1, 5), date(2023, 12, 1), "fredag 5 januari 2024"),
        (date(2023, 11, 30), None, "torsdag 30 november 2023"),  # no clock at hand: the year is always said
        ("2023-11-30", date(2023, 1, 1), "torsdag 30 november"),  # the audit trail keeps ISO dates
    ],
)
def test_a_day_is_said_with_its_weekday_and_the_year_only_when_not_this_year(
    value: date | str, today: date | None, said: str
) -> None:
    assert day_as_said(value, today) == said


def test_a_moment_is_said_in_local_time_with_a_point_between_hour_and_minute() -> None:
    moment = datetime(2023, 10, 2, 7, 0, tzinfo=UTC)  # 09.00 in Stockholm (summer time)
    assert moment_as_said(moment, date(2023, 10, 2)) == "måndag 2 oktober kl. 09.00"


def test_the_filter_takes_today_from_the_texts_clock_or_from_the_parts_own_today() -> None:
    deadline = date(2023, 11, 30)
    clocked = Texts().with_clock(FakeClock(datetime(2023, 10, 2, 9, tzinfo=UTC)))
    assert clocked.part("messages.j2", "deadline_in_past", deadline=deadline).startswith(
        "Sista svarsdatum torsdag 30 november har"
    )
    assert "torsdag 30 november 2023" in Texts().part("messages.j2", "deadline_in_past", deadline=deadline)
    next_year = clocked.part("messages.j2", "away_not_future", today=date(2024, 1, 2))
    assert "(tisdag 2 januari)" in next_year  # the part's own today wins over the clock's
