"""The position an answer states ("tillstyrker", "avstyrker", "har inget att invända", "ställer sig positiv till …
men …"), read the same way from a decided yttrande, a protokollsutdrag's decision ("att tillstyrka förslaget"),
a tjänsteskrivelse's förslag till beslut and an answer written in chat.

Only the answering body's own words count. A negation turns a position over ("tillstyrker inte" is a no) or
empties it ("avstyrker inte" says no position); "delvis", "men …" and "under förutsättning att …" make a yes one
with changes, and the limiting words are kept as the offer's qualifier. Another body's position, reported
("i sitt yttrande", "enligt miljönämnden", in quotation marks) or named as someone else, is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from bot.core.domain.answer_text import Offer, Sentence, sentences
from bot.core.domain.matching import normalise_name
from bot.core.domain.remiss import Position

OF_NAME = r"(?:\s+för(?:\s+(?-i:[A-ZÅÄÖ])[\w&åäö-]*)+)?"  # "Styrelsen för Parkering Malmö AB"
# "Tekniska nämnden", "Styrelsen för MKB Fastighets AB", and a body named by whose it is: "Bolagets styrelse",
# "Kommunstyrelsens arbetsutskott".
_SUBJECT = (
    rf"(?:\b[\wåäöÅÄÖ-]*(?:nämnden|styrelsen|utskottet|presidiet|bolaget)\b{OF_NAME}"
    r"|\b[\wåäöÅÄÖ-]+s\s+(?:styrelse|arbetsutskott|presidium)\b)"
)
# The words between a body and its position name no other body ("Nämnden noterar att kommunstyrelsen avstyrker"
# is kommunstyrelsen's position, not the board's).
_WORD = r"(?:\s+(?![\wåäöÅÄÖ-]*(?:nämnden|styrelsen)\b)[^\s.]+)"
_BETWEEN = rf"{_WORD}{{0,5}}?\s+"
# A decision told with where and when before it: "… har vid sitt möte den 18 september 2019, § 9, beslutat att".
_DECIDED_AFTER = rf"{_WORD}{{0,14}}?\s+(?:beslutat|beslutade|beslutar|beslöt)\s+att\s+(?:[^\s.]+\s+){{0,3}}?"
# Who states it: a named or plain body ("Tekniska nämnden", "Nämnden … beslutar att"), or a decision's item that
# opens with "att" under "Nämnden beslutar" ("1. att tillstyrka förslaget").
_WHO = (
    rf"(?:(?P<subject>{_SUBJECT})(?:{_DECIDED_AFTER}|{_BETWEEN})"
    rf"|^\s*(?:\d{{1,2}}\s*[.)]\s*)?att\s+(?:[^\s.]+\s+){{0,3}}?)"
)
_NOT = r"(?:inte|ej|icke)"
_YES = (
    rf"(?:tillstyrk(?:er|a)|ställ(?:er|a)\s+sig\s+(?:(?!{_NOT}\b)\w+\s+){{0,2}}positiv\w*"
    r"|ställ(?:er|a)\s+sig\s+bakom|ser\s+positivt\s+på)"
)
_PARTLY = r"(?:delvis|i\s+delar|till\s+(?:viss|en)\s+del)"
_BUT = r"(?P<qualifier>,?\s*\b(?:men|under\s+förutsättning\s+att|med\s+(?:förbehåll|reservation))\b[^.]*)"
_NO_COMMENTS_ON = r"(?!\s+(?:på|i|om|när det gäller)\s+(?:fråga|frågorna|övrigt|punkt|avsnitt))"
_SIGNS: tuple[tuple[re.Pattern[str], Position | None], ...] = tuple(
    (re.compile(_WHO + sign, re.IGNORECASE), position)
    for sign, position in (
        # "avstyrker inte" refuses to say no; it states no position, and the sentence is read no further.
        (rf"(?:avstyrk(?:er|a)\s+{_NOT}|{_NOT}\s+avstyrka)\b", None),
        (rf"(?:tillstyrk(?:er|a)\s+{_NOT}|{_NOT}\s+tillstyrka|(?:kan|vill)\s+{_NOT}\s+tillstyrka"
         rf"|ställ(?:er|a)\s+sig\s+(?:\w+\s+){{0,2}}?{_NOT}\s+(?:\w+\s+)?(?:positiv\w*|bakom)"
         rf"|{_NOT}\s+ställa\s+sig\s+(?:\w+\s+)?(?:positiv\w*|bakom))\b", Position.AVSTYRKER),
        (rf"(?:(?:till|av)styrk(?:er|a)\s+(?:\w+\s+){{0,2}}?(?P<qualifier>{_PARTLY})|(?P<before>{_PARTLY})\s+"
         r"(?:till|av)styrk(?:er|a))\b", Position.FORESLAR_ANDRINGAR),
        (r"(?:avstyrk(?:er|a)|ställ(?:er|a)\s+sig\s+(?:\w+\s+){0,2}negativ\w*)\b", Position.AVSTYRKER),
        (rf"{_YES}\b[^.]*\b(?:med|efter)\s+(?:\w+\s+)?(?:ändring|justering)", Position.FORESLAR_ANDRINGAR),
        (rf"{_YES}\b[^.]*?{_BUT}", Position.FORESLAR_ANDRINGAR),
        (rf"{_YES}\b", Position.TILLSTYRKER),
        (r"föreslå(?:r)?\s+(?:\w+\s+)?(?:ändring|justering)", Position.FORESLAR_ANDRINGAR),
        (rf"(?:(?:har|ha)\s+inga|(?:har|ha)\s+{_NOT}\s+några|{_NOT}\s+ha\s+några|lämnar\s+inga)\s+"
         rf"(?:synpunkter|invändningar|erinringar)\b{_NO_COMMENTS_ON}"
         rf"|(?:(?:har|ha)\s+(?:inget|ingenting)|{_NOT}\s+ha\s+något)\s+att\s+(?:invända|erinra|tillägga)\b"
         rf"{_NO_COMMENTS_ON}", Position.INGA_SYNPUNKTER),
    )
)  # fmt: skip
# Another body's position, reported: "Miljönämnden har i sitt yttrande avstyrkt …", "enligt stadsbyggnadsnämnden",
# "«Nämnden avstyrker förslaget», skriver …", a reservation. ("Enligt förvaltningens förslag" is the board
# adopting its own office's proposal.)
_REPORTED = re.compile(
    r"\b(?:i|enligt)\s+(?:sitt|sina|deras|dess)\s+(?:yttrande|remissvar|svar|beslut)"
    # A member's motion or reservation is not the board's decision: "reserverar sig", "(M) yrkar att …".
    r"|\breserver|\bprotokollsanteckning|\bsärskilt\s+yttrande|\beget\s+yrkande|\byrkar\b"
    r"|\benligt\s+(?:\S+\s+){0,3}?\S*(?:nämnden|styrelsen)s?\b|\b(?:har|hade)\s+tidigare\b",
    re.IGNORECASE,
)
_KIND_ONLY = frozenset(
    {"nämnden", "styrelsen", "utskottet", "arbetsutskottet", "presidiet", "bolaget", "bolagets styrelse"}
)


def position_in(found: Iterable[Sentence], answerer: str = "") -> Offer[Position] | None:
    """The position the sentences state for the answering body (named `answerer`, when known); a yes with a
    change proposed beside it is "föreslår ändringar", a yes and a no none."""
    stated: dict[Position, Offer[Position]] = {}
    for sentence in found:
        offer = _stated_in(sentence, answerer)
        if offer is not None:
            stated.setdefault(offer.value, offer)
    if set(stated) == {Position.TILLSTYRKER, Position.FORESLAR_ANDRINGAR}:
        stated.pop(Position.TILLSTYRKER)
    if len(stated) != 1:
        return None
    return next(iter(stated.values()))


# Every sign has one of these words: most sentences have none and are not searched further (a memo of 11,000
# characters took 50 ms with every sign tried on every sentence).
_ANY_SIGN = re.compile(r"styrk|ställ|positiv|synpunkt|invänd|erinr|ändring|justering", re.IGNORECASE)


def _stated_in(sentence: Sentence, answerer: str) -> Offer[Position] | None:
    if not _ANY_SIGN.search(sentence):
        return None
    for pattern, position in _SIGNS:
        match = pattern.search(sentence)
        if match is None:
            continue
        if position is None or _someone_else(sentence, match, answerer):
            return None
        qualifier = match.groupdict().get("qualifier") or match.groupdict().get("before") or ""
        return Offer(position, sentence, qualifier=" ".join(qualifier.strip(" ,").split()))
    return None


def reported(sentence: str, at: int = 0) -> bool:
    """Whether the sentence reports what another body said or did ("i sitt yttrande", "enligt …"), or what
    stands at `at` is quoted («Nämnden avstyrker …», skriver …); a quoted title ("förslaget «Riktlinjer …»")
    leaves the rest of the sentence the board's own."""
    return bool(_REPORTED.search(sentence)) or _quoted(sentence[:at])


def _quoted(before: str) -> bool:
    """Whether a quotation is open at the end of `before`."""
    return before.count("«") > before.count("»") or (before.count('"') + before.count("”") + before.count("“")) % 2 == 1


def _someone_else(sentence: str, match: re.Match[str], answerer: str) -> bool:
    """A position reported from another body, or stated by a body named otherwise than the answering one."""
    if reported(sentence, match.start()) or reported(sentence, match.end()):
        return True
    subject = match.group("subject")
    if not subject or subject.casefold() in _KIND_ONLY:
        return False
    name = body_name(sentence[: match.start("subject")], subject)
    if _names_kind_only(name):
        return False
    # "Nämnden noterar att kommunstyrelsen avstyrker …": a named body's position told by another body before it.
    if any(
        not same_body(body_name(sentence[: m.start()], m.group()), name)
        for m in _ANY_SUBJECT.finditer(sentence, 0, match.start("subject"))
    ):
        return True
    return bool(answerer) and not same_body(name, answerer)


_ANY_SUBJECT = re.compile(_SUBJECT, re.IGNORECASE)


def same_body(name: str, other: str) -> bool:
    """Whether two names as written name one body: "Styrelsen för MKB Fastighets AB" and "MKB Fastighets AB",
    "Funktionsstödsförvaltningen" and "Funktionsstödsnämnden" (a förvaltning speaks for its nämnd)."""
    a, b = (normalise_name(OFFICE.sub("nämnd", BOARD_OF.sub("", n))) for n in (name, other))
    return bool(a) and a == b


# "Styrelsen för X" names X; a förvaltning (or a kontor) speaks for its nämnd.
BOARD_OF = re.compile(r"^\s*styrelsen\s+för\s+", re.IGNORECASE)
OFFICE = re.compile(r"förvaltning(?:en|ens)?\b|kontoret\b", re.IGNORECASE)


def _names_kind_only(name: str) -> bool:
    return name.strip().casefold() in _KIND_ONLY


def body_name(before: str, name: str) -> str:
    """'Hälsa-, vård- och omsorgsnämnden', 'Tekniska nämnden': the words of a body's name before its last word."""
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


# The writer speaking for the body ("Vi tillstyrker …") or a bare position word opening the answer ("Tillstyrker.",
# "Föreslår ändringar: …"): read as the body's own sentence.
_SPEAKER = re.compile(r"^\s*(?:vi|förvaltningen)\s+(?=\w)", re.IGNORECASE)
_BARE_POSITION = re.compile(
    r"^\s*(?:tillstyrker|avstyrker|föreslår\s+ändring|ställer\s+sig|har\s+inget\s+att)", re.IGNORECASE
)
_NO_COMMENTS = re.compile(
    r"^\s*(?:inga|har\s+inga)\s+(?:synpunkter|invändningar|erinringar)\s*[.!:]?\s*$", re.IGNORECASE
)


def spoken_position(found: Sequence[Sentence], answerer: str = "") -> Offer[Position] | None:
    """The position an answer's own text states, its writer speaking for the body (named `answerer`, when
    known): "Vi tillstyrker …", "Tillstyrker.", "Inga synpunkter."."""
    if found and _NO_COMMENTS.match(found[0]):
        return Offer(Position.INGA_SYNPUNKTER, found[0])
    spoken = [
        Sentence(f"Nämnden {_SPEAKER.sub('', s)}", s.line) if _SPEAKER.match(s) or _BARE_POSITION.match(s) else s
        for s in found
    ]
    offer = position_in(spoken, answerer)
    if offer is None:
        return None
    original = next((s for s, said in zip(found, spoken, strict=True) if said is offer.sentence), offer.sentence)
    return Offer(offer.value, original, qualifier=offer.qualifier)


def stated_position(text: str) -> Position | None:
    """The position an official states in an answer written in chat ("Fråga 3: Vi tillstyrker …", "Tillstyrker.
    …", "Nämnden avstyrker …", "Inga synpunkter."), read by the same signs as a decided yttrande; None when the
    answer states none, or states two that contradict each other."""
    found = spoken_position(list(sentences(text, drop_page_furniture=False)))
    return found.value if found else None
