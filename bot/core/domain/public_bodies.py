"""Names of Swedish public bodies outside the city: regions, kommuner, länsstyrelser and their central bodies.

A remiss from another kommun or a region names its sender as the organisation ("Region Skåne", "Lunds
kommun", "Helsingborgs stad", "Länsstyrelsen i Skåne län"), often with the body that decided or wrote it
("Regionstyrelsen", "Kommunstyrelsen", "Regionkansliet", "Kommunledningskontoret"). These rules recognise such
names by their shape, so any region or kommun is known without a list of them.
"""

from __future__ import annotations

import re

_PROPER = r"[A-ZÅÄÖ][\wåäöé-]*"
# Words that start a sentence about a kommun rather than name one: "Varje kommun", "Den kommun som …".
_NOT_A_NAME = frozenset(
    {
        "varje",
        "ingen",
        "denna",
        "den",
        "en",
        "vår",
        "er",
        "hela",
        "annan",
        "samma",
        "berörd",
        "aktuell",
        "egen",
        "sin",
        "din",
        "min",
        "vilken",
        "någon",
        "ny",
        "mottagande",
        "ansvarig",
        "till",
        "från",
        "mottagare",
    }
)
# The organisation itself: "Region Skåne", "Region Västra Götaland", "Lunds kommun", "Upplands Väsby kommun",
# "Helsingborgs stad", "Göteborgs Stad", "Länsstyrelsen Skåne", "Länsstyrelsen i Skåne län".
PRINCIPAL_NAME = rf"""
    Region\s+{_PROPER}(?:\s+{_PROPER})?(?:s\s+län)?
  | (?P<place>{_PROPER}(?:\s+{_PROPER})?)\s+(?:kommun|stad|Stad)
  | Länsstyrelsen\s+(?:i\s+{_PROPER}(?:\s+{_PROPER})?(?:\s+län)?|{_PROPER}(?:\s+{_PROPER})?)
    """
"""The shape of a region's, kommun's or länsstyrelse's name, as a verbose regular expression (check a match
with `is_principal`: it also leaves out "Varje kommun")."""
_PRINCIPAL = re.compile(PRINCIPAL_NAME, re.VERBOSE)
# A body of a region or kommun named by its kind of organisation: "Regionstyrelsen", "Kommunstyrelsen",
# "Regionfullmäktige", "Regionkansliet", "Kommunledningskontoret", "Stadsledningskontoret", "Stadskansliet".
# ("Stadsbyggnadsnämnden" is one of a city's boards like any other, so "Stads…" only for the central offices.)
_CENTRAL_BODY = re.compile(
    r"(?:Region|Kommun)[a-zåäö]*(?:styrelsen|fullmäktige|kansliet|kontoret|förvaltningen|nämnden)"
    r"|Stads(?:lednings)?(?:kontoret|kansliet)"
)
# Any named board, office or administration: "Tekniska nämnden", "Miljöförvaltningen", "Koncernkontoret".
_BODY = re.compile(
    r"(?:[A-ZÅÄÖ][a-zåäö-]*\s+)?(?:[A-ZÅÄÖ]?[a-zåäö-]*)"
    r"(?:nämnden|förvaltningen|kontoret|styrelsen|kansliet|fullmäktige|utskottet|avdelningen|enheten)"
)


def is_principal(name: str) -> bool:
    """True for the name of a region, a kommun (or stad) or a länsstyrelse, written whole."""
    match = _PRINCIPAL.fullmatch(name.strip())
    if match is None:
        return False
    place = match.group("place")
    return place is None or place.split()[0].casefold() not in _NOT_A_NAME


def is_central_body(name: str) -> bool:
    """True for a body that only a region, kommun or länsstyrelse has: "Regionstyrelsen", "Regionkansliet"."""
    return bool(_CENTRAL_BODY.fullmatch(name.strip()))


def is_body(name: str) -> bool:
    """True for a capitalised name of a board, office or administration: "Tekniska nämnden", "Koncernkontoret"."""
    name = name.strip()
    return name[:1].isupper() and bool(_BODY.fullmatch(name))


# Parts of a letterhead line: "Region Skåne / Regionstyrelsen", "Kommunledningskontoret, Helsingborgs stad".
_MAX_PARTS = 3  # an organisation, a body and a unit at most
_PARTS = re.compile(r"\s*(?:/|,|\||–|—|\s-\s|\t)\s*")


def sender_parts(line: str) -> tuple[str, ...] | None:
    """The parts of a line that names a sender and nothing else, in the order written, or None.

    Every part must be an organisation or one of its bodies, and the line must name an organisation or a
    central body: "Lunds kommun, Kommunstyrelsen" and "Regionkansliet" do, "Tekniska nämnden" alone does not
    (a board of the city itself heads its own memos), nor does "Till Lunds kommun" or a sentence.
    """
    parts = tuple(p for p in _PARTS.split(line.strip()) if p)
    if not parts or len(parts) > _MAX_PARTS:
        return None
    if not all(is_principal(p) or is_body(p) for p in parts):
        return None
    if not any(is_principal(p) or is_central_body(p) for p in parts):
        return None
    return parts
