"""Finds the last answer date (sista svarsdatum) from the phrases that state it, and only from those."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.adapters.importer.dates import DateMention, dates_in
from bot.adapters.importer.model import Confidence, WarningCode, WarningNote

# Any character that does not end the sentence: a dot inside "t.ex." or an e-mail address and a single
# line break (PDF text wraps mid-sentence) do not.
_IN_SENTENCE = r"(?:[^.?!\n]|\.(?=\S)|\n(?!\n))"
# Phrases that state the answer deadline and nothing else. A date counts only when one of them comes
# right before it in the same sentence; meeting, publication and decision dates are never read.
_STRONG_CUES = re.compile(
    rf"""
    \bsista\s+svarsdag(?:en)?\b
  | \b(?:sista\s+)?svarsdatum(?:et)?\b
  | \bsista\s+dag(?:en)?\s+(?:att|för\s+att)\s+(?:svara|lämna|yttra|inkomma|komma\s+in)
  | \b(?:remis)?svar(?:en|et)?\b{_IN_SENTENCE}{{0,100}}?\bsenast\b
  | \bsvara\b{_IN_SENTENCE}{{0,80}}?\bsenast\b
    """,
    re.IGNORECASE | re.VERBOSE,
)
_WEAK_CUES = re.compile(
    rf"\b(?:remiss)?yttrande(?:t|n|na)?\b{_IN_SENTENCE}{{0,100}}?\bsenast\b",
    re.IGNORECASE,
)
# Other dates that share the deadline's words: extensions, meeting registration, meetings.
_NOT_THE_DEADLINE = re.compile(r"anstånd|förläng|uppskov|anmäl|sammanträd|\bmöte", re.IGNORECASE)
# Between a cue and its date only a few words may stand ("på remissen är fredagen den").
_MAX_GAP = 60
_GAP_BREAK = re.compile(r"[.?!]\s|\n\s*\n")
_SENTENCE_START = re.compile(r"[.?!]\s|\n\s*\n")


@dataclass(frozen=True)
class DeadlineFinding:
    """The deadline, or None with the reasons in `warnings`."""

    deadline: date | None
    confidence: Confidence | None
    warnings: tuple[WarningNote, ...] = ()
    phrases: tuple[str, ...] = ()


def find_deadline(text: str) -> DeadlineFinding:
    """The answer deadline of a document; with two different dates of equal weight, none."""
    strong = _cued_dates(text, _STRONG_CUES)
    weak = _cued_dates(text, _WEAK_CUES)
    undated = [c.mention.written for c in (*strong, *weak) if c.mention.lacks_year]
    strong_dates = _distinct(strong)
    weak_dates = _distinct(weak)
    warnings: list[WarningNote] = []
    if undated and not strong_dates and not weak_dates:
        warnings.append((WarningCode.DEADLINE_WITHOUT_YEAR, {"written": undated[0]}))
    chosen, confidence = _choose(strong_dates, weak_dates, warnings)
    phrases = tuple(dict.fromkeys(c.phrase for c in (*strong, *weak) if chosen and c.mention.value == chosen))
    return DeadlineFinding(chosen, confidence, tuple(warnings), phrases)


def _choose(strong: list[date], weak: list[date], warnings: list[WarningNote]) -> tuple[date | None, Confidence | None]:
    for dates, confidence in ((strong, Confidence.HIGH), (weak, Confidence.MEDIUM)):
        if len(dates) > 1:
            warnings.append((WarningCode.AMBIGUOUS_DEADLINE, {"dates": [d.isoformat() for d in dates]}))
            return None, None
        if dates:
            others = [d.isoformat() for d in weak if d != dates[0]]
            if others:
                warnings.append((WarningCode.OTHER_DEADLINE_IGNORED, {"chosen": dates[0].isoformat(), "dates": others}))
            return dates[0], confidence
    return None, None


@dataclass(frozen=True)
class _Cued:
    """A date with the phrase that makes it a deadline ("sista svarsdatum 30 november 2023")."""

    mention: DateMention
    phrase: str


def _cued_dates(text: str, cues: re.Pattern[str]) -> list[_Cued]:
    found: list[_Cued] = []
    for cue in cues.finditer(text):
        mention = _first_date_after(text, cue.end())
        if mention is None or _NOT_THE_DEADLINE.search(_sentence_before(text, cue.start(), mention.start)):
            continue
        phrase = " ".join(text[cue.start() : mention.end].split())
        found.append(_Cued(mention, phrase))
    return found


def _first_date_after(text: str, position: int) -> DateMention | None:
    window_end = min(len(text), position + _MAX_GAP + 40)
    for mention in dates_in(text, position, window_end):
        gap = text[position : mention.start]
        if len(gap) > _MAX_GAP or _GAP_BREAK.search(gap):
            return None
        return mention
    return None


def _sentence_before(text: str, cue_start: int, date_start: int) -> str:
    """From the start of the cue's sentence to the date: where an "anstånd" or "anmälan" would show."""
    starts = [m.end() for m in _SENTENCE_START.finditer(text, max(0, cue_start - 200), cue_start)]
    begin = starts[-1] if starts else max(0, cue_start - 200)
    return text[begin:date_start]


def _distinct(cued: list[_Cued]) -> list[date]:
    return sorted({c.mention.value for c in cued if c.mention.value is not None})
