"""What a decided answer document (yttrande, protokollsutdrag, tjänsteskrivelse) states about its decision, offered
for the official to confirm.

The answering organisation, its own diarienummer and the remiss's that it cites, the deciding body, the meeting
date, the document's own date, the §, the position (overall and per question) are taken only where the document
states them in so many words, and each comes with the sentence it was read from and where (page and line): the
official confirms it, nothing is silently assumed. Look-alikes are left alone: the date the remiss came in, the
answer date, "SOU 2023:12", a § of a law, the sender's own decision to send the remiss, another body's position.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from bot.core.domain.answer_positions import OF_NAME, body_name, position_in, reported, same_body, spoken_position
from bot.core.domain.answer_text import Location, Sentence, locator, sentences
from bot.core.domain.answer_text import Offer as Offer
from bot.core.domain.case_number import (
    CASE_NUMBER_FORMS,
    CASE_NUMBER_LABEL,
    LABELLED_CASE_NUMBER,
    SHORT_CASE_NUMBER,
    THEIR_LABEL_BEFORE,
    case_number_key,
)
from bot.core.domain.remiss import DecidingBody, Position, normalise_paragraph


@dataclass(frozen=True)
class DecisionOffers:
    """What the document states about its decision, named as ResponseContent names it; None where it is silent."""

    position: Offer[Position] | None = None
    meeting_date: Offer[date] | None = None  # the day the board (or delegate) decided
    paragraph: Offer[str] | None = None  # the minutes' §, written as the answer keeps it: "§ 212"
    deciding_body: Offer[DecidingBody] | None = None
    decided_by: Offer[str] | None = None  # the body or delegate by name: "Tekniska nämnden", "förvaltningsdirektören"
    their_case_number: Offer[str] | None = None  # the answering organisation's own diarienummer
    # The answering organisation as the document names it: its letterhead, else the body that decides.
    organisation: Offer[str] | None = None
    # The remiss's diarienummer as the answer cites it ("Er beteckning STK-2023-137"): the sender's, not ours.
    cited_case_number: Offer[str] | None = None
    # The day the document is dated ("Datum 2023-11-28"), when that is not the meeting date.
    document_date: Offer[date] | None = None
    # A position stated in a question's own section ("Fråga 2 … Nämnden avstyrker …"), by question number.
    question_positions: Mapping[int, Offer[Position]] = field(default_factory=dict)

    def placed(self, where: Callable[[int], Location]) -> DecisionOffers:
        """Every offer with where its sentence stands in the document."""
        moved = {name: offer.placed(where) for name in _OFFER_FIELDS if isinstance(offer := getattr(self, name), Offer)}
        questions = {number: offer.placed(where) for number, offer in self.question_positions.items()}
        return replace(self, **moved, question_positions=questions)


_OFFER_FIELDS = (
    "position", "meeting_date", "paragraph", "deciding_body", "decided_by", "their_case_number", "organisation",
    "cited_case_number", "document_date",
)  # fmt: skip


def decision_offers(
    text: str,
    *,
    remiss_case_number: str | None = None,
    page_starts: Sequence[int] = (),
    sections: Mapping[int, str] | None = None,
) -> DecisionOffers:
    """What `text` states about the decision; `remiss_case_number` (the sender's) is never offered as our own.

    `page_starts` (a PDF's: where each page begins in `text`) let each offer say its page; `sections` (the text
    per question, as split_by_question found it) give the positions stated per question.
    """
    found = list(sentences(text, drop_page_furniture=True))
    # The page header is where a document states its diarienummer and its name: kept for those.
    headed = list(sentences(text, drop_page_furniture=False))
    letterhead = _letterhead(headed)
    decider = _decider(found, letterhead.value if letterhead else "")
    named = decider is not None and _names_someone(decider.name)
    # Whose positions count: the deciding body's by name, else the letterhead's (a delegate speaks for its board).
    by_name = decider is not None and named and decider.body is not DecidingBody.DELEGAT
    answerer = decider.name if decider and by_name else (letterhead.value if letterhead else "")
    meeting = _meeting_date(found)
    own = _own_case_number(headed, remiss_case_number)
    offers = DecisionOffers(
        position=_overall_position(found, answerer, sections or {}),
        meeting_date=meeting,
        paragraph=_paragraph(found),
        deciding_body=Offer(decider.body, decider.sentence) if decider else None,
        # A name only: "Nämnden" or "Styrelsen" alone says no more than the body's kind.
        decided_by=Offer(decider.name, decider.sentence) if decider and named else None,
        their_case_number=own,
        organisation=letterhead or (Offer(decider.name, decider.sentence) if decider and by_name else None),
        cited_case_number=_cited_case_number(headed, remiss_case_number, own),
        document_date=_document_date(headed, meeting),
        question_positions=_question_positions(found, sections or {}, answerer),
    )
    return offers.placed(locator(text, page_starts))


# The sender's own decisions and the remiss's dates: "beslutade att skicka förslaget på remiss", "inkom".
_ABOUT_THE_REMISS = re.compile(r"\bremitter|\bpå remiss\b|\binkom|\bsvar senast|\bsista svarsdag", re.IGNORECASE)


# Decision date ------------------------------------------------------------------------------------------

_MONTHS = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)  # fmt: skip
_DATE = rf"(?:\d{{4}}-\d{{2}}-\d{{2}}|(?:den\s+)?\d{{1,2}}\s+(?:{'|'.join(_MONTHS)})\s+\d{{4}})"
_MEETING_DATE = re.compile(
    r"\b(?:sammanträde(?:t|ts|s(?:datum|dag|tid))?|beslutsdatum"
    # A bolag's board decides "vid sitt möte den 20 november": a meeting, but only a decision on the answer counts.
    r"|(?P<decided>beslutade|beslutat|beslöt|beslut den|(?:styrelse)?möte(?:t|ts)?))\b"
    rf"[^.]{{0,40}}?(?P<date>{_DATE})",
    re.IGNORECASE,
)
# A decision is this answer's when its sentence speaks of the answer: "beslutade … att anta yttrandet".
# ("Kommunstyrelsen beslöt 3 maj 2017 att starta ett program" is the background, not the answer.)
_ABOUT_THE_ANSWER = re.compile(
    r"\byttra|\bsvar|\btillstyrk|\bavstyrk|\bställ(?:er|a)\s+sig|\bsynpunkter|\binvända", re.IGNORECASE
)
_DATED = re.compile(rf"^datum\s*:?\s*(?P<date>{_DATE})$", re.IGNORECASE)
_PLANNED_STEP = re.compile(rf"^(?P<body>[A-ZÅÄÖ].*?)\s+(?P<date>{_DATE})$")


def _meeting_date(found: Sequence[Sentence]) -> Offer[date] | None:
    """A meeting's or decision's date; else the last step of the beslutsplanering; else a decided document's Datum."""
    for sentence in found:
        match = _MEETING_DATE.search(sentence)
        if not match or _ABOUT_THE_REMISS.search(sentence):
            continue
        if (not match.group("decided") or _ABOUT_THE_ANSWER.search(sentence)) and (
            day := _parse_date(match.group("date"))
        ):
            return Offer(day, sentence)
    planned = _last_planned_step(found)
    if planned and (day := _parse_date(planned[0].group("date"))):
        return Offer(day, planned[1])
    if any(sentence.lower() == "tjänsteskrivelse" for sentence in found):
        return None  # a memo's Datum is the day it was written, not the day the board decided
    for sentence in found:
        if (match := _DATED.match(sentence)) and (day := _parse_date(match.group("date"))):
            return Offer(day, sentence)
    return None


def _parse_date(written: str) -> date | None:
    words = written.lower().removeprefix("den").split()
    try:
        if len(words) == 1:
            return date.fromisoformat(words[0])
        return date(int(words[2]), _MONTHS.index(words[1]) + 1, int(words[0]))
    except ValueError:
        return None  # "2023-02-30": not a date


def _last_planned_step(found: Sequence[Sentence]) -> tuple[re.Match[str], Sentence] | None:
    """The last line under "Beslutsplanering" ("Arbetsmarknads- och socialnämnden 2020-11-19"): the decider."""
    last = None
    steps = False
    for sentence in found:
        if sentence.lower() == "beslutsplanering":
            steps = True
        elif steps and (match := _PLANNED_STEP.match(sentence)):
            last = (match, sentence)
        elif steps:
            break
    return last


# § ------------------------------------------------------------------------------------------------------

# "§§ 120–130" (what a protocol holds) and "§ 12-14" are ranges, not the decision's one §.
_PARAGRAPH = re.compile(r"(?<!§)(?:§\s*|\bparagraf\s+)(?P<number>\d{1,5})(?![\d:]|\s*[-–]\s*\d)", re.IGNORECASE)
# "enligt § 5 i delegationsordningen", "§ 2 förvaltningslagen": a rule's paragraph, not the minutes'.
_LAW_AFTER = re.compile(
    r"^\s*(?:st\.?\s+)?(?:i\s+)?(?:\w*lagen|\w*balken|\w*förordningen|\w*ordningen|kl|fl|osl|sfs)\b", re.IGNORECASE
)


def _paragraph(found: Sequence[Sentence]) -> Offer[str] | None:
    for sentence in found:
        for match in _PARAGRAPH.finditer(sentence):
            if not _LAW_AFTER.match(sentence[match.end() :]):
                return Offer(normalise_paragraph(match.group("number")), sentence)
    return None


# Deciding body ------------------------------------------------------------------------------------------

_DELEGATION = re.compile(r"\bdelegation(?:sbeslut)?\b", re.IGNORECASE)
_DELEGATE = re.compile(
    r"\b(?:fattat|fattats|beslutat|taget)\s+av\s+(?P<who>[^.,;]+?)(?=\s+på\s+delegation|\s+med\s+stöd|[.,;]|$)"
    r"|\bpå\s+delegation\s+av\s+(?P<by>[^.,;]+)",
    re.IGNORECASE,
)
_BODY = re.compile(
    r"(?P<name>\b[\wåäöÅÄÖ-]*?(?P<kind>(?:nämndens|styrelsens) (?:arbetsutskott|presidium)|nämnden|arbetsutskottet"
    rf"|presidiet|styrelsen|bolagets styrelse)\b{OF_NAME})"
    r"(?=(?:\s+[^\s.]+){0,5}?\s+(?:tillstyrker|avstyrker|ställer sig|har inga|har inget|föreslår|yttrar sig"
    r"|(?P<decided>beslutade|beslutar|beslöt|har beslutat|godkänner|godkände|antar|antog|har antagit|lämnar))\b"
    # "… har vid sitt möte den 18 september 2019, § 9, beslutat att tillstyrka …"
    r"|(?:\s+[^\s.]+){0,14}?\s+(?P<decided_late>beslutat|beslutade)\s+att\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Decider:
    body: DecidingBody
    name: str  # as the document writes it; "" for a delegation that does not name its delegate
    sentence: Sentence
    decides: bool = False  # read from a decision ("beslutade", "godkänner yttrandet"), not only a position


def _decider(found: Sequence[Sentence], letterhead: str = "") -> _Decider | None:
    """A delegation decision; else the body that decides or states the position; else the beslutsplanering."""
    delegated = [
        _Decider(DecidingBody.DELEGAT, (who.group("who") or who.group("by")).strip() if who else "", sentence)
        for sentence in found
        if _DELEGATION.search(sentence) and not _ABOUT_THE_REMISS.search(sentence)
        for who in [_DELEGATE.search(sentence)]
    ]
    if delegated:  # the sentence naming the delegate, else the first saying it was delegated ("Delegationsbeslut")
        return next((d for d in delegated if d.name), delegated[0])
    bodies = list(_decision_bodies(found))
    if letterhead:  # a body named otherwise than the letterhead, only stating a position, is someone else
        bodies = [d for d in bodies if d.decides or not _names_someone(d.name) or same_body(d.name, letterhead)]
    named = [decider for decider in bodies if " " in decider.name or decider.name[:1].isupper()]
    # The body that decides ("Tekniska nämnden beslutade … att anta yttrandet") before one that states a position.
    for candidates in ([d for d in named if d.decides], named, [d for d in bodies if d.decides], bodies):
        if candidates:
            return candidates[0]
    planned = _last_planned_step(found)
    if planned and (keyword := _BODY_KEYWORD.search(planned[0].group("body"))):
        return _Decider(_kind(keyword.group()), planned[0].group("body"), planned[1])
    return None


# A body's name has one of these words; a sentence without any is not searched for one.
_ANY_BODY = re.compile(r"nämnd|styrelse|utskott|presidi", re.IGNORECASE)


def _decision_bodies(found: Sequence[Sentence]) -> Iterator[_Decider]:
    for sentence in found:
        if not _ANY_BODY.search(sentence) or _ABOUT_THE_REMISS.search(sentence) or reported(sentence):
            continue
        for match in _BODY.finditer(sentence):
            if reported(sentence, match.start()):
                continue  # quoted: someone else's words
            about_the_answer = _ABOUT_THE_ANSWER.search(sentence) or _DECIDES_BELOW.search(sentence)
            decided = match.group("decided") or match.group("decided_late")
            if decided and not about_the_answer:
                continue  # a decision about something else
            name = body_name(sentence[: match.start()], match.group("name"))
            yield _Decider(_kind(match.group("kind")), name, sentence, bool(decided))


# "Grundskolenämnden beslutar" on its own line, the decision's items ("1. att tillstyrka …") below it.
_DECIDES_BELOW = re.compile(r"\bbeslutar\s*:?\s*$", re.IGNORECASE)
_BODY_KEYWORD = re.compile(r"nämndens arbetsutskott|nämndens presidium|nämnden|arbetsutskott|presidi|styrelse", re.I)


def _kind(keyword: str) -> DecidingBody:
    keyword = keyword.lower()
    if "arbetsutskott" in keyword:
        return DecidingBody.ARBETSUTSKOTT
    if "presidi" in keyword:
        return DecidingBody.PRESIDIUM
    return DecidingBody.STYRELSE if "styrelse" in keyword else DecidingBody.NAMND


# The organisation's own diarienummer --------------------------------------------------------------------

_OWN_LABEL = re.compile(r"\b(?:vår|vårt)\s+(?:beteckning|dnr|diarienummer)\s*:?\s*", re.IGNORECASE)


def _own_case_number(found: Sequence[Sentence], remiss_case_number: str | None) -> Offer[str] | None:
    """Labelled ("Dnr", "Diarienummer", "Vår beteckning") first, then one standing at a title's end or alone."""
    excluded = case_number_key(remiss_case_number) if remiss_case_number else None
    labelled = [c for s in found for c in _labelled_numbers(s)]
    # Unlabelled, a number in the remiss's own series (STK-2023-173 beside STK-2023-137) is the sender's, miswritten.
    placed = [(n, s) for s in found if (n := _number_at_end(s)) and not _same_series(n, remiss_case_number)]
    # Labelled as the other side's ("Er ref. STK-2023-137"): theirs, however it is written.
    theirs = {case_number_key(m.group("number")) for s in found for m in _THEIR_LABELLED.finditer(s)}
    for number, sentence in [*labelled, *placed]:
        if case_number_key(number) != excluded and case_number_key(number) not in theirs:
            return Offer(number, sentence)
    return None


_SERIES = re.compile(r"^(?P<prefix>[A-ZÅÄÖ]+)\b|^(?P<glued>[A-ZÅÄÖ]+)(?=\d)")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


def _same_series(number: str, remiss_case_number: str | None) -> bool:
    """Whether two diarienummer are of one diary's series: the same prefix and year (STK-2023-…, KS 2019/…)."""
    if not remiss_case_number:
        return False
    return _series(number) is not None and _series(number) == _series(remiss_case_number)


def _series(number: str) -> tuple[str, str] | None:
    prefix, year = _SERIES.match(number.strip()), _YEAR.search(number)
    if prefix is None or year is None:
        return None
    return ((prefix.group("prefix") or prefix.group("glued")).upper(), year.group())


def _labelled_numbers(sentence: Sentence) -> Iterator[tuple[str, Sentence]]:
    for label in _OWN_LABEL.finditer(sentence):
        for form in CASE_NUMBER_FORMS:
            if number := form.match(sentence, label.end()):
                yield number.group(), sentence
    for match in LABELLED_CASE_NUMBER.finditer(sentence):
        if not THEIR_LABEL_BEFORE.search(sentence[: match.start("number")]):
            yield match.group("number"), sentence


def _number_at_end(sentence: str) -> str | None:
    """A diarienummer that ends a short line: the Malmö title ("… samverkansstöd ASN-2020-11022") or alone."""
    if len(sentence) > 200 or not _DIGIT.search(sentence):
        return None
    for form in CASE_NUMBER_FORMS:
        for match in form.finditer(sentence):
            if not sentence[match.end() :].strip(" .") and not THEIR_LABEL_BEFORE.search(sentence[: match.start()]):
                return match.group()
    return None


# The remiss's diarienummer the answer cites -------------------------------------------------------------

_THEIR_LABELLED = re.compile(
    rf"\b(?:er|ert|era)\s+(?:{CASE_NUMBER_LABEL}|beteckning|referens|ref\.?)\s*:?\s*(?P<number>{SHORT_CASE_NUMBER})(?![\w/])",
    re.IGNORECASE,
)
# A line about the remiss answered: "Yttrande över remiss … STK-2023-137", "Remiss från …", "er skrivelse".
_ABOUT_A_REMISS = re.compile(r"\bremiss|\ber\s+skrivelse|\bremitter", re.IGNORECASE)


def _cited_case_number(
    found: Sequence[Sentence], remiss_case_number: str | None, own: Offer[str] | None
) -> Offer[str] | None:
    """The other side's number ("Er beteckning", "Ert dnr"); else the remiss's own number wherever it stands;
    else a number on a line about the remiss that is not the document's own."""
    own_key = case_number_key(own.value) if own else None
    for sentence in found:
        for match in _THEIR_LABELLED.finditer(sentence):
            if case_number_key(match.group("number")) != own_key:
                return Offer(match.group("number"), sentence)
    wanted = case_number_key(remiss_case_number) if remiss_case_number else None
    for sentence in found:
        for number in _numbers_in(sentence):
            if case_number_key(number) == wanted:
                return Offer(number, sentence)
    for sentence in found:  # the remiss's number miswritten: one of its series that is not our own
        for number in _numbers_in(sentence):
            if _same_series(number, remiss_case_number) and case_number_key(number) != own_key:
                return Offer(number, sentence)
    for sentence in found:
        if _ABOUT_A_REMISS.search(sentence):
            for number in _numbers_in(sentence):
                if case_number_key(number) != own_key:
                    return Offer(number, sentence)
    return None


_DIGIT = re.compile(r"\d")


def _numbers_in(sentence: str) -> Iterator[str]:
    if not _DIGIT.search(sentence):
        return
    for form in CASE_NUMBER_FORMS:
        for match in form.finditer(sentence):
            yield match.group()


# The document's own date and name ------------------------------------------------------------------------


def _document_date(found: Sequence[Sentence], meeting: Offer[date] | None) -> Offer[date] | None:
    """The date a document's header gives it ("Datum 2020-10-26"), unless it is the meeting date (said once)."""
    for sentence in found:
        if (match := _DATED.match(sentence)) and (day := _parse_date(match.group("date"))):
            return None if meeting is not None and meeting.value == day else Offer(day, sentence)
    return None


_HEADER_LINES = 15  # the letterhead stands among the first lines
_LONGEST_NAME = 80
# A body's or company's name alone on a line ("Tekniska nämnden", "Arbetsmarknads- och socialförvaltningen",
# "Styrelsen för MKB Fastighets AB"), perhaps after "Malmö stad" and before its diarienummer.
_NAME_LINE = re.compile(
    r"^(?:Malmö stad\s*[,–|-]?\s*)?(?P<name>(?:Styrelsen\s+för\s+)?[A-ZÅÄÖ][\wåäöÅÄÖ,&. -]*?"
    r"(?:nämnden?|styrelsen?|förvaltningen|kontoret|utskott(?:et)?|presidiet|\bAB))"
    rf"(?:\s+(?i:{CASE_NUMBER_LABEL}|vår\s+beteckning)\s*:?\s*\S.*)?$"
)
# Lines that name someone else: the addressee ("Till kommunstyrelsen"), the remiss ("Remiss från …").
_NOT_OURS = re.compile(
    r"^(?:till|från|remiss|yttrande|ang|angående|svar|kopia|mottagare|beslutet|ärende|protokoll|sammanträde)\b",
    re.IGNORECASE,
)
_ADDRESSEE_LABEL = re.compile(r"^(?:till|mottagare|kopia(?:\s+till)?|beslutet skickas till)\s*:?$", re.IGNORECASE)


def _letterhead(found: Sequence[Sentence]) -> Offer[str] | None:
    """The answering organisation as the document's head names it, on a line of its own."""
    after_label = False
    for sentence in found[:_HEADER_LINES]:
        if len(sentence) > _LONGEST_NAME * 2:
            break  # the running text has begun
        if _ADDRESSEE_LABEL.match(sentence):
            after_label = True
            continue
        match = _NAME_LINE.match(sentence)
        if match and not after_label and not _NOT_OURS.match(sentence) and len(match.group("name")) <= _LONGEST_NAME:
            return Offer(match.group("name").strip(" ,"), sentence)
        if (minutes := _MINUTES_OF.match(sentence)) and len(minutes.group("name")) <= _LONGEST_NAME:
            name = minutes.group("name")
            return Offer(name + _DEFINITE[minutes.group("head").lower()], sentence)
        after_label = False
    return None


# "Utdrag ur protokoll från Tekniska nämndens sammanträde 2023-11-23": whose minutes they are.
_MINUTES_OF = re.compile(
    r"^(?:utdrag\s+ur\s+)?protokoll\w*\s+(?:från|för|vid)\s+(?P<name>[A-ZÅÄÖ][\wåäöÅÄÖ,&. -]*?"
    r"(?P<head>nämnd|styrelse|utskott))(?:ens|ets|s)\s+(?:sammanträde|möte|styrelsemöte)\b",
    re.IGNORECASE,
)
_DEFINITE = {"nämnd": "en", "styrelse": "n", "utskott": "et"}


def _overall_position(found: Sequence[Sentence], answerer: str, sections: Mapping[int, str]) -> Offer[Position] | None:
    """The position on the whole: stated outside the questions' sections when it is (an answer per question may
    say no to one part of a proposal the board says yes to), else anywhere."""
    inside = {str(s) for section in sections.values() for s in sentences(section, drop_page_furniture=False)}
    outside = [s for s in found if str(s) not in inside]
    if len(outside) < len(found) and (offer := position_in(outside, answerer)) is not None:
        return offer
    return position_in(found, answerer)


# Positions per question ---------------------------------------------------------------------------------


def _question_positions(
    found: Sequence[Sentence], sections: Mapping[int, str], answerer: str
) -> dict[int, Offer[Position]]:
    """The position each question's section states, its sentence located in the whole document."""
    by_text: dict[str, Sentence] = {}
    for sentence in found:
        by_text.setdefault(str(sentence), sentence)
    stated: dict[int, Offer[Position]] = {}
    for number, section in sections.items():
        said = list(sentences(section, drop_page_furniture=False))
        offer = spoken_position(said, answerer) if section.strip() else None
        if offer is not None:
            stated[number] = replace(offer, sentence=by_text.get(str(offer.sentence), offer.sentence))
    return stated


_BODY_WORDS = frozenset({"nämnden", "styrelsen", "arbetsutskottet", "presidiet", "utskottet"})


def _names_someone(name: str) -> bool:
    """Whether `name` names a body or delegate, not just the kind of body ("Nämnden")."""
    return bool(name.strip()) and name.strip().casefold() not in _BODY_WORDS
