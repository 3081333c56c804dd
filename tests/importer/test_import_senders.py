"""Senders outside the city: regions, other kommuner and länsstyrelser, named in the letterhead or in a sentence
that sends the remiss; each with look-alikes that are recipients, addressees or mere mentions."""

from __future__ import annotations

import pytest

from bot.adapters.importer import Confidence, Field, import_text
from bot.core.domain.organisation import Directory
from bot.core.domain.public_bodies import is_central_body, is_principal, sender_parts

BODY = """
Datum 2024-02-01
Dnr RS 2024/0512

Remiss av förslag till regional kulturplan

Synpunkter ska ha kommit in senast den 30 april 2024.
"""


@pytest.mark.parametrize(
    ("letterhead", "expected"),
    [
        ("Region Skåne / Regionstyrelsen", "Region Skåne, Regionstyrelsen"),
        ("Lunds kommun, Kommunstyrelsen", "Lunds kommun, Kommunstyrelsen"),
        ("Regionkansliet", "Regionkansliet"),
        ("Kommunledningskontoret, Helsingborgs stad", "Kommunledningskontoret, Helsingborgs stad"),
        ("Länsstyrelsen Skåne", "Länsstyrelsen Skåne"),
        ("Länsstyrelsen i Västra Götalands län", "Länsstyrelsen i Västra Götalands län"),
        ("Region Västra Götaland – Regionutvecklingsnämnden", "Region Västra Götaland, Regionutvecklingsnämnden"),
        ("Upplands Väsby kommun", "Upplands Väsby kommun"),
        ("Göteborgs Stad | Stadsledningskontoret", "Göteborgs Stad, Stadsledningskontoret"),
        ("Höörs kommun\nTekniska nämnden", "Höörs kommun"),
        ("Avsändare: Staffanstorps kommun, Miljönämnden", "Staffanstorps kommun, Miljönämnden"),
    ],
)
def test_a_letterhead_naming_a_region_or_kommun_is_the_sender(
    letterhead: str, expected: str, directory: Directory
) -> None:
    result = import_text(letterhead + "\n" + BODY, directory)
    assert result.sender == expected
    assert result.confidence[Field.SENDER] is Confidence.HIGH
    assert result.sender_organisation is None  # not one of the city's own bodies


@pytest.mark.parametrize(
    ("sentence", "expected", "confidence"),
    [
        ("Region Skåne har remitterat förslaget till Skånes kommuner.", "Region Skåne", Confidence.MEDIUM),
        ("Lunds kommun skickar härmed förslaget på remiss.", "Lunds kommun", Confidence.MEDIUM),
        (
            "Länsstyrelsen i Skåne län ger härmed Malmö stad tillfälle att yttra sig.",
            "Länsstyrelsen i Skåne län",
            Confidence.MEDIUM,
        ),
        ("Helsingborgs stad bjuder in till samråd om översiktsplanen.", "Helsingborgs stad", Confidence.MEDIUM),
        # A deciding body sending the remiss is the sender when nothing names it better, with low confidence.
        (
            "Regionstyrelsen beslutade den 12 januari 2024 att remittera förslaget.",
            "Regionstyrelsen",
            Confidence.LOW,
        ),
        ("Kommunstyrelsen har remitterat planen till berörda nämnder.", "Kommunstyrelsen", Confidence.LOW),
        (
            "Regionutvecklingsnämnden beslutade att skicka strategin på remiss.",
            "Regionutvecklingsnämnden",
            Confidence.LOW,
        ),
    ],
)
def test_a_body_sending_the_remiss_in_a_sentence_is_the_sender(
    sentence: str, expected: str, confidence: Confidence, directory: Directory
) -> None:
    result = import_text(BODY + "\n" + sentence + "\n", directory)
    assert result.sender == expected
    assert result.confidence[Field.SENDER] is confidence


@pytest.mark.parametrize(
    "text",
    [
        # An addressee, a recipient list, a mention and a group are not the sender.
        "Till\nLunds kommun\n" + BODY,
        "Till Lunds kommun, Kommunstyrelsen\n" + BODY,
        BODY + "\nRemissinstanser:\n- Region Skåne\n- Lunds kommun\n- Länsstyrelsen i Skåne län\n",
        BODY + "\nRegion Skåne har tidigare yttrat sig över en liknande plan.\n",
        BODY + "\nVarje kommun skickar sina synpunkter till regionen.\n",
        BODY + "\nMalmö stad har remitterat förslaget till nämnderna.\n",
        # A board of the city heading its own memo is not another kommun.
        "Tekniska nämnden\n" + BODY,
        # Below the title the letterhead is over: a line there is text, not a sender.
        "# Remiss om kulturplan\n\nRegion Skåne\n" + BODY,
    ],
)
def test_recipients_addressees_and_mentions_are_not_the_sender(text: str, directory: Directory) -> None:
    assert import_text(text, directory).sender is None


def test_the_sender_is_not_a_recipient_of_its_own_remiss(directory: Directory) -> None:
    text = (
        "Lunds kommun, Kommunstyrelsen\n"
        + BODY
        + "\nKommunstyrelsen har skickat förslaget på remiss till Region Skåne, Lunds kommun och Höörs kommun.\n"
    )
    result = import_text(text, directory)
    assert result.sender == "Lunds kommun, Kommunstyrelsen"
    assert [r.name for r in result.recipients] == ["Region Skåne", "Höörs kommun"]


def test_the_citys_own_name_in_a_letterhead_leaves_the_office(directory: Directory) -> None:
    result = import_text("Malmö stad / Stadsbyggnadskontoret\n" + BODY, directory)
    assert result.sender == "Stadsbyggnadskontoret"
    assert result.sender_organisation is not None


def test_a_government_letter_listing_regions_keeps_its_department(directory: Directory) -> None:
    text = (
        "# Remiss av promemoria om kollektivtrafik\n\nRemissvaren ska ha kommit in till Infrastrukturdepartementet"
        " senast den 15 april 2024.\n\n## Remissinstanser\n\n1. Region Skåne\n2. Lunds kommun\n3. Länsstyrelsen Skåne\n"
    )
    result = import_text(text, directory)
    assert result.sender == "Infrastrukturdepartementet"
    assert [r.name for r in result.recipients] == ["Region Skåne", "Lunds kommun", "Länsstyrelsen Skåne"]


@pytest.mark.parametrize(
    ("name", "principal", "central"),
    [
        ("Region Skåne", True, False),
        ("Region Jönköpings län", True, False),
        ("Båstads kommun", True, False),
        ("Ale kommun", True, False),
        ("Malmö stad", True, False),
        ("Länsstyrelsen i Skåne län", True, False),
        ("Regionstyrelsen", False, True),
        ("Kommunstyrelsen", False, True),
        ("Regionfullmäktige", False, True),
        ("Kommunledningskontoret", False, True),
        ("Stadsledningskontoret", False, True),
        ("Stadsbyggnadsnämnden", False, False),
        ("Regional utveckling", False, False),
        ("Varje kommun", False, False),
        ("Den kommun", False, False),
        ("region Skåne", False, False),
        ("Tekniska nämnden", False, False),
        ("Regionen", False, False),
    ],
)
def test_names_of_regions_kommuner_and_their_central_bodies(name: str, principal: bool, central: bool) -> None:
    assert (is_principal(name), is_central_body(name)) == (principal, central)


@pytest.mark.parametrize(
    "line",
    ["Region Skåne har remitterat", "Datum 2024-02-01", "Tekniska nämnden", "Region Skåne, Lund, Malmö och Ystad"],
)
def test_a_line_with_anything_but_bodies_is_no_letterhead(line: str) -> None:
    assert sender_parts(line) is None


def test_a_list_at_the_top_of_a_text_is_no_letterhead(directory: Directory) -> None:
    result = import_text("Sändlista\n\nKommunstyrelsen\nStadsbyggnadsnämnden\n" + BODY, directory)
    assert result.sender is None
    assert [r.name for r in result.recipients][:2] == ["Kommunstyrelsen", "Stadsbyggnadsnämnden"]


@pytest.mark.parametrize(
    "sentence",
    [
        "Regionstyrelsen beslutade den 12 januari 2024 att anta budgeten.",
        "Kommunstyrelsen ska yttra sig över förslaget.",
        "Förslaget har remitterats till kommunstyrelsen.",
    ],
)
def test_a_deciding_body_that_does_not_send_the_remiss_is_not_the_sender(sentence: str, directory: Directory) -> None:
    assert import_text(BODY + "\n" + sentence + "\n", directory).sender is None


def test_the_letterhead_wins_over_the_deciding_body(directory: Directory) -> None:
    text = "Region Skåne\n" + BODY + "\nRegionstyrelsen beslutade den 12 januari 2024 att remittera förslaget.\n"
    assert import_text(text, directory).sender == "Region Skåne"
