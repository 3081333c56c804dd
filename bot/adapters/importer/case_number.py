"""Finds the document's own diary number (diarienummer) among the look-alike numbers it mentions."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import IntEnum

from bot.adapters.importer.model import Confidence, WarningCode, WarningNote
from bot.adapters.importer.text import CleanText
from bot.core.domain.case_number import (
    CASE_NUMBER_FORMS,
    LABEL_BEFORE,
    LABELLED_CASE_NUMBER,
    OWN_LABEL_BEFORE,
    THEIR_LABEL_BEFORE,
    case_number_key,
    is_case_number,
)

_LOOKBACK = 40
_MAX_REPORTED = 5
# A labelled number on a line of at most this many other words, not ending a sentence, stands in the header
# ("Dnr KS 2019/412-101", "Malmö stad, Stadskontoret Dnr STK-2024-77"); in a sentence it may cite another case.
_HEADER_LINE_WORDS = 10
_HEADER_LINES = 30


class _Place(IntEnum):
    """Where a number stands, from most to least telling."""

    HEADER = 4  # the document's own label: "Vår beteckning", or "Dnr"/"Diarienummer" in the header
    LABELLED = 3  # labelled in a sentence: "I remissvaret anges … diarienummer N2015/08441/RS"
    TITLE = 2  # at the end of the memo's title line, the Malmö way
    OWN_LINE = 1  # alone on a line, as in a protocol extract
    TEXT = 0  # somewhere in running text: a reference to another case, an attachment


@dataclass(frozen=True)
class _Candidate:
    number: str
    place: _Place
    line: int
    cited: bool = False  # "Er beteckning", "Ert dnr": the other side's number

    @property
    def key(self) -> str:
        """The same number in its filename form ("N2015-08441-RS") compares equal."""
        return case_number_key(self.number)


@dataclass(frozen=True)
class CaseNumberFinding:
    """The case number, or None with the reason in `warnings`; `references` are other cases' numbers it cites.

    `line` is the line the number was read from when it was labelled or stood alone (the ärendemening follows).
    """

    case_number: str | None
    confidence: Confidence | None
    warnings: tuple[WarningNote, ...] = ()
    references: tuple[str, ...] = ()
    line: int | None = None


def find_case_number(doc: CleanText, title_lines: Collection[int] = ()) -> CaseNumberFinding:
    """The document's own case number: labelled, in the title (`title_lines`: its line and the lines it wraps
    onto), or alone on a line; never a guess."""
    candidates = _candidates(doc, title_lines)
    cited = _distinct_numbers([c for c in candidates if c.cited])
    placed = [c for c in candidates if c.place > _Place.TEXT and not c.cited]
    if not placed:
        loose = _distinct_numbers([c for c in candidates if not c.cited])
        warnings = (_listing(WarningCode.CASE_NUMBER_ONLY_IN_TEXT, loose),) if loose else ()
        return CaseNumberFinding(None, None, warnings, tuple(cited))
    best = max(c.place for c in placed)
    keys = {c.key for c in placed if c.place == best}
    if len(keys) > 1:
        warning = _listing(WarningCode.AMBIGUOUS_CASE_NUMBER, _distinct_numbers(placed))
        return CaseNumberFinding(None, None, (warning,), tuple(cited))
    own = [c for c in placed if c.key in keys]
    chosen = _preferred_form(own)
    line = next((c.line for c in own if c.place >= _Place.LABELLED or c.place == _Place.OWN_LINE), None)
    others = [n for n in _distinct_numbers(placed) if case_number_key(n) not in keys]
    references = tuple(dict.fromkeys(n for n in [*others, *cited] if case_number_key(n) not in keys))
    if others and best < _Place.HEADER:
        # A weaker place names another number: take the stronger one, but say so.
        warning = _listing(WarningCode.AMBIGUOUS_CASE_NUMBER, [chosen, *others])
        return CaseNumberFinding(chosen, Confidence.MEDIUM, (warning,), references, line)
    # The header says which number is the document's own; the others are cases it refers to.
    notes: tuple[WarningNote, ...] = (
        ((WarningCode.CASE_NUMBER_REFERENCES, {"chosen": chosen, "numbers": others[:_MAX_REPORTED]}),) if others else ()
    )
    confidence = Confidence.HIGH if best >= _Place.TITLE else Confidence.MEDIUM
    return CaseNumberFinding(chosen, confidence, notes, references, line)


def _listing(code: WarningCode, numbers: list[str]) -> WarningNote:
    return code, {"numbers": numbers[:_MAX_REPORTED]}


def _candidates(doc: CleanText, title_lines: Collection[int]) -> list[_Candidate]:
    text = doc.text
    found: dict[int, _Candidate] = {}
    for form in CASE_NUMBER_FORMS:
        for match in form.finditer(text):
            found[match.start()] = _placed(doc, match.start(), match.end(), title_lines)
    for match in LABELLED_CASE_NUMBER.finditer(text):
        start, end = match.start("number"), match.end("number")
        known = found.get(start)
        # A labelled number may be longer than the form found at the same place ("KS 2019/412 SBN-3").
        if known is None or len(known.number) < end - start:
            found[start] = _placed(doc, start, end, title_lines)
    return [found[start] for start in sorted(found)]


def _placed(doc: CleanText, start: int, end: int, title_lines: Collection[int]) -> _Candidate:
    number = doc.text[start:end]
    before = doc.text[max(0, start - _LOOKBACK) : start]
    line = doc.line_of(start)
    if THEIR_LABEL_BEFORE.search(before):
        return _Candidate(number, _Place.TEXT, line, cited=True)
    if OWN_LABEL_BEFORE.search(before):
        return _Candidate(number, _Place.HEADER, line)
    if LABEL_BEFORE.search(before):
        return _Candidate(number, _Place.HEADER if _is_header_line(doc, line, number) else _Place.LABELLED, line)
    if line in title_lines:
        return _Candidate(number, _Place.TITLE, line)
    if doc.lines[line].strip(" :") == number:
        return _Candidate(number, _Place.OWN_LINE, line)
    return _Candidate(number, _Place.TEXT, line)


def _is_header_line(doc: CleanText, index: int, number: str) -> bool:
    """A short line at the top ("Malmö stad, Stadskontoret Dnr STK-2024-77"), or anywhere a line of just the
    label and the number (a PDF's page header); not "Bilaga 2: Protokoll, dnr KS 2018/100" in the body."""
    rest = doc.lines[index].replace(number, " ").strip()
    if LABEL_BEFORE.fullmatch(rest + " "):
        return True
    return index < _HEADER_LINES and len(rest.split()) <= _HEADER_LINE_WORDS and not rest.endswith((".", "?", "!"))


def _preferred_form(candidates: list[_Candidate]) -> str:
    """Of the written forms of one number, the official one (with its slashes or hyphens), first seen."""
    for candidate in candidates:
        if is_case_number(candidate.number):
            return candidate.number
    return max(candidates, key=lambda c: len(c.number)).number


def _distinct_numbers(candidates: list[_Candidate]) -> list[str]:
    seen: dict[str, str] = {}
    for candidate in candidates:
        seen.setdefault(candidate.key, candidate.number)
    return list(seen.values())
