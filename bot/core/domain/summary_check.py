"""The completeness check: a summary may be published only when every response is in it, whole.

Recomputed from the recipients themselves, never from the summary (Malmö's rule: account for every answer,
list who declined and who never answered, and attach every answer in full).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TypeVar
from zoneinfo import ZoneInfo

from bot.core.domain.organisation import Directory
from bot.core.domain.recipient import Recipient
from bot.core.domain.remiss import QuestionKind, Remiss, ResponseKind, text_of
from bot.core.domain.summary import (
    STOCKHOLM,
    Summary,
    answer_of,
    build_summary,
    count_responses,
)

_T = TypeVar("_T")


# -- the completeness check ----------------------------------------------------------------------------
class ProblemCode(StrEnum):
    """What the completeness check found wrong; the Swedish wording is in templates/summary/problems.j2."""

    QUESTION_MISSING = "question_missing"
    RESPONSE_MISSING = "response_missing"
    ANSWER_MISSING = "answer_missing"
    ANSWER_ALTERED = "answer_altered"
    VERSION_MISSING = "version_missing"
    DECLINE_MISSING = "decline_missing"
    NO_ANSWER_MISSING = "no_answer_missing"
    UNEXPECTED_ENTRY = "unexpected_entry"
    COUNT_MISMATCH = "count_mismatch"
    TALLY_INCOMPLETE = "tally_incomplete"


@dataclass(frozen=True)
class Problem:
    """One reason the summary may not be published."""

    code: ProblemCode
    organisation: str = ""
    question: int | None = None
    what: str = ""
    expected: int | None = None
    actual: int | None = None


class SummaryIncomplete(Exception):
    """The completeness check failed: nothing may be published. `problems` says why."""

    def __init__(self, case_number: str, problems: Sequence[Problem]) -> None:
        self.case_number = case_number
        self.problems = list(problems)
        super().__init__(f"{case_number}: {len(self.problems)} problem(s) in the summary")


@dataclass
class _Check:
    names: Mapping[str, str]
    problems: list[Problem] = field(default_factory=list)

    def add(self, code: ProblemCode, key: str = "", question: int | None = None, what: str = "") -> None:
        self.problems.append(Problem(code, self.names.get(key, key), question, what))

    def count(self, what: str, expected: int, actual: int) -> None:
        if expected != actual:
            self.problems.append(Problem(ProblemCode.COUNT_MISMATCH, what=what, expected=expected, actual=actual))


def check_completeness(summary: Summary, recipients: Iterable[Recipient], tz: ZoneInfo = STOCKHOLM) -> list[Problem]:
    """Compare the summary with the recipients themselves; an empty list means it may be published.

    Recomputed from the recipients, not from the summary: every submitted response appears (answers in
    the annex and in every question's section, with identical text; declines and missing recipients in
    their lists), every question of every response appears, every version is in the edit history, every
    answer to an organisation-choice question is in its tally, and the counts add up.
    """
    recipients = list(recipients)
    check = _Check(_names_shown(summary))
    expected_keys = {r.organisation_key for r in recipients}
    answering = {r.organisation_key: r for r in recipients if answer_of(r) is not None}
    declining = {
        r.organisation_key: r
        for r in recipients
        if (c := r.current_response) is not None and c.kind is ResponseKind.DECLINED
    }
    silent = {r.organisation_key for r in recipients if r.current_response is None}

    sectioned = {section.question.number for section in summary.sections}
    for q in summary.questions:
        if q.number not in sectioned:
            check.add(ProblemCode.QUESTION_MISSING, question=q.number)

    # Answers: in the annex, in full, with their whole history.
    annex = _unique_by_key(check, [(e.organisation.key, e) for e in summary.annex], expected_keys)
    for key, recipient in answering.items():
        response = recipient.current_response
        assert response is not None
        entry = annex.get(key)
        if entry is None or entry.response.version != response.version:
            check.add(ProblemCode.RESPONSE_MISSING, key)
            continue
        shown = {a.question_number: a.text for a in entry.answers}
        for answer in response.content.answers:
            text = answer.text.strip()
            if answer.question_number not in shown:
                check.add(ProblemCode.ANSWER_MISSING, key, question=answer.question_number)
            elif shown[answer.question_number] != text:
                check.add(ProblemCode.ANSWER_ALTERED, key, question=answer.question_number)
        if [v.version for v in entry.history] != [v.version for v in recipient.responses]:
            check.add(ProblemCode.VERSION_MISSING, key)
    for key in annex.keys() - answering.keys():
        check.add(ProblemCode.UNEXPECTED_ENTRY, key, what="annex")

    # Answers: in every question's section, once each.
    for section in summary.sections:
        number = section.question.number
        shown_answers = _unique_by_key(
            check, [(a.organisation.key, a) for a in section.answers], expected_keys, question=number
        )
        left_blank = {o.key for o in (*section.not_answered, *section.in_document)}
        for key, recipient in answering.items():
            response = recipient.current_response
            assert response is not None
            text = text_of(response.content.answer_to(number))
            if not text:
                if key not in left_blank:
                    check.add(ProblemCode.ANSWER_MISSING, key, question=number)
                continue
            shown_entry = shown_answers.get(key)
            if shown_entry is None:
                check.add(ProblemCode.ANSWER_MISSING, key, question=number)
            elif shown_entry.text != text:
                check.add(ProblemCode.ANSWER_ALTERED, key, question=number)
        for key in shown_answers.keys() - answering.keys():
            check.add(ProblemCode.UNEXPECTED_ENTRY, key, question=number)
        if section.question.kind is QuestionKind.ORGANISATION_CHOICE:
            in_tally = section.tally.proposer_keys() if section.tally is not None else set()
            for key, recipient in answering.items():
                response = recipient.current_response
                assert response is not None
                if text_of(response.content.answer_to(number)) and key not in in_tally:
                    check.add(ProblemCode.TALLY_INCOMPLETE, key, question=number)

    # Declines and recipients without an answer.
    declined = _unique_by_key(check, [(d.organisation.key, d) for d in summary.declined], expected_keys)
    for key, recipient in declining.items():
        current = recipient.current_response
        assert current is not None
        if key not in declined or declined[key].reason != current.content.decline_reason:
            check.add(ProblemCode.DECLINE_MISSING, key)
    for key in declined.keys() - declining.keys():
        check.add(ProblemCode.UNEXPECTED_ENTRY, key, what="declined")
    missing = _unique_by_key(check, [(m.organisation.key, m) for m in summary.missing], expected_keys)
    for key in silent - missing.keys():
        check.add(ProblemCode.NO_ANSWER_MISSING, key)
    for key in missing.keys() - silent:
        check.add(ProblemCode.UNEXPECTED_ENTRY, key, what="missing")

    # The counts, recomputed and added up.
    expected = count_responses(recipients, tz)
    counts = summary.counts
    for what in ("recipients", "yttrande", "delegation", "preliminary", "declined", "no_answer", "late"):
        check.count(what, getattr(expected, what), getattr(counts, what))
    check.count(
        "sum",
        counts.recipients,
        counts.yttrande + counts.delegation + counts.preliminary + counts.declined + counts.no_answer,
    )
    check.count("positions", len(recipients), len(summary.positions))
    check.count("annex", counts.answered, len(summary.annex))
    check.count("declined_list", counts.declined, len(summary.declined))
    check.count("missing_list", counts.no_answer, len(summary.missing))
    return check.problems


def compile_summary(
    remiss: Remiss,
    recipients: Sequence[Recipient],
    directory: Directory,
    *,
    today: date,
    sender_name: str | None = None,
    names: Mapping[str, str] | None = None,
    tz: ZoneInfo = STOCKHOLM,
) -> Summary:
    """Build the summary and check it; raises SummaryIncomplete (with every problem) if it is not whole."""
    summary = build_summary(remiss, recipients, directory, today=today, sender_name=sender_name, names=names, tz=tz)
    problems = check_completeness(summary, recipients, tz)
    if problems:
        raise SummaryIncomplete(remiss.case_number, problems)
    return summary


def _names_shown(summary: Summary) -> dict[str, str]:
    """Organisation names by key as the summary shows them, so a problem names the organisation."""
    orgs = [
        *(row.organisation for row in summary.positions),
        *(entry.organisation for entry in summary.annex),
        *(entry.organisation for entry in summary.declined),
        *(entry.organisation for entry in summary.missing),
    ]
    return {org.key: org.name for org in orgs}


def _unique_by_key(
    check: _Check, items: Sequence[tuple[str, _T]], expected_keys: set[str], question: int | None = None
) -> dict[str, _T]:
    """Items by organisation key; a key shown twice, or not a recipient at all, is a problem."""
    found: dict[str, _T] = {}
    for key, item in items:
        if key in found:
            check.add(ProblemCode.UNEXPECTED_ENTRY, key, question=question, what="duplicate")
        elif key not in expected_keys:
            check.add(ProblemCode.UNEXPECTED_ENTRY, key, question=question, what="not_a_recipient")
        found.setdefault(key, item)
    return found
