"""How a diary number (diarienummer) is written, and how a document labels its own and the other side's."""

from __future__ import annotations

import re

# Diary number forms. SOU, Ds, SFS and report numbers ("SOU 2015:58", "(1998:1276)", "rapport 2015:32")
# use a colon and never match; the filename form "N2015-08441-RS" matches none of these either.
CASE_NUMBER_FORMS = (
    re.compile(r"(?<![\w/-])[A-ZÅÄÖ]{2,6}-\d{4}-\d{1,6}(?![\w/]|-\d)"),  # Malmö: STK-2023-137
    re.compile(r"(?<![\w/])[A-ZÅÄÖ][A-Za-zåäö]{0,3}\d{4}/\d{2,6}(?:/[A-ZÅÄÖ]{1,6})?(?![\w/])"),  # N2015/08441/RS
    # KS 2021/123, and with the part number kommuner add to it: KS 2019/412-101, KS 2019/412.101
    re.compile(r"(?<![\w/])[A-ZÅÄÖ]{1,6} (?:19|20)\d{2}/\d{1,6}(?:[-.]\d{1,4})?(?![\w/]|[-.]\d)"),
    re.compile(r"(?<![\w/-])[A-ZÅÄÖ]{1,6} \d{2,6}-(?:19|20)\d{2}(?![\w/-])"),  # a region's RS 00512-2019
)
CASE_NUMBER_LABEL = r"(?:diarienummer|diarienr|dnr|ärendenummer|ärendenr)\.?"
# The document's own number, named as such; "Vår referens" names a person in most letters, so it is not one.
OWN_CASE_NUMBER_LABEL = r"(?:vår|vårt)\s+(?:beteckning|dnr|diarienummer|diarienr|ärendenummer)\.?"
# Right after a label any short number counts, "Dnr 23/12" too; without a label "23/12" is a date. A suffix
# the kommun's case system adds stays part of the number: "Dnr 2021/0077 SBN-3", "Dnr 2020/123 KS".
SHORT_CASE_NUMBER = (
    r"(?:[A-ZÅÄÖ]{1,6}[ -]?)?\d{1,4}[/-]\d{1,6}(?:[/.-][A-ZÅÄÖ0-9]{1,6})?"
    r"(?-i: [A-ZÅÄÖ]{2,6}-\d{1,4}(?![\w/-])| [A-ZÅÄÖ]{2,6}(?= *(?:$|[,;)])))?"
)
LABELLED_CASE_NUMBER = re.compile(
    rf"\b(?:{OWN_CASE_NUMBER_LABEL}|{CASE_NUMBER_LABEL})\s*:?\s*(?P<number>{SHORT_CASE_NUMBER})(?![\w/])",
    re.IGNORECASE | re.MULTILINE,
)
LABEL_BEFORE = re.compile(rf"\b(?:{OWN_CASE_NUMBER_LABEL}|{CASE_NUMBER_LABEL})\s*:?\s*$", re.IGNORECASE)
OWN_LABEL_BEFORE = re.compile(rf"\b{OWN_CASE_NUMBER_LABEL}\s*:?\s*$", re.IGNORECASE)
# "Ert dnr", "Er beteckning" and "Er referens" are the other side's reference: in a remiss the recipient's, in an
# answer the sender's.
THEIR_LABEL_BEFORE = re.compile(
    rf"\b(?:er|ert|era)\s+(?:{CASE_NUMBER_LABEL}|beteckning|referens)\s*:?\s*$", re.IGNORECASE
)


def is_case_number(text: str) -> bool:
    """True when `text` is written in one of the diary number forms (STK-2023-137, KS 2021/123, N2015/08441/RS)."""
    return any(form.fullmatch(text) for form in CASE_NUMBER_FORMS)


def case_number_key(number: str) -> str:
    """The same number in another written form ("N2015-08441-RS", "n2015/08441/rs") compares equal."""
    return re.sub(r"[\s/.-]", "", number).upper()
