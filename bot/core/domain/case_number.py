"""How a diary number (diarienummer) is written, and how a document labels its own and the other side's."""

from __future__ import annotations

import re

# Diary number forms. SOU, Ds, SFS and report numbers ("SOU 2015:58", "(1998:1276)", "rapport 2015:32")
# use a colon and never match; the filename form "N2015-08441-RS" matches none of these either.
CASE_NUMBER_FORMS = (
    re.compile(r"(?<![\w/-])[A-ZÅÄÖ]{2,6}-\d{4}-\d{1,6}(?![\w/]|-\d)"),  # Malmö: STK-2023-137
    re.compile(r"(?<![\w/])[A-ZÅÄÖ][A-Za-zåäö]{0,3}\d{4}/\d{2,6}(?:/[A-ZÅÄÖ]{1,6})?(?![\w/])"),  # N2015/08441/RS
    re.compile(r"(?<![\w/])[A-ZÅÄÖ]{1,6} \d{4}/\d{1,6}(?![\w/])"),  # KS 2021/123
)
CASE_NUMBER_LABEL = r"(?:diarienummer|diarienr|dnr|ärendenummer)\.?"
# Right after a label any short number counts, "Dnr 23/12" too; without a label "23/12" is a date.
SHORT_CASE_NUMBER = r"(?:[A-ZÅÄÖ]{1,6}[ -]?)?\d{1,4}[/-]\d{1,6}(?:[/-][A-ZÅÄÖ0-9]{1,6})?"
LABELLED_CASE_NUMBER = re.compile(
    rf"\b{CASE_NUMBER_LABEL}\s*:?\s*(?P<number>{SHORT_CASE_NUMBER})(?![\w/])", re.IGNORECASE
)
LABEL_BEFORE = re.compile(rf"\b{CASE_NUMBER_LABEL}\s*:?\s*$", re.IGNORECASE)
# "Ert dnr" and "Er beteckning" are the other side's reference: in a remiss the recipient's, in an answer the
# sender's.
THEIR_LABEL_BEFORE = re.compile(rf"\b(?:er|ert|era)\s+(?:{CASE_NUMBER_LABEL}|beteckning)\s*:?\s*$", re.IGNORECASE)


def is_case_number(text: str) -> bool:
    """True when `text` is written in one of the diary number forms (STK-2023-137, KS 2021/123, N2015/08441/RS)."""
    return any(form.fullmatch(text) for form in CASE_NUMBER_FORMS)


def case_number_key(number: str) -> str:
    """The same number in another written form ("N2015-08441-RS", "n2015/08441/rs") compares equal."""
    return re.sub(r"[\s/-]", "", number).upper()
