"""Reads the list under a heading: numbered ("1.", "1", the OCR "l."), bulleted or one name per line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from bot.adapters.importer.text import CleanText

_NUMBERED = re.compile(r"^(?P<n>\d{1,3}|[lI](?=[.)]))(?:[.)]\s*|\s+)(?P<text>\S.*)$")
_BULLET = re.compile(r"^[-•–·]\s+(?P<text>\S.*)$")
# Headings of the Malmö memo layout (and of answers to it) that end whatever list stands above them.
_SECTION_HEADINGS = re.compile(
    r"""^(?:ärendet|bakgrund|sammanfattning|förslag\s+till\s+beslut|beslutsunderlag|beslutsplanering
        |beslutet\s+skickas\s+till|ansvariga|frågor|remissfrågor|yttrande|bilagor?|underskrifter|ekonomi
        |ärendets\s+beredning|remissinstanser|sändlista|\S+s\s+(?:bedömning|överväganden|yttrande))\s*:?$""",
    re.IGNORECASE | re.VERBOSE,
)
# A line ending with one of these words continues on the next line ("… för personer med / funktionsned…").
_HANGING_WORDS = frozenset({"och", "i", "för", "med", "av", "till", "samt", "eller", "inom", "om", "på", "de"})
_PROSE_MIN_WORDS = 7
_PROSE_MAX_WORDS = 14
_PROSE_MAX_CHARS = 120
_MAX_INTRO_LINES = 3
_MIN_WORD_BEFORE_FULL_STOP = 4


class ListKind(Enum):
    """How the items of a list are marked."""

    NUMBERED = "numbered"
    BULLETED = "bulleted"
    PLAIN = "plain"  # one item per line, as in "Beslutet skickas till"


@dataclass(frozen=True)
class ListRead:
    """The items of one list, with its kind and whether it ended where lists end (heading, end of text)."""

    items: tuple[str, ...]
    kind: ListKind
    ended_cleanly: bool


def is_known_heading(line: str) -> bool:
    """True for a section heading of the memo layout ("Ärendet", "Beslutsunderlag", "Frågor", …)."""
    return bool(_SECTION_HEADINGS.match(line))


def is_section_heading(doc: CleanText, index: int) -> bool:
    """True for a line that starts a new section: a marked heading or a known memo heading."""
    return doc.is_heading(index) or is_known_heading(doc.lines[index])


def read_list(doc: CleanText, heading: int, *, allow_plain: bool, allow_intro: bool) -> ListRead:
    """The list that follows the heading at line `heading`.

    `allow_plain` accepts one item per line without numbers (recipient lists); `allow_intro` skips a short
    introduction between heading and list ("Berörda nämnder ombeds särskilt kommentera …:").
    """
    start = _first_item_line(doc, heading + 1, allow_intro=allow_intro)
    if start is None:
        return ListRead((), ListKind.PLAIN, ended_cleanly=True)
    kind = _kind_of(doc.lines[start])
    if kind is ListKind.PLAIN and not allow_plain:
        return ListRead((), kind, ended_cleanly=True)
    return _Reader(doc, kind, questions=not allow_plain).read(start)


def _first_item_line(doc: CleanText, index: int, *, allow_intro: bool) -> int | None:
    intro_lines = 0
    for i in range(index, len(doc.lines)):
        line = doc.lines[i]
        if not line:
            continue
        if is_section_heading(doc, i):
            return None
        if not allow_intro or _kind_of(line) is not ListKind.PLAIN:
            return i
        intro_lines += 1
        if intro_lines > _MAX_INTRO_LINES:
            return None
    return None


def _kind_of(line: str) -> ListKind:
    if _NUMBERED.match(line):
        return ListKind.NUMBERED
    if _BULLET.match(line):
        return ListKind.BULLETED
    return ListKind.PLAIN


class _Reader:
    """Walks the lines of one list, joining wrapped lines to their item."""

    def __init__(self, doc: CleanText, kind: ListKind, *, questions: bool) -> None:
        self._doc = doc
        self._kind = kind
        self._questions = questions
        self._items: list[str] = []
        self._expected = 1

    def read(self, start: int) -> ListRead:
        blank_before = False
        for i in range(start, len(self._doc.lines)):
            line = self._doc.lines[i]
            if not line:
                blank_before = True
                continue
            if is_section_heading(self._doc, i):
                return self._result(ended_cleanly=True)
            if not self._take(line, blank_before=blank_before):
                return self._result(ended_cleanly=self._kind is not ListKind.PLAIN)
            blank_before = False
        return self._result(ended_cleanly=True)

    def _take(self, line: str, *, blank_before: bool) -> bool:
        """Adds the line as an item or a continuation; False when the list has ended."""
        item = self._item_text(line)
        if item is not None:
            self._items.append(item)
            return True
        if _kind_of(line) is not ListKind.PLAIN:
            return False  # numbering broke off, or another kind of list starts
        if not blank_before and self._items and self._continues(self._items[-1], line):
            self._items[-1] = _join(self._items[-1], line)
            return True
        if self._kind is ListKind.PLAIN and not _looks_like_prose(line):
            self._items.append(line)
            return True
        return False

    def _item_text(self, line: str) -> str | None:
        if self._kind is ListKind.NUMBERED:
            match = _NUMBERED.match(line)
            if match is None or _number(match.group("n"), self._expected) != self._expected:
                return None
            self._expected += 1
            return match.group("text")
        if self._kind is ListKind.BULLETED:
            bullet = _BULLET.match(line)
            return bullet.group("text") if bullet else None
        return None

    def _continues(self, previous: str, line: str) -> bool:
        if line[0].islower() or line.startswith("("):
            return True
        last_word = previous.rsplit(" ", 1)[-1].casefold()
        if previous.endswith(("-", ",")) or last_word in _HANGING_WORDS:
            return True
        # A question wraps until it ends; a name list item is done at the end of its line.
        return self._questions and not previous.endswith(("?", ".", ":", "!"))

    def _result(self, *, ended_cleanly: bool) -> ListRead:
        items = tuple(t for t in (_clean_item(item) for item in self._items) if t)
        return ListRead(items, self._kind, ended_cleanly)


def _number(written: str, expected: int) -> int:
    # "l. Kammarrätten i Stockholm": an OCR'd "1" as the first item.
    if written in {"l", "I"}:
        return 1 if expected == 1 else -1
    return int(written)


def _join(previous: str, line: str) -> str:
    if previous.endswith("-") and not line.startswith("och "):
        return previous[:-1] + line  # a word hyphenated at the end of a PDF line
    return f"{previous} {line}"


def _looks_like_prose(line: str) -> bool:
    words = len(line.split())
    return (
        len(line) > _PROSE_MAX_CHARS
        or words > _PROSE_MAX_WORDS
        or (line.endswith((".", ":")) and words >= _PROSE_MIN_WORDS)
    )


def _clean_item(item: str) -> str:
    text = item.strip().rstrip(";,").strip()
    last_word = text.rsplit(" ", 1)[-1]
    # "Sveriges Kommuner och Landsting." loses its full stop; "Kungl." and "m.fl." keep theirs.
    if text.endswith(".") and last_word[:-1].isalpha() and len(last_word) > _MIN_WORD_BEFORE_FULL_STOP:
        text = text[:-1]
    return text if any(c.isalpha() for c in text) else ""
