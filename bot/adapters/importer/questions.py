"""Finds the numbered questions under "Frågor" or "Remissfrågor"; contact lines about questions never count."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.adapters.importer.lists import ListKind, read_list
from bot.adapters.importer.model import Confidence
from bot.adapters.importer.text import CleanText

_QUESTION_HEADING_LINE = re.compile(
    r"^(?:remissfrågor(?:na)?|frågor(?:na)?(?: +(?:till|för) +remissinstanserna)?|frågeställningar"
    r"|frågor +att +besvara) *:?$"
    # or an introduction ending in a colon that announces them: "… utifrån stadskontorets remissfrågor:".
    r"|\b(?:remiss)?frågor(?:na)?\b[^.\n]*:$",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass(frozen=True)
class QuestionList:
    """The numbered questions under "Frågor" or "Remissfrågor"."""

    questions: tuple[str, ...]
    confidence: Confidence | None


def find_questions(doc: CleanText) -> QuestionList:
    """The numbered (or bulleted) questions after a questions heading; contact lines never count."""
    for index in dict.fromkeys(doc.lines_matching(_QUESTION_HEADING_LINE)):
        read = read_list(doc, index, allow_plain=False, allow_intro=True)
        if read.items:
            confidence = Confidence.HIGH if read.kind is ListKind.NUMBERED else Confidence.MEDIUM
            return QuestionList(read.items, confidence)
    return QuestionList((), None)
