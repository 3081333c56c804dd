"""The summary's reading aids, made from its own data alone: the *Sammanfattning* that opens it (statements, each
naming the answers it rests on), one count line per question, a short excerpt of each answer pointing into the
annex, and the overview's row per organisation. Deterministic: nothing is said that the answers do not say, and
the same summary always gives the same text. The Swedish wording is in templates/summary/words.j2."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.core.domain.organisation import Organisation
from bot.core.domain.remiss import DecidingBody, Position, ResponseKind
from bot.core.domain.summary import QuestionSection, Summary, shows_position

# An excerpt is the answer's first sentences up to about this many characters.
EXCERPT_CHARS = 300
# A statement names the organisations it rests on when there are at most this many; more are pointed to in
# the overview (a sentence naming 40 boards is not read).
NAMED_AT_MOST = 8
# Positions in the order a count line gives them: support first, then changes, opposition, no comments.
POSITION_ORDER = (
    Position.TILLSTYRKER,
    Position.FORESLAR_ANDRINGAR,
    Position.AVSTYRKER,
    Position.INGA_SYNPUNKTER,
    Position.NOT_STATED,
)
# A sentence ends at . ! ? or … (closing quotes and brackets kept with it) before a capital letter or a digit.
_SENTENCE_END = re.compile(r"[.!?…][\"”’»)]*(?=\s+[\"”»(]*[A-ZÅÄÖÉÜ0-9])")
# "1." or "12." at the start of a numbered item is no sentence.
_ITEM_NUMBER = re.compile(r"(?:^|\s)\d{1,3}\.$")


# -- excerpts ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Excerpt:
    """The start of an answer, on one line; `cut` when the answer goes on (shown with "…")."""

    text: str
    cut: bool


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> Excerpt:
    """The answer's first whole sentences (or lines) that fit in `limit` characters; when even the first does
    not fit, its first words that do. Whitespace is made single spaces; nothing else is changed."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    flat = " ".join(line for line in lines if line)
    if len(flat) <= limit:
        return Excerpt(flat, False)
    ends: list[int] = []
    for m in _SENTENCE_END.finditer(flat):
        if m.end() > limit:
            break  # later ends don't fit
        # An item number is at most five characters before the end ("12." after a space): look only there.
        if not _ITEM_NUMBER.search(flat, max(0, m.end() - 5), m.end()):
            ends.append(m.end())
    # A line break ends a piece too (a heading line, a list item without a full stop).
    position = 0
    for line in lines:
        if line:
            position += len(line)
            ends.append(position)
            position += 1
    fitting = [end for end in ends if end <= limit]
    if fitting:
        return Excerpt(flat[: max(fitting)].rstrip(), True)
    head = flat[:limit]
    space = head.rfind(" ")
    head = head[:space] if space > limit // 2 else head
    return Excerpt(head.rstrip(" ,;:–-"), True)


# -- the count line per question ------------------------------------------------------------------------
@dataclass(frozen=True)
class QuestionCount:
    """How one question was answered across every recipient.

    `positions` (for a question where a position means something) gives each position taken, in
    POSITION_ORDER, only those taken; answers without text that the attached yttrande answers are
    `in_document`; `blank` answered the remiss but not this question; `declined` and `no_answer` did not answer
    the remiss at all.
    """

    positions: tuple[tuple[Position, int], ...]
    shows_positions: bool
    answered: int
    in_document: int
    blank: int
    declined: int
    no_answer: int


def count_question(section: QuestionSection, summary: Summary) -> QuestionCount:
    """The count line of one question's section."""
    shown = shows_position(section.question)
    taken = [a.position or Position.NOT_STATED for a in section.answers] if shown else []
    return QuestionCount(
        positions=tuple((p, taken.count(p)) for p in POSITION_ORDER if taken.count(p)),
        shows_positions=shown,
        answered=len(section.answers),
        in_document=len(section.in_document),
        blank=len(section.not_answered),
        declined=summary.counts.declined,
        no_answer=summary.counts.no_answer,
    )


def position_counts(positions: Sequence[Position]) -> tuple[tuple[Position, int], ...]:
    """Each position taken and how often, in POSITION_ORDER."""
    return tuple((p, positions.count(p)) for p in POSITION_ORDER if p in positions)


# -- the overview's row per organisation ----------------------------------------------------------------
@dataclass(frozen=True)
class OverviewRow:
    """One recipient in the overview: how it answered, its own diarienummer, who decided and when, and its
    overall position. Empty values where it has not answered; `annex_number` points to its answer in full."""

    organisation: Organisation
    kind: ResponseKind | None
    late: bool = False
    their_case_number: str = ""
    deciding_body: DecidingBody | None = None
    decided_by: str = ""
    decision_date: date | None = None
    paragraph: str = ""
    overall_position: Position | None = None
    annex_number: int | None = None
    # A preliminary answer: the board meeting that is to decide the final one.
    planned_board_date: date | None = None


def overview_rows(summary: Summary) -> tuple[OverviewRow, ...]:
    """A row per recipient in directory order (the order of the positions table)."""
    annex = {e.organisation.key: e for e in summary.annex}
    declined = {d.organisation.key: d for d in summary.declined}
    rows = []
    for row in summary.positions:
        key = row.organisation.key
        if (entry := annex.get(key)) is not None:
            content = entry.response.content
            rows.append(
                OverviewRow(
                    row.organisation,
                    entry.kind,
                    entry.late,
                    content.their_case_number,
                    content.deciding_body,
                    _decided_by(content.decided_by, row.organisation),
                    content.meeting_date,
                    content.paragraph,
                    content.overall_position,
                    entry.number,
                    content.planned_board_date if entry.kind is ResponseKind.PRELIMINARY else None,
                )
            )
        elif (decline := declined.get(key)) is not None:
            rows.append(OverviewRow(row.organisation, ResponseKind.DECLINED, decline.late))
        else:
            rows.append(OverviewRow(row.organisation, None))
    return tuple(rows)


def _decided_by(decided_by: str, organisation: Organisation) -> str:
    """Who decided, unless it only repeats the organisation's own name ("nämnden Tekniska nämnden")."""
    return "" if decided_by.strip().casefold() == organisation.name.casefold() else decided_by


# -- the Sammanfattning ---------------------------------------------------------------------------------
class Topic(StrEnum):
    """What a statement says; its wording is the macro `statement_<topic>` in templates/summary/words.j2."""

    NO_ANSWERS = "no_answers"
    ANSWERED = "answered"
    OVERALL_POSITION = "overall_position"
    PROPOSED = "proposed"
    PROPOSED_ONCE = "proposed_once"
    SELF_NOMINATED = "self_nominated"
    UNMATCHED = "unmatched"
    DECLINED = "declined"
    NOT_ANSWERED = "not_answered"
    STILL_OPEN = "still_open"
    EXTENSIONS = "extensions"
    LATE = "late"
    PRELIMINARY = "preliminary"


@dataclass(frozen=True)
class Statement:
    """One sentence of the Sammanfattning and the organisations whose answers it rests on.

    `count` is what the sentence counts, `total` what it counts out of; `question` the question it is about;
    `subjects` the names it is about (the organisation proposed, or several proposed once each); `own` how
    many of `organisations` proposed themselves; `kinds` the kinds of answer counted (kind, count); `position`
    the position counted; `day` a date it gives (the deadline).
    """

    topic: Topic
    organisations: tuple[Organisation, ...]
    count: int = 0
    total: int = 0
    question: int | None = None
    subjects: tuple[str, ...] = ()
    own: int = 0
    kinds: tuple[tuple[ResponseKind, int], ...] = ()
    position: Position | None = None
    day: date | None = None

    @property
    def named(self) -> bool:
        """The sentence names its organisations; otherwise it points to the overview, which lists them."""
        return 0 < len(self.organisations) <= NAMED_AT_MOST


@dataclass(frozen=True)
class SummaryText:
    """Everything the formats show beside the summary's data, computed once from it."""

    statements: tuple[Statement, ...]
    question_counts: Mapping[int, QuestionCount]
    overview: tuple[OverviewRow, ...]
    overall_positions: tuple[tuple[Position, int], ...]
    annex_numbers: Mapping[str, int]

    def count_of(self, question_number: int) -> QuestionCount:
        return self.question_counts[question_number]

    def annex_number(self, organisation_key: str) -> int:
        return self.annex_numbers[organisation_key]


def compose(summary: Summary) -> SummaryText:
    """The Sammanfattning, the count lines, the overview rows and the annex numbers of `summary`."""
    overview = overview_rows(summary)
    answered = [row for row in overview if row.annex_number is not None]
    return SummaryText(
        statements=tuple(statements(summary, overview)),
        question_counts={s.question.number: count_question(s, summary) for s in summary.sections},
        overview=overview,
        overall_positions=position_counts([row.overall_position or Position.NOT_STATED for row in answered]),
        annex_numbers={e.organisation.key: e.number for e in summary.annex},
    )


def statements(summary: Summary, overview: Sequence[OverviewRow]) -> list[Statement]:
    """The Sammanfattning, in the order a reader asks: who answered, what they think, what they propose, who
    did not answer, and what is still to come."""
    counts = summary.counts
    answered = [row for row in overview if row.annex_number is not None]
    said: list[Statement] = []
    if not answered:
        said.append(
            Statement(
                Topic.NO_ANSWERS,
                tuple(row.organisation for row in overview),
                count=0,
                total=counts.recipients,
                day=summary.deadline,
            )
        )
    else:
        kinds = (
            (ResponseKind.YTTRANDE, counts.yttrande),
            (ResponseKind.DELEGATION, counts.delegation),
            (ResponseKind.PRELIMINARY, counts.preliminary),
        )
        said.append(
            Statement(
                Topic.ANSWERED,
                tuple(row.organisation for row in answered),
                count=counts.answered,
                total=counts.recipients,
                kinds=tuple((k, n) for k, n in kinds if n),
            )
        )
        for position, _ in position_counts([row.overall_position or Position.NOT_STATED for row in answered]):
            orgs = tuple(r.organisation for r in answered if (r.overall_position or Position.NOT_STATED) is position)
            said.append(Statement(Topic.OVERALL_POSITION, orgs, count=len(orgs), position=position))
        for section in summary.sections:
            said.extend(_proposals(section))
    said.extend(_who_did_not_answer(summary, overview))
    return said


def _proposals(section: QuestionSection) -> list[Statement]:
    """An organisation-choice question: who is proposed by how many (those proposed once, together), who
    proposed itself, and how many proposed something the directory does not hold."""
    tally = section.tally
    if tally is None:
        return []
    number = section.question.number
    said = []
    once = [line for line in tally.matched if line.count == 1]
    for line in tally.matched:
        if line.count > 1:
            own = sum(1 for org in line.named_by if line.is_self_nomination(org))
            said.append(
                Statement(Topic.PROPOSED, line.named_by, line.count, question=number, subjects=(line.written,), own=own)
            )
    if once:
        proposers = tuple(line.named_by[0] for line in once)
        subjects = tuple(line.written for line in once)
        said.append(Statement(Topic.PROPOSED_ONCE, proposers, len(once), question=number, subjects=subjects))
    selves = tuple(
        dict.fromkeys(org for line in tally.matched for org in line.named_by if line.is_self_nomination(org))
    )
    if selves:
        said.append(Statement(Topic.SELF_NOMINATED, selves, len(selves), question=number))
    outside = tuple(dict.fromkeys(org for line in tally.unmatched for org in line.named_by))
    if outside:
        said.append(Statement(Topic.UNMATCHED, outside, len(outside), question=number))
    return said


def _who_did_not_answer(summary: Summary, overview: Sequence[OverviewRow]) -> list[Statement]:
    """Declines, missing answers (late, or not due yet), anstånd, late answers and preliminary ones."""
    said = []
    declined = tuple(d.organisation for d in summary.declined)
    overdue = tuple(m.organisation for m in summary.missing if m.overdue)
    open_ = tuple(m.organisation for m in summary.still_open)
    extended = tuple(dict.fromkeys(e.organisation for e in summary.extensions))
    late = tuple(row.organisation for row in overview if row.late and row.kind is not None)
    preliminary = tuple(row.organisation for row in overview if row.kind is ResponseKind.PRELIMINARY)
    answered_any = bool(summary.annex)
    for topic, orgs in (
        (Topic.DECLINED, declined),
        (Topic.NOT_ANSWERED, overdue),
        (Topic.STILL_OPEN, open_ if answered_any else ()),
        (Topic.EXTENSIONS, extended),
        (Topic.LATE, late),
        (Topic.PRELIMINARY, preliminary),
    ):
        if orgs:
            said.append(Statement(topic, orgs, len(orgs)))
    return said
