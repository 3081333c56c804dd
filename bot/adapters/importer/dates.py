"""Swedish dates as written in memos and letters: "30 november 2023", "fredagen den 22 januari 2016", ISO."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "maj": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "okt": 10,
    "nov": 11,
    "dec": 12,
}

_DATE = re.compile(
    r"""
    (?<![\d-])(?P<iso_y>\d{4})-(?P<iso_m>\d{1,2})-(?P<iso_d>\d{1,2})(?![\d-])
  | (?<![\d.:/])(?P<w_d>\d{1,2})(?::[ae])?\s+
    (?P<w_m>januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december
            |(?:jan|feb|mar|apr|jun|jul|aug|sept|sep|okt|nov|dec)\.?)(?![^\W\d_])
    (?:\s+(?P<w_y>\d{4})(?!\d))?
  | (?<![\d./:])(?P<n_d>\d{1,2})[./](?P<n_m>\d{1,2})[./ ]\s?(?P<n_y>\d{4})(?![\d./])
    """,
    re.IGNORECASE | re.VERBOSE,
)


@dataclass(frozen=True)
class DateMention:
    """A date as it stands in the text; `value` is None when the text gives no year or no real date."""

    start: int
    end: int
    written: str
    value: date | None

    @property
    def lacks_year(self) -> bool:
        """True for "15 mars" with no year: the importer must not choose one."""
        return self.value is None and not re.search(r"\d{4}", self.written)


def dates_in(text: str, start: int = 0, end: int | None = None) -> list[DateMention]:
    """Every date written in `text[start:end]`, in order."""
    stop = len(text) if end is None else end
    return [_mention(m) for m in _DATE.finditer(text, start, stop)]


def _mention(match: re.Match[str]) -> DateMention:
    groups = match.groupdict()
    if groups["iso_y"]:
        value = _safe_date(groups["iso_y"], groups["iso_m"], groups["iso_d"])
    elif groups["w_m"]:
        month = str(_MONTHS[groups["w_m"][:3].casefold()])
        value = _safe_date(groups["w_y"], month, groups["w_d"]) if groups["w_y"] else None
    else:
        value = _safe_date(groups["n_y"], groups["n_m"], groups["n_d"])
    return DateMention(match.start(), match.end(), match.group(), value)


def _safe_date(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None  # "31 november 2023" is a typo, not a date to act on
