"""Deadline wordings of kommuner and regions: "före den" (the day before), "senast före den", a deadline given only
as a period ("inom sex veckor från …": nothing invented), extensions winning over the original. The plain wordings
and the dates beside them that are no deadline ("senast uppdaterad", "beslutade den") stand in
test_import_parser.py's deadline tables."""

from __future__ import annotations

from datetime import date

import pytest

from bot.adapters.importer import Confidence, Field, WarningCode, import_text
from bot.core.domain.organisation import Directory


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "före den 1 juni" is before that day: what comes in on 1 juni is late.
        ("Svaret ska ha kommit in före den 1 juni 2024.", date(2024, 5, 31)),
        ("Svaren ska lämnas senast före den 1 juni 2024.", date(2024, 5, 31)),
        ("Remissvaren ska vara oss tillhanda innan den 15 mars 2024.", date(2024, 3, 14)),
        ("Yttrandet ska vara kommunen tillhanda före måndagen den 4 mars 2024.", date(2024, 3, 3)),
        ("Före den 1 juni 2024 ska nämnderna lämna sina synpunkter.", date(2024, 5, 31)),
        ("Synpunkter ska lämnas före 2024-01-01.", date(2023, 12, 31)),
        # "senast den" and "till och med den" include the day itself.
        ("Svaret ska ha kommit in senast den 1 juni 2024.", date(2024, 6, 1)),
        ("Synpunkter kan lämnas till och med den 1 juni 2024.", date(2024, 6, 1)),
        # The dot of "dvs." does not end the sentence.
        ("Svar ska lämnas inom sex veckor, dvs. senast den 12 april 2024.", date(2024, 4, 12)),
    ],
)
def test_before_the_date_means_the_day_before(text: str, expected: date, directory: Directory) -> None:
    result = import_text(text, directory)
    assert result.deadline == expected
    said_day_before = WarningCode.DEADLINE_DAY_BEFORE in {w.code for w in result.warnings}
    assert said_day_before == any(word in text.casefold() for word in ("före", "innan"))


def test_the_day_before_is_explained_to_the_coordinator(directory: Directory) -> None:
    result = import_text("Svaret ska ha kommit in före den 1 juni 2024.", directory)
    (warning,) = [w for w in result.warnings if w.code is WarningCode.DEADLINE_DAY_BEFORE]
    assert "före den 1 juni 2024" in warning.message
    assert "31 maj 2024" in warning.message


@pytest.mark.parametrize(
    "text",
    [
        "Före den 1 juni 2023 beslutade nämnden att ta fram ett program.",
        "Synpunkter som kom in före den 1 mars 2023 har arbetats in i förslaget.",
        "Innan den 1 juni 2024 ska förvaltningen ha anställt en projektledare.",
    ],
)
def test_before_a_date_in_a_sentence_that_asks_for_no_answer_is_no_deadline(text: str, directory: Directory) -> None:
    result = import_text(text, directory)
    assert result.deadline is None
    assert WarningCode.DEADLINE_DAY_BEFORE not in {w.code for w in result.warnings}


@pytest.mark.parametrize(
    "text",
    [
        "Svar ska lämnas inom sex veckor från att remissen kom in.",
        "Svar ska lämnas inom sex veckor från den 1 mars 2024.",
        "Svaret ska lämnas senast inom fyra veckor från 2024-03-01.",
        "Yttrandet ska ha kommit in inom 30 dagar efter att ni tagit emot remissen.",
    ],
)
def test_a_deadline_given_as_a_period_is_not_made_a_date_but_warned_about(text: str, directory: Directory) -> None:
    result = import_text(text, directory)
    assert result.deadline is None
    (warning,) = [w for w in result.warnings if w.code is WarningCode.DEADLINE_RELATIVE]
    assert "inom" in warning.message
    assert "fyll i" in warning.message


def test_a_period_beside_a_stated_date_gives_the_date_without_warning(directory: Directory) -> None:
    result = import_text("Svar ska lämnas inom sex veckor, senast den 12 april 2024.", directory)
    assert result.deadline == date(2024, 4, 12)
    assert WarningCode.DEADLINE_RELATIVE not in {w.code for w in result.warnings}


def test_a_period_that_is_not_about_answers_is_not_warned_about(directory: Directory) -> None:
    result = import_text("Bygget ska vara klart inom sex veckor från beslutet.", directory)
    assert WarningCode.DEADLINE_RELATIVE not in {w.code for w in result.warnings}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Svaren ska ha kommit in senast den 1 mars 2024. Svarstiden förlängs till den 22 mars 2024.",
            date(2024, 3, 22),
        ),
        # Even when the original date stands after the extension, and even when it is later.
        (
            "Svarstiden förlängs till den 22 mars 2024. Svaren ska ha kommit in senast den 1 april 2024.",
            date(2024, 3, 22),
        ),
        ("Nytt sista svarsdatum är 2024-04-05. Sista svarsdatum var 2024-03-15.", date(2024, 4, 5)),
        ("Sista svarsdag förlängs till den 19 april 2024.", date(2024, 4, 19)),
        (
            "Svaret ska ha kommit in före den 1 mars 2024.\nRemisstiden har förlängts till den 29 mars 2024.",
            date(2024, 3, 29),
        ),
        (
            "Vi har förlängt remisstiden till den 19 april 2024. Ursprungligt svarsdatum var 5 april 2024.",
            date(2024, 4, 19),
        ),
        # Kommuner and regions.
        (
            "Svar ska ha kommit in senast den 1 mars 2024. Remisstiden har förlängts till den 15 mars 2024.",
            date(2024, 3, 15),
        ),
        (
            "Remisstiden har förlängts till den 15 mars 2024. Svar ska ha kommit in senast den 1 mars 2024.",
            date(2024, 3, 15),
        ),
        ("Sista svarsdatum har flyttats till 2024-04-30.", date(2024, 4, 30)),
        ("Vi förlänger svarstiden till den 20 maj 2024 efter önskemål från nämnderna.", date(2024, 5, 20)),
        ("Nytt svarsdatum: 2024-06-14", date(2024, 6, 14)),
        ("Remisstiden har förlängts från den 1 mars till den 29 mars 2024.", date(2024, 3, 29)),
    ],
)
def test_an_extension_always_wins(text: str, expected: date, directory: Directory) -> None:
    result = import_text(text, directory)
    assert result.deadline == expected
    assert result.confidence[Field.DEADLINE] is Confidence.HIGH
    codes = {w.code for w in result.warnings}
    assert WarningCode.DEADLINE_EXTENDED in codes
    assert WarningCode.DEADLINE_DAY_BEFORE not in codes  # the original's "före" is not the date chosen
