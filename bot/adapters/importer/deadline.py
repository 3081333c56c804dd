"""Finds the last answer date (sista svarsdatum) from the phrases that state it, and only from those."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from bot.adapters.importer.dates import DateMention, dates_in
from bot.adapters.importer.model import Confidence, WarningCode, WarningNote

# Any character that does not end the sentence: a dot inside "t.ex." or an e-mail address and a single
# line break (PDF text wraps mid-sentence) do not.
# Nor does the dot of an abbreviation ("inom sex veckor, dvs. senast den 12 april").
_IN_SENTENCE = r"(?:[^.?!\n]|\.(?=\S)|\n(?!\n)|(?<=\bdvs)\.|(?<=\bca)\.|(?<=\binkl)\.|(?<=\bresp)\.)"
# What is asked for: answers and views (strong), or the yttrande, which also names other documents (weak).
_ANSWERS = r"\b(?:(?:remis)?svar(?:en|et)?|synpunkter(?:na)?)\b"
_YTTRANDE = r"\b(?:remiss)?yttrande(?:t|n|na)?\b"
# By when: "senast" may stand anywhere before the date ("ska senast vara inlämnade senast den …"); the others
# must come right before it ("lämnas före den 1 juni", "vara oss tillhanda 2019-05-17").
_BY = r"\bsenast\b"
_UNTIL = (
    r"(?:\btillhanda(?:\s+(?:senast|före|innan))?|\bföre|\binnan|\btill\s+och\s+med|\bt\.\s?o\.\s?m\.|\bfram\s+till)"
    r"(?!\w)"
)
# Between such a phrase and its date only "den" and a weekday may stand.
_TIGHT_GAP = re.compile(r"\s*(?:den\s+)?(?:(?:mån|tis|ons|tors|fre|lör|sön)dag(?:en)?\s+(?:den\s+)?)?", re.IGNORECASE)


class _Weight(Enum):
    EXTENDED = "extended"  # the remiss's deadline moved: wins over every other
    STRONG = "strong"
    WEAK = "weak"


@dataclass(frozen=True)
class _Cue:
    pattern: re.Pattern[str]
    weight: _Weight
    tight: bool = False  # the date follows the phrase at once
    asks: bool = False  # the sentence must ask for something ("ska", "kan", "lämna"), not report the past


def _cue(pattern: str, weight: _Weight, *, tight: bool = False, asks: bool = False) -> _Cue:
    return _Cue(re.compile(pattern, re.IGNORECASE | re.VERBOSE), weight, tight, asks)


# Phrases that state the answer deadline and nothing else. A date counts only when one of them comes right
# before it in the same sentence; meeting, publication and decision dates are never read.
_CUES = (
    _cue(
        rf"""
        \bsista\s+svarsdag(?:en)?\b
      | \b(?:sista\s+)?svarsdatum(?:et)?\b
      | \bsista\s+(?:dag|datum)(?:en|et)?\s+(?:att|för\s+att)\s+(?:svara|lämna|yttra|inkomma|komma\s+in|skicka)
      | \bsista\s+(?:dag|datum)(?:en|et)?\s+för\s+(?:remis)?(?:svar|s?yttrande|synpunkter)
      | {_ANSWERS}{_IN_SENTENCE}{{0,100}}?{_BY}
      | \bsvara\b{_IN_SENTENCE}{{0,80}}?{_BY}
      | \b(?:remiss|svars|samråds)tiden\s+(?:går\s+ut|löper\s+ut|slutar|pågår\s+(?:till\s+och\s+med|fram\s+till|till))
      # "Remisstid: 15 januari–12 mars 2024", "Remisstiden pågår från 1 mars till 12 mars 2024": the period's end
      | \b(?:remiss|svars|samråds)tid(?:en)?(?:\s*:|\s+(?:är|pågår)\b)
        """,
        _Weight.STRONG,
    ),
    _cue(rf"{_ANSWERS}{_IN_SENTENCE}{{0,100}}?{_UNTIL}", _Weight.STRONG, tight=True, asks=True),
    _cue(rf"{_YTTRANDE}{_IN_SENTENCE}{{0,100}}?{_BY}", _Weight.WEAK),
    _cue(rf"{_YTTRANDE}{_IN_SENTENCE}{{0,100}}?{_UNTIL}", _Weight.WEAK, tight=True, asks=True),
    # "Remisstiden har förlängts till …", "Nytt svarsdatum är …", "Vi förlänger svarstiden till …".
    _cue(
        rf"""
        \b(?:(?:remiss|svars)tid(?:en)?|(?:sista\s+)?svars(?:datum|dag)(?:et|en)?)\b{_IN_SENTENCE}{{0,60}}?
        \b(?:förlängts|förlängs|förlängdes|flyttats|flyttas|flyttades|ändrats|skjutits\s+(?:fram|upp))\b
        {_IN_SENTENCE}{{0,40}}?\btill\b
      | \bförläng(?:er|t|de)\s+(?:vi\s+)?(?:remiss|svars)tiden\s+(?:till\b)?
      | \bförlängd\s+(?:remiss|svars)tid\s*(?:till\b|:)?
      | \bny(?:tt)?\s+(?:sista\s+)?(?:svarsdatum|svarsdag|svarstid|remisstid)\b
        """,
        _Weight.EXTENDED,
    ),
)
# "Fram till den 3 maj 2022 kan du lämna synpunkter", "Senast 2024-03-12 ska yttrandet vara inlämnat": the
# date comes first, then what is asked for, in the same sentence.
# (Found by the phrase and then the date right after it: reading every date of a long text costs more.)
_BY_BEFORE_DATE = re.compile(
    r"\b(?:senast|fram\s+till|till\s+och\s+med|t\.\s?o\.\s?m\.|före|innan)\s+(?:den\s+)?(?=\d)", re.IGNORECASE
)
_ANSWERS_AFTER = re.compile(rf"{_ANSWERS}|\bsvara\b|\btycka\s+till\b", re.IGNORECASE)
_YTTRANDE_AFTER = re.compile(rf"{_YTTRANDE}|\byttra\s+(?:sig|er|dig)\b", re.IGNORECASE)
# A sentence that asks for something: a modal verb, a passive ("lämnas"), or an imperative ("Skicka …").
_ASKS = re.compile(
    r"\b(?:ska|skall|bör|behöver|måste|kan|får|vill|önskar|önskas|ombeds|lämnas|skickas|sänds|mejlas|e-postas"
    r"|inkomma|inkommer|lämna|skicka|mejla|sänd|svara|välkomna|välkomnas)\b",
    re.IGNORECASE,
)
# Other dates that share the deadline's words: extensions granted to one recipient, meeting registration,
# meetings, and page stamps ("senast uppdaterad 2024-01-10").
# "Före den 1 juni" and "innan den 1 juni" mean before that day: the last day to answer is 31 maj, as in "Svaret
# ska ha kommit in före den 1 juni 2024" (Swedish has "senast den …" or "till och med den …" for the day itself).
_BEFORE_THE_DATE = re.compile(
    r"\b(?:före|innan)\s*(?:den\s+)?(?:(?:mån|tis|ons|tors|fre|lör|sön)dag(?:en)?\s+(?:den\s+)?)?$", re.IGNORECASE
)
# "inom sex veckor från den 1 mars": the date starts the answer period, it is not its end.
_PERIOD_START = re.compile(
    r"\binom\s+[\w-]+\s+(?:(?:arbets|kalender)?dagar|veckor|månader)\s+(?:från|efter)\s+(?:den\s+)?$",
    re.IGNORECASE,
)
# A deadline given only as a period ("Svar ska lämnas inom sex veckor från att remissen kom in"): no date can
# be read from it, so the coordinator is told to fill it in.
_RELATIVE_DEADLINE = re.compile(
    rf"(?:{_ANSWERS}|{_YTTRANDE}|\bsvara\b){_IN_SENTENCE}{{0,100}}?"
    r"\binom\s+(?:[\w-]+\s+){1,2}?(?:(?:arbets|kalender)?dagar|veckor|månader)\b(?:\s+(?:från|efter)\b[^.\n]{0,60})?",
    re.IGNORECASE,
)
_NOT_THE_DEADLINE = re.compile(
    r"anstånd|uppskov|anmäl|sammanträd|\bmöte|senast\s+(?:uppdaterad|ändrad|reviderad|publicerad|granskad|sparad)",
    re.IGNORECASE,
)
_EXTENSION = re.compile(r"förläng|flytta|ändrat|skjutits", re.IGNORECASE)
# Between a cue and its date only a few words may stand ("på remissen är fredagen den").
_MAX_GAP = 60
_GAP_BREAK = re.compile(r"[.?!]\s|\n\s*\n")
_SENTENCE_START = re.compile(r"[.?!]\s|\n\s*\n")
_SENTENCE_END = re.compile(r"[.?!](?:\s|$)|\n\s*\n")
# "1 mars–15 april 2024", "från den 1 mars till den 15 april 2024": a period ends on its second date.
_RANGE_JOIN = re.compile(r"\s*(?:[-–—]|till(?:\s+och\s+med)?)\s*(?:den\s+)?", re.IGNORECASE)
_DATE_LENGTH = 30
_DATE_FIRST_LOOKAHEAD = 160


@dataclass(frozen=True)
class DeadlineFinding:
    """The deadline, or None with the reasons in `warnings`."""

    deadline: date | None
    confidence: Confidence | None
    warnings: tuple[WarningNote, ...] = ()
    phrases: tuple[str, ...] = ()


def find_deadline(text: str) -> DeadlineFinding:
    """The answer deadline of a document; an extended deadline wins; with two different dates of equal weight,
    none."""
    cued = _cued_dates(text) + _dates_before_their_cue(text)
    by_weight = {weight: [c for c in cued if c.weight is weight] for weight in _Weight}
    strong, weak, extended = by_weight[_Weight.STRONG], by_weight[_Weight.WEAK], by_weight[_Weight.EXTENDED]
    warnings: list[WarningNote] = []
    undated = [c.mention.written for c in cued if c.mention.lacks_year]
    if undated and not _distinct(cued):
        warnings.append((WarningCode.DEADLINE_WITHOUT_YEAR, {"written": undated[0]}))
    if not cued and (relative := _RELATIVE_DEADLINE.search(text)):
        warnings.append((WarningCode.DEADLINE_RELATIVE, {"written": " ".join(relative.group().split())}))
    if extended_dates := _distinct(extended):
        # An extension only moves the date later; the original dates are named so the change can be checked.
        chosen: date | None = extended_dates[-1]
        confidence: Confidence | None = Confidence.HIGH
        originals = [d.isoformat() for d in _distinct([*strong, *weak]) if d != chosen]
        warnings.append((WarningCode.DEADLINE_EXTENDED, {"chosen": extended_dates[-1].isoformat(), "dates": originals}))
    else:
        chosen, confidence = _choose(_distinct(strong), _distinct(weak), warnings)
    phrases = tuple(dict.fromkeys(c.phrase for c in cued if chosen and c.value == chosen))
    day_before = next((c for c in cued if chosen and c.before and c.value == chosen), None)
    if chosen and day_before:
        warnings.append((WarningCode.DEADLINE_DAY_BEFORE, {"written": day_before.phrase, "chosen": chosen.isoformat()}))
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
    weight: _Weight
    before: bool = False  # "före den 1 juni": the last day is the day before the date written

    @property
    def value(self) -> date | None:
        """The last day to answer."""
        written = self.mention.value
        return written - timedelta(days=1) if written is not None and self.before else written


def _cued_dates(text: str) -> list[_Cued]:
    found: list[_Cued] = []
    for cue in _CUES:
        for match in cue.pattern.finditer(text):
            mention = _first_date_after(text, match.end(), tight=cue.tight)
            if mention is None:
                continue
            sentence = _sentence_before(text, match.start(), mention.start)
            if _NOT_THE_DEADLINE.search(sentence):
                continue
            if cue.weight is not _Weight.EXTENDED and _EXTENSION.search(sentence):
                continue  # the extension cue reads it
            if cue.asks and not _ASKS.search(sentence):
                continue
            lead = text[match.start() : mention.start]
            if _PERIOD_START.search(lead):
                continue
            phrase = " ".join(text[match.start() : mention.end].split())
            found.append(_Cued(mention, phrase, cue.weight, before=bool(_BEFORE_THE_DATE.search(lead))))
    return found


def _dates_before_their_cue(text: str) -> list[_Cued]:
    """Dates stated first: "Fram till den 3 maj 2022 kan du lämna synpunkter på förslaget"."""
    found: list[_Cued] = []
    for by in _BY_BEFORE_DATE.finditer(text):
        mention = next(iter(dates_in(text, by.end(), by.end() + _DATE_LENGTH)), None)
        if mention is None or mention.start != by.end():
            continue
        end = _SENTENCE_END.search(text, mention.end, mention.end + _DATE_FIRST_LOOKAHEAD)
        after = text[mention.end : end.start() if end else mention.end + _DATE_FIRST_LOOKAHEAD]
        if _NOT_THE_DEADLINE.search(after) or _EXTENSION.search(after) or not _ASKS.search(after):
            continue
        if _ANSWERS_AFTER.search(after) or _YTTRANDE_AFTER.search(after):
            weight = _Weight.STRONG if _ANSWERS_AFTER.search(after) else _Weight.WEAK
            phrase = " ".join((by.group() + mention.written + after).split())
            found.append(_Cued(mention, phrase, weight, before=bool(_BEFORE_THE_DATE.search(by.group()))))
    return found


def _first_date_after(text: str, position: int, *, tight: bool) -> DateMention | None:
    window_end = min(len(text), position + _MAX_GAP + 80)
    mentions = dates_in(text, position, window_end)
    if not mentions:
        return None
    first = mentions[0]
    gap = text[position : first.start]
    if tight and not _TIGHT_GAP.fullmatch(gap):
        return None
    if len(gap) > _MAX_GAP or _GAP_BREAK.search(gap):
        return None
    if len(mentions) > 1 and _RANGE_JOIN.fullmatch(text[first.end : mentions[1].start]):
        return mentions[1]
    return first


def _sentence_before(text: str, cue_start: int, date_start: int) -> str:
    """From the start of the cue's sentence to the date: where an "anstånd" or "anmälan" would show."""
    starts = [m.end() for m in _SENTENCE_START.finditer(text, max(0, cue_start - 200), cue_start)]
    begin = starts[-1] if starts else max(0, cue_start - 200)
    return text[begin:date_start]


def _distinct(cued: list[_Cued]) -> list[date]:
    return sorted({c.value for c in cued if c.value is not None})
