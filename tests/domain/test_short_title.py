"""The kortrubrik: at most 60 characters, chosen or suggested from the title by general rules (made-up titles in
the style of the corpus and the seeds, and decoys that look like dividers or prefixes but are not)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.short_title import MAX_SHORT_TITLE, normalise_short_title, suggest_short_title
from tests.domain.samples import make_remiss

STK_TITLE = (
    "Uppdrag budget 2023 - Definiera och starta ett långsiktigt och strategiskt områdeslyft i Malmös "
    "socioekonomiskt svaga delar med särskilt fokus på barn och ungas uppväxtvillkor"
)

SUGGESTED = [
    # A title that fits is its own kortrubrik, prefix and all.
    (
        "Remiss om upphandling av vissa kollektivtrafiktjänster",
        "Remiss om upphandling av vissa kollektivtrafiktjänster",
    ),
    ("Program Lindängen 2018-2022, återrapport och avslut", "Program Lindängen 2018-2022, återrapport och avslut"),
    # Document-kind words in front are dropped: Remiss av/om/:/–, promemoria, Förslag till, SOU/Ds, rapport.
    (
        "Remiss: Utredning om obligatoriskt förarbevis för vattenskoter på allmänna vatten",
        "Utredning om obligatoriskt förarbevis för vattenskoter",  # "på" is not left hanging
    ),
    (
        "Remiss av promemoria angående ändring i förordningen (2011:1234) om parkeringsövervakning",
        "Ändring i förordningen (2011:1234) om parkeringsövervakning",
    ),
    (
        "Remiss – Förslag till riktlinjer för medborgardialog i stadsbyggnadsprojekt i Malmö stad",
        "Riktlinjer för medborgardialog i stadsbyggnadsprojekt",
    ),
    (
        "Remiss av SOU 2024:28 Offentlighetsprincipen eller insynslag – Allmänhetens insyn i enskilda aktörer",
        "Offentlighetsprincipen eller insynslag",
    ),
    (
        "Remiss av Boverkets rapport 2018:17 Lovbefriade åtgärder, utvändiga ändringar och anmälan - analys",
        "Lovbefriade åtgärder, utvändiga ändringar och anmälan",
    ),
    (
        "Remiss av PM S2023:02147 Ytterligare anpassningar till EU:s förordningar om medicinteknik",
        "Ytterligare anpassningar till EU:s förordningar",
    ),
    # The part before a dash names the matter: it is the kortrubrik.
    (
        "Trygghetsprogram för Malmös stadsdelar 2024-2027 – uppföljning av insatser och förslag till fortsättning",
        "Trygghetsprogram för Malmös stadsdelar 2024-2027",
    ),
    (
        "Handlingsplan för klimatanpassning: förslag till åtgärder inom stadens egen verksamhet och i samverkan",
        "Handlingsplan för klimatanpassning",
    ),
    # A part that only says what kind of matter it is ("Uppdrag budget 2023", "Remissmöte") gives way to the rest.
    (STK_TITLE, "Definiera och starta ett långsiktigt och strategiskt"),
    (
        "Remissmöte - Överprövning av beslut om skyddsjakt och licensjakt för vissa rovdjur",
        "Överprövning av beslut om skyddsjakt och licensjakt",
    ),
    # Cut after a whole word; no preposition, conjunction or "hälso-" left hanging.
    (
        "Remiss av Ds 2023:23 Uppdrag att möjliggöra bättre tillgång till hälso- och sjukvård i hela landet",
        "Uppdrag att möjliggöra bättre tillgång",
    ),
    (
        "Remiss av promemoria Förslag till ändring av trafikförordningen (1998:1276) om bärgning av långa fordon",
        "Ändring av trafikförordningen om bärgning av långa fordon",
    ),
]


@pytest.mark.parametrize(("title", "expected"), SUGGESTED)
def test_a_kortrubrik_is_suggested_from_the_title(title: str, expected: str) -> None:
    assert suggest_short_title(title) == expected


DECOYS = [
    # A hyphen inside a word or a year range is no divider.
    "Samverkan för djur-och folkhälsa i Skåne 2025-2030 med särskild tonvikt på smittskydd och beredskap",
    # A colon inside a number or a genitive is no divider either.
    "Ändringar i förordningen (1993:384) och EU:s förordning 2017:745 om medicintekniska produkter i vården",
    # A single word longer than the limit can only be cut inside it, and says so.
    "Översiktsplaneringsunderlagsdokumentationsförbättringsutredningsarbetsgruppsrapporten om stadens mark",
    # Words only: no divider, no prefix.
    "Stadens arbete med att minska energianvändningen i egna lokaler och verksamheter under kommande år",
    # Nothing but a prefix in front of a divider.
    "Remiss av: – Förslag till ny lokalförsörjningsplan för förskolor och grundskolor i östra Malmö",
]


@pytest.mark.parametrize("title", DECOYS)
def test_a_suggestion_always_fits_and_is_cut_only_between_words(title: str) -> None:
    suggestion = suggest_short_title(title)
    assert 0 < len(suggestion) <= MAX_SHORT_TITLE
    words = set(" ".join(title.split()).replace("(", " ").replace(")", " ").split())
    last = suggestion.rstrip("…").split()[-1]
    if suggestion.endswith("…"):
        assert title.startswith(suggestion[:-1])
    else:
        assert last in words or last.rstrip(",") in words
        assert last.lower() not in {"i", "och", "om", "med", "på", "för", "under", "eller"}


def test_decoy_dividers_are_not_taken_for_dividers() -> None:
    assert suggest_short_title(DECOYS[0]).startswith("Samverkan för djur-och folkhälsa i Skåne 2025-2030")
    assert "EU:s" in suggest_short_title(DECOYS[1]) or suggest_short_title(DECOYS[1]).startswith("Ändringar i")
    assert suggest_short_title(DECOYS[4]) == "Ny lokalförsörjningsplan för förskolor och grundskolor"


def test_every_title_of_the_corpus_gets_a_kortrubrik_that_fits() -> None:
    corpus = json.loads((Path(__file__).parents[2] / "../shared/corpus/groundtruth.json").read_text("utf-8"))
    for entry in corpus:
        suggestion = suggest_short_title(entry["title"])
        assert 0 < len(suggestion) <= MAX_SHORT_TITLE, entry["id"]
        if len(entry["title"]) <= MAX_SHORT_TITLE:
            assert suggestion == entry["title"]


def test_a_title_that_fits_is_its_own_kortrubrik_even_with_its_prefix() -> None:
    assert suggest_short_title("Remiss av: SOU 2015:58 EU och kommunernas bostadspolitik") == (
        "Remiss av: SOU 2015:58 EU och kommunernas bostadspolitik"
    )
    assert suggest_short_title("  Budget   2024  ") == "Budget 2024"
    assert suggest_short_title("") == ""


def test_a_kortrubrik_over_60_characters_is_refused_with_its_length() -> None:
    with pytest.raises(DomainError) as refused:
        normalise_short_title("x" * 73)
    assert refused.value.code is ErrorCode.SHORT_TITLE_TOO_LONG
    assert refused.value.field == "short_title"
    assert refused.value.params == {"limit": 60, "length": 73}
    assert normalise_short_title("  Områdeslyft   i Malmö ") == "Områdeslyft i Malmö"
    assert normalise_short_title(" " + "y" * 60 + " ") == "y" * 60


def test_a_remiss_keeps_the_kortrubrik_chosen_and_otherwise_follows_its_title() -> None:
    chosen = make_remiss(title=STK_TITLE, short_title="  Områdeslyft i Malmös socioekonomiskt svaga delar ")
    assert chosen.short_title == "Områdeslyft i Malmös socioekonomiskt svaga delar"
    assert not chosen.short_title_suggested
    assert chosen.title == STK_TITLE
    suggested = make_remiss(title=STK_TITLE)
    assert suggested.short_title == suggest_short_title(STK_TITLE)
    assert suggested.short_title_suggested
    # The suggestion typed back as it is stays a suggestion: it follows the title if the title changes.
    same = make_remiss(title=STK_TITLE, short_title=suggest_short_title(STK_TITLE))
    assert same.chosen_short_title == ""


def test_a_remiss_with_a_kortrubrik_over_60_characters_is_refused_on_that_field() -> None:
    with pytest.raises(DomainError) as refused:
        make_remiss(short_title="K" * 61)
    assert (refused.value.field, refused.value.params["length"]) == ("short_title", 61)
