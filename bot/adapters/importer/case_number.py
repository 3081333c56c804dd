"""Finds the document's own diary number (diarienummer) among the look-alike numbers it mentions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum

from bot.adapters.importer.model import Confidence, WarningCode, WarningNote
from bot.adapters.importer.text import CleanText
from bot.core.domain.case_number import (
    CASE_NUMBER_FORMS,
    LABEL_BEFORE,
    LABELLED_CASE_NUMBER,
    THEIR_LABEL_BEFORE,
    case_number_key,
    is_case_number,
)

_LOOKBACK = 40
_MAX_REPORTED = 5


class _Place(IntEnum):
    """Where a number stands, from most to least telling."""

    LABELLED = 3  # "Diarienummer: Ju2025/00949", "I remissvaret anges … diarienummer N2015/08441/RS"
    TITLE = 2  # at the end of the memo's title line, the Malmö way
    OWN_LINE = 1  # alone on a line, as in a protocol extract
    TEXT = 0  # somewhere in running text: a reference to another case, an attachment


@dataclass(frozen=True)
class _Candidate:
    number: str
    place: _Place

    @property
    def key(self) -> str:
        """The same number in its filename form ("N2015-08441-RS") compares equal."""
        return case_number_key(self.number)


@dataclass(frozen=True)
class CaseNumberFinding:
    """The case number, or None with the reason in `warnings`."""

    case_number: str | None
    confidence: Confidence | None
    warnings: tuple[WarningNote, ...] = ()


def find_case_number(doc: CleanText, title_line: int | None) -> CaseNumberFinding:
    """The document's own case number: labelled, in the title line, or alone on a line; never a guess."""
    candidates = _candidates(doc, title_line)
    placed = [c for c in candidates if c.place > _Place.TEXT]
    if not placed:
        loose = _distinct_numbers(candidates)
        warnings = (_listing(WarningCode.CASE_NUMBER_ONLY_IN_TEXT, loose),) if loose else ()
        return CaseNumberFinding(None, None, warnings)
    best = max(c.place for c in placed)
    keys = {c.key for c in placed if c.place == best}
    if len(keys) > 1:
        return CaseNumberFinding(None, None, (_listing(WarningCode.AMBIGUOUS_CASE_NUMBER, _distinct_numbers(placed)),))
    chosen = _preferred_form([c for c in placed if c.key in keys])
    others = [n for n in _distinct_numbers(placed) if _Candidate(n, best).key not in keys]
    if others:
        # A weaker place names another number: take the stronger one, but say so.
        warning = _listing(WarningCode.AMBIGUOUS_CASE_NUMBER, [chosen, *others])
        return CaseNumberFinding(chosen, Confidence.MEDIUM, (warning,))
    return CaseNumberFinding(chosen, Confidence.HIGH if best >= _Place.TITLE else Confidence.MEDIUM)


def _listing(code: WarningCode, numbers: list[str]) -> WarningNote:
    return code, {"numbers": numbers[:_MAX_REPORTED]}


def _candidates(doc: CleanText, title_line: int | None) -> list[_Candidate]:
    text = doc.text
    found: dict[int, _Candidate] = {}
    for form in CASE_NUMBER_FORMS:
        for match in form.finditer(text):
            place = _place_of(doc, match, title_line)
            if place is not None:
                found[match.start()] = _Candidate(match.group(), place)
    for match in LABELLED_CASE_NUMBER.finditer(text):
        start = match.start("number")
        if start not in found and not THEIR_LABEL_BEFORE.search(text[max(0, start - _LOOKBACK) : start]):
            found[start] = _Candidate(match.group("number"), _Place.LABELLED)
    return [found[start] for start in sorted(found)]


def _place_of(doc: CleanText, match: re.Match[str], title_line: int | None) -> _Place | None:
    before = doc.text[max(0, match.start() - _LOOKBACK) : match.start()]
    if THEIR_LABEL_BEFORE.search(before):
        return None
    if LABEL_BEFORE.search(before):
        return _Place.LABELLED
    line = doc.line_of(match.start())
    if line == title_line:
        return _Place.TITLE
    if doc.lines[line].strip(" :") == match.group():
        return _Place.OWN_LINE
    return _Place.TEXT


def _preferred_form(candidates: list[_Candidate]) -> str:
    """Of the written forms of one number, the official one (with its slashes or hyphens), first seen."""
    for candidate in candidates:
        if is_case_number(candidate.number):
            return candidate.number
    return candidates[0].number


def _distinct_numbers(candidates: list[_Candidate]) -> list[str]:
    seen: dict[str, str] = {}
    for candidate in candidates:
        seen.setdefault(candidate.key, candidate.number)
    return list(seen.values())
