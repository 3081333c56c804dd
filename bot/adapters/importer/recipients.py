"""Finds the recipients: the list under "Beslutet skickas till", "Remissinstanser" or "Sändlista", or else the
bodies a sentence sends the matter to ("Ärendet remitteras till kulturförvaltningen och fritidsnämnden")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.adapters.importer.lists import ListKind, ListRead, read_list
from bot.adapters.importer.model import Confidence
from bot.adapters.importer.text import CleanText
from bot.core.domain.matching import match_organisation, normalise_name
from bot.core.domain.organisation import Directory
from bot.core.domain.public_bodies import is_principal

# Lines are cleaned to single spaces, so " +" (not "\s+", which would cross lines) separates words.
_RECIPIENT_HEADING = (
    r"(?:beslutet +(?:skickas|sänds|expedieras) +till|remissinstanser(?:na)?|sändlista|remisslista"
    r"|remissen +(?:skickas|sänds) +till|remissmottagare|sänds +till|expedieras +till)"
)
_RECIPIENT_HEADING_LINE = re.compile(
    rf"^{_RECIPIENT_HEADING} *:?$"
    # or a sentence that announces the list: "Förslaget remitteras till följande nämnder och bolag:"
    r"|^(?![^\n]*fråg)[^.\n]*\b(?:remitter\w*|skickas|skickats|sänds|sänts)\b[^.\n]*\btill\b[^.\n]*:$"
    r"|^(?![^\n]*fråg)[^.\n]*\b(?:ombeds|inbjuds|uppmanas)\b[^.\n]*:$",
    re.IGNORECASE | re.MULTILINE,
)
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
# The last "och" is the one no list comma follows; "Hälsa-, vård-" has no list comma.
_INLINE_SEPARATOR = re.compile(r"(?<!-),\s+|(?<!-)\s+och\s+(?=(?:[^,]|(?<=-),)*$)")


@dataclass(frozen=True)
class RecipientList:
    """Recipient names as written, the sender's own staff lines that were left out, and other lists seen."""

    names: tuple[str, ...]
    confidence: Confidence | None
    own_staff_offices: tuple[str, ...]
    other_lists: int


def find_recipients(doc: CleanText, directory: Directory) -> RecipientList:
    """The first recipient list in the document (later different lists are only counted); without a list, the
    bodies its sentences send the matter to."""
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
        named = _named_in_sentences(doc.text, directory)
        return RecipientList(named, Confidence.MEDIUM if named else None, (), 0)
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


# A sentence that sends the matter on remiss, up to where the names start: "Ärendet remitteras till",
# "Förslaget har skickats ut på remiss till", "Remissen har sänts till", "Remissinstanser är".
_SENT_TO = re.compile(
    r"""\b(?:
        remitter(?:as|ats|ades|ar|at)\b(?:[ \n]+[\w-]+){0,4}?[ \n]+till
      | (?:skickas|skickats|skickat|skickades|skickar|sänds|sänts|sändes|sänder|går|gått|gick|översänds|översänts)
        (?:[ \n]+[\w-]+){0,3}?[ \n]+på[ \n]+remiss(?:[ \n]+[\w-]+){0,4}?[ \n]+till
      | remissen[ \n]+(?:har[ \n]+)?(?:skickats|skickas|sänts|sänds|gått[ \n]+ut)[ \n]+till
      | remissinstanser(?:na)?[ \n]+är
    )[ \n]+(?P<names>(?:[^.;:!?()\n]|\n(?!\n)|\.(?=\S)){3,400})""",
    re.IGNORECASE | re.VERBOSE,
)
# "Kulturnämnden, fritidsnämnden och servicenämnden ombeds yttra sig": the names stand before the verb.
_ASKED_TO_ANSWER = re.compile(
    r"(?:^|(?<=[.!?]\s)|(?<=\n\n))(?P<names>[^.!?:\n]{3,300}?)[ \n]+(?:ombeds|uppmanas|inbjuds|bjuds[ \n]+in)"
    r"[ \n]+(?:att[ \n]+)?(?:yttra|svara|lämna|inkomma|komma[ \n]+in)\b",
    re.IGNORECASE | re.MULTILINE,
)
# Where the names end: the purpose, the deadline or a clause ("… för yttrande senast den 1 mars").
_NAMES_END = re.compile(
    r"[ \n]+(?:för|med|senast|som|inom|i[ \n]+syfte|under|innan|före|efter|enligt|att|vilka|där|då)\b.*",
    re.IGNORECASE | re.DOTALL,
)
# The last word of a body's name as kommuner write it, in any case: "kulturförvaltningen", "Region Skåne".
_BODY_HEAD = re.compile(
    r"(?:nämnd|förvaltning|kontor|styrelse|bolag|kansli|direktör|råd|förbund|myndighet|verk|inspektion"
    r"|stiftelse|förening|utskott|enhet|avdelning|centrum)(?:en|et|n)?$"
    r"|^(?:kommun|region)$|^AB$",
    re.IGNORECASE,
)
# Words that make a group of bodies, not one: "berörda nämnder", "samtliga förvaltningar", "ovanstående".
_GROUP_WORDS = frozenset(
    [
        "berörda",
        "berörd",
        "samtliga",
        "alla",
        "övriga",
        "respektive",
        "de",
        "dessa",
        "andra",
        "olika",
        "flera",
        "vissa",
        "några",
        "följande",
        "ovanstående",
        "nedanstående",
        "angivna",
        "stadens",
        "kommunens",
        "regionens",
        "ett",
        "en",
        "nämnden",
        "förvaltningen",
        "styrelsen",
    ]
)
_DEFINITE = re.compile(r"(?:en|et|n)$")
_MIN_COMPOUND_STEM = 3


def _named_in_sentences(text: str, directory: Directory) -> tuple[str, ...]:
    """The bodies sentences send the matter to, each once, in order; only what reads as a body's name."""
    found: dict[str, str] = {}
    for pattern in (_SENT_TO, _ASKED_TO_ANSWER):
        for match in pattern.finditer(text):
            names = _NAMES_END.sub("", " ".join(match.group("names").split()))
            for name in _INLINE_SEPARATOR.split(names):
                written = name.strip(" ,")
                if _names_a_body(written, directory):
                    found.setdefault(normalise_name(written), written[:1].upper() + written[1:])
    return tuple(found.values())


def _names_a_body(name: str, directory: Directory) -> bool:
    words = name.split()
    if not words or len(words) > _MAX_INLINE_NAME_WORDS or words[0].casefold() in _GROUP_WORDS:
        return False
    if match_organisation(name, directory) is not None or is_principal(name):
        return True
    # The word naming the kind of body ends the name ("Lunds kommun") or starts it ("Region Skåne",
    # "kommunstyrelsen i Malmö").
    head_word = next((w for w in (words[-1], words[0]) if _BODY_HEAD.search(w)), None)
    if head_word is None:
        return False
    # Written in lower case, a body is named in the definite form ("tekniska nämnden", "kulturförvaltningen");
    # "kommunala bolag" and "nämnder" name kinds of bodies.
    if name[:1].islower() and not _DEFINITE.search(head_word):
        return False
    # One word must be a compound with a stem ("kulturförvaltningen"), not the bare kind of body ("Nämnden").
    head = _BODY_HEAD.search(head_word)
    return len(words) > 1 or (head is not None and len(head_word) - len(head.group()) >= _MIN_COMPOUND_STEM)
