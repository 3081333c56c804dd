"""The parser on short texts: each way a field is written, national or municipal, and each look-alike it must not
take."""

from __future__ import annotations

from datetime import date

import pytest

from bot.adapters.importer import Confidence, Field, WarningCode, import_text
from bot.core.domain.organisation import Directory


def codes(text: str, directory: Directory) -> set[WarningCode]:
    return {w.code for w in import_text(text, directory).warnings}


# Case number -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tjänsteskrivelse\n\nNy parkeringsnorm STK-2023-137\n", "STK-2023-137"),
        ("# Remiss av promemorian Ett höjt bidrag vid återvandringDiarienummer: Ju2025/00949\n", "Ju2025/00949"),
        ("I remissvaret anges Regeringskansliets diarienummer N2015/4746/PUB.", "N2015/4746/PUB"),
        ("Ange diarienummer S2023/02147 och remissinstansens namn.", "S2023/02147"),
        ("Dnr KS 2021/123\n\nRemiss om bostadsförsörjning", "KS 2021/123"),
        ("Dnr 23/12\n\nRemiss om bostadsförsörjning", "23/12"),
        ("## Protokollsutdrag\n\nSTK-2019-1248\n", "STK-2019-1248"),
        # Municipal numbers with more parts are read whole.
        ("Dnr KS 2019/412-101\n\nRemiss om ny avfallsplan\n", "KS 2019/412-101"),
        ("Diarienummer: 2021/0077 SBN-3\n\nDetaljplan för Lärkan\n", "2021/0077 SBN-3"),
        ("Vår beteckning RS 00512-2019\n\nRegional plan för kollektivtrafiken\n", "RS 00512-2019"),
        ("Dnr: BUN 2023/155.210\n\nSkolplan\n", "BUN 2023/155.210"),
        ("Dnr 2020/123 KS\n\nRemiss om ny avfallsplan\n", "2020/123 KS"),
        ("Tjänsteskrivelse\n\nNy cykelplan för Lund KS 2019/412-101\n", "KS 2019/412-101"),
        ("Vårt dnr: GYN 2022/88-4\n\nRemiss om gymnasieantagningen\n", "GYN 2022/88-4"),
    ],
)
def test_the_case_number_is_read_in_each_of_its_forms(text: str, expected: str, directory: Directory) -> None:
    assert import_text(text, directory).case_number == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Remiss av SOU 2015:58 EU och kommunernas bostadspolitik. Se även Ds 2008:32.", None),
        ("Förslag till ändring av trafikförordningen (1998:1276) och Boverkets rapport 2015:32.", None),
        ('Vi uppskattar om filnamnet är diarienumret (t.ex. "N2015-55575-MRT X-stads kommun.doc").', None),
        ("Kommunstyrelsen beslöt 3 maj 2017 (STK-2016-965) att starta ett pilotprogram.", None),
        ("Ert dnr STK-2022-55\n\nSvar på er fråga", None),
        ("Hälsningar, Skolinformationsutredningen (U2021:04) och PM S2023:02147.", None),
        # Look-alikes and plain words beside a municipal number are not part of it.
        ("Se SOU 2023:12, Ds 2022:7 och förordningen (2019:412).", None),
        ("Ärendet (dnr 2021/0077 ovan) behandlades i våras.", "2021/0077"),
        ("Dnr 2021/0077 Remiss om bostadsförsörjning", "2021/0077"),
        ("Rapporten 2019-2020 visar att KS 2019/412 fortfarande pågår.", None),
    ],
)
def test_look_alike_numbers_are_not_taken_for_the_case_number_nor_made_part_of_it(
    text: str, expected: str | None, directory: Directory
) -> None:
    assert import_text(text, directory).case_number == expected


def test_a_number_mentioned_only_in_running_text_is_reported_not_used(directory: Directory) -> None:
    result = import_text("Ärendet hänger ihop med uppdraget i STK-2021-623 från förra året.", directory)

    assert result.case_number is None
    assert WarningCode.CASE_NUMBER_ONLY_IN_TEXT in {w.code for w in result.warnings}
    assert "STK-2021-623" in result.warnings[0].message


def test_attachment_numbers_lose_to_the_labelled_diary_number(directory: Directory) -> None:
    text = (
        "- Naturvårdsverkets redovisning (N2015/06887/FJR)\n- Hemställan (N2015/07540/FJR)\n\n"
        "I remissvaret anges Regeringskansliets diarienummer N2015/08683/FJR."
    )
    result = import_text(text, directory)

    assert result.case_number == "N2015/08683/FJR"
    assert result.confidence[Field.CASE_NUMBER] is Confidence.HIGH


@pytest.mark.parametrize(
    "text",
    [
        "Dnr STK-2023-1\n\nRemiss\n\nDiarienummer: STK-2023-2",
        # Two municipal header numbers.
        "Dnr KS 2019/412\n\nRemiss\n\nVår beteckning RS 00512-2019",
    ],
)
def test_two_different_labelled_numbers_give_none_and_a_warning(text: str, directory: Directory) -> None:
    result = import_text(text, directory)

    assert result.case_number is None
    assert WarningCode.AMBIGUOUS_CASE_NUMBER in {w.code for w in result.warnings}


# Deadline ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("… på remiss till berörda nämnder med sista svarsdatum 30 november 2023.", date(2023, 11, 30)),
        ("Remissvaren ska ha kommit in till Näringsdepartementet senast den 15 februari 2016.", date(2016, 2, 15)),
        ("Svar ska ha kommit in till stadskontoret senast den 15 mars 2024.", date(2024, 3, 15)),
        ("Sista dag att svara på remissen är fredagen den 22 januari 2016.", date(2016, 1, 22)),
        (
            "Remissvaren ska ha inkommit till departementet senast fredagen 22 januari 2016 till registrator.",
            date(2016, 1, 22),
        ),
        ("Sista dag att svara på remissen var den 17 januari 2022.", date(2022, 1, 17)),
        ("Svarsdatum: 2024-05-31", date(2024, 5, 31)),
        ("Svaren ska skickas till registrator@malmo.se senast\nden 3 juni 2024.", date(2024, 6, 3)),
        ("Ett skriftligt remissyttrande lämnas till departementet senast den 5 november 2015.", date(2015, 11, 5)),
        # Kommuner and regions.
        ("Synpunkterna ska senast vara inlämnade senast den 12 mars 2024.", date(2024, 3, 12)),
        ("Era synpunkter ska vara kommunen tillhanda senast fredagen den 19 april 2024.", date(2024, 4, 19)),
        ("Svaret ska vara oss tillhanda senast 2019-05-17.", date(2019, 5, 17)),
        ("Yttrandet ska vara oss tillhanda 2021-10-01.", date(2021, 10, 1)),
        ("Remissyttrandena ska ha inkommit senast 15 oktober 2024.", date(2024, 10, 15)),
        ("Fram till den 3 maj 2022 kan du lämna synpunkter på förslaget.", date(2022, 5, 3)),
        ("Till och med den 30 september 2023 går det att lämna synpunkter på planen.", date(2023, 9, 30)),
        ("Senast den 8 november 2024 vill vi ha nämndens svar.", date(2024, 11, 8)),
        ("Synpunkter kan lämnas till och med 2023-06-30 via e-post.", date(2023, 6, 30)),
        # "före den 1 juni" is before that day: the last day is 31 maj (see test_import_deadline_wordings.py).
        ("Remissvaren ska skickas till registrator@region.se före den 1 juni 2024.", date(2024, 5, 31)),
        ("Sista dag för synpunkter är den 14 februari 2025.", date(2025, 2, 14)),
        ("Svarstiden går ut den 31 januari 2025.", date(2025, 1, 31)),
        ("Nämndernas svar ska vara inkomna senast\nden 2 december 2024 till kommunstyrelsen.", date(2024, 12, 2)),
        # A stated remiss period ends on the deadline.
        ("Remisstid: 15 januari–12 mars 2024", date(2024, 3, 12)),
        ("Remisstiden pågår från den 1 mars till den 12 april 2024.", date(2024, 4, 12)),
        ("Remisstiden är kort, men svar önskas senast den 5 april 2024.", date(2024, 4, 5)),
        # The letter's date, a page stamp and a decision date beside the deadline are never it.
        (
            "Datum 2024-01-03\nSenast uppdaterad 2024-01-03\nRegionstyrelsen beslutade den 12 januari 2024 att"
            " remittera förslaget.\nSynpunkter ska ha kommit in senast den 15 mars 2024.",
            date(2024, 3, 15),
        ),
        (
            "Datum 2024-01-03\nRegionstyrelsen beslutade den 12 januari 2024 att skicka förslaget på remiss med svar"
            " senast 15 mars 2024.",
            date(2024, 3, 15),
        ),
        ("Lund 2024-01-03\n\nSvaret ska vara oss tillhanda senast fredagen den 15 mars 2024.", date(2024, 3, 15)),
    ],
)
def test_the_deadline_is_read_from_each_phrasing(text: str, expected: date, directory: Directory) -> None:
    assert import_text(text, directory).deadline == expected


@pytest.mark.parametrize(
    "text",
    [
        "Datum 2023-09-27. Kommunstyrelsens arbetsutskott 2020-06-08, Kommunstyrelsen 2020-06-17.",
        "Utredningen lämnade den 18 april 2024 sitt slutbetänkande. Beslutet fattades den 28 maj 2015.",
        "Anmälan till remissmötet görs senast den 27 oktober 2015.",
        "Överklagande ska ha kommit in senast den 1 december 2023.",
        "Arbetet med caset, Lindängen, avslutas 31 december 2020.",
        "Nämnder som fått anstånd ska ha svarat senast den 15 januari 2024.",
        # Kommuner and regions.
        "Svar på vanliga frågor\nSenast uppdaterad 12 mars 2024",
        "Kulturnämnden beslutade den 14 juni 2023 att ta fram en ny strategi.",
        "Fram till den 3 maj 2022 pågick arbetet med planprogrammet.",
        "Synpunkter som kom in före den 1 mars 2023 har arbetats in i förslaget.",
        "Till och med den 31 december 2023 gäller det gamla avtalet.",
        "Ett öppet möte om förslaget hålls den 20 april 2022, och där kan synpunkter lämnas.",
        "Anstånd med svaret kan ges till och med den 30 april 2024.",
        "Nämnder som behöver förlängd svarstid kan ansöka om anstånd till den 30 april 2024.",
        "Avtalet med entreprenören har förlängts till den 31 december 2025.",
        "Nämnderna bör lämna sina synpunkter i god tid före budgetarbetet.",
        # Without a deadline phrase no date becomes the deadline.
        "Datum 2024-01-03\nSenast uppdaterad 2024-01-10",
        "Nämnden beslutade den 12 januari 2024 att lämna synpunkter på förslaget.",
        "Regionstyrelsen beslutade den 12 januari 2024 att remittera förslaget.",
        "Remisstiden är sex veckor enligt stadens riktlinjer.",
    ],
)
def test_other_dates_are_not_taken_for_the_deadline(text: str, directory: Directory) -> None:
    assert import_text(text, directory).deadline is None


@pytest.mark.parametrize(
    ("text", "first", "second"),
    [
        (
            "Sista svarsdatum är 30 november 2023.\n\nSvaren ska ha kommit in senast den 15 december 2023.",
            "30 november 2023",
            "15 december 2023",
        ),
        (
            "Synpunkter ska lämnas senast den 1 mars 2024.\n\nSvaren ska vara oss tillhanda senast den 8 mars 2024.",
            "1 mars 2024",
            "8 mars 2024",
        ),
    ],
)
def test_two_candidate_deadlines_give_none_and_a_warning(
    text: str, first: str, second: str, directory: Directory
) -> None:
    result = import_text(text, directory)

    assert result.deadline is None
    assert Field.DEADLINE in result.missing
    warning = next(w for w in result.warnings if w.code is WarningCode.AMBIGUOUS_DEADLINE)
    assert first in warning.message
    assert second in warning.message


def test_the_answer_deadline_wins_over_a_weaker_phrase_with_a_warning(directory: Directory) -> None:
    text = "Sista svarsdatum är 30 november 2023. Nämndens yttrande kan kompletteras senast 10 december 2023."
    result = import_text(text, directory)

    assert result.deadline == date(2023, 11, 30)
    assert WarningCode.OTHER_DEADLINE_IGNORED in {w.code for w in result.warnings}


def test_the_same_deadline_stated_twice_is_one_deadline(directory: Directory) -> None:
    text = (
        "Sista dag att svara på remissen är den 15 februari 2016.\n\n"
        "Remissvaren ska vara inkomna till Näringsdepartementet senast den 15 februari 2016."
    )
    result = import_text(text, directory)

    assert result.deadline == date(2016, 2, 15)
    assert result.warnings == ()


def test_a_deadline_without_a_year_is_not_completed_with_a_guess(directory: Directory) -> None:
    result = import_text("Svar ska ha kommit in till stadskontoret senast den 15 mars.", directory)

    assert result.deadline is None
    assert WarningCode.DEADLINE_WITHOUT_YEAR in {w.code for w in result.warnings}


# Recipients --------------------------------------------------------------------------------------------


def test_a_numbered_list_with_wrapped_lines_and_blank_lines_is_read_exactly(directory: Directory) -> None:
    text = (
        "## Remissinstanser:\n\nl. Kammarrätten \u00a0i Göteborg\n\n2. Lika Unika, Federationen för personer med\n"
        "funktionsnedsättning\n3. Forskningsrådet för miljö\n(Formas)\n\nRegeringskansliet önskar synpunkter."
    )
    names = [r.name for r in import_text(text, directory).recipients]

    assert names == [
        "Kammarrätten i Göteborg",
        "Lika Unika, Federationen för personer med funktionsnedsättning",
        "Forskningsrådet för miljö (Formas)",
    ]


def test_the_senders_own_staff_is_not_a_recipient_but_names_the_sender(directory: Directory) -> None:
    text = "Beslutet skickas till\n\nMiljönämnden\nMKB\nStadskontorets handläggare\n\nÄrendet\n\nText."
    result = import_text(text, directory)

    assert [r.name for r in result.recipients] == ["Miljönämnden", "MKB"]
    assert result.sender == "Stadskontoret"


def test_an_inline_list_keeps_names_with_commas_and_och_whole(directory: Directory) -> None:
    text = "Beslutet skickas till: Hälsa-, vård- och omsorgsnämnden, Gymnasie- och vuxenutbildningsnämnden och MKB"
    result = import_text(text, directory)

    assert [r.name for r in result.recipients] == [
        "Hälsa-, vård- och omsorgsnämnden",
        "Gymnasie- och vuxenutbildningsnämnden",
        "MKB",
    ]
    assert result.unmatched_recipients == ()


def test_a_sentence_about_recipients_is_not_a_list(directory: Directory) -> None:
    text = "Remissinstanserna kan utan kostnad få ytterligare högst ett exemplar av betänkandet."
    assert import_text(text, directory).recipients == ()


def test_recipients_match_the_directory_in_any_spelling_and_unknown_ones_are_listed(
    directory: Directory,
) -> None:
    text = "Sändlista\n\nHälsa- vård och omsorgsnämnden\nStadsbyggnadsnämnden\nSensus\n"
    result = import_text(text, directory)

    keys = [r.organisation.key if r.organisation else None for r in result.recipients]
    assert keys == ["halsa-vard-och-omsorgsnamnden", "stadsbyggnadsnamnden", None]
    assert result.unmatched_recipients == ("Sensus",)
    assert WarningCode.UNMATCHED_RECIPIENTS in {w.code for w in result.warnings}


# Questions ---------------------------------------------------------------------------------------------


def test_contact_lines_about_questions_are_not_questions(directory: Directory) -> None:
    text = (
        "Frågor under remisstiden besvaras av Eva Centeno López, eva.centeno-lopez@regeringskansliet.se.\n\n"
        "Vid rättsliga frågor avseende remissen kontaktas ämnesrådet Jacob Wichmann.\n\n"
        "1. Inledning\n2. Bakgrund\n"
    )
    result = import_text(text, directory)

    assert result.questions == ()
    assert result.contact is not None
    assert result.contact.name == "Eva Centeno López"


def test_numbered_lists_outside_a_questions_section_are_not_questions(directory: Directory) -> None:
    text = "Delaktighet\n\n1. Valdeltagande i riksdagsval\n2. Deltagande i fritidsaktiviteter\n"
    assert import_text(text, directory).questions == ()


def test_questions_under_remissfragor_are_read_with_their_wrapped_lines(directory: Directory) -> None:
    text = (
        "Remissfrågor\n\nVi vill särskilt ha svar på följande:\n\n1. Hur ser nämnden på\nförslaget?\n"
        "2. Vem bör samordna?\n\nAnsvariga\n"
    )
    result = import_text(text, directory)

    assert result.questions == ("Hur ser nämnden på förslaget?", "Vem bör samordna?")


# Title -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Datum\n2023-09-27\n\nTjänsteskrivelse\n\nNy norm; nu fråga om remiss STK-2023-1\n", "Ny norm"),
        ("## Näringsdepartementet\n\n# Remiss av promemorian Ny lag\n\n## Bakgrund\n", "Remiss av promemorian Ny lag"),
        ("## Protokollsutdrag\n\n## § 396 Program Lindängen, avslut\n", "Program Lindängen, avslut"),
        # A municipal memo's ärendemening.
        (
            "Stadsbyggnadskontoret\n2022-03-28\nDnr 2021/0077 SBN-3\n\nDetaljplan för kvarteret Lärkan i Husie\n\n"
            "Sammanfattning\n\nPlanen gör det möjligt att bygga en förskola.\n",
            "Detaljplan för kvarteret Lärkan i Husie",
        ),
        ("Kommunstyrelsen\n\nÄrende: Remiss om ny avfallsplan\n\nDnr KS 2024/12\n", "Remiss om ny avfallsplan"),
        (
            "Malmö stad\n\nNy riktlinje för bostadsanpassning\n\nFörslag till beslut\n\nNämnden föreslås besluta.\n",
            "Ny riktlinje för bostadsanpassning",
        ),
        (
            "Tjänsteskrivelse\n2024-01-15\nDnr KN 2024/31-101\n\nKulturstrategi för Malmö 2025–2030\n\n"
            "Sammanfattning\n",
            "Kulturstrategi för Malmö 2025–2030",
        ),
    ],
)
def test_the_title_is_the_memo_line_the_top_heading_or_the_arendemening(
    text: str, expected: str, directory: Directory
) -> None:
    assert import_text(text, directory).title == expected


# Whole documents ---------------------------------------------------------------------------------------


def test_a_text_without_structure_gives_nothing_and_says_so(directory: Directory) -> None:
    result = import_text("Hej! Vi ses på fredag vid kaffeautomaten, ta med kakor.", directory)

    assert result.missing == tuple(Field)
    assert [w.code for w in result.warnings] == [WarningCode.NO_STRUCTURE]


def test_a_national_remiss_to_the_city_asks_the_coordinator_to_choose_boards(directory: Directory) -> None:
    text = "## Remissinstanser\n\n1. Boverket\n2. Malmö kommun\n3. Region Skåne\n"
    assert WarningCode.MUNICIPALITY_IS_RECIPIENT in codes(text, directory)


def test_the_json_form_has_exactly_the_issues_keys(directory: Directory) -> None:
    result = import_text("Dnr STK-2024-1\n\nSista svarsdatum 1 mars 2024.\n\nSändlista\n\nMKB\nSensus\n", directory)

    assert result.to_json_dict() == {
        "case_number": "STK-2024-1",
        "title": None,
        "short_title": None,
        "sender": "Stadskontoret",
        "deadline": "2024-03-01",
        "recipients": ["MKB", "Sensus"],
        "questions": [],
        "unmatched_recipients": ["Sensus"],
        "references": [],
        "warnings": [result.warnings[0].message],
    }


# Kortrubrik ----------------------------------------------------------------------------------------------

LONG_TITLE = (
    "Uppdrag budget 2023 - Definiera och starta ett långsiktigt och strategiskt områdeslyft i Malmös "
    "socioekonomiskt svaga delar"
)


@pytest.mark.parametrize("label", ["Kortrubrik:", "Kort rubrik:", "KORTRUBRIK :"])
def test_a_labelled_kortrubrik_is_taken_as_the_document_states_it(label: str, directory: Directory) -> None:
    text = f"Tjänsteskrivelse\n\n{LONG_TITLE} STK-2023-137\n\n{label}  Områdeslyft i   Malmö\n"
    result = import_text(text, directory)

    assert (result.title, result.short_title, result.kortrubrik) == (
        LONG_TITLE,
        "Områdeslyft i Malmö",
        "Områdeslyft i Malmö",
    )
    assert result.to_json_dict()["short_title"] == "Områdeslyft i Malmö"


def test_a_kortrubrik_above_the_title_line_does_not_take_the_titles_place(directory: Directory) -> None:
    text = f"Tjänsteskrivelse\n\nKortrubrik: Områdeslyft\n{LONG_TITLE} STK-2023-137\n"
    result = import_text(text, directory)

    assert (result.case_number, result.title, result.short_title) == ("STK-2023-137", LONG_TITLE, "Områdeslyft")


def test_a_short_title_line_beside_a_long_arendemening_is_the_kortrubrik(directory: Directory) -> None:
    text = f"Tjänsteskrivelse\n\nOmrådeslyft i Malmö STK-2023-137\n\nÄrendemening: {LONG_TITLE}\n"
    result = import_text(text, directory)

    assert (result.title, result.short_title) == (LONG_TITLE, "Områdeslyft i Malmö")


def test_without_a_stated_kortrubrik_one_is_suggested_from_the_title(directory: Directory) -> None:
    result = import_text(f"Tjänsteskrivelse\n\n{LONG_TITLE} STK-2023-137\n", directory)

    assert result.short_title is None
    assert result.kortrubrik == "Definiera och starta ett långsiktigt och strategiskt"


def test_a_stated_kortrubrik_over_60_characters_is_not_taken(directory: Directory) -> None:
    text = f"Tjänsteskrivelse\n\n{LONG_TITLE}\n\nKortrubrik: {'Lång ' * 14}\n"
    result = import_text(text, directory)

    assert result.short_title is None
    assert result.kortrubrik is not None and len(result.kortrubrik) <= 60
