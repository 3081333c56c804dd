"""What a decided yttrande states about its decision, each with its sentence; the look-alikes beside them are not."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.domain.decision_offers import decision_offers
from bot.core.domain.remiss import DecidingBody, Position

DECIDED = """Malmö stad
Tekniska nämnden
Yttrande
Datum 2023-11-28
Dnr TN-2023-4410
Er beteckning STK-2023-137
Yttrande över förslag på organisering för hållbar lokal utveckling STK-2023-137
Remissen inkom till nämnden 2023-10-02 och ska besvaras senast den 30 november 2023.
Kommunstyrelsens arbetsutskott beslutade den 9 oktober 2023 att skicka förslaget på remiss.
Tekniska nämnden beslutade vid sitt sammanträde den 23 november 2023, § 212, att lämna följande yttrande.
Tekniska nämnden tillstyrker förslaget.
Nämnden har enligt 6 kap. 2 § kommunallagen ansvar för sin egen verksamhet, och hänvisar till SOU 2023:12.
"""


def test_a_decided_yttrande_offers_each_value_with_its_sentence() -> None:
    offers = decision_offers(DECIDED, remiss_case_number="STK-2023-137")

    decision = (
        "Tekniska nämnden beslutade vid sitt sammanträde den 23 november 2023, § 212, att lämna följande yttrande."
    )
    assert offers.position is not None and offers.position.value is Position.TILLSTYRKER
    assert offers.position.sentence == "Tekniska nämnden tillstyrker förslaget."
    assert offers.meeting_date is not None and offers.meeting_date.value == date(2023, 11, 23)
    assert offers.meeting_date.sentence == decision
    assert offers.paragraph is not None and offers.paragraph.value == "§ 212"
    assert offers.paragraph.sentence == decision
    assert offers.deciding_body is not None
    assert offers.deciding_body.value is DecidingBody.NAMND
    assert offers.decided_by is not None and offers.decided_by.value == "Tekniska nämnden"
    assert offers.their_case_number is not None and offers.their_case_number.value == "TN-2023-4410"
    assert offers.their_case_number.sentence == "Dnr TN-2023-4410"


def test_the_look_alikes_alone_offer_nothing() -> None:
    decoys = (
        "Remissen inkom 2023-10-02.\n"
        "Svar ska lämnas senast 30 november.\n"
        "Kommunstyrelsens arbetsutskott beslutade 2023-10-09 att remittera förslaget.\n"
        "Enligt 6 kap. 2 § kommunallagen och 3 kap. 5 § förvaltningslagen.\n"
        "Se även SOU 2023:12 och Ds 2022:7.\n"
        "Er beteckning STK-2023-137\n"
        "Vår referens Lisa Berg\n"
        "Förvaltningen anser att förslaget är bra och välkomnar det.\n"
        "Tekniska nämnden beslutade den 4 maj 2022 att starta ett pilotprojekt om lastcyklar.\n"
    )

    offers = decision_offers(decoys, remiss_case_number="STK-2023-137")

    assert offers.position is None
    assert offers.meeting_date is None
    assert offers.paragraph is None
    assert offers.deciding_body is None
    assert offers.their_case_number is None


@pytest.mark.parametrize(
    ("sentence", "position"),
    [
        ("Miljönämnden tillstyrker förslaget i sin helhet.", Position.TILLSTYRKER),
        ("Nämnden ställer sig positiv till förslaget.", Position.TILLSTYRKER),
        ("Styrelsen ställer sig i huvudsak positiv till förslaget.", Position.TILLSTYRKER),
        ("Kulturnämnden avstyrker förslaget.", Position.AVSTYRKER),
        ("Nämnden tillstyrker inte förslaget.", Position.AVSTYRKER),
        ("Styrelsen för Parkering Malmö har inga invändningar mot förslaget.", Position.INGA_SYNPUNKTER),
        ("Servicenämnden har inga synpunkter.", Position.INGA_SYNPUNKTER),
        ("Nämnden föreslår ändringar i avsnittet om ekonomi.", Position.FORESLAR_ANDRINGAR),
        ("Fritidsnämnden tillstyrker förslaget med följande ändringar.", Position.FORESLAR_ANDRINGAR),
    ],
)
def test_position_as_boards_state_it(sentence: str, position: Position) -> None:
    offers = decision_offers(f"Yttrande\n{sentence}\n")

    assert offers.position is not None and offers.position.value is position
    assert offers.position.sentence == sentence


def test_a_yes_with_changes_proposed_later_is_changes_and_a_yes_and_a_no_is_nothing() -> None:
    changes = decision_offers("Nämnden tillstyrker förslaget. Nämnden föreslår dock ändringar i tidplanen.\n")
    torn = decision_offers("Nämnden tillstyrker förslaget. Nämnden avstyrker förslaget.\n")

    assert changes.position is not None and changes.position.value is Position.FORESLAR_ANDRINGAR
    assert changes.position.sentence == "Nämnden föreslår dock ändringar i tidplanen."
    assert torn.position is None


def test_no_comments_on_one_question_is_not_the_boards_position() -> None:
    offers = decision_offers("Fråga 3\nNämnden har inga synpunkter på fråga 3.\n")

    assert offers.position is None


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Beslutet fattades vid nämndens sammanträde 2023-11-23.", date(2023, 11, 23)),
        ("Grundskolenämnden beslutade den 19 november 2020 att anta yttrandet.", date(2020, 11, 19)),
        ("Sammanträdesdatum\n2023-12-07", date(2023, 12, 7)),
        ("Yttrande\nDatum 2020-11-19\nNämnden har inga synpunkter.", date(2020, 11, 19)),
        ("Beslutsplanering\nFSN presidium 2023-11-02\nFunktionsstödsnämnden 2023-11-21\nÄrendet", date(2023, 11, 21)),
    ],
)
def test_the_meeting_date_where_it_is_stated(text: str, day: date) -> None:
    offers = decision_offers(text)

    assert offers.meeting_date is not None and offers.meeting_date.value == day


def test_a_memos_date_is_when_it_was_written_not_when_the_board_decided() -> None:
    offers = decision_offers("Datum\n2023-10-30\nTjänsteskrivelse\nFörslag till yttrande\n")

    assert offers.meeting_date is None


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Protokollsutdrag\n§ 123 Yttrande över remiss", "§ 123"),
        ("Nämnden beslutade §123 att yttra sig.", "§ 123"),
        ("Paragraf 45\nYttrande", "§ 45"),
        ("Enligt 6 kap. 2 § kommunallagen. Beslutet togs under § 87.", "§ 87"),
    ],
)
def test_the_minutes_paragraph(text: str, number: str) -> None:
    offers = decision_offers(text)

    assert offers.paragraph is not None and offers.paragraph.value == number


def test_a_rules_paragraph_is_not_the_minutes() -> None:
    assert decision_offers("Beslutet fattas enligt § 5 i delegationsordningen.").paragraph is None


@pytest.mark.parametrize(
    ("text", "body", "name"),
    [
        (
            "Hälsa-, vård- och omsorgsnämnden tillstyrker förslaget.",
            DecidingBody.NAMND,
            "Hälsa-, vård- och omsorgsnämnden",
        ),
        (
            "Miljönämndens arbetsutskott beslutade att lämna yttrandet.",
            DecidingBody.ARBETSUTSKOTT,
            "Miljönämndens arbetsutskott",
        ),
        (
            "Arbetsutskottet beslutade 2023-11-14 att godkänna yttrandet.",
            DecidingBody.ARBETSUTSKOTT,
            "",  # the kind alone, no name: "Arbetsutskottet" says no more than the body's kind
        ),
        ("Presidiet beslutade att yttra sig i ärendet.", DecidingBody.PRESIDIUM, ""),
        (
            "Styrelsen för MKB Fastighets AB har inga invändningar.",
            DecidingBody.STYRELSE,
            "Styrelsen för MKB Fastighets AB",
        ),
        (
            "Beslutet är fattat av förvaltningsdirektören på delegation av nämnden.",
            DecidingBody.DELEGAT,
            "förvaltningsdirektören",
        ),
        ("Delegationsbeslut\nYttrandet lämnas av förvaltningen.", DecidingBody.DELEGAT, ""),
    ],
)
def test_the_deciding_body(text: str, body: DecidingBody, name: str) -> None:
    offers = decision_offers(text)

    assert offers.deciding_body is not None and offers.deciding_body.value is body
    assert (offers.decided_by.value if offers.decided_by else "") == name


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Diarienummer: GRF-2023-9921\nYttrande", "GRF-2023-9921"),
        ("Vår beteckning KS 2023/412\nEr beteckning STK-2023-137", "KS 2023/412"),
        ("Vår beteckning: KS 2023/412, er beteckning: STK-2023-137", "KS 2023/412"),
        ("Yttrande över remiss om parkeringsnorm SBN-2024-77", "SBN-2024-77"),
        ("Yttrande över remiss STK-2023-137\nDnr FN-2023-310", "FN-2023-310"),
    ],
)
def test_the_organisations_own_diarienummer(text: str, number: str) -> None:
    offers = decision_offers(text, remiss_case_number="STK-2023-137")

    assert offers.their_case_number is not None and offers.their_case_number.value == number


def test_a_body_called_only_by_its_kind_offers_the_kind_but_no_name() -> None:
    offers = decision_offers("Nämnden tillstyrker förslaget. Beslutat vid sammanträde 2023-11-23, § 203.")
    assert offers.decided_by is None
    assert offers.deciding_body is not None and offers.deciding_body.value is DecidingBody.NAMND
