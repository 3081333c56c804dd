"""Matching names as written to the organisation directory: spellings, inflections, short names."""

from __future__ import annotations

import pytest

from bot.adapters.directory_file import parse_directory, shipped_directory_text
from bot.core.domain.matching import find_organisations, match_organisation, normalise_name
from bot.core.domain.organisation import Directory, Organisation, OrgKind


@pytest.fixture(scope="module")
def malmo() -> Directory:
    """The shipped directory (16 organisations)."""
    return parse_directory(shipped_directory_text())


def keys(orgs: list[Organisation]) -> list[str]:
    return [o.key for o in orgs]


# normalise_name ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Hälsa-, vård- och omsorgsnämnden", "Hälsa- vård och omsorgsnämnden"),
        ("Stadsbyggnadsnämnden", "stadsbyggnadsnämnd"),
        ("Stadsbyggnadsnämndens", "Stadsbyggnadsnämnden"),
        ("Tekniska nämnden", "tekniska  nämnden"),
        ("MKB:s", "MKB"),
        ("Stadskontorets", "Stadskontoret"),
        ("Kommunstyrelsens", "kommunstyrelsen"),
        ("Miljöförvaltningen", "miljöförvaltningens"),
        ("Parkering\u00a0Malmö", "Parkering Malmö"),
    ],
)
def test_spelling_and_inflection_variants_normalise_alike(a: str, b: str) -> None:
    assert normalise_name(a) == normalise_name(b)


def test_plural_and_different_names_stay_apart() -> None:
    assert normalise_name("nämnderna") != normalise_name("nämnden")
    assert normalise_name("Miljönämnden") != normalise_name("Kulturnämnden")


# match_organisation ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("Hälsa- vård och omsorgsnämnden", "halsa-vard-och-omsorgsnamnden"),
        ("hälsa-, vård- och omsorgsnämndens", "halsa-vard-och-omsorgsnamnden"),
        ("Stadsbyggnadsnämndens", "stadsbyggnadsnamnden"),
        ("tekniska nämnden", "tekniska-namnden"),
        ("MKB:s", "mkb"),
        ("MKB Fastighets AB", "mkb"),
        ("SBN", "stadsbyggnadsnamnden"),
        ("Parkering Malmös", "parkering-malmo"),
        ("Parkeringsövervakning i Malmö", "parkeringsovervakning"),
        ("Fastighets- och gatukontoret", "tekniska-namnden"),
        ("Stadsbyggnadsnämnden (SBN)", "stadsbyggnadsnamnden"),
    ],
)
def test_a_name_as_written_matches_its_organisation(written: str, key: str, malmo: Directory) -> None:
    org = match_organisation(written, malmo)
    assert org is not None
    assert org.key == key


@pytest.mark.parametrize("written", ["Malmö kommun", "Sensus", "Förvaltnings- och bolagschefsgruppen", "", "nämnd"])
def test_a_name_outside_the_directory_matches_nothing(written: str, malmo: Directory) -> None:
    assert match_organisation(written, malmo) is None


def test_a_name_two_organisations_share_matches_neither() -> None:
    directory = Directory(
        (
            Organisation(key="a", name="Servicenämnden", short_name="SN", kind=OrgKind.NAMND),
            Organisation(key="b", name="Servicebolaget", short_name="SN", kind=OrgKind.BOLAG),
        )
    )
    assert match_organisation("SN", directory) is None
    assert find_organisations("SN ska samordna", directory) == []


# find_organisations ------------------------------------------------------------------------------------


def test_every_organisation_in_a_sentence_is_found_once_in_order(malmo: Directory) -> None:
    sentence = (
        "Vi anser att stadsbyggnadsnämnden bör samordna, med stöd av MKB:s och Tekniska nämndens kunskap; "
        "Stadsbyggnadsnämnden har redan ansvaret."
    )
    assert keys(find_organisations(sentence, malmo)) == ["stadsbyggnadsnamnden", "mkb", "tekniska-namnden"]


def test_the_longest_name_wins_over_a_shorter_one_inside_it(malmo: Directory) -> None:
    found = find_organisations("Parkeringsövervakning i Malmö AB och Hälsa-, vård- och omsorgsnämnden", malmo)
    assert keys(found) == ["parkeringsovervakning", "halsa-vard-och-omsorgsnamnden"]


@pytest.mark.parametrize(
    "sentence",
    [
        "Förslaget följer FN:s barnkonvention.",  # FN is the United Nations in prose, not Förskolenämnden
        "Vi ser ett behov av bättre parkeringsövervakning i området.",  # the activity, not the company
        "Ärendet STK-2023-137 gäller hela staden.",  # a case number, not stadskontoret
        "Nämnderna och bolagen bör samverka mer.",  # plurals name no single organisation
        "mkb och sbn i gemener är inga förkortningar här.",
        "Bostadsbolagen i staden, tekniska lösningar och miljöfrågor.",
    ],
)
def test_ordinary_words_are_not_taken_for_organisations(sentence: str, malmo: Directory) -> None:
    assert find_organisations(sentence, malmo) == []


def test_short_names_count_only_as_whole_tokens(malmo: Directory) -> None:
    assert keys(find_organisations("SBN och MKB", malmo)) == ["stadsbyggnadsnamnden", "mkb"]
    assert find_organisations("SBNX och MKBA", malmo) == []
