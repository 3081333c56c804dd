"""Municipal remisses (kommun and region): deadline wordings, case numbers with parts, the header's own number
over cited ones, recipients named in a sentence, the ärendemening as title; each with look-alikes beside it."""

from __future__ import annotations

from datetime import date

import pytest

from bot.adapters.importer import Confidence, Field, WarningCode, import_text
from bot.core.domain.organisation import Directory


def codes(text: str, directory: Directory) -> set[WarningCode]:
    return {w.code for w in import_text(text, directory).warnings}


# Deadline ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
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
    ],
)
def test_each_municipal_deadline_wording_is_read(text: str, expected: date, directory: Directory) -> None:
    assert import_text(text, directory).deadline == expected


@pytest.mark.parametrize(
    "text",
    [
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
    ],
)
def test_dates_that_are_not_the_deadline_are_left_alone(text: str, directory: Directory) -> None:
    assert import_text(text, directory).deadline is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
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
def test_an_extended_deadline_wins_over_the_original(text: str, expected: date, directory: Directory) -> None:
    result = import_text(text, directory)

    assert result.deadline == expected
    assert result.confidence[Field.DEADLINE] is Confidence.HIGH
    assert WarningCode.DEADLINE_EXTENDED in codes(text, directory)


def test_the_extension_warning_names_the_original_date(directory: Directory) -> None:
    text = "Yttrandet ska vara oss tillhanda senast 2019-05-17.\n\nRemisstiden har förlängts till den 14 juni 2019."
    result = import_text(text, directory)

    warning = next(w for w in result.warnings if w.code is WarningCode.DEADLINE_EXTENDED)
    assert result.deadline == date(2019, 6, 14)
    assert warning.message == "Svarstiden har förlängts: sista svarsdatum är 14 juni 2019 i stället för 17 maj 2019."


def test_two_different_municipal_deadlines_still_give_none(directory: Directory) -> None:
    text = "Synpunkter ska lämnas senast den 1 mars 2024.\n\nSvaren ska vara oss tillhanda senast den 8 mars 2024."
    result = import_text(text, directory)

    assert result.deadline is None
    assert WarningCode.AMBIGUOUS_DEADLINE in {w.code for w in result.warnings}


# Case number -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dnr KS 2019/412-101\n\nRemiss om ny avfallsplan\n", "KS 2019/412-101"),
        ("Diarienummer: 2021/0077 SBN-3\n\nDetaljplan för Lärkan\n", "2021/0077 SBN-3"),
        ("Vår beteckning RS 00512-2019\n\nRegional plan för kollektivtrafiken\n", "RS 00512-2019"),
        ("Dnr: BUN 2023/155.210\n\nSkolplan\n", "BUN 2023/155.210"),
        ("Dnr 2020/123 KS\n\nRemiss om ny avfallsplan\n", "2020/123 KS"),
        ("Tjänsteskrivelse\n\nNy cykelplan för Lund KS 2019/412-101\n", "KS 2019/412-101"),
        ("Vårt dnr: GYN 2022/88-4\n\nRemiss om gymnasieantagningen\n", "GYN 2022/88-4"),
    ],
)
def test_case_numbers_with_more_parts_are_read_whole(text: str, expected: str, directory: Directory) -> None:
    assert import_text(text, directory).case_number == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Se SOU 2023:12, Ds 2022:7 och förordningen (2019:412).", None),
        ("Ärendet (dnr 2021/0077 ovan) behandlades i våras.", "2021/0077"),
        ("Dnr 2021/0077 Remiss om bostadsförsörjning", "2021/0077"),
        ("Rapporten 2019-2020 visar att KS 2019/412 fortfarande pågår.", None),
    ],
)
def test_look_alikes_and_plain_words_are_not_part_of_the_case_number(
    text: str, expected: str | None, directory: Directory
) -> None:
    assert import_text(text, directory).case_number == expected


def test_the_header_number_is_the_case_number_and_a_cited_one_is_kept_as_a_reference(directory: Directory) -> None:
    text = (
        "Kommunstyrelsen\nDnr KS 2019/412-101\n\nRemiss om regional plan för kollektivtrafiken\n\n"
        "Region Skåne har remitterat planen (dnr RS 00512-2019) till kommunen för yttrande."
    )
    result = import_text(text, directory)

    assert result.case_number == "KS 2019/412-101"
    assert result.confidence[Field.CASE_NUMBER] is Confidence.HIGH
    assert result.references == ("RS 00512-2019",)
    warning = next(w for w in result.warnings if w.code is WarningCode.CASE_NUMBER_REFERENCES)
    assert "RS 00512-2019" in warning.message


def test_their_reference_is_never_the_case_number_but_is_reported(directory: Directory) -> None:
    result = import_text("Vårt dnr GRN-2024-118\nErt dnr STK-2024-77\n\nSvar på remiss om skolvägar", directory)

    assert result.case_number == "GRN-2024-118"
    assert result.references == ("STK-2024-77",)


def test_a_document_that_only_cites_a_number_has_no_case_number_but_keeps_the_reference(directory: Directory) -> None:
    result = import_text("Er beteckning: KS 2019/412-101\n\nSvar angående remiss om avfallsplan", directory)

    assert result.case_number is None
    assert result.references == ("KS 2019/412-101",)


def test_two_header_numbers_still_give_none(directory: Directory) -> None:
    result = import_text("Dnr KS 2019/412\n\nRemiss\n\nVår beteckning RS 00512-2019", directory)

    assert result.case_number is None
    assert WarningCode.AMBIGUOUS_CASE_NUMBER in {w.code for w in result.warnings}


# Recipients named in a sentence ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Förslaget remitteras till kulturförvaltningen, serviceförvaltningen och stadsbyggnadskontoret.",
            ["kulturnamnden", "servicenamnden", "stadsbyggnadsnamnden"],
        ),
        (
            "Ärendet har remitterats till förskolenämnden och grundskolenämnden för yttrande senast den 1 mars 2024.",
            ["forskolenamnden", "grundskolenamnden"],
        ),
        (
            "Kommunstyrelsen skickar förslaget på remiss till tekniska nämnden och miljönämnden.",
            ["tekniska-namnden", "miljonamnden"],
        ),
        (
            "Fritidsnämnden, kulturnämnden och hälsa-, vård- och omsorgsnämnden ombeds yttra sig över förslaget.",
            ["fritidsnamnden", "kulturnamnden", "halsa-vard-och-omsorgsnamnden"],
        ),
        (
            "Planen har skickats ut på remiss till arbetsmarknads- och socialförvaltningen\noch MKB.",
            ["arbetsmarknads-och-socialnamnden", "mkb"],
        ),
    ],
)
def test_recipients_named_in_a_sentence_match_the_directory(
    text: str, expected: list[str], directory: Directory
) -> None:
    result = import_text(text, directory)

    assert [r.organisation.key if r.organisation else None for r in result.recipients] == expected
    assert result.confidence[Field.RECIPIENTS] is Confidence.MEDIUM


def test_bodies_outside_the_directory_are_kept_as_written_with_a_capital(directory: Directory) -> None:
    result = import_text("Remissen har skickats till Lunds kommun, Region Skåne och trafikverket.", directory)

    assert [r.name for r in result.recipients] == ["Lunds kommun", "Region Skåne", "Trafikverket"]
    assert result.unmatched_recipients == ("Lunds kommun", "Region Skåne", "Trafikverket")


@pytest.mark.parametrize(
    "text",
    [
        "Förslaget föreslås skickas på remiss till berörda nämnder och kommunala bolag för synpunkter.",
        "Betänkandet remitteras härmed till ovanstående remissinstanser.",
        "Ärendet remitteras till nämnden för beredning.",
        "Kulturförvaltningen har tagit fram förslaget tillsammans med serviceförvaltningen.",
        "Samtliga förvaltningar ombeds yttra sig över förslaget.",
    ],
)
def test_groups_of_bodies_and_bodies_merely_mentioned_are_not_recipients(text: str, directory: Directory) -> None:
    assert import_text(text, directory).recipients == ()


def test_a_recipient_list_wins_over_a_sentence(directory: Directory) -> None:
    text = "Ärendet remitteras till kulturförvaltningen.\n\nBeslutet skickas till\n\nMiljönämnden\nMKB\n"
    result = import_text(text, directory)

    assert [r.name for r in result.recipients] == ["Miljönämnden", "MKB"]


# Title: the ärendemening ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
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
def test_the_arendemening_is_the_title(text: str, expected: str, directory: Directory) -> None:
    assert import_text(text, directory).title == expected


@pytest.mark.parametrize(
    "text",
    [
        "Dnr KS 2024/12\n\nSvar ska lämnas senast den 1 mars 2024.\n\nSammanfattning\n",
        "Dnr KS 2024/12\n\nAnna Andersson\n\nSammanfattning\n",
        "Dnr KS 2024/12\n\n2024-01-15\n\nSammanfattning\n",
    ],
)
def test_no_title_is_made_of_a_sentence_a_name_or_a_date(text: str, directory: Directory) -> None:
    result = import_text(text, directory)

    assert result.title is None
    assert Field.TITLE in result.missing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Remisstid: 15 januari–12 mars 2024", date(2024, 3, 12)),
        ("Remisstiden pågår från den 1 mars till den 12 april 2024.", date(2024, 4, 12)),
        ("Remisstiden är kort, men svar önskas senast den 5 april 2024.", date(2024, 4, 5)),
    ],
)
def test_a_stated_remiss_period_ends_on_the_deadline(text: str, expected: date, directory: Directory) -> None:
    assert import_text(text, directory).deadline == expected


def test_a_remiss_period_without_a_date_gives_none(directory: Directory) -> None:
    assert import_text("Remisstiden är sex veckor enligt stadens riktlinjer.", directory).deadline is None


def test_a_sentence_announcing_a_list_reads_the_list_under_it(directory: Directory) -> None:
    text = (
        "Förslaget remitteras till följande nämnder och bolag:\n\nKulturnämnden\nFritidsnämnden\nMKB\n\n"
        "Ärendet\n\nText."
    )
    result = import_text(text, directory)

    assert [r.name for r in result.recipients] == ["Kulturnämnden", "Fritidsnämnden", "MKB"]


def test_a_sentence_announcing_questions_is_not_a_recipient_list(directory: Directory) -> None:
    text = "Nämnderna ombeds särskilt svara på följande frågor:\n\n1. Delar ni målen?\n2. Vad saknas?\n"
    result = import_text(text, directory)

    assert result.recipients == ()
    assert result.questions == ("Delar ni målen?", "Vad saknas?")


def test_a_labelled_number_in_the_attachment_list_is_a_reference_not_a_rival(directory: Directory) -> None:
    body = "\n\n".join(f"Stycke {n} om planen." for n in range(40))
    text = f"Dnr KS 2024/12\n\nRemiss om ny avfallsplan\n\n{body}\n\nBilagor\n\nBilaga 1: Protokoll, dnr KS 2018/100\n"
    result = import_text(text, directory)

    assert result.case_number == "KS 2024/12"
    assert result.references == ("KS 2018/100",)


def test_the_document_type_line_between_number_and_matter_is_not_the_title(directory: Directory) -> None:
    text = "Dnr KS 2024/12\n\nYTTRANDE\n\nSvar på remiss om ny avfallsplan\n\nSammanfattning\n"
    assert import_text(text, directory).title == "Svar på remiss om ny avfallsplan"
