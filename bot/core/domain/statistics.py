"""Each organisation's answer history: what became of the remisses it received, per year (pure, stdlib only).

The outcome of one recipient of a sent remiss, judged against its own deadline (the remiss's, or its anstånd's
while that is later: Recipient.deadline), as the remiss stands when the statistics are read:

- ON_TIME (i tid): its current answer is a final one (an yttrande or via delegation), and that final answer was
  first submitted on or before the deadline (the local date of submission; answers are due by the end of the day);
- LATE (sent): the same, first submitted after the deadline. A final answer that follows a preliminary one is
  judged by its own date: the preliminary answer kept the window, the final one is what came late;
- PRELIMINARY (preliminärt): the current answer is preliminary: the board's final answer has not come (yet);
- DECLINED (avstått): the current answer is a decline;
- NO_ANSWER (inget svar): no current answer, and the deadline has passed or the remiss is closed;
- PENDING (pågår): no current answer yet, the remiss is open and its deadline has not passed.

A withdrawn answer is no answer. "First submitted" is the earliest of the latest run of final versions: edits of
an answer given in time do not make it late. Withdrawn remisses (sent by mistake) and drafts are not counted.

Working days before the deadline: from the final answer's date to the deadline, in working days of the calendar
(Swedish: weekends, public holidays and de facto days off don't count); 0 on the deadline day itself, negative
after it (-1: one working day late). The median is over final answers (on time and late).

The earlier-reminder policy (answer_history.py) uses this judgement: LATE and NO_ANSWER are late there too.
"""

from __future__ import annotations

import statistics as stats
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, tzinfo
from enum import StrEnum

from bot.core.domain.calendar import WorkingCalendar, working_days_between
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.recipient import current_version, own_deadline
from bot.core.domain.remiss import FINAL_KINDS, RemissStatus, ResponseKind

# The remisses whose recipients count: sent (open) or closed; never drafts or withdrawn ones.
COUNTED_STATUSES = (RemissStatus.SENT, RemissStatus.CLOSED)


class Outcome(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    PRELIMINARY = "preliminary"
    DECLINED = "declined"
    NO_ANSWER = "no_answer"
    PENDING = "pending"


@dataclass(frozen=True)
class VersionFact:
    """What the statistics need of one submitted version: its number, kind and time."""

    version: int
    kind: ResponseKind
    submitted_at: datetime


@dataclass(frozen=True)
class RecipientHistory:
    """One organisation's part in one sent remiss, as the statistics read it (no answer text): the lean read of
    RemissRepository.statistics_history."""

    case_number: str
    organisation_key: str
    sender_key: str
    status: RemissStatus
    sent_at: datetime
    remiss_deadline: date
    # The new deadlines of its anstånd, in the order granted (by a request or by the coordinator directly).
    extended_to: tuple[date, ...] = ()
    versions: tuple[VersionFact, ...] = ()
    withdrawn_version: int | None = None
    # How many times its officials asked for anstånd (whatever became of the request).
    extension_requests: int = 0

    @property
    def deadline(self) -> date:
        """Its own deadline (Recipient.deadline's rule)."""
        return own_deadline(self.remiss_deadline, self.extended_to[-1] if self.extended_to else None)

    @property
    def current(self) -> VersionFact | None:
        """The current answer (Recipient.current_response's rule)."""
        return current_version(self.versions, self.withdrawn_version)

    def final_submitted_at(self) -> datetime | None:
        """When the current final answer was first submitted: the earliest of the latest run of final versions."""
        first: VersionFact | None = None
        for version in reversed(self.versions):
            if version.kind not in FINAL_KINDS:
                break
            first = version
        return first.submitted_at if first is not None else None


@dataclass(frozen=True)
class Judged:
    """One recipient's outcome, and how many working days before its deadline its final answer came (if any)."""

    history: RecipientHistory
    outcome: Outcome
    year: int
    days_before: int | None = None


def judge(history: RecipientHistory, calendar: WorkingCalendar, tz: tzinfo, today: date) -> Judged:
    """The outcome of one recipient as of `today` (see the module's doc)."""
    year = history.sent_at.astimezone(tz).year
    current = history.current
    if current is None:
        waiting = history.status is RemissStatus.SENT and today <= history.deadline
        return Judged(history, Outcome.PENDING if waiting else Outcome.NO_ANSWER, year)
    if current.kind is ResponseKind.DECLINED:
        return Judged(history, Outcome.DECLINED, year)
    if current.kind is ResponseKind.PRELIMINARY:
        return Judged(history, Outcome.PRELIMINARY, year)
    final_at = history.final_submitted_at() or current.submitted_at
    days = working_days_between(calendar, final_at.astimezone(tz).date(), history.deadline)
    answered_on = final_at.astimezone(tz).date()
    return Judged(history, Outcome.ON_TIME if answered_on <= history.deadline else Outcome.LATE, year, days)


@dataclass(frozen=True)
class Tally:
    """What became of the remisses one organisation (or all) received in a period: counts per outcome, the median
    working days before the deadline of its final answers (None without any), and anstånd asked and granted."""

    received: int = 0
    on_time: int = 0
    late: int = 0
    preliminary: int = 0
    declined: int = 0
    no_answer: int = 0
    pending: int = 0
    median_days_before: float | None = None
    extensions_requested: int = 0
    extensions_granted: int = 0

    def count(self, outcome: Outcome) -> int:
        return int(getattr(self, outcome.value))

    def as_dict(self) -> dict[str, int | float | None]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def tally(judged: Sequence[Judged]) -> Tally:
    counts = dict.fromkeys(Outcome, 0)
    days: list[int] = []
    for one in judged:
        counts[one.outcome] += 1
        if one.days_before is not None:
            days.append(one.days_before)
    median = stats.median(days) if days else None
    return Tally(
        received=len(judged),
        **{outcome.value: n for outcome, n in counts.items()},
        median_days_before=float(median) if median is not None else None,
        extensions_requested=sum(one.history.extension_requests for one in judged),
        extensions_granted=sum(len(one.history.extended_to) for one in judged),
    )


@dataclass(frozen=True)
class OrganisationStatistics:
    organisation_key: str
    total: Tally
    by_year: dict[int, Tally] = field(default_factory=dict)


@dataclass(frozen=True)
class Period:
    """The remisses sent from `start` to `end` (local dates, both included; None: no bound)."""

    start: date | None = None
    end: date | None = None

    def __post_init__(self) -> None:
        if self.start is not None and self.end is not None and self.start > self.end:
            raise DomainError(ErrorCode.INVALID_PERIOD, field="from", start=self.start, end=self.end)

    def holds(self, day: date) -> bool:
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class AnswerStatistics:
    """Per organisation (in the order given), per year and in all; `total` over every organisation."""

    period: Period
    years: tuple[int, ...]
    organisations: tuple[OrganisationStatistics, ...]
    total: Tally
    by_year: dict[int, Tally] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.total.received == 0


def answer_statistics(
    histories: Iterable[RecipientHistory],
    *,
    calendar: WorkingCalendar,
    tz: tzinfo,
    today: date,
    period: Period | None = None,
    order: Sequence[str] = (),
) -> AnswerStatistics:
    """Judge every recipient of a counted remiss sent in `period` and tally them per organisation and year.
    Organisations come in `order` (a directory's), the ones it doesn't name after them by key."""
    period = period or Period()
    judged = [
        judge(h, calendar, tz, today)
        for h in histories
        if h.status in COUNTED_STATUSES and period.holds(h.sent_at.astimezone(tz).date())
    ]
    by_org: dict[str, list[Judged]] = defaultdict(list)
    for one in judged:
        by_org[one.history.organisation_key].append(one)
    rank = {key: i for i, key in enumerate(order)}
    keys = sorted(by_org, key=lambda k: (rank.get(k, len(rank)), k))
    years = tuple(sorted({one.year for one in judged}))
    return AnswerStatistics(
        period=period,
        years=years,
        organisations=tuple(OrganisationStatistics(k, tally(by_org[k]), _by_year(by_org[k])) for k in keys),
        total=tally(judged),
        by_year=_by_year(judged),
    )


def _by_year(judged: Sequence[Judged]) -> dict[int, Tally]:
    grouped: dict[int, list[Judged]] = defaultdict(list)
    for one in judged:
        grouped[one.year].append(one)
    return {year: tally(grouped[year]) for year in sorted(grouped)}
