"""Swedish date text as people type it ("30 november", "om tre veckor", "nästa fredag") to a date, via dateparser."""

from __future__ import annotations

import calendar
import logging
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import dateparser

from bot.core.clock import STOCKHOLM

log = logging.getLogger(__name__)

# Longer input is not a date someone typed into a deadline field; refusing it early keeps dateparser cheap.
MAX_INPUT = 80
WEEKDAYS = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")
NUMBER_WORDS = {
    "en": 1, "ett": 1, "två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "sju": 7, "åtta": 8, "nio": 9,
    "tio": 10, "elva": 11, "tolv": 12, "tretton": 13, "fjorton": 14, "femton": 15, "sexton": 16,
    "sjutton": 17, "arton": 18, "nitton": 19, "tjugo": 20,
}  # fmt: skip
# A week given as a deadline ("vecka 12", "nästa vecka") means its Friday: the last working day of it.
DEADLINE_WEEKDAY = 4

_TIME_OF_DAY = re.compile(r"\b(?:kl\.?|klockan)\s*\d{1,2}(?:[:.]\d{2})?\b")
_LEADING_WORDS = re.compile(r"^(?:senast|sista svarsdatum|svarsdatum)[:\s]+")
_DAYS_FROM_TODAY = {"i dag": 0, "idag": 0, "i morgon": 1, "imorgon": 1, "i övermorgon": 2, "iövermorgon": 2,
                    "övermorgon": 2}  # fmt: skip
_IN_PERIOD = re.compile(r"^om\s+(?P<n>\d{1,3}|[a-zåäö]+)\s+(?P<unit>dag|dagar|vecka|veckor|månad|månader|år)$")
_WEEKDAY = "|".join(WEEKDAYS)
_NEXT_WEEKDAY = re.compile(rf"^(?:nästa\s+(?P<a>{_WEEKDAY})(?:en)?|(?P<b>{_WEEKDAY})(?:en)?\s+nästa\s+vecka)$")
_COMING_WEEKDAY = re.compile(rf"^(?:(?:nu\s+)?på\s+)?(?P<day>{_WEEKDAY})(?:en)?$")
_WEEK = re.compile(r"^(?:vecka|v\.?)\s*(?P<week>\d{1,2})(?:\s*[,/]?\s*(?P<year>\d{4}))?$")
_ISO_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def strict_iso_date(text: str) -> date | None:
    """The date written ÅÅÅÅ-MM-DD and nothing else: date.fromisoformat alone would also take 20231116 and week
    dates such as 2023-W46-4. None for any other text, and for a day that does not exist (2023-02-30)."""
    if not _ISO_DAY.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def parse_swedish_date(text: str, *, today: date, tz: ZoneInfo = STOCKHOLM) -> date | None:
    """The date `text` means, counted from `today` (local); None if it names no date.

    A date in the past is still returned: whether it is acceptable is the domain's call, and its refusal
    says which date it understood.
    """
    phrase = _normalise(text)
    if not phrase or len(phrase) > MAX_INPUT:
        return None
    own = _phrase_date(phrase, today)
    if own is not None:
        return own
    return _dateparser_date(phrase, today, tz)


def warm_up() -> None:
    """Load dateparser's Swedish data now (the first parse costs about 120 ms) instead of in a user's request."""
    try:
        parse_swedish_date("30 november", today=date(2023, 10, 2))
    except Exception:  # a failed warm-up only means the first real parse is slower
        log.warning("Could not warm up the date parser", exc_info=True)


def _normalise(text: str) -> str:
    phrase = " ".join(text.lower().split())
    phrase = _TIME_OF_DAY.sub(" ", phrase)
    phrase = " ".join(phrase.strip(" .,;!?").split())
    return _LEADING_WORDS.sub("", phrase).strip()


def _phrase_date(phrase: str, today: date) -> date | None:
    """The phrases dateparser gets wrong or misses in Swedish, computed here."""
    if phrase in _DAYS_FROM_TODAY:
        return today + timedelta(days=_DAYS_FROM_TODAY[phrase])
    if match := _IN_PERIOD.match(phrase):
        return _in_period(today, match["n"], match["unit"])
    if match := _NEXT_WEEKDAY.match(phrase):
        weekday = WEEKDAYS.index(match["a"] or match["b"])
        return _monday_of(today) + timedelta(weeks=1, days=weekday)
    if match := _COMING_WEEKDAY.match(phrase):
        # "fredag" said on a Friday means the next one, not today.
        ahead = (WEEKDAYS.index(match["day"]) - today.weekday() - 1) % 7 + 1
        return today + timedelta(days=ahead)
    if phrase == "nästa vecka":
        return _monday_of(today) + timedelta(weeks=1, days=DEADLINE_WEEKDAY)
    if match := _WEEK.match(phrase):
        return _day_in_week(today, int(match["week"]), int(match["year"]) if match["year"] else None)
    return None


def _in_period(today: date, amount: str, unit: str) -> date | None:
    n = int(amount) if amount.isdigit() else NUMBER_WORDS.get(amount)
    if n is None:
        return None
    if unit.startswith("dag"):
        return today + timedelta(days=n)
    if unit.startswith("veck"):
        return today + timedelta(weeks=n)
    months = n * 12 if unit == "år" else n
    year, month = divmod(today.month - 1 + months, 12)
    year += today.year
    return date(year, month + 1, min(today.day, calendar.monthrange(year, month + 1)[1]))


def _monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _day_in_week(today: date, week: int, year: int | None) -> date | None:
    """The Friday of ISO week `week`: of `year`, or of this year unless that Friday has passed."""
    try:
        if year is not None:
            return date.fromisocalendar(year, week, DEADLINE_WEEKDAY + 1)
        this_year = today.isocalendar().year
        friday = date.fromisocalendar(this_year, week, DEADLINE_WEEKDAY + 1)
        return friday if friday >= today else date.fromisocalendar(this_year + 1, week, DEADLINE_WEEKDAY + 1)
    except ValueError:  # week 0, or week 53 in a year without one
        return None


def _dateparser_date(phrase: str, today: date, tz: ZoneInfo) -> date | None:
    # Noon, so that "i morgon" and month arithmetic never cross midnight through a daylight-saving change.
    base = datetime.combine(today, time(12, 0), tzinfo=tz)
    zone = getattr(tz, "key", "Europe/Stockholm")
    parsed = dateparser.parse(
        phrase,
        languages=["sv"],
        settings={
            # The sv locale reads year first without this: "15 mars" would be year 15.
            "DATE_ORDER": "DMY",
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": base,
            "RETURN_AS_TIMEZONE_AWARE": True,
            "TIMEZONE": zone,
            "TO_TIMEZONE": zone,
        },
    )
    if parsed is None:
        return None
    # dateparser falls back to the machine's zone in places; convert explicitly.
    return parsed.astimezone(tz).date()
