"""Municipal remisses (kommun and region): the extension warning, the header's own number over cited ones,
recipients named in a sentence, what is no ärendemening; each with look-alikes beside it. Their deadline wordings,
case numbers with parts and ärendemening titles stand in test_import_parser.py's tables of each field's forms."""

from __future__ import annotations

from datetime import date

import pytest

from bot.adapters.importer import Confidence, Field, WarningCode, import_text
from bot.core.domain.organisation import Directory

# Deadline ----------------------------------------------------------------------------------------------


def test_the_extension_warning_names_the_original_date(directory: Directory) -> None:
    text = "Yttrandet ska vara oss tillhanda senast 2019-05-17.\n\nRemisstiden har förlängts till den 14 juni 2019."
    result = import_text(text, directory)

    warning = next(w for w in result.warnings if w.code is WarningCode.DEADLINE_EXTENDED)
    assert result.deadline == date(2019, 6, 14)
    assert warning.message == "Svarstiden har förlängts: sista svarsdatum är 14 juni 2019 i stället för 17 maj 2019."


# Case number -------------------------------------------------------------------------------------------


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
