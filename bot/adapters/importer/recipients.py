"""Finds the recipient list under "Beslutet skickas till", "Remissinstanser" or "Sändlista"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.adapters.importer.lists import ListKind, ListRead, read_list
from bot.adapters.importer.model import Confidence
from bot.adapters.importer.text import CleanText

# Lines are cleaned to single spaces, so " +" (not "\s+", which would cross lines) separates words.
_RECIPIENT_HEADING = (
    r"(?:beslutet +(?:skickas|sänds|expedieras) +till|remissinstanser(?:na)?|sändlista|remisslista"
    r"|remissen +(?:skickas|sänds) +till|remissmottagare|sänds +till|expedieras +till)"
)
_RECIPIENT_HEADING_LINE = re.compile(rf"^{_RECIPIENT_HEADING} *:?$", re.IGNORECASE | re.MULTILINE)
# "Beslutet skickas till: Tekniska nämnden, Miljönämnden och MKB" on one line. A colon (or a "skickas
# till" verb) is required: "Remissinstanserna kan utan kostnad få …" is a sentence, not a list.
_RECIPIENT_INLINE = re.compile(
    rf"^(?:{_RECIPIENT_HEADING} *:|(?:beslutet +)?(?:skickas|sänds|expedieras) +till *:?) +(?P<names>\S.*)$",
    re.IGNORECASE | re.MULTILINE,
)
_MAX_INLINE_NAME_WORDS = 8
# The sender's own staff on its distribution list ("Stadskontorets handläggare") is not a recipient.
_OWN_STAFF = re.compile(r"^(?P<office>.+?s)\s+(?:handläggare|ärendehandläggare|registrator|diarium)$", re.IGNORECASE)
# Splits an inline list at commas and the last "och", but not inside "Hälsa-, vård- och omsorgsnämnden".
_INLINE_SEPARATOR = re.compile(r"(?<!-),\s+|(?<!-)\s+och\s+(?=[^,]*$)")


@dataclass(frozen=True)
class RecipientList:
    """Recipient names as written, the sender's own staff lines that were left out, and other lists seen."""

    names: tuple[str, ...]
    confidence: Confidence | None
    own_staff_offices: tuple[str, ...]
    other_lists: int


def find_recipients(doc: CleanText) -> RecipientList:
    """The first recipient list in the document; later different lists are only counted."""
    lists: list[tuple[ListRead, Confidence]] = []
    headings = set(doc.lines_matching(_RECIPIENT_HEADING_LINE))
    for index in sorted(headings | set(doc.lines_matching(_RECIPIENT_INLINE))):
        inline = _RECIPIENT_INLINE.match(doc.lines[index]) if index not in headings else None
        if inline is None:
            read = read_list(doc, index, allow_plain=True, allow_intro=False)
            lists.append((read, Confidence.HIGH if read.ended_cleanly else Confidence.LOW))
        elif names := _inline_names(inline.group("names")):
            lists.append((ListRead(names, ListKind.PLAIN, ended_cleanly=True), Confidence.MEDIUM))
    found = [(read, confidence) for read, confidence in lists if read.items]
    if not found:
        return RecipientList((), None, (), 0)
    first, confidence = found[0]
    names = tuple(n for n in first.items if not _OWN_STAFF.match(n))
    staff = tuple(m.group("office") for n in first.items if (m := _OWN_STAFF.match(n)))
    others = len({read.items for read, _ in found[1:]} - {first.items})
    return RecipientList(names, confidence if names else None, staff, others)


def _inline_names(written: str) -> tuple[str, ...]:
    """The names of an inline list, or none when the line reads as a sentence."""
    names = tuple(n.strip().rstrip(".") for n in _INLINE_SEPARATOR.split(written.strip()))
    if any(not n or len(n.split()) > _MAX_INLINE_NAME_WORDS or ". " in n for n in names):
        return ()
    return names
