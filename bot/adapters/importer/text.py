"""Turns extracted document text (plain, Markdown-ish, PDF or Word) into clean lines the parser can read."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from bot.core.domain.text import without_control_characters

# Soft hyphens and zero-width characters sit inside words in web and PDF text ("in\u00adbju\u00addan").
# (Regexes, not str.translate: translate with a dict costs seconds on a 20 MB file.)
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_SPACES = re.compile("[\u00a0\u2007\u202f\t\f\v]")

_MAILTO_LINK = re.compile(r"\[([^\]\n]*)\]\(mailto:([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
# "Ärendet**Bakgrund**": a bold heading glued to the previous word starts a new line.
_GLUED_BOLD = re.compile(r"(?<=\w)\*\*(?=\w)")
_ITALIC = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_MANY_SPACES = re.compile(r" {2,}")
# Runs of blank lines mean no more than one blank line, and cost time per line in a padded file.
# (The lookbehind starts a match only at a run's first space: " +\n" alone retried every space of a long run
# without a line break after it, and a line of 200,000 spaces took over a minute.)
_TRAILING_SPACES = re.compile(r"(?<! ) +\n")
_BLANK_RUN = re.compile(r"\n{3,}")
# Page numbers that PDF extraction leaves between lines: "2 (5)", "Sida 2 av 5", "2/5".
_PAGE_NUMBER = re.compile(r"^(?:sida\s+)?\d{1,3}\s*(?:\(\d{1,3}\)|av\s+\d{1,3}|/\s*\d{1,3})$", re.IGNORECASE)


@dataclass(frozen=True)
class CleanText:
    """A document as lines: Markdown and invisible characters removed, headings remembered.

    `text` is the lines joined by newlines, so a regex match in `text` can be mapped back to its line.
    """

    lines: tuple[str, ...]
    heading_levels: dict[int, int]
    text: str
    _line_starts: tuple[int, ...]

    def line_of(self, offset: int) -> int:
        """The index of the line that holds character `offset` of `text`."""
        return bisect_right(self._line_starts, offset) - 1

    def lines_matching(self, pattern: re.Pattern[str]) -> Iterator[int]:
        """Indexes of the lines where a MULTILINE pattern matches, searched in one pass over `text`."""
        for match in pattern.finditer(self.text):
            yield self.line_of(match.start())

    def is_heading(self, index: int) -> bool:
        """True for a line the document marked as a heading (Markdown `#`, a Word heading style)."""
        return index in self.heading_levels


def clean(raw: str) -> CleanText:
    """Normalise characters and Markdown so every reader's output looks alike to the parser."""
    text = unicodedata.normalize("NFC", raw).replace("\r\n", "\n").replace("\r", "\n")
    text = without_control_characters(_SPACES.sub(" ", _INVISIBLE.sub("", text)))
    if "](" in text:
        text = _LINK.sub(r"\1", _MAILTO_LINK.sub(_mailto_as_text, text))
    if "*" in text:
        text = _ITALIC.sub(r"\1", _GLUED_BOLD.sub("\n", text).replace("**", ""))
    text = _BLANK_RUN.sub("\n\n", _TRAILING_SPACES.sub("\n", text))
    lines: list[str] = []
    headings: dict[int, int] = {}
    for raw_line in text.split("\n"):
        line = _clean_line(raw_line)
        if line is None:
            continue
        heading = _HEADING.match(line) if line.startswith("#") else None
        if heading:
            headings[len(lines)] = len(heading.group(1))
            line = heading.group(2).strip()
        lines.append(line)
    starts: list[int] = []
    offset = 0
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    return CleanText(tuple(lines), headings, "\n".join(lines), tuple(starts))


def _clean_line(raw_line: str) -> str | None:
    """The line without extra spaces, a Markdown "* " bullet as "- "; None for a page number."""
    line = raw_line.strip()
    if "  " in line:
        line = _MANY_SPACES.sub(" ", line)
    if line[:1].isdigit() or line[:1] in {"s", "S"}:
        return None if _PAGE_NUMBER.match(line) else line
    return f"- {line[2:]}" if line.startswith("* ") else line


def _mailto_as_text(match: re.Match[str]) -> str:
    """A mailto link keeps both the person's name and the address: "Stefan Zetterlind <s.z@…>"."""
    name, address = match.group(1).strip(), match.group(2).strip()
    return address if not name or name == address else f"{name} <{address}>"
