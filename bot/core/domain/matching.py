"""Matching names as people write them ("Stadsbyggnadsnämndens", "MKB:s") to the organisation directory."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from bot.core.domain.organisation import Directory, Organisation

# Invisible or look-alike characters that documents (PDF, web pages) put into names.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\t"), " ")

# Head nouns of organisation names with their definite and genitive endings: "nämnden", "nämndens" and
# "nämnds" name the same body as "nämnd". Plurals ("nämnder", "nämnderna") are left alone on purpose:
# they name a group, not one organisation.
_HEAD_FORMS = re.compile(r"(nämnd|förvaltning|styrelse|kontor|bolag|kansli)(?:en|ens|et|ets|n|ns|s)?$")
_GENITIVE_COLON = re.compile(r":s$")
_TOKEN = re.compile(r"[^\W_]+(?::s)?")
# A short name glued to a case number ("STK-2023-137") refers to the case, not to the organisation.
_CASE_NUMBER_TAIL = re.compile(r"-\d")
# Company form: "Parkeringsövervakning i Malmö AB" is the same company without "AB".
_COMPANY_FORM = "ab"
# Abbreviations that are ordinary words in Swedish prose ("FN:s barnkonvention") are never read as a
# short name in running text; a name written as exactly that still matches in `match_organisation`.
_COMMON_ABBREVIATIONS = frozenset({"FN", "EU"})
_MIN_GENITIVE_STEM = 3


def normalise_name(name: str) -> str:
    """A comparison key for an organisation name.

    Case, punctuation, hyphen and comma variants and the definite and genitive forms of the head noun
    are folded: "Hälsa-, vård- och omsorgsnämnden", "Hälsa- vård och omsorgsnämnden" and
    "hälsa vård och omsorgsnämnds" give one key, and "MKB:s" gives the key of "MKB".
    """
    return " ".join(_base_form(word.text) for word in _words(name))


def match_organisation(text: str, directory: Directory) -> Organisation | None:
    """The organisation a name as written refers to; None when no organisation or several fit."""
    index = _index_of(directory)
    key = normalise_name(text)
    found = index.lookup(key)
    if found is None and key.endswith("s") and len(key) > _MIN_GENITIVE_STEM:
        found = index.lookup(key[:-1])  # a plain genitive: "Parkering Malmös", "MKBs"
    if found is None and key.endswith(f" {_COMPANY_FORM}"):
        found = index.lookup(key.removesuffix(f" {_COMPANY_FORM}"))
    if found is None and text.strip().endswith(")"):
        found = _match_parenthesised(text, directory)
    return found


def find_organisations(text: str, directory: Directory) -> list[Organisation]:
    """Every organisation mentioned in a free-text sentence, in order of first mention, each once.

    Names match as whole words in any form of the head noun; short names ("MKB", "SBN") only as whole
    tokens written in capitals, so ordinary words never count as a mention.
    """
    words = list(_words(text))
    index = _index_of(directory)
    found: list[Organisation] = []
    position = 0
    while position < len(words):
        hit = index.longest_at(words, position)
        if hit is None:
            position += 1
            continue
        org, length = hit
        if org not in found:
            found.append(org)
        position += length
    return found


@dataclass(frozen=True)
class _Word:
    """One word of a text: its comparison key, how it was written, and whether a case number follows."""

    key: str
    text: str
    glued_to_number: bool


def _words(text: str) -> Iterator[_Word]:
    cleaned = unicodedata.normalize("NFC", text).translate(_INVISIBLE).translate(_SPACES)
    for match in _TOKEN.finditer(cleaned):
        written = _GENITIVE_COLON.sub("", match.group())
        glued = bool(_CASE_NUMBER_TAIL.match(cleaned, match.end()))
        yield _Word(key=_base_form(written), text=written, glued_to_number=glued)


def _base_form(word: str) -> str:
    return _HEAD_FORMS.sub(r"\1", _GENITIVE_COLON.sub("", word.casefold()))


def _match_parenthesised(text: str, directory: Directory) -> Organisation | None:
    """ "Stadsbyggnadsnämnden (SBN)": the name outside the brackets, else the one inside."""
    outer, _, inner = text.strip()[:-1].partition("(")
    if not inner or not outer.strip():
        return None
    return match_organisation(outer, directory) or match_organisation(inner, directory)


@dataclass(frozen=True)
class _Name:
    """One name of an organisation as comparison keys, with how strictly it must be written."""

    keys: tuple[str, ...]
    organisation: Organisation
    acronym: str | None  # a short name: must be written exactly so, in capitals
    needs_capital: bool  # a one-word name that is also an ordinary noun ("Parkeringsövervakning")

    def written_as_name(self, window: list[_Word]) -> bool:
        if self.acronym is not None:
            written = " ".join(w.text for w in window)
            return (
                self.acronym not in _COMMON_ABBREVIATIONS
                and written in {self.acronym, f"{self.acronym}s"}
                and not window[-1].glued_to_number
            )
        return not self.needs_capital or window[0].text[:1].isupper()


class _NameIndex:
    """All names of a directory, by whole key and by first word."""

    def __init__(self, directory: Directory) -> None:
        self._by_key: dict[str, set[Organisation]] = {}
        self._by_first: dict[str, list[_Name]] = {}
        for org in directory:
            for name in _names_of(org):
                self._by_key.setdefault(" ".join(name.keys), set()).add(org)
                self._by_first.setdefault(name.keys[0], []).append(name)
        for names in self._by_first.values():
            names.sort(key=lambda n: len(n.keys), reverse=True)  # longest name wins

    def lookup(self, key: str) -> Organisation | None:
        orgs = self._by_key.get(key, set())
        return next(iter(orgs)) if len(orgs) == 1 else None  # two organisations, one name: don't guess

    def longest_at(self, words: list[_Word], start: int) -> tuple[Organisation, int] | None:
        """The longest name starting at `words[start]`, as (organisation, number of words)."""
        for name in self._names_starting(words[start].key):
            window = words[start : start + len(name.keys)]
            if not (_keys_match(name.keys, window) and name.written_as_name(window)):
                continue
            org = self.lookup(" ".join(name.keys))
            if org is not None:
                return org, len(name.keys)
        return None

    def _names_starting(self, key: str) -> list[_Name]:
        names = self._by_first.get(key, [])
        if key.endswith("s"):
            # A one-word name with a plain genitive: "Parkeringsövervaknings", "MKBs".
            names = names + [n for n in self._by_first.get(key[:-1], []) if len(n.keys) == 1]
        return names


@lru_cache(maxsize=8)
def _index_of(directory: Directory) -> _NameIndex:
    return _NameIndex(directory)


def _keys_match(keys: tuple[str, ...], window: list[_Word]) -> bool:
    if len(window) != len(keys):
        return False
    *head, last = keys
    if [w.key for w in window[:-1]] != head:
        return False
    return window[-1].key in {last, f"{last}s"}


def _names_of(org: Organisation) -> Iterator[_Name]:
    for written in dict.fromkeys(org.all_names):
        keys = tuple(normalise_name(written).split())
        if not keys:
            continue
        acronym = written.strip() if _is_acronym(written) else None
        yield _Name(keys, org, acronym, needs_capital=_is_plain_noun(keys, acronym))
        if len(keys) > 1 and keys[-1] == _COMPANY_FORM:
            short = keys[:-1]
            yield _Name(short, org, None, needs_capital=_is_plain_noun(short, None))


def _is_acronym(name: str) -> bool:
    stripped = name.strip()
    letters = [c for c in stripped if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and " " not in stripped


def _is_plain_noun(keys: tuple[str, ...], acronym: str | None) -> bool:
    return len(keys) == 1 and acronym is None and not _HEAD_FORMS.search(keys[0])
