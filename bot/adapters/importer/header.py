"""Finds the title, the sender (office or ministry) and the contact person of a remiss document."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Generic, TypeVar

from bot.adapters.importer.dates import dates_in
from bot.adapters.importer.lists import is_known_heading
from bot.adapters.importer.model import Confidence, Contact
from bot.adapters.importer.text import CleanText
from bot.core.domain.case_number import is_case_number
from bot.core.domain.matching import match_organisation
from bot.core.domain.organisation import Directory, Organisation
from bot.core.domain.public_bodies import PRINCIPAL_NAME, is_principal, sender_parts
from bot.core.domain.short_title import MAX_SHORT_TITLE

# Headings that name the kind of document, never the matter itself (section headings are known to lists).
_DOCUMENT_TYPE_HEADING = re.compile(
    r"^(?:protokollsutdrag|protokoll|tjänsteskrivelse|beslut|remiss|missiv|följebrev)\s*:?$", re.IGNORECASE
)
# The line that names the document type in a Malmö memo; the title is the next line.
_DOCUMENT_TYPE_LINE = re.compile(
    r"^(?:tjänsteskrivelse|remiss|remisskrivelse|yttrande|missiv|följebrev)$", re.IGNORECASE
)
_REMISS_TITLE = re.compile(r"^remiss(?:möte)?\b(?!instans|frågor|svar|lista)", re.IGNORECASE)
_PARAGRAPH_SIGN = re.compile(r"^§\s*\d+\s*")
# "…återvandringDiarienummer: Ju2025/00949": a heading glued to its diary number label.
_GLUED_LABEL = re.compile(r"(?<=[a-zåäö])(?:Diarienummer|Dnr)\b.*$")
_NOW_A_REMISS = re.compile(r"[;,]\s*nu\s+fråga\s+om\s+(?:remiss|yttrande)\b.*$", re.IGNORECASE)
# The kortrubrik stated in the document ("Kortrubrik: Områdeslyft"), and the full ärendemening beside a short
# title line ("Ärendemening: Uppdrag budget 2023 - Definiera och …").
_SHORT_TITLE_LABEL = re.compile(r"^(?:kortrubrik|kort\s+rubrik)\s*:\s*(?P<value>\S.*)$", re.IGNORECASE | re.MULTILINE)
_CASE_SENTENCE_LABEL = re.compile(r"^ärendemening\s*:\s*(?P<value>\S.*)$", re.IGNORECASE | re.MULTILINE)
_TITLE_SCAN_LINES = 40
_MIN_TITLE_WORDS = 3
# The ärendemening as a labelled line: "Ärende: Remiss om …", "Angående: …".
_SUBJECT_LABEL = re.compile(r"^(?:ärendemening|ärende|ämne|angående|avser|rubrik)\s*:\s*", re.IGNORECASE)
# Header lines that are never the ärendemening: labels, dates, addresses, page stamps.
_HEADER_FIELD = re.compile(
    r"^(?:datum|dnr|diarienummer|diarienr|vår(?:t)?\s+(?:referens|beteckning|dnr|diarienummer)"
    r"|er(?:t)?\s+(?:referens|beteckning|dnr|diarienummer)|handläggare|kontaktperson|till|från|sida|telefon|tel"
    r"|e-post|mejl|adress|postadress|besöksadress|org\.?\s*nr|sekretess|bilaga|kopia|version"
    r"|kortrubrik|kort\s+rubrik)\b\s*:?",
    re.IGNORECASE,
)
_DATE_OR_NUMBER = re.compile(r"^[\d\s:./-]+$")
# Headings the ärendemening stands right above in a kommun's tjänsteskrivelse.
_FIRST_SECTION = re.compile(
    r"^(?:sammanfattning|förslag\s+till\s+beslut|ärendet|ärendebeskrivning|bakgrund|beslutsunderlag)\s*:?$",
    re.IGNORECASE,
)
_MAX_TITLE_WORDS = 40
_MAX_TITLE_CHARS = 300
_LINES_AFTER_CASE_NUMBER = 6

_DEPARTMENT = r"(?P<dept>[A-ZÅÄÖ][a-zåäö]+(?:-\s+och\s+[a-zåäö]+)?departementet)"
# Ministries named as the addressee of the answers or as the one that sent the remiss.
_DEPARTMENT_AS_SENDER = (
    re.compile(rf"\b(?:kommit\s+in|inkommit|inkomna|kommit|lämnas|skickas|sändas|inkomma)\s+till\s+{_DEPARTMENT}"),
    re.compile(rf"{_DEPARTMENT}\s+(?:har\s+)?remitterat"),
    re.compile(rf"{_DEPARTMENT}s\s+(?:diarienummer|registrator)"),
)
_MALMO_CASE_PREFIX = re.compile(r"^([A-ZÅÄÖ]{2,6})-\d{4}-\d+$")
# The letterhead: the lines above the title, or a labelled "Avsändare:"/"Från:" line near the top.
_LETTERHEAD_LINES = 8
_SENDER_LABEL = re.compile(r"^(?:avsändare|från)\s*:\s*", re.IGNORECASE)
_ADDRESSEE_LABEL = re.compile(r"^(?:till|mottagare|adressat)\s*:?$", re.IGNORECASE)
# The city's own name in its own letterhead says nothing about which of its offices sent the matter.
_OWN_MUNICIPALITY = re.compile(r"^Malmö\s+(?:kommun|stad)$", re.IGNORECASE)
# A region or kommun named in a sentence as the one sending the remiss: "Region Skåne har remitterat …",
# "Lunds kommun skickar förslaget på remiss", "Länsstyrelsen i Skåne län ger Malmö stad tillfälle att yttra
# sig", "Remiss från Helsingborgs stad".
_PRINCIPAL_AS_SENDER = (
    re.compile(
        rf"(?<![\w-])(?P<name>{PRINCIPAL_NAME})\s+(?:har\s+)?(?:remitter(?:at|ar)|skick(?:at|ar)|översän(?:t|der)"
        rf"|bjuder\s+in|ger\s+(?:\w+\s+){{0,4}}?(?:tillfälle|möjlighet))\b",
        re.VERBOSE,
    ),
    re.compile(rf"^Remiss\s+från\s+(?P<name>{PRINCIPAL_NAME})\b", re.VERBOSE | re.MULTILINE),
)
# The deciding body of a region or kommun sending it: "Regionstyrelsen beslutade den 12 januari 2024 att
# remittera förslaget", "Kommunstyrelsen har remitterat planen". (Read only when nothing names the sender better.)
_DECIDING_BODY_AS_SENDER = re.compile(
    r"\b(?P<name>(?:Region|Kommun)(?:styrelsen|fullmäktige)|(?:Region|Kommun)[a-zåäö]+nämnden)\s+"
    r"(?:har\s+)?(?:remitter(?:at|ar|ade)\b|beslut(?:at|ade)\b[^.\n]{0,60}?\b(?:remittera|skicka\s+\S+\s+på\s+remiss)\b)"
)

_CONTACT_LABEL = re.compile(
    r"^(?:vår +referens|handläggare|kontaktperson) *:? *(?P<rest>.*)$", re.IGNORECASE | re.MULTILINE
)
_OTHER_LABEL = re.compile(r"^(?:datum|er\s+referens|diarienummer|dnr|tjänsteskrivelse)\b", re.IGNORECASE)
_PERSON_NAME = re.compile(r"^[A-ZÅÄÖÉ][\w'-]+(?:\s+[A-ZÅÄÖÉ][\w'-]+){1,3}$")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_CONTACT_SENTENCE = re.compile(
    r"\b(?:frågor|upplysningar)\b[^.\n]{0,80}?\b(?:besvaras\s+av|ställas\s+till|kontaktas|lämnas\s+av|kontakta)\b"
    r"(?P<rest>[^\n]{0,200})",
    re.IGNORECASE,
)
_NAMED_ADDRESS = re.compile(
    r"(?P<name>[A-ZÅÄÖÉ][\w'-]+(?:\s+[A-ZÅÄÖÉ][\w'-]+){1,3})\s*(?:<|,\s*)(?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
)
_CONTACT_LINES = 4


T = TypeVar("T")


@dataclass(frozen=True)
class Found(Generic[T]):
    """A value and how sure the importer is of it."""

    value: T
    confidence: Confidence


def find_title_line(doc: CleanText) -> tuple[int, Confidence] | None:
    """The line that holds the title: the line after "Tjänsteskrivelse", else the top heading."""
    top = range(min(len(doc.lines), _TITLE_SCAN_LINES))
    for index in top:
        if _DOCUMENT_TYPE_LINE.match(doc.lines[index]):
            # The date and the diary number may stand between "Tjänsteskrivelse" and the title.
            following = _next_title_like(doc, index + 1)
            if following is not None:
                return following, Confidence.HIGH
    # Highest level first: a "## Bakgrund" under the "# Title" is never the title.
    for index in sorted(doc.heading_levels, key=lambda i: (doc.heading_levels[i], i)):
        line = doc.lines[index]
        if line and not _DOCUMENT_TYPE_HEADING.match(line) and not is_known_heading(line):
            return index, Confidence.HIGH
    for index in top:
        if _REMISS_TITLE.match(doc.lines[index]) and len(doc.lines[index].split()) >= _MIN_TITLE_WORDS:
            return index, Confidence.MEDIUM
    return None


_MAX_TITLE_WRAPS = 3
_CONTINUES = re.compile(r"^[a-zåäöé(]")


def title_paragraph(doc: CleanText, index: int) -> tuple[int, ...]:
    """The title's line and the lines a narrow page wrapped it onto: those right under it that go on in lower
    case ("… områdeslyft i Malmös socioekonomiskt / svaga delar …; nu fråga om remiss STK-2023-137")."""
    lines = [index]
    for following in range(index + 1, min(len(doc.lines), index + 1 + _MAX_TITLE_WRAPS)):
        line, before = doc.lines[following], doc.lines[following - 1]
        if not _CONTINUES.match(line) or before.endswith((".", ":", "?", "!")) or doc.is_heading(following):
            break
        if sum(len(doc.lines[i]) + 1 for i in lines) + len(line) > _MAX_TITLE_CHARS:
            break
        lines.append(following)
    return tuple(lines)


def find_subject_line(doc: CleanText, case_number_line: int | None) -> tuple[int, Confidence] | None:
    """The ärendemening of a kommun's document when no title was found: a labelled "Ärende:" line, the line
    after the diary number, or the line right above "Sammanfattning" or "Förslag till beslut"."""
    top = range(min(len(doc.lines), _TITLE_SCAN_LINES))
    for index in top:
        if _SUBJECT_LABEL.match(doc.lines[index]) and _is_title_like(_SUBJECT_LABEL.sub("", doc.lines[index])):
            return index, Confidence.MEDIUM
    if case_number_line is not None and case_number_line < _TITLE_SCAN_LINES:
        following = _next_title_like(doc, case_number_line + 1)
        if following is not None and following - case_number_line <= _LINES_AFTER_CASE_NUMBER:
            return following, Confidence.MEDIUM
    for index in top:
        if _FIRST_SECTION.match(doc.lines[index]):
            above = next((i for i in range(index - 1, -1, -1) if doc.lines[i]), None)
            if above is not None and _is_title_like(doc.lines[above]):
                return above, Confidence.MEDIUM
            return None
    return None


def title_from_line(line: str, case_number: str | None) -> str | None:
    """The title as the document writes it, without its diary number or the "nu fråga om remiss" tail."""
    title = _GLUED_LABEL.sub("", _PARAGRAPH_SIGN.sub("", _SUBJECT_LABEL.sub("", line)))
    if case_number:
        title = title.replace(case_number, "")
    title = _NOW_A_REMISS.sub("", title)
    title = " ".join(title.split()).strip(" -–;,:")
    return title or None


@dataclass(frozen=True)
class Titles:
    """The title and the kortrubrik as the document states them (None: not stated)."""

    title: str | None
    short_title: str | None


def find_titles(doc: CleanText, title: str | None) -> Titles:
    """The kortrubrik when the document states one: labelled "Kortrubrik:" / "Kort rubrik:", or a short title line
    beside a longer labelled "Ärendemening:", which is then the title. One over 60 characters is no kortrubrik."""
    labelled = _labelled(doc, _SHORT_TITLE_LABEL)
    sentence = _labelled(doc, _CASE_SENTENCE_LABEL)
    short = labelled
    if sentence is not None and (title is None or len(sentence) > len(title)):
        if short is None and title is not None and title != sentence:
            short = title
        title = sentence
    return Titles(title, short if short is not None and len(short) <= MAX_SHORT_TITLE else None)


def _labelled(doc: CleanText, label: re.Pattern[str]) -> str | None:
    """The value of the first labelled line near the top."""
    for index in doc.lines_matching(label):
        match = label.match(doc.lines[index]) if index < _TITLE_SCAN_LINES * 2 else None
        if match:
            return " ".join(match.group("value").split())
    return None


def find_sender(
    doc: CleanText, directory: Directory, own_staff_offices: tuple[str, ...], case_number: str | None
) -> tuple[Found[str], Organisation | None] | None:
    """The sending office or ministry, as named in the document or by its diary number's prefix."""
    if own_staff_offices:
        office = _without_genitive(own_staff_offices[0])
        return Found(office, Confidence.HIGH), match_organisation(office, directory)
    letterhead = _letterhead_sender(doc)
    if letterhead is not None:
        return Found(letterhead, Confidence.HIGH), match_organisation(letterhead, directory)
    departments = Counter(m.group("dept") for form in _DEPARTMENT_AS_SENDER for m in form.finditer(doc.text))
    if departments:
        department = departments.most_common(1)[0][0]
        return Found(department, Confidence.HIGH), None
    named = next((m.group("name") for form in _PRINCIPAL_AS_SENDER for m in form.finditer(doc.text)), None)
    if named is not None and is_principal(named) and not _OWN_MUNICIPALITY.match(named):
        return Found(named, Confidence.MEDIUM), match_organisation(named, directory)
    prefix = _MALMO_CASE_PREFIX.match(case_number or "")
    if prefix:
        org = next((o for o in directory if o.short_name == prefix.group(1)), None)
        if org is not None:
            return Found(org.name, Confidence.MEDIUM), org
    deciding = _DECIDING_BODY_AS_SENDER.search(doc.text)
    if deciding:
        return Found(deciding.group("name"), Confidence.LOW), match_organisation(deciding.group("name"), directory)
    return None


def _letterhead_sender(doc: CleanText) -> str | None:
    """The organisation and body a letterhead names ("Region Skåne / Regionstyrelsen"), as written, parts joined
    by commas: from the lines above the title, or a line labelled "Avsändare:". The city's own name is left out,
    and so is an addressee (the line after "Till" or "Mottagare")."""
    above_title, seen, addressee = True, 0, False
    for index, line in enumerate(doc.lines[:_TITLE_SCAN_LINES]):
        labelled = _SENDER_LABEL.match(line)
        above_title = (
            above_title and not doc.is_heading(index) and not is_known_heading(line) and seen < _LETTERHEAD_LINES
        )
        if line:
            seen += 1
        if labelled or (above_title and line and not addressee):
            parts = sender_parts(line[labelled.end() :] if labelled else line)
            own = [p for p in parts or () if not _OWN_MUNICIPALITY.match(p)]
            if own:
                return ", ".join(own)
        if line:
            addressee = bool(_ADDRESSEE_LABEL.match(line))
    return None


def find_contact(doc: CleanText) -> Found[Contact] | None:
    """The handläggare under "Vår referens", or the person named in "Frågor … besvaras av …"."""
    for index in doc.lines_matching(_CONTACT_LABEL):
        label = _CONTACT_LABEL.match(doc.lines[index])
        contact = _contact_after_label(doc, index, label.group("rest") if label else "")
        if contact is not None:
            return Found(contact, Confidence.HIGH)
    sentence = _CONTACT_SENTENCE.search(doc.text)
    if sentence:
        named = _NAMED_ADDRESS.search(sentence.group("rest"))
        if named:
            return Found(Contact(named.group("name"), None, named.group("email")), Confidence.MEDIUM)
    return None


def _contact_after_label(doc: CleanText, index: int, rest: str) -> Contact | None:
    lines = [rest] if rest else []
    for line in doc.lines[index + 1 :]:
        if len(lines) >= _CONTACT_LINES or _OTHER_LABEL.match(line):
            break
        if line:
            lines.append(line)
    if not lines or not _PERSON_NAME.match(lines[0]):
        return None
    email = next((m.group() for line in lines[1:] if (m := _EMAIL.search(line))), None)
    role = next((line for line in lines[1:] if not _EMAIL.search(line) and not any(c.isdigit() for c in line)), None)
    return Contact(lines[0], role, email)


def _next_title_like(doc: CleanText, start: int) -> int | None:
    """The first line from `start` that can be a title, passing over header fields; None at a section heading."""
    for index in range(start, min(len(doc.lines), start + _TITLE_SCAN_LINES)):
        line = doc.lines[index]
        if not line or _is_header_field(line):
            continue
        if is_known_heading(line) or _FIRST_SECTION.match(line):
            return None
        return index if _is_title_like(line) else None
    return None


def _is_header_field(line: str) -> bool:
    return bool(
        _HEADER_FIELD.match(line)
        or _DOCUMENT_TYPE_HEADING.match(line)
        or _DOCUMENT_TYPE_LINE.match(line)
        or _DATE_OR_NUMBER.match(line)
        or _EMAIL.search(line)
        or is_case_number(line)
    )


def _is_title_like(line: str) -> bool:
    """A line that can name a matter: words, not a sentence, a date or a person's name."""
    words = line.split()
    return (
        bool(words)
        and len(words) <= _MAX_TITLE_WORDS
        and len(line) <= _MAX_TITLE_CHARS
        and any(c.isalpha() for c in line)
        and not line.endswith((".", ":", "?", "!"))
        and not any(mention.value for mention in dates_in(line))
        and not is_known_heading(line)
        and not _PERSON_NAME.match(line)
        and not _is_header_field(line)
    )


def _without_genitive(name: str) -> str:
    """ "Stadskontorets" → "Stadskontoret"."""
    return name[:-1] if name.endswith("s") else name
