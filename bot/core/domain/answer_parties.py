"""Who an answer document comes from and which remiss it answers, checked against the directory and the remiss.

The document names its organisation (letterhead, the deciding body, "Styrelsen för …") and states its own
diarienummer, whose prefix in Malmö is the organisation's short name (ASN-2020-11022). A förvaltning's memo
speaks for its nämnd: "Arbetsmarknads- och socialförvaltningen" answers for Arbetsmarknads- och socialnämnden,
"Stadsbyggnadskontoret" for Stadsbyggnadsnämnden.
What does not fit the answer being given (another organisation, another remiss's number) is said, never changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.domain.answer_positions import BOARD_OF, OFFICE
from bot.core.domain.answer_text import Offer
from bot.core.domain.case_number import case_number_key
from bot.core.domain.decision_offers import DecisionOffers
from bot.core.domain.matching import match_organisation
from bot.core.domain.organisation import Directory, Organisation

_PREFIX = re.compile(r"^(?P<prefix>[A-ZÅÄÖ][A-ZÅÄÖa-zåäö-]*?)[- ]\d")


def answering_organisation(offers: DecisionOffers, directory: Directory) -> Offer[Organisation] | None:
    """The directory's organisation the document comes from, with the sentence that names it; None when the
    document names none the directory knows, or names it ambiguously."""
    for offer in (offers.organisation, offers.decided_by):
        if offer is not None and (found := _named(offer.value, directory)) is not None:
            return Offer(found, offer.sentence, offer.where)
    own = offers.their_case_number
    if own is not None and (found := _by_prefix(own.value, directory)) is not None:
        return Offer(found, own.sentence, own.where)
    return None


def _named(name: str, directory: Directory) -> Organisation | None:
    name = BOARD_OF.sub("", name)
    found = match_organisation(name, directory)
    if found is None and OFFICE.search(name):
        found = match_organisation(OFFICE.sub("nämnden", name), directory)  # the förvaltning's own nämnd
    return found


def _by_prefix(number: str, directory: Directory) -> Organisation | None:
    """The organisation whose short name is the number's prefix (the diary's series): "ASN" in ASN-2020-11022."""
    match = _PREFIX.match(number)
    if match is None:
        return None
    owners = [org for org in directory if org.short_name.casefold() == match.group("prefix").casefold()]
    return owners[0] if len(owners) == 1 else None


@dataclass(frozen=True)
class PartyCheck:
    """What in the document does not fit the answer being given: another organisation, another remiss."""

    other_organisation: Organisation | None = None
    other_case_number: str = ""

    def __bool__(self) -> bool:
        return self.other_organisation is not None or bool(self.other_case_number)


def check_parties(
    offers: DecisionOffers, directory: Directory, *, answering_for: Organisation, remiss_case_number: str
) -> PartyCheck:
    """Whether the document names another organisation than the one answering, or cites another remiss."""
    found = answering_organisation(offers, directory)
    other = found.value if found is not None and found.value.key != answering_for.key else None
    cited = offers.cited_case_number
    mismatch = cited is not None and case_number_key(cited.value) != case_number_key(remiss_case_number)
    return PartyCheck(other, cited.value if cited is not None and mismatch else "")
