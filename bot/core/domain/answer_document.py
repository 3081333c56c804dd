"""A board's decided answer document (yttrande) split per remiss question, when it is structured by question.

A yttrande answers the remiss's questions under headings ("Fråga 1", "1.", the question quoted) or as one
text. The split never invents: a question without a heading in the document gets no text, and numbered lists
inside an answer are not taken for questions (the questions' own words and order decide).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum

from bot.core.domain.answer_text import Paragraph, paragraphs
from bot.core.domain.remiss import Question


class SplitKind(StrEnum):
    BY_QUESTION = "by_question"  # sections found for one or more of the remiss's questions
    WHOLE = "whole"  # not structured by question: the whole text answers the remiss as one
    UNMATCHED = "unmatched"  # question headings, but none of them is one of this remiss's questions


@dataclass(frozen=True)
class DocumentSplit:
    """What the document says per question; `intro` is the text before the first question (the overall view).

    `sections` has every question number; a question the document has no section for maps to "". `whole` is
    the whole text, paragraph by paragraph, in every kind of split. `closing` is what follows the last answer
    ("Ansvariga", a signature). `unmatched_headings` are question headings the remiss has no question for.
    """

    kind: SplitKind
    whole: str
    sections: Mapping[int, str] = field(default_factory=dict)
    intro: str = ""
    closing: str = ""
    unmatched_headings: tuple[str, ...] = ()

    @property
    def missing(self) -> tuple[int, ...]:
        """Question numbers the document has no text for (all of them unless split by question)."""
        return tuple(number for number, text in self.sections.items() if not text)


class _Strength(IntEnum):
    NUMBERED = 1  # "1.", "2 Samordning": only together with the others, in the questions' order
    TITLED = 2  # "3. Samordningsstruktur": the title's words are the question's
    QUOTED = 3  # the question itself, as the heading
    EXPLICIT = 4  # "Fråga 2", "Svar på fråga 2:"


@dataclass(frozen=True)
class _Heading:
    index: int  # the paragraph
    number: int
    strength: _Strength
    rest: str = ""  # answer text on the heading's own line ("Fråga 1: Nämnden ser …")


_EXPLICIT = re.compile(
    r"^(?:svar\s+på\s+)?(?:remiss)?fråga\s*(?:nr\.?\s*)?(?P<number>\d{1,2})(?!\d)\s*(?P<sep>[.:)–—-])?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_NUMBERED = re.compile(r"^(?P<number>\d{1,2})(?:\s*[.)]\s*|\s+)(?P<rest>(?:[A-ZÅÄÖ\"”»'].*)?)$")
_WORD = re.compile(r"[a-zåäöéü]{4,}")
_STEM = 6  # Swedish compounds and endings: "samordnande", "samordningsstruktur" → "samord"
_MAX_TITLE = 80
_QUOTE_SHARE = 0.7  # of the question's words, for a heading that is the question itself
_CLOSING = re.compile(
    r"^(?:ansvariga|beslutet skickas till|beslutsunderlag|bilagor?|protokollsanteckning|reservation"
    r"|(?:nämndens\s+|styrelsens\s+)?beslut(?:\s+i\s+ärendet)?"
    r"|för\s+.{0,60}(?:nämnden|styrelsen|utskottet))\s*:?$",
    re.IGNORECASE,
)
# Words every remiss question shares, that say nothing about which question it is.
_COMMON = frozenset(
    {
        "vilka",
        "vilken",
        "vilket",
        "inom",
        "idag",
        "skulle",
        "finns",
        "anser",
        "vara",
        "från",
        "till",
        "över",
        "under",
        "eller",
        "samt",
        "även",
        "detta",
        "dessa",
        "denna",
        "nämnd",
        "nämnds",
        "nämnder",
        "bolag",
        "bolags",
        "bolaget",
        "nämnden",
    }
)


def split_by_question(text: str, questions: Sequence[Question]) -> DocumentSplit:
    """Each question's section of the yttrande when it is structured by question, else the whole text."""
    paras = paragraphs(text)
    whole = _joined(paras)
    numbers = {q.number for q in questions}
    numbered = _numbered_headings(paras, questions)
    found = [
        *_explicit_headings(paras, questions),
        *_quoted_headings(paras, questions),
        *(numbered or _titled_headings(paras, questions)),
    ]
    unmatched = tuple(paras[h.index].text for h in found if h.number not in numbers)
    chosen = [h for h in found if h.number in numbers]
    if not chosen:
        kind = SplitKind.UNMATCHED if unmatched else SplitKind.WHOLE
        return DocumentSplit(kind, whole, dict.fromkeys(sorted(numbers), ""), unmatched_headings=unmatched)
    headings = _one_per_question(_one_per_paragraph(chosen), paras)
    split = _sections(paras, headings, numbers, whole, unmatched)
    if not any(split.sections.values()):  # the questions listed, but nothing answered under them
        return DocumentSplit(SplitKind.WHOLE, whole, dict.fromkeys(sorted(numbers), ""), unmatched_headings=unmatched)
    return split


def _joined(paras: Sequence[Paragraph]) -> str:
    return "\n".join(p.text for p in paras).strip()


# Finding headings ---------------------------------------------------------------------------------------


def _explicit_headings(paras: Sequence[Paragraph], questions: Sequence[Question]) -> list[_Heading]:
    """'Fråga 2', 'Fråga 2: …', 'Svar på fråga 2' opening a paragraph, not a sentence about the question.

    What follows on the heading's line is answer text, unless it is a title or the question quoted.
    """
    headings = []
    for index, para in enumerate(paras):
        match = _EXPLICIT.match(para.text)
        rest = match.group("rest").strip() if match else ""
        if match and (match.group("sep") or para.marked or _heading_like(rest)):
            quoted = any(_quotes(_words(rest), _words(q.text)) for q in questions)
            answer = "" if quoted or _heading_like(rest) else rest
            headings.append(_Heading(index, int(match.group("number")), _Strength.EXPLICIT, answer))
    return headings


def _quoted_headings(paras: Sequence[Paragraph], questions: Sequence[Question]) -> list[_Heading]:
    """A paragraph that is one of the questions, quoted or nearly so (numbered or not)."""
    headings = []
    for index, para in enumerate(paras):
        if _EXPLICIT.match(para.text) or para.text.endswith("."):
            continue  # a sentence that mentions the question is not its heading
        numbered = _NUMBERED.match(para.text)
        body = numbered.group("rest") if numbered else para.text
        words = _words(body)
        for question in questions:
            if _quotes(words, _words(question.text)):
                headings.append(_Heading(index, question.number, _Strength.QUOTED))
                break
    return headings


def _titled_headings(paras: Sequence[Paragraph], questions: Sequence[Question]) -> list[_Heading]:
    """'3. Samordningsstruktur': a numbered heading whose words are those of the question with its number."""
    by_number = {q.number: _words(q.text) for q in questions}
    headings = []
    for index, para in enumerate(paras):
        match = _NUMBERED.match(para.text)
        if not match or not _heading_like(match.group("rest")):
            continue
        number, title = int(match.group("number")), _words(match.group("rest"))
        question = by_number.get(number)
        if question and title and not _quotes(title, question) and _shared(title, question) * 2 >= len(title):
            headings.append(_Heading(index, number, _Strength.TITLED))
    return headings


def _numbered_headings(paras: Sequence[Paragraph], questions: Sequence[Question]) -> list[_Heading]:
    """Numbered headings whose titles are not the questions' words ("1.", "2 Bakgrund").

    Taken only when, once the numbered lists are set aside, they number the questions in order: bare
    numbers ("2." alone) may leave questions out; titled ones must be exactly one per question.
    """
    candidates = []
    for index, para in enumerate(paras):
        match = _NUMBERED.match(para.text)
        if match and _heading_like(match.group("rest")):
            candidates.append((index, int(match.group("number")), match.group("rest")))
    kept = _without_lists(candidates)
    numbers = [number for _, number, _ in kept]
    expected = sorted(q.number for q in questions)
    in_order = numbers == sorted(set(numbers)) and set(numbers) <= set(expected)
    bare = all(not rest for _, _, rest in kept)
    if not kept or not in_order or (not bare and numbers != expected) or (bare and len(numbers) < 2):
        return []
    return [_Heading(index, number, _Strength.NUMBERED) for index, number, _ in kept]


def _without_lists(candidates: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Sets aside numbered lists: a number not above the last heading's starts a list, and its run goes on.

    A bare number ("4." alone on its line) is no list item: it goes on the headings, not the list.
    """
    kept: list[tuple[int, int, str]] = []
    list_next: int | None = None
    for candidate in candidates:
        _, number, rest = candidate
        if list_next is not None and number == list_next and rest:
            list_next += 1
        elif kept and number <= kept[-1][1]:
            list_next = number + 1
        else:
            list_next = None
            kept.append(candidate)
    return kept


def _heading_like(rest: str) -> bool:
    """Nothing after the number, or a short title: not a sentence that ends with a full stop."""
    rest = rest.strip()
    return not rest or (len(rest) <= _MAX_TITLE and not rest.endswith((".", ",", ";")))


def _words(text: str) -> set[str]:
    return {w[:_STEM] for w in _WORD.findall(text.lower()) if w not in _COMMON}


def _shared(words: set[str], question: set[str]) -> int:
    return sum(1 for w in words if any(w.startswith(q) or q.startswith(w) for q in question))


def _quotes(words: set[str], question: set[str]) -> bool:
    """The paragraph is the question: most of its words, and not much besides."""
    if len(question) < 2:
        return False
    shared = _shared(words, question)
    return shared >= _QUOTE_SHARE * len(question) and len(words) <= 1.5 * len(question) + 2


# Sections -----------------------------------------------------------------------------------------------


def _one_per_paragraph(headings: list[_Heading]) -> list[_Heading]:
    """A paragraph that is several kinds of heading counts once, as its strongest."""
    best: dict[int, _Heading] = {}
    for heading in headings:
        if heading.index not in best or heading.strength > best[heading.index].strength:
            best[heading.index] = heading
    return sorted(best.values(), key=lambda h: h.index)


def _one_per_question(headings: list[_Heading], paras: Sequence[Paragraph]) -> list[_Heading]:
    """A question headed twice (listed in the introduction, then answered) keeps the heading with most text.

    Of two alike, the later: the questions are listed before they are answered.
    """
    bounds = [h.index for h in headings[1:]] + [len(paras)]
    sizes = {
        h.index: sum(len(p.text) for p in paras[h.index + 1 : stop]) for h, stop in zip(headings, bounds, strict=True)
    }
    best: dict[int, _Heading] = {}
    for heading in headings:
        current = best.get(heading.number)
        if current is None or (heading.strength, sizes[heading.index]) >= (current.strength, sizes[current.index]):
            best[heading.number] = heading
    return sorted(best.values(), key=lambda h: h.index)


def _sections(
    paras: Sequence[Paragraph], headings: list[_Heading], numbers: set[int], whole: str, unmatched: tuple[str, ...]
) -> DocumentSplit:
    sections = dict.fromkeys(sorted(numbers), "")
    closing_at = _closing_start(paras, headings[-1].index + 1)
    bounds = [h.index for h in headings[1:]] + [closing_at]
    for heading, stop in zip(headings, bounds, strict=True):
        body = [heading.rest] if heading.rest else []
        sections[heading.number] = "\n".join([*body, *(p.text for p in paras[heading.index + 1 : stop])]).strip()
    intro = _joined(paras[: headings[0].index])
    closing = _joined(paras[closing_at:])
    return DocumentSplit(SplitKind.BY_QUESTION, whole, sections, intro, closing, unmatched)


def _closing_start(paras: Sequence[Paragraph], start: int) -> int:
    for index in range(start, len(paras)):
        if _CLOSING.match(paras[index].text):
            return index
    return len(paras)
