"""Each organisation's answer history over a generated history of 40 remisses in 2023–2025 (devtools/answer_history.py),
played through the use cases: every figure is checked against what each organisation was planned to do."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import date

import pytest

from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.statistics import Outcome, Period
from bot.core.usecases.results import Actor
from devtools import answer_history
from devtools.answer_history import History, PlannedRemiss

# The history is played once per worker, for every module of the group.
pytestmark = pytest.mark.xdist_group("answer_history")


@pytest.fixture
def played(answer_history_played: History) -> History:
    return answer_history_played


def expected(plan: list[PlannedRemiss], year: int | None = None) -> dict[str, dict[str, object]]:
    """Per organisation, what the plan says every figure must be."""
    fates: dict[str, list[answer_history.Fate]] = defaultdict(list)
    for remiss in plan:
        if year is None or remiss.year == year:
            for fate in remiss.fates:
                fates[fate.organisation_key].append(fate)
    figures: dict[str, dict[str, object]] = {}
    for key, planned in fates.items():
        counts = Counter(f.outcome for f in planned)
        days = [f.days_before for f in planned if f.outcome in (Outcome.ON_TIME, Outcome.LATE)]
        figures[key] = {
            "received": len(planned),
            **{outcome.value: counts[outcome] for outcome in Outcome},
            "median_days_before": float(statistics.median(days)) if days else None,
            "extensions_requested": sum(f.asks for f in planned),
            "extensions_granted": sum(f.granted for f in planned),
        }
    return figures


def test_every_figure_per_organisation_is_what_the_organisation_did(played: History) -> None:
    report = played.service.queries.answer_statistics(None)
    result = report.statistics
    assert result.years == (2023, 2024, 2025)
    assert {o.organisation_key: o.total.as_dict() for o in result.organisations} == expected(played.plan)
    assert result.total.received == answer_history.REMISSES * answer_history.PER_REMISS
    # In the directory's order, named from it.
    assert [o.organisation_key for o in result.organisations][:2] == ["tekniska-namnden", "miljonamnden"]
    assert report.name("mkb") == "MKB"
    assert report.name("nedlagd-namnd") == "nedlagd-namnd"


def test_every_figure_per_year_is_what_the_organisation_did_that_year(played: History) -> None:
    result = played.service.queries.answer_statistics(None).statistics
    for year in (2023, 2024, 2025):
        per_year = {o.organisation_key: o.by_year[year].as_dict() for o in result.organisations if year in o.by_year}
        assert per_year == expected(played.plan, year), year


def test_a_few_figures_worked_out_by_hand(played: History) -> None:
    result = played.service.queries.answer_statistics(None).statistics
    by_key = {o.organisation_key: o.total for o in result.organisations}
    # Kulturnamnden answers 10 and 8 working days early in turn: the median is 9; its last remiss is still open.
    assert by_key["kulturnamnden"].median_days_before == 9.0
    assert by_key["kulturnamnden"].pending == 1
    # Fritidsnamnden always declines: no final answer, no median.
    assert by_key["fritidsnamnden"].median_days_before is None
    assert by_key["fritidsnamnden"].declined == by_key["fritidsnamnden"].received - 2
    # Funktionsstödsnämnden asks for anstånd on every fourth remiss and is refused each time.
    assert by_key["funktionsstodsnamnden"].extensions_granted == 0
    assert by_key["funktionsstodsnamnden"].extensions_requested == 6


def test_a_period_counts_the_remisses_sent_in_it(played: History) -> None:
    period = Period(date(2024, 1, 1), date(2024, 12, 31))
    result = played.service.queries.answer_statistics(None, period).statistics
    assert result.years == (2024,)
    sent_2024 = [r for r in played.plan if r.year == 2024]
    assert result.total.received == len(sent_2024) * answer_history.PER_REMISS
    empty = played.service.queries.answer_statistics(None, Period(date(2030, 1, 1), None)).statistics
    assert empty.empty


def test_only_coordinators_see_the_statistics(played: History) -> None:
    with pytest.raises(DomainError) as refused:
        played.service.queries.answer_statistics(played.service.actor("UMKB"))
    assert refused.value.code is ErrorCode.NOT_COORDINATOR
    # A coordinator scoped to another office sees none of stadskontoret's remisses.
    scoped = Actor("UOTHER", is_coordinator=True, offices=frozenset({"servicenamnden"}))
    assert played.service.queries.answer_statistics(scoped).statistics.empty
    assert not played.service.queries.answer_statistics(played.service.actor("UMIA")).statistics.empty
