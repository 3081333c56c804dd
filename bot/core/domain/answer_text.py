"""The text of a decided answer document (yttrande) as paragraphs and sentences: page furniture dropped,
hyphenation undone, and each sentence knowing where it stands (page and line), so what is read from it can say
where it was found.

The split per question (answer_document.py), the stated positions (answer_positions.py) and the decision offers
(decision_offers.py) read it.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

from bot.core.domain.text import without_control_characters

# Soft hyphens and zero-width characters that PDF and web text leave inside words.
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_SPACES = re.compile("[\u00a0\u2007\u202f\t\f\v ]+")
# A Word heading as the importer's reader marks it ("## Fråga 1"); the mark tells us the line is a heading.
_MARKED_HEADING = re.compile(r"^#{1,6}\s+")
# "Sida 2 av 5", "2 (5)", "2/5", alone or at the end of a page header ("Malmö stad 2 (5)").
_PAGE_NUMBER = re.compile(r"\s*(?:sida\s+)?\d{1,3}\s*(?:\(\d{1,3}\)|av\s+\d{1,3}|/\s*\d{1,3})\s*$", re.IGNORECASE)
_MAX_FURNITURE = 100  # a page header or footer is one short line
# "sam-" + "verkan" is one word broken at the line end; "hälso-" + "och sjukvård" keeps its hyphen.
_BROKEN_WORD = re.compile(r"[a-zåäöéü]-$")
_KEEPS_HYPHEN = re.compile(r"^(?:och|eller|samt|till|som)\b")
_SENTENCE_END = re.compile(r"[.!?:;]$")


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of the document; `marked` when the document itself styled it as a heading.

    `starts` says where it stands in the document: (offset in `text`, line) for each line joined into it, the
    line counted from 0 in the document's text, empty lines included (as `locator` takes it).
    """

    text: str
    marked: bool = False
    starts: tuple[tuple[int, int], ...] = ()

    def line_at(self, offset: int) -> int:
        """The document line that the paragraph's character at `offset` stands on (0 when not known)."""
        line = self.starts[0][1] if self.starts else 0
        for start, number in self.starts:
            if start > offset:
                break
            line = number
        return line


@dataclass(frozen=True)
class Location:
    """Where in the document something was read: the line (1-based, empty lines not counted) on its page
    when the document has pages (a PDF), else in the whole document (a Word file's paragraph)."""

    line: int
    page: int | None = None


T = TypeVar("T")


@dataclass(frozen=True)
class Offer(Generic[T]):
    """A value the document states, with the sentence it states it in and where (shown to the official to
    confirm). `qualifier` is what the sentence limits it by: a position's "delvis" or "men …"."""

    value: T
    sentence: str
    where: Location | None = None
    qualifier: str = ""

    def placed(self, where: Callable[[int], Location]) -> Offer[T]:
        """The offer with its location, when its sentence knows its document line."""
        return replace(self, where=where(self.sentence.line)) if isinstance(self.sentence, Sentence) else self


class Sentence(str):
    """A sentence of the document that knows the document line it starts on (as Paragraph.starts counts)."""

    line: int

    def __new__(cls, text: str, line: int = 0) -> Sentence:
        sentence = super().__new__(cls, text)
        sentence.line = line
        return sentence


# A full stop ends a sentence, but not an abbreviation's: "Er ref. STK-2023-137", "kl. 15.00", "Dnr. KS 2023/4".
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])(?<!\b[Rr]ef\.)(?<!\b[Kk]l\.)(?<!\b[Nn]r\.)(?<!\b[Dd]nr\.)\s+(?=[A-ZÅÄÖ§\d])")
# A label on its own line, its value on the next (the header of a Malmö memo: "Datum", then "2020-10-26").
_LABEL_LINE = re.compile(
    r"^(?:datum|sammanträdesdatum|sammanträdestid|beslutsdatum|dnr|diarienummer|vår beteckning|vårt dnr"
    r"|er beteckning|ert dnr|er referens|paragraf|§)\s*:?$",
    re.IGNORECASE,
)
_LONGEST_SENTENCE = 1000  # a decision is stated in one sentence; text without full stops is cut, not searched at length


def sentences(text: str, *, drop_page_furniture: bool = True) -> Iterator[Sentence]:
    """The document's sentences in order; a label alone on its line is read with the value on the next."""
    paras = paragraphs(text, drop_page_furniture=drop_page_furniture)
    index = 0
    while index < len(paras):
        para = paras[index]
        if _LABEL_LINE.match(para.text) and index + 1 < len(paras):
            yield Sentence(f"{para.text.rstrip(':')} {paras[index + 1].text}", para.line_at(0))
            index += 2
            continue
        start = 0
        for gap in _SENTENCE_BREAK.finditer(para.text):
            yield Sentence(para.text[start : gap.start()][:_LONGEST_SENTENCE], para.line_at(start))
            start = gap.end()
        yield Sentence(para.text[start:][:_LONGEST_SENTENCE], para.line_at(start))
        index += 1


# Line breaks as clean_document_text (and without_control_characters) counts them.
_LINE_BREAK = re.compile("\r\n?|[\n\x0b\x0c]")


def locator(text: str, page_starts: Sequence[int] = ()) -> Callable[[int], Location]:
    """From a document line (as Paragraph.starts counts it) to where a reader finds it: `page_starts` are the
    offsets in `text` where each page begins (a PDF's); without them the lines are counted through the document."""
    lines = clean_document_text(text).split("\n")
    first_lines = sorted({len(_LINE_BREAK.findall(text, 0, max(0, offset))) for offset in page_starts})
    page_firsts = set(first_lines)
    counted: list[int] = []  # per line: how many non-empty lines its page has up to and including it
    for index, line in enumerate(lines):
        new_page = index in page_firsts
        before = 0 if new_page or not counted else counted[-1]
        counted.append(before + (1 if line.strip() else 0))

    def where(line: int) -> Location:
        line = min(max(line, 0), len(lines) - 1)
        page = bisect.bisect_right(first_lines, line) if first_lines else None
        return Location(max(counted[line], 1), page or None)

    return where


def clean_document_text(text: str) -> str:
    """The text with one kind of line break, no invisible characters, Unicode composed (å, not a + ring)."""
    composed = unicodedata.normalize("NFC", _INVISIBLE.sub("", text))
    return without_control_characters(composed.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n"))


def paragraphs(text: str, *, drop_page_furniture: bool = True) -> list[Paragraph]:
    """The document's paragraphs in order: page numbers and repeated page headers dropped, lines unwrapped.

    The page header is kept on request (`drop_page_furniture=False`): it is where a document states its
    diarienummer.
    """
    numbered = [
        (number, line)
        for number, line in enumerate(_SPACES.sub(" ", raw).strip() for raw in clean_document_text(text).split("\n"))
        if line
    ]
    return _unwrapped(_without_page_furniture(numbered) if drop_page_furniture else numbered)


def _without_page_furniture(numbered: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Drops page numbers and the short lines every page repeats (the diarienummer header, "Malmö stad").

    A line counts as a page header when it repeats and either holds a number (a dnr, a date) or repeats at
    least three times; a repeated sentence (ending in a full stop) is the author's text and stays.
    """
    lines = [line for _, line in numbered]
    keys = [_PAGE_NUMBER.sub("", line) for line in lines]
    counts = Counter(keys)

    def furniture(line: str, key: str) -> bool:
        if not key:
            return True
        if len(key) > _MAX_FURNITURE or _SENTENCE_END.search(key) or counts[key] < 2:
            return False
        return counts[key] >= 3 or any(c.isdigit() for c in key) or key != line

    return [(number, line) for (number, line), key in zip(numbered, keys, strict=True) if not furniture(line, key)]


def _unwrapped(numbered: list[tuple[int, str]]) -> list[Paragraph]:
    """Joins a line broken inside a sentence (the next line starts in lower case) with the next."""
    result: list[Paragraph] = []
    for number, raw in numbered:
        marked = bool(_MARKED_HEADING.match(raw))
        line = _MARKED_HEADING.sub("", raw) if marked else raw
        previous = result[-1] if result else None
        if previous and not marked and not previous.marked and _continues(previous.text, line):
            joined = previous.text[:-1] + line if _broken_word(previous.text, line) else f"{previous.text} {line}"
            start = len(joined) - len(line)
            result[-1] = Paragraph(joined, starts=(*previous.starts, (start, number)))
        else:
            result.append(Paragraph(line, marked, ((0, number),)))
    return result


def _continues(previous: str, line: str) -> bool:
    return line[:1].islower() and not _SENTENCE_END.search(previous)


def _broken_word(previous: str, line: str) -> bool:
    return bool(_BROKEN_WORD.search(previous)) and not _KEEPS_HYPHEN.match(line)
