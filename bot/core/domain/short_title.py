"""The kortrubrik: a remiss's short title (at most 60 characters) for the messages that name it again and again
(reminders, escalations, the digest, status lines), and how one is suggested from the full title."""

from __future__ import annotations

import re
from functools import lru_cache

from bot.core.domain.errors import DomainError, ErrorCode

MAX_SHORT_TITLE = 60

# What a title opens with that says what kind of document it is, not what it is about: "Remiss av",
# "Remiss:", "Remissmöte –", "Förslag till", "promemorian", "PM S2023:02147", "SOU 2024:28", "Boverkets
# rapport 2018:17". Dropped from the front one after another; a preposition left in front ("angående") too.
_LEADING = [
    re.compile(r"^remiss(?:möte|en)?(?:\s+(?:av|om|angående|avseende))?\s*(?:[:–—-]\s*)?(?=\S)", re.IGNORECASE),
    re.compile(r"^förslag\s+till\s+(?=\S)", re.IGNORECASE),
    re.compile(r"^(?:promemorian?|pm)(?:\s+[A-ZÅÄÖ]{0,3}\d{2,4}[:/]\d+)?\s+(?=\S)", re.IGNORECASE),
    re.compile(r"^(?:sou|ds|prop\.?|dir\.?)\s+\d{4}:\d+\s+(?=\S)", re.IGNORECASE),
    re.compile(r"^(?:\w+s\s+)?rapport(?:en)?(?:\s+\d{4}:\d+)?\s+(?=\S)", re.IGNORECASE),
    re.compile(r"^(?:angående|avseende|om)\s+(?=\S)", re.IGNORECASE),
]
# Where a title divides into a name and what follows: a spaced dash, a colon or semicolon followed by a space.
# Not "2018-2022", "djur-och", "(1993:384)" or "EU:s".
_DIVIDER = re.compile(r"\s+[–—-]\s+|(?<=[^\d\s]):\s+|;\s+")
# Words a part before a divider may consist of and still say nothing of its own ("Uppdrag budget 2023").
_GENERIC = frozenset(
    {"remiss", "remissmöte", "uppdrag", "budget", "ärende", "ärendet", "fråga", "förslag", "information", "pm"}
    | {"promemoria", "promemorian", "del", "etapp", "bilaga", "och"}
)
# A kortrubrik does not end on a word that leads on to something cut away.
_DANGLING = frozenset(
    {"av", "om", "för", "till", "i", "på", "med", "från", "inom", "mot", "vid", "under", "över", "efter", "genom"}
    | {"enligt", "angående", "avseende", "hos", "ur", "utan", "mellan", "kring", "bland", "per", "åt", "inför"}
    | {"och", "eller", "samt", "men", "att", "som", "så", "en", "ett", "den", "det", "de", "dess", "deras"}
)
_PARENTHESIS = re.compile(r"\s*\([^()]*\)")
_TRAILING_PUNCTUATION = " ,;:–—-"


def normalise_short_title(raw: str) -> str:
    """A kortrubrik as given: spaces collapsed; empty means "take the suggestion"; over 60 characters is refused
    on the field `short_title`."""
    text = " ".join(raw.split())
    if len(text) > MAX_SHORT_TITLE:
        raise DomainError(ErrorCode.SHORT_TITLE_TOO_LONG, field="short_title", limit=MAX_SHORT_TITLE, length=len(text))
    return text


@lru_cache(maxsize=512)
def suggest_short_title(title: str) -> str:
    """A kortrubrik from the title: the title itself when it fits; else without the words that only name the
    document's kind, the part before a dash or colon when that part names the matter, and otherwise cut after a
    whole word that does not leave a preposition or conjunction hanging."""
    text = " ".join(title.split())
    if len(text) <= MAX_SHORT_TITLE:
        return text
    body = _without_kind(text)
    while len(body) > MAX_SHORT_TITLE:
        parts = _DIVIDER.split(body, maxsplit=1)
        if len(parts) < 2:
            break
        head, tail = parts[0].strip(), _without_kind(parts[1])
        if _names_the_matter(head):
            body = head
        elif tail:
            body = tail
        else:
            break
    if len(body) > MAX_SHORT_TITLE:
        body = _PARENTHESIS.sub("", body).strip() or body
    return body if len(body) <= MAX_SHORT_TITLE else _cut(body)


def _without_kind(text: str) -> str:
    """The text without the document-kind words in front, its first letter a capital."""
    body = text.strip(_TRAILING_PUNCTUATION)
    changed = True
    while changed:
        changed = False
        for pattern in _LEADING:
            shorter = pattern.sub("", body, count=1)
            if shorter != body:
                body, changed = shorter.strip(_TRAILING_PUNCTUATION), True
    return body[:1].upper() + body[1:]


def _names_the_matter(head: str) -> bool:
    """A part before a divider says what the remiss is about: two words or more, not only generic words and
    numbers, and not a "Remiss från …" line."""
    words = head.split()
    if len(words) < 2 or len(head) < 10 or words[0].lower().startswith("remiss"):
        return False
    return any(w.lower().strip(",.") not in _GENERIC and not any(c.isdigit() for c in w) for w in words)


def _cut(text: str) -> str:
    """At most 60 characters, after a whole word; no preposition, conjunction, article or half of
    "hälso- och sjukvård" left at the end. A first word longer than the limit is cut, marked with "…"."""
    kept: list[str] = []
    for word in text.split():
        if len(" ".join([*kept, word])) > MAX_SHORT_TITLE:
            break
        kept.append(word)
    while kept:
        last = kept[-1].strip(_TRAILING_PUNCTUATION)
        if not last or last.lower() in _DANGLING or kept[-1].endswith("-"):
            kept.pop()
        else:
            kept[-1] = kept[-1].rstrip(_TRAILING_PUNCTUATION)
            break
    if not kept:
        return text[: MAX_SHORT_TITLE - 1] + "…"
    return _close_parenthesis(" ".join(kept))


def _close_parenthesis(text: str) -> str:
    """An opened parenthesis that the cut left open is dropped with what follows it."""
    if text.count("(") > text.count(")"):
        return text[: text.rfind("(")].rstrip(_TRAILING_PUNCTUATION) or text
    return text
