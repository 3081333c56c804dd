"""What a decided answer document (yttrande) states about its decision, offered for the official to confirm.

Position, meeting date, §, deciding body (and its name) and the organisation's own diarienummer are taken only where
the document states them in so many words, and each comes with the sentence it was read from: the official
confirms it, nothing is silently assumed. Look-alikes are left alone: the date the remiss came in, the
answer date, "SOU 2023:12", a § of a law, the sender's own decision to send the remiss.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from bot.core.domain.answer_text import paragraphs
from bot.core.domain.case_number import (
    CASE_NUMBER_FORMS,
    LABELLED_CASE_NUMBER,
    THEIR_LABEL_BEFORE,
    case_number_key,
)
from bot.core.domain.remiss import DecidingBody, Position, normalise_paragraph

T = TypeVar("T")


@dataclass(frozen=True)
class Offer(Generic[T]):
    """A value the document states, with the sentence it states it in (shown to the official to confirm)."""

    value: T
    sentence: str


@dataclass(frozen=True)
class DecisionOffers:
    """What the document states about its decision, named as ResponseContent names it; None where it is silent."""

    position: Offer[Position] | None = None
    meeting_date: Offer[date] | None = None  # the day the board (or delegate) decided
    paragraph: Offer[str] | None = None  # the minutes' §, written as the answer keeps it: "§ 212"
    deciding_body: Offer[DecidingBody] | None = None
    decided_by: Offer[str] | None = None  # the body or delegate by name: "Tekniska nämnden", "förvaltningsdirektören"
    their_case_number: Offer[str] | None = None  # the answering organisation's own diarienummer


def decision_offers(text: str, *, remiss_case_number: str | None = None) -> DecisionOffers:
    """What `text` states about the decision; `remiss_case_number` (the sender's) is never offered as our own."""
    sentences = list(_sentences(text, drop_page_furniture=True))
    decider = _decider(sentences)
    return DecisionOffers(
        position=_position(sentences),
        meeting_date=_meeting_date(sentences),
        paragraph=_paragraph(sentences),
        deciding_body=Offer(decider.body, decider.sentence) if decider else None,
        # A name only: "Nämnden" or "Styrelsen" alone says no more than the body's kind.
        decided_by=Offer(decider.name, decider.sentence) if decider and _names_someone(decider.name) else None,
        # The page header is where a document states its diarienummer: kept for that.
        their_case_number=_own_case_number(list(_sentences(text, drop_page_furniture=False)), remiss_case_number),
    )


# Sentences ----------------------------------------------------------------------------------------------

_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ§\d])")
# A label on its own line, its value on the next (the header of a Malmö memo: "Datum", then "2020-10-26").
_LABEL_LINE = re.compile(
    r"^(?:datum|sammanträdesdatum|beslutsdatum|dnr|diarienummer|vår beteckning|vårt dnr|paragraf|§)\s*:?$",
    re.IGNORECASE,
)
# The sender's own decisions and the remiss's dates: "beslutade att skicka förslaget på remiss", "inkom".
_ABOUT_THE_REMISS = re.compile(r"\bremitter|\bpå remiss\b|\binkom|\bsvar senast|\bsista svarsdag", re.IGNORECASE)


_LONGEST_SENTENCE = 1000  # a decision is stated in one sentence; text without full stops is cut, not searched at length


def _sentences(text: str, *, drop_page_furniture: bool) -> Iterator[str]:
    paras = [p.text for p in paragraphs(text, drop_page_furniture=drop_page_furniture)]
    index = 0
    while index < len(paras):
        para = paras[index]
        if _LABEL_LINE.match(para) and index + 1 < len(paras):
            yield f"{para.rstrip(':')} {paras[index + 1]}"
            index += 2
            continue
        yield from (sentence[:_LONGEST_SENTENCE] for sentence in _SENTENCE_BREAK.split(para))
        index += 1


# Position -----------------------------------------------------------------------------------------------

_OF_NAME = r"(?:\s+för(?:\s+(?-i:[A-ZÅÄÖ])[\w&åäö-]*)+)?"  # "Styrelsen för Parkering Malmö AB"
_SUBJECT = rf"\b[\wåäöÅÄÖ-]*(?:nämnden|styrelsen|utskottet|presidiet|bolaget)\b{_OF_NAME}"
_BETWEEN = r"(?:\s+[^\s.]+){0,5}?\s+"
_POSITION_SIGNS: tuple[tuple[re.Pattern[str], Position], ...] = tuple(
    (re.compile(_SUBJECT + _BETWEEN + sign, re.IGNORECASE), position)
    for sign, position in (
        (r"(?:tillstyrker|ställer sig (?:\w+\s+){0,2}positiv\w*)\s+inte\b", Position.AVSTYRKER),
        (r"(?:kan|vill)\s+inte\s+tillstyrka\b", Position.AVSTYRKER),
        (r"(?:avstyrker|ställer sig (?:\w+\s+){0,2}negativ\w*)\b", Position.AVSTYRKER),
        (r"(?:tillstyrker|ställer sig (?:\w+\s+){0,2}positiv\w*)\b[^.]*\b(?:med|efter) (?:\w+ )?(?:ändring|justering)",
         Position.FORESLAR_ANDRINGAR),
        (r"(?:tillstyrker|ställer sig (?:\w+\s+){0,2}positiv\w*)\b", Position.TILLSTYRKER),
        (r"föreslår (?:\w+ )?(?:ändring|justering)", Position.FORESLAR_ANDRINGAR),
        (r"har inga (?:synpunkter|invändningar|erinringar)\b(?!\s+(?:på|i|om|när det gäller)\s+(?:fråga|frågorna"
         r"|övrigt|punkt|avsnitt))", Position.INGA_SYNPUNKTER),
    )
)  # fmt: skip


def _position(sentences: Sequence[str]) -> Offer[Position] | None:
    """The board's stated position; a change proposed beside a yes is "föreslår ändringar", a yes and a no none."""
    found: dict[Position, str] = {}
    for sentence in sentences:
        for pattern, position in _POSITION_SIGNS:
            if pattern.search(sentence):
                found.setdefault(position, sentence)
                break
    if set(found) == {Position.TILLSTYRKER, Position.FORESLAR_ANDRINGAR}:
        found.pop(Position.TILLSTYRKER)
    if len(found) != 1:
        return None
    ((position, sentence),) = found.items()
    return Offer(position, sentence)


# The writer speaking for the body ("Vi tillstyrker …") or a bare position word opening the answer ("Tillstyrker.",
# "Föreslår ändringar: …"): read as the body's own sentence.
_SPEAKER = re.compile(r"^\s*(?:vi|förvaltningen)\s+(?=\w)", re.IGNORECASE)
_BARE_POSITION = re.compile(r"^\s*(?:tillstyrker|avstyrker|föreslår\s+ändring|ställer\s+sig)", re.IGNORECASE)
_NO_COMMENTS = re.compile(
    r"^\s*(?:inga|har\s+inga)\s+(?:synpunkter|invändningar|erinringar)\s*[.!:]?\s*$", re.IGNORECASE
)


def stated_position(text: str) -> Position | None:
    """The position an official states in an answer written in chat ("Fråga 3: Vi tillstyrker …", "Tillstyrker.
    …", "Nämnden avstyrker …", "Inga synpunkter."), read by the same signs as a decided yttrande; None when the
    answer states none, or states two that contradict each other."""
    sentences = list(_sentences(text, drop_page_furniture=False))
    if sentences and _NO_COMMENTS.match(sentences[0]):
        return Position.INGA_SYNPUNKTER
    spoken = [
        f"Nämnden {_SPEAKER.sub('', s)}" if _SPEAKER.match(s) or _BARE_POSITION.match(s) else s for s in sentences
    ]
    found = _position(spoken)
    return found.value if found else None


# Decision date ------------------------------------------------------------------------------------------

_MONTHS = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)  # fmt: skip
_DATE = rf"(?:\d{{4}}-\d{{2}}-\d{{2}}|(?:den\s+)?\d{{1,2}}\s+(?:{'|'.join(_MONTHS)})\s+\d{{4}})"
_MEETING_DATE = re.compile(
    r"\b(?:sammanträde[ts]?|sammanträdesdatum|beslutsdatum|(?P<decided>beslutade|beslutat|beslöt|beslut den))\b"
    rf"[^.]{{0,40}}?(?P<date>{_DATE})",
    re.IGNORECASE,
)
# A decision is this answer's when its sentence speaks of the answer: "beslutade … att anta yttrandet".
# ("Kommunstyrelsen beslöt 3 maj 2017 att starta ett program" is the background, not the answer.)
_ABOUT_THE_ANSWER = re.compile(r"\byttra|\bsvar", re.IGNORECASE)
_DATED = re.compile(rf"^datum\s*:?\s*(?P<date>{_DATE})$", re.IGNORECASE)
_PLANNED_STEP = re.compile(rf"^(?P<body>[A-ZÅÄÖ].*?)\s+(?P<date>{_DATE})$")


def _meeting_date(sentences: Sequence[str]) -> Offer[date] | None:
    """A meeting's or decision's date; else the last step of the beslutsplanering; else a decided document's Datum."""
    for sentence in sentences:
        match = _MEETING_DATE.search(sentence)
        if not match or _ABOUT_THE_REMISS.search(sentence):
            continue
        if (not match.group("decided") or _ABOUT_THE_ANSWER.search(sentence)) and (
            day := _parse_date(match.group("date"))
        ):
            return Offer(day, sentence)
    planned = _last_planned_step(sentences)
    if planned and (day := _parse_date(planned.group("date"))):
        return Offer(day, planned.group())
    if any(sentence.lower() == "tjänsteskrivelse" for sentence in sentences):
        return None  # a memo's Datum is the day it was written, not the day the board decided
    for sentence in sentences:
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


def _last_planned_step(sentences: Sequence[str]) -> re.Match[str] | None:
    """The last line under "Beslutsplanering" ("Arbetsmarknads- och socialnämnden 2020-11-19"): the decider."""
    last = None
    steps = False
    for sentence in sentences:
        if sentence.lower() == "beslutsplanering":
            steps = True
        elif steps and (match := _PLANNED_STEP.match(sentence)):
            last = match
        elif steps:
            break
    return last


# § ------------------------------------------------------------------------------------------------------

_PARAGRAPH = re.compile(r"(?:§\s*|\bparagraf\s+)(?P<number>\d{1,5})(?![\d:])", re.IGNORECASE)
# "enligt § 5 i delegationsordningen", "§ 2 förvaltningslagen": a rule's paragraph, not the minutes'.
_LAW_AFTER = re.compile(
    r"^\s*(?:st\.?\s+)?(?:i\s+)?(?:\w*lagen|\w*balken|\w*förordningen|\w*ordningen|kl|fl|osl|sfs)\b", re.IGNORECASE
)


def _paragraph(sentences: Sequence[str]) -> Offer[str] | None:
    for sentence in sentences:
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
    r"(?P<name>\b[\wåäöÅÄÖ-]*?(?P<kind>nämndens arbetsutskott|nämndens presidium|nämnden|arbetsutskottet"
    rf"|presidiet|styrelsen)\b{_OF_NAME})"
    r"(?=(?:\s+[^\s.]+){0,5}?\s+(?:tillstyrker|avstyrker|ställer sig|har inga|föreslår|yttrar sig"
    r"|(?P<decided>beslutade|beslutar|beslöt|har beslutat|godkänner|godkände|antar|antog|har antagit|lämnar))\b)",
    re.IGNORECASE,
)
_NAME_PART = re.compile(r"^(?:[\wåäöÅÄÖ]+-,?|och|[A-ZÅÄÖ][\wåäö]+)$")


@dataclass(frozen=True)
class _Decider:
    body: DecidingBody
    name: str  # as the document writes it; "" for a delegation that does not name its delegate
    sentence: str


def _decider(sentences: Sequence[str]) -> _Decider | None:
    """A delegation decision; else the body that decides or states the position; else the beslutsplanering."""
    for sentence in sentences:
        if _DELEGATION.search(sentence) and not _ABOUT_THE_REMISS.search(sentence):
            who = _DELEGATE.search(sentence)
            name = (who.group("who") or who.group("by")).strip() if who else ""
            return _Decider(DecidingBody.DELEGAT, name, sentence)
    bodies = list(_decision_bodies(sentences))
    named = [decider for decider in bodies if " " in decider.name or decider.name[:1].isupper()]
    if named or bodies:
        return (named or bodies)[0]
    planned = _last_planned_step(sentences)
    if planned and (keyword := _BODY_KEYWORD.search(planned.group("body"))):
        return _Decider(_kind(keyword.group()), planned.group("body"), planned.group())
    return None


def _decision_bodies(sentences: Sequence[str]) -> Iterator[_Decider]:
    for sentence in sentences:
        if _ABOUT_THE_REMISS.search(sentence):
            continue
        for match in _BODY.finditer(sentence):
            if match.group("decided") and not _ABOUT_THE_ANSWER.search(sentence):
                continue  # a decision about something else
            name = _with_name_before(sentence[: match.start()], match.group("name"))
            yield _Decider(_kind(match.group("kind")), name, sentence)


_BODY_KEYWORD = re.compile(r"nämndens arbetsutskott|nämndens presidium|nämnden|arbetsutskott|presidi|styrelse", re.I)


def _kind(keyword: str) -> DecidingBody:
    keyword = keyword.lower()
    if "arbetsutskott" in keyword:
        return DecidingBody.ARBETSUTSKOTT
    if "presidi" in keyword:
        return DecidingBody.PRESIDIUM
    return DecidingBody.STYRELSE if "styrelse" in keyword else DecidingBody.NAMND


def _with_name_before(before: str, name: str) -> str:
    """'Hälsa-, vård- och omsorgsnämnden', 'Tekniska nämnden': the words of the name before its last word."""
    words = before.split()
    taken: list[str] = []
    while words:
        if words[-1] == "och" and len(words) > 1 and words[-2].endswith("-"):
            taken[:0] = words[-2:]  # "Miljö- och"
            del words[-2:]
        elif words[-1].endswith(("-", "-,")):
            taken.insert(0, words.pop())  # "Hälsa-,"
        else:
            if not taken and words[-1].isalpha() and words[-1][:1].isupper() and name.lower() == "nämnden":
                taken.insert(0, words.pop())  # "Tekniska"
            break
    return " ".join([*taken, name])


# The organisation's own diarienummer --------------------------------------------------------------------

_OWN_LABEL = re.compile(r"\b(?:vår|vårt)\s+(?:beteckning|dnr|diarienummer)\s*:?\s*", re.IGNORECASE)


def _own_case_number(sentences: Sequence[str], remiss_case_number: str | None) -> Offer[str] | None:
    """Labelled ("Dnr", "Diarienummer", "Vår beteckning") first, then one standing at a title's end or alone."""
    excluded = case_number_key(remiss_case_number) if remiss_case_number else None
    labelled = [c for s in sentences for c in _labelled_numbers(s)]
    placed = [(number, s) for s in sentences if (number := _number_at_end(s))]
    for number, sentence in [*labelled, *placed]:
        if case_number_key(number) != excluded:
            return Offer(number, sentence)
    return None


def _labelled_numbers(sentence: str) -> Iterator[tuple[str, str]]:
    for label in _OWN_LABEL.finditer(sentence):
        for form in CASE_NUMBER_FORMS:
            if number := form.match(sentence, label.end()):
                yield number.group(), sentence
    for match in LABELLED_CASE_NUMBER.finditer(sentence):
        if not THEIR_LABEL_BEFORE.search(sentence[: match.start("number")]):
            yield match.group("number"), sentence


def _number_at_end(sentence: str) -> str | None:
    """A diarienummer that ends a short line: the Malmö title ("… samverkansstöd ASN-2020-11022") or alone."""
    if len(sentence) > 200:
        return None
    for form in CASE_NUMBER_FORMS:
        for match in form.finditer(sentence):
            if not sentence[match.end() :].strip(" .") and not THEIR_LABEL_BEFORE.search(sentence[: match.start()]):
                return match.group()
    return None


_BODY_WORDS = frozenset({"nämnden", "styrelsen", "arbetsutskottet", "presidiet", "utskottet"})


def _names_someone(name: str) -> bool:
    """Whether `name` names a body or delegate, not just the kind of body ("Nämnden")."""
    return bool(name.strip()) and name.strip().casefold() not in _BODY_WORDS
