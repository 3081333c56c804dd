"""The answering side's documents as boards write them (a nämnd's yttrande, a protokollsutdrag, a bolag's styrelse,
a tjänsteskrivelse, seed 003): who answers, its own and the cited diarienummer, the deciding body, the meeting
date, the §, the position (overall and per question), each with where it was found; the decoys beside them (a
date that is not the meeting's, the remiss's number against the board's, "avstyrker inte", "tillstyrker delvis",
another body's position) are not taken."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.core.domain.answer_parties import answering_organisation, check_parties
from bot.core.domain.answer_text import Location
from bot.core.domain.decision_offers import DecisionOffers, decision_offers
from bot.core.domain.organisation import Directory, Organisation, OrgKind
from bot.core.domain.remiss import DecidingBody, Position
from tests.system import missing

REMISS = "STK-2023-137"
SEED_003 = Path("/work/shared/seeds/003_c7a0c7707e5bf79a.txt")

DIRECTORY = Directory(
    (
        Organisation("stadskontoret", "Stadskontoret", "STK", OrgKind.FORVALTNING, aliases=("Kommunstyrelsen",)),
        Organisation("tekniska-namnden", "Tekniska nämnden", "TN", OrgKind.NAMND),
        Organisation("miljonamnden", "Miljönämnden", "MN", OrgKind.NAMND),
        Organisation("grundskolenamnden", "Grundskolenämnden", "GRN", OrgKind.NAMND),
        Organisation("funktionsstodsnamnden", "Funktionsstödsnämnden", "FSN", OrgKind.NAMND),
        Organisation("stadsbyggnadsnamnden", "Stadsbyggnadsnämnden", "SBN", OrgKind.NAMND),
        Organisation("arbetsmarknads-och-socialnamnden", "Arbetsmarknads- och socialnämnden", "ASN", OrgKind.NAMND),
        Organisation("mkb", "MKB", "MKB", OrgKind.BOLAG, aliases=("MKB Fastighets AB",)),
    )
)

# A nämnd's decided yttrande, with a stated yes that has a "men", another body's reported no, and an
# "avstyrker inte" about a detail.
NAMND = """Malmö stad
Tekniska nämnden
Yttrande
Datum 2023-11-28
Vår beteckning TN-2023-4410
Er beteckning STK-2023-137
Till
Kommunstyrelsen
Yttrande över förslag på organisering för hållbar lokal utveckling
Kommunstyrelsen har remitterat förslaget till nämnden. Remissen inkom 2023-10-02 och ska besvaras senast den
30 november 2023.
Tekniska nämnden beslutade vid sitt sammanträde den 23 november 2023, § 212, att lämna följande yttrande.
Tekniska nämnden ställer sig positiv till förslaget men anser att tidplanen för införandet bör förlängas.
Miljönämnden avstyrker i sitt yttrande förslaget i dess nuvarande form.
Nämnden avstyrker inte att arbetet samordnas av stadskontoret.
För Tekniska nämnden
Lars Ordförande
"""

# A protokollsutdrag: "§ 123", the decision as "att"-items, a reservation for a no, the justering's date.
PROTOKOLL = """Malmö stad
Grundskolenämnden
Protokollsutdrag
Sammanträdesdatum 2023-11-22
§ 123 Yttrande över remiss – Förslag på organisering för hållbar lokal utveckling
GRN-2023-8812
Sammanfattning
Kommunstyrelsen har skickat förslaget (STK-2023-137) på remiss till nämnden med svar senast 30 november 2023.
Grundskoleförvaltningen har tagit fram ett förslag till yttrande daterat 2023-11-02.
Beslut
Grundskolenämnden beslutar
1. att tillstyrka förslaget delvis i enlighet med förvaltningens förslag till yttrande,
2. att översända yttrandet till kommunstyrelsen.
Reservation
Ledamöterna för (M) reserverar sig till förmån för eget yrkande om att nämnden avstyrker förslaget.
Justeringsdatum 2023-11-29
Protokollet omfattar §§ 118–131
"""

# A bolag's styrelse answers; its "Ert dnr" has two digits swapped (STK-2023-173), and another body is quoted.
BOLAG = """MKB Fastighets AB
Protokollsutdrag från styrelsemöte
Diarienummer: MKB 2023/118
Ert dnr: STK-2023-173
Yttrande över remiss om organisering för hållbar lokal utveckling
Styrelsen för MKB Fastighets AB behandlade ärendet vid sammanträdet den 20 november 2023, § 14.
Styrelsen har inget att invända mot förslaget.
Stadsbyggnadsnämnden ställer sig positiv till förslaget.
Kopia till
Stadsbyggnadsnämnden
"""

# A tjänsteskrivelse: its Datum is the day it was written; the board decides at the last step of the
# beslutsplanering; "under förutsättning att" limits the yes; another nämnd's yes is reported.
TJANSTESKRIVELSE = """Malmö stad
Funktionsstödsförvaltningen
Tjänsteskrivelse
Datum 2023-10-30
Diarienummer FSN-2023-2211
Yttrande över remiss från kommunstyrelsen – organisering för hållbar lokal utveckling (STK-2023-137)
Förslag till beslut
Funktionsstödsnämnden tillstyrker förslaget under förutsättning att finansieringen av uppdraget säkerställs.
Funktionsstödsnämnden översänder yttrandet till kommunstyrelsen.
Beslutsplanering
Funktionsstödsnämndens arbetsutskott 2023-11-07
Funktionsstödsnämnden 2023-11-21
Ärendet
Kommunstyrelsen beslutade den 9 oktober 2023 att remittera förslaget. Grundskolenämnden tillstyrker förslaget
enligt sitt yttrande den 2 november 2023.
"""


def org(key: str) -> Organisation:
    found = DIRECTORY.get(key)
    assert found is not None
    return found


def value(offers: DecisionOffers, name: str) -> object:
    offer = getattr(offers, name)
    return offer.value if offer is not None else None


def test_a_namnds_yttrande() -> None:
    offers = decision_offers(NAMND, remiss_case_number=REMISS)

    decision = (
        "Tekniska nämnden beslutade vid sitt sammanträde den 23 november 2023, § 212, att lämna följande yttrande."
    )
    assert value(offers, "organisation") == "Tekniska nämnden"
    assert offers.organisation is not None and offers.organisation.where == Location(2)
    assert value(offers, "their_case_number") == "TN-2023-4410"
    assert value(offers, "cited_case_number") == "STK-2023-137"
    assert offers.cited_case_number is not None and offers.cited_case_number.sentence == "Er beteckning STK-2023-137"
    assert (value(offers, "deciding_body"), value(offers, "decided_by")) == (DecidingBody.NAMND, "Tekniska nämnden")
    assert value(offers, "meeting_date") == date(2023, 11, 23)
    assert offers.meeting_date is not None and offers.meeting_date.sentence == decision
    assert offers.meeting_date.where == Location(12)  # the remiss's two-line sentence comes before it
    assert value(offers, "document_date") == date(2023, 11, 28)  # the yttrande's Datum, not the meeting's
    assert value(offers, "paragraph") == "§ 212"
    # Positive, but with a "men": a yes with changes; the other body's no and the "avstyrker inte" are not ours.
    assert offers.position is not None and offers.position.value is Position.FORESLAR_ANDRINGAR
    assert offers.position.qualifier == "men anser att tidplanen för införandet bör förlängas"
    assert offers.position.where == Location(13)
    assert answering_organisation(offers, DIRECTORY) is not None
    assert not check_parties(offers, DIRECTORY, answering_for=org("tekniska-namnden"), remiss_case_number=REMISS)


def test_a_protokollsutdrag() -> None:
    offers = decision_offers(PROTOKOLL, remiss_case_number=REMISS)

    assert value(offers, "organisation") == "Grundskolenämnden"
    assert value(offers, "meeting_date") == date(2023, 11, 22)  # not the justering's, not the memo's date
    assert value(offers, "paragraph") == "§ 123"
    assert offers.paragraph is not None and offers.paragraph.where == Location(5)
    assert value(offers, "their_case_number") == "GRN-2023-8812"
    assert value(offers, "cited_case_number") == "STK-2023-137"
    assert (value(offers, "deciding_body"), value(offers, "decided_by")) == (DecidingBody.NAMND, "Grundskolenämnden")
    # "att tillstyrka förslaget delvis": a partial yes is one with changes; the reservation's no is not the board's.
    assert offers.position is not None and offers.position.value is Position.FORESLAR_ANDRINGAR
    assert offers.position.qualifier == "delvis"
    assert offers.position.sentence.startswith("1. att tillstyrka förslaget delvis")
    assert offers.document_date is None


def test_a_bolags_styrelse_citing_the_wrong_remiss_is_said_to_cite_another() -> None:
    offers = decision_offers(BOLAG, remiss_case_number=REMISS)

    assert value(offers, "organisation") == "MKB Fastighets AB"
    assert value(offers, "their_case_number") == "MKB 2023/118"
    assert value(offers, "cited_case_number") == "STK-2023-173"
    assert value(offers, "deciding_body") is DecidingBody.STYRELSE
    assert value(offers, "meeting_date") == date(2023, 11, 20)
    assert value(offers, "paragraph") == "§ 14"
    # "har inget att invända" is no comments; Stadsbyggnadsnämnden's yes is another body's.
    assert value(offers, "position") is Position.INGA_SYNPUNKTER
    found = answering_organisation(offers, DIRECTORY)
    assert found is not None and found.value.key == "mkb"
    check = check_parties(offers, DIRECTORY, answering_for=org("mkb"), remiss_case_number=REMISS)
    assert check.other_case_number == "STK-2023-173" and check.other_organisation is None
    # Answering as another organisation with it is said too.
    wrong = check_parties(offers, DIRECTORY, answering_for=org("miljonamnden"), remiss_case_number=REMISS)
    assert wrong.other_organisation is not None and wrong.other_organisation.key == "mkb"


def test_a_tjansteskrivelse_with_forslag_till_beslut() -> None:
    offers = decision_offers(TJANSTESKRIVELSE, remiss_case_number=REMISS)

    assert value(offers, "organisation") == "Funktionsstödsförvaltningen"
    found = answering_organisation(offers, DIRECTORY)
    assert found is not None and found.value.key == "funktionsstodsnamnden"  # the förvaltning's nämnd
    assert value(offers, "their_case_number") == "FSN-2023-2211"
    assert value(offers, "cited_case_number") == "STK-2023-137"
    assert value(offers, "document_date") == date(2023, 10, 30)
    assert value(offers, "meeting_date") == date(2023, 11, 21)  # the beslutsplanering's last step
    assert offers.meeting_date is not None and offers.meeting_date.sentence == "Funktionsstödsnämnden 2023-11-21"
    assert (value(offers, "deciding_body"), value(offers, "decided_by")) == (
        DecidingBody.NAMND,
        "Funktionsstödsnämnden",
    )
    assert offers.position is not None and offers.position.value is Position.FORESLAR_ANDRINGAR
    assert offers.position.qualifier == "under förutsättning att finansieringen av uppdraget säkerställs"
    assert offers.paragraph is None


def test_seed_003_the_boards_memo() -> None:
    if not SEED_003.exists():
        missing(f"the seeds are not on this machine ({SEED_003})")
    offers = decision_offers(SEED_003.read_text(encoding="utf-8"), remiss_case_number="TN-2020-5120")

    assert value(offers, "their_case_number") == "ASN-2020-11022"
    assert offers.their_case_number is not None and offers.their_case_number.where == Location(8)
    assert offers.cited_case_number is None  # the memo does not cite the remiss's number
    assert value(offers, "organisation") == "Arbetsmarknads- och socialnämnden"
    assert (value(offers, "deciding_body"), value(offers, "decided_by")) == (
        DecidingBody.NAMND,
        "Arbetsmarknads- och socialnämnden",
    )
    assert value(offers, "meeting_date") == date(2020, 11, 19)
    assert value(offers, "document_date") == date(2020, 10, 26)
    assert offers.paragraph is None and offers.position is None  # the memo states neither
    found = answering_organisation(offers, DIRECTORY)
    assert found is not None and found.value.key == "arbetsmarknads-och-socialnamnden"


@pytest.mark.parametrize(
    ("sentence", "position", "qualifier"),
    [
        ("Nämnden har inget att invända mot förslaget.", Position.INGA_SYNPUNKTER, ""),
        ("Nämnden har ingenting att erinra.", Position.INGA_SYNPUNKTER, ""),
        ("Nämnden tillstyrker delvis förslaget.", Position.FORESLAR_ANDRINGAR, "delvis"),
        ("Nämnden tillstyrker förslaget till viss del.", Position.FORESLAR_ANDRINGAR, "till viss del"),
        ("Nämnden ställer sig inte positiv till förslaget.", Position.AVSTYRKER, ""),
        ("Nämnden ställer sig bakom förslaget.", Position.TILLSTYRKER, ""),
        ("Nämnden beslutar att inte tillstyrka förslaget.", Position.AVSTYRKER, ""),
        ("Nämnden beslutar att tillstyrka förslaget.", Position.TILLSTYRKER, ""),
        ("Nämnden tillstyrker förslaget till «Riktlinjer för lokal samverkan».", Position.TILLSTYRKER, ""),
        ("Nämnden tillstyrker ”Plan för trygghet” i sin helhet.", Position.TILLSTYRKER, ""),
        (
            "Styrelsen ställer sig positiv till förslaget, men vill att hyresfrågan utreds.",
            Position.FORESLAR_ANDRINGAR,
            "men vill att hyresfrågan utreds",
        ),
    ],
)
def test_positions_with_their_limits(sentence: str, position: Position, qualifier: str) -> None:
    offers = decision_offers(f"Yttrande\n{sentence}\n")

    assert offers.position is not None and offers.position.value is position
    assert offers.position.qualifier == qualifier


@pytest.mark.parametrize(
    "sentence",
    [
        "Nämnden avstyrker inte förslaget.",
        "Miljönämnden avstyrker i sitt yttrande förslaget.",
        "«Nämnden avstyrker förslaget», skriver stadsbyggnadsnämnden.",
        "Enligt stadsbyggnadsnämnden tillstyrker nämnden förslaget.",
        "Ledamoten (V) yrkar att nämnden avstyrker förslaget.",
        "Nämnden noterar att kommunstyrelsen har beslutat att avstyrka motionen.",
    ],
)
def test_a_position_not_the_boards_own_is_not_offered(sentence: str) -> None:
    assert decision_offers(f"Yttrande\n{sentence}\n").position is None
    assert decision_offers(f"Tekniska nämnden\nYttrande\n{sentence}\n").position is None


def test_a_named_other_body_is_not_the_answerers_position() -> None:
    offers = decision_offers("Tekniska nämnden\nYttrande\nMiljönämnden avstyrker förslaget.\nNämnden tillstyrker.\n")

    assert value(offers, "position") is Position.TILLSTYRKER
    assert value(offers, "decided_by") is None  # Miljönämnden is not who answers


def test_the_remiss_number_under_a_plain_dnr_is_cited_not_our_own() -> None:
    offers = decision_offers("Yttrande\nDnr STK-2023-137\nNämnden tillstyrker.", remiss_case_number=REMISS)

    assert offers.their_case_number is None
    assert value(offers, "cited_case_number") == "STK-2023-137"


def test_positions_per_question_each_with_where() -> None:
    text = (
        "Tekniska nämnden\nYttrande\nFråga 1\nNämnden tillstyrker modellen.\nFråga 2\n"
        "Nämnden avstyrker att samordningen läggs på fastighets- och gatukontoret.\n"
    )
    sections = {1: "Nämnden tillstyrker modellen.", 2: text.splitlines()[5], 3: ""}

    offers = decision_offers(text, sections=sections)

    assert {n: o.value for n, o in offers.question_positions.items()} == {
        1: Position.TILLSTYRKER,
        2: Position.AVSTYRKER,
    }
    assert offers.question_positions[2].where == Location(6)
    assert offers.position is None  # a yes and a no: no one position for the whole


def test_where_on_a_pdfs_pages() -> None:
    pages = ["Tekniska nämnden\nYttrande\nDnr TN-2023-4410", "Bakgrund\n\nNämnden tillstyrker förslaget."]
    text = "\n".join(pages)

    offers = decision_offers(text, page_starts=(0, len(pages[0]) + 1))

    assert offers.position is not None and offers.position.where == Location(2, page=2)
    assert offers.their_case_number is not None and offers.their_case_number.where == Location(3, page=1)


def test_the_whole_position_is_the_one_outside_the_questions_and_a_question_may_differ() -> None:
    text = (
        "Tekniska nämnden\nYttrande\nNämnden tillstyrker förslaget i stort.\nFråga 1\nModellen är tydlig.\n"
        "Fråga 2\nNämnden avstyrker att samordningen läggs på fastighets- och gatukontoret.\n"
    )
    sections = {1: "Modellen är tydlig. Miljönämnden avstyrker modellen.", 2: text.splitlines()[6]}

    offers = decision_offers(text, sections=sections)

    assert value(offers, "position") is Position.TILLSTYRKER
    # Question 1's section tells another body's no: not the board's position on question 1.
    assert {n: o.value for n, o in offers.question_positions.items()} == {2: Position.AVSTYRKER}


def test_a_bolags_board_deciding_at_its_meeting_with_their_dnr_on_a_line_of_its_own() -> None:
    text = (
        "Malmö Stadsteater AB\nErt dnr\nRS 00512-2019\nVår beteckning MST 2019/44\n"
        "Yttrande över remiss om regional kulturplan\n"
        "Kulturnämnden hade den 2 september 2019 ett möte om kulturplanen.\n"
        "Bolagets styrelse har vid sitt möte den 18 september 2019, § 9, beslutat att tillstyrka förslaget.\n"
    )

    offers = decision_offers(text, remiss_case_number="RS 00512-2019")

    assert value(offers, "organisation") == "Malmö Stadsteater AB"
    assert value(offers, "cited_case_number") == "RS 00512-2019"
    assert offers.cited_case_number is not None and offers.cited_case_number.where == Location(2)
    assert value(offers, "their_case_number") == "MST 2019/44"
    assert value(offers, "meeting_date") == date(2019, 9, 18)  # not the other meeting, which decided nothing
    assert value(offers, "paragraph") == "§ 9"
    assert value(offers, "position") is Position.TILLSTYRKER


def test_a_delegation_decision_with_its_beslutsdatum() -> None:
    text = (
        "Stadsbyggnadskontoret\nDelegationsbeslut\nBeslutsdatum 2023-11-20\nDiarienummer SBN-2023-1020\n"
        "Beslutet är fattat av stadsbyggnadsdirektören på delegation av stadsbyggnadsnämnden.\n"
        "Stadsbyggnadsnämnden har inga synpunkter på förslaget.\n"
    )

    offers = decision_offers(text, remiss_case_number=REMISS)

    assert (value(offers, "deciding_body"), value(offers, "decided_by")) == (
        DecidingBody.DELEGAT,
        "stadsbyggnadsdirektören",
    )
    assert value(offers, "meeting_date") == date(2023, 11, 20)
    assert value(offers, "position") is Position.INGA_SYNPUNKTER
    found = answering_organisation(offers, DIRECTORY)
    assert found is not None and found.value.key == "stadsbyggnadsnamnden"  # its kontor, by the directory


@pytest.mark.parametrize(
    ("text", "own"),
    [
        ("Yttrande över remiss STK-2023-173\nDnr TN-2023-4410\nNämnden tillstyrker.", "TN-2023-4410"),
        ("Yttrande över remiss STK-2023-173\nNämnden tillstyrker.", None),
    ],
)
def test_the_remiss_number_miswritten_in_a_title_is_cited_not_taken_for_our_own(text: str, own: str | None) -> None:
    offers = decision_offers(text, remiss_case_number=REMISS)

    assert value(offers, "their_case_number") == own
    assert value(offers, "cited_case_number") == "STK-2023-173"
    check = check_parties(offers, DIRECTORY, answering_for=org("tekniska-namnden"), remiss_case_number=REMISS)
    assert check.other_case_number == "STK-2023-173"


def test_a_boards_arbetsutskott_named_by_whose_it_is() -> None:
    text = (
        "Kommunstyrelsens arbetsutskott\nProtokollsutdrag\nSammanträdesdatum 2023-11-13\n§ 401\n"
        "Kommunstyrelsens arbetsutskott beslutar att tillstyrka förslaget.\n"
        "Miljönämndens arbetsutskott avstyrker förslaget.\n"
    )

    offers = decision_offers(text)

    assert value(offers, "organisation") == "Kommunstyrelsens arbetsutskott"
    assert (value(offers, "deciding_body"), value(offers, "decided_by")) == (
        DecidingBody.ARBETSUTSKOTT,
        "Kommunstyrelsens arbetsutskott",
    )
    assert value(offers, "position") is Position.TILLSTYRKER  # the other arbetsutskott's no is not ours
    assert (value(offers, "meeting_date"), value(offers, "paragraph")) == (date(2023, 11, 13), "§ 401")


def test_a_delegate_is_not_taken_for_the_answering_organisation() -> None:
    offers = decision_offers("Yttrande\nBeslutet är fattat av förvaltningsdirektören på delegation av nämnden.\n")

    assert (value(offers, "deciding_body"), value(offers, "decided_by")) == (
        DecidingBody.DELEGAT,
        "förvaltningsdirektören",
    )
    assert offers.organisation is None


def test_minutes_named_by_whose_meeting_they_are_from() -> None:
    text = (
        "Utdrag ur protokoll från Tekniska nämndens sammanträde 2023-11-23\n§ 212\nEr ref. STK-2023-137\n"
        "Tekniska nämnden beslutar att tillstyrka förslaget.\n"
    )

    offers = decision_offers(text)

    assert value(offers, "organisation") == "Tekniska nämnden"
    assert value(offers, "meeting_date") == date(2023, 11, 23)
    assert value(offers, "cited_case_number") == "STK-2023-137"
    assert value(offers, "position") is Position.TILLSTYRKER
