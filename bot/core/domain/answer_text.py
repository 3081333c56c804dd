"""The text of a decided answer document (yttrande) as paragraphs: page furniture dropped, hyphenation undone.

Both the split per question (answer_document.py) and the decision offers (decision_offers.py) read it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

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
    """One paragraph of the document; `marked` when the document itself styled it as a heading."""

    text: str
    marked: bool = False


def clean_document_text(text: str) -> str:
    """The text with one kind of line break, no invisible characters, Unicode composed (å, not a + ring)."""
    composed = unicodedata.normalize("NFC", _INVISIBLE.sub("", text))
    return without_control_characters(composed.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n"))


def paragraphs(text: str, *, drop_page_furniture: bool = True) -> list[Paragraph]:
    """The document's paragraphs in order: page numbers and repeated page headers dropped, lines unwrapped.

    The page header is kept on request (`drop_page_furniture=False`): it is where a document states its
    diarienummer.
    """
    lines = [line for line in (_SPACES.sub(" ", raw).strip() for raw in clean_document_text(text).split("\n")) if line]
    return _unwrapped(_without_page_furniture(lines) if drop_page_furniture else lines)


def _without_page_furniture(lines: list[str]) -> list[str]:
    """Drops page numbers and the short lines every page repeats (the diarienummer header, "Malmö stad").

    A line counts as a page header when it repeats and either holds a number (a dnr, a date) or repeats at
    least three times; a repeated sentence (ending in a full stop) is the author's text and stays.
    """
    keys = [_PAGE_NUMBER.sub("", line) for line in lines]
    counts = Counter(keys)

    def furniture(line: str, key: str) -> bool:
        if not key:
            return True
        if len(key) > _MAX_FURNITURE or _SENTENCE_END.search(key) or counts[key] < 2:
            return False
        return counts[key] >= 3 or any(c.isdigit() for c in key) or key != line

    return [line for line, key in zip(lines, keys, strict=True) if not furniture(line, key)]


def _unwrapped(lines: list[str]) -> list[Paragraph]:
    """Joins a line broken inside a sentence (the next line starts in lower case) with the next."""
    result: list[Paragraph] = []
    for raw in lines:
        marked = bool(_MARKED_HEADING.match(raw))
        line = _MARKED_HEADING.sub("", raw) if marked else raw
        previous = result[-1] if result else None
        if previous and not marked and not previous.marked and _continues(previous.text, line):
            joined = previous.text[:-1] + line if _broken_word(previous.text, line) else f"{previous.text} {line}"
            result[-1] = Paragraph(joined)
        else:
            result.append(Paragraph(line, marked))
    return result


def _continues(previous: str, line: str) -> bool:
    return line[:1].islower() and not _SENTENCE_END.search(previous)


def _broken_word(previous: str, line: str) -> bool:
    return bool(_BROKEN_WORD.search(previous)) and not _KEEPS_HYPHEN.match(line)
