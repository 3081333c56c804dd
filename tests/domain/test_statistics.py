"""Each organisation's answer history, judged one recipient at a time (bot/core/domain/statistics.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.adapters.calendar_se import SwedishCalendar
from bot.core.clock import STOCKHOLM
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.remiss import RemissStatus, ResponseKind
from bot.core.domain.statistics import (
    Outcome,
    Period,
    RecipientHistory,
    VersionFact,
    answer_statistics,
    judge,
)

CAL = SwedishCalendar()
SENT = datetime(2023, 10, 2, 8, 0, tzinfo=UTC)
DEADLINE = date(2023, 11, 30)  # a Thursday
TODAY = date(2024, 2, 1)


def local(day: date, hour: int = 14) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=STOCKHOLM)


def history(*versions: tuple[ResponseKind, datetime], **fields: object) -> RecipientHistory:
    facts = tuple(VersionFact(i, kind, at) for i, (kind, at) in enumerate(versions, start=1))
    base: dict[str, object] = {
        "case_number": "STK-2023-137",
        "organisation_key": "mkb",
        "sender_key": "stadskontoret",
        "status": RemissStatus.CLOSED,
        "sent_at": SENT,
        "remiss_deadline": DEADLINE,
        "versions": facts,
    }
    return RecipientHistory(**{**base, **fields})  # type: ignore[arg-type]


def outcome(h: RecipientHistory, today: date = TODAY) -> tuple[Outcome, int | None]:
    judged = judge(h, CAL, STOCKHOLM, today)
    return judged.outcome, judged.days_before


def test_a_final_answer_on_the_deadline_day_is_on_time_with_zero_days_left() -> None:
    # 23:30 on the deadline, Stockholm time, is 22:30 UTC: still the deadline's local date.
    late_evening = datetime(2023, 11, 30, 22, 30, tzinfo=UTC)
    assert outcome(history((ResponseKind.YTTRANDE, late_evening))) == (Outcome.ON_TIME, 0)


def test_the_next_local_day_is_late_by_one_working_day() -> None:
    just_after_midnight = datetime(2023, 11, 30, 23, 30, tzinfo=UTC)  # 00:30 on 1 December in Stockholm
    assert outcome(history((ResponseKind.DELEGATION, just_after_midnight))) == (Outcome.LATE, -1)


def test_days_before_the_deadline_count_swedish_working_days_only() -> None:
    # From Friday 3 November to Thursday 30 November: four weeks less a Friday (Alla helgons dag is a Saturday).
    assert outcome(history((ResponseKind.YTTRANDE, local(date(2023, 11, 3)))))[1] == 19
    # After Christmas: 2 January 2024 is late by the working days 1, 4, 5, 8… counted after 30 November.
    late = outcome(history((ResponseKind.YTTRANDE, local(date(2023, 12, 27)))))
    # December 1–22 has 16 working days; 23–26 (julafton, juldagen, annandag) none; 27 one more.
    assert late == (Outcome.LATE, -17)


def test_anstand_moves_the_deadline_that_counts() -> None:
    answered = local(date(2023, 12, 6))
    extended = history((ResponseKind.YTTRANDE, answered), extended_to=(date(2023, 12, 8),))
    assert outcome(extended) == (Outcome.ON_TIME, 2)
    # An anstånd earlier than the remiss's (moved) deadline does not shorten it.
    moved = history((ResponseKind.YTTRANDE, answered), remiss_deadline=date(2023, 12, 14), extended_to=(DEADLINE,))
    assert outcome(moved) == (Outcome.ON_TIME, 6)


def test_a_final_answer_after_a_preliminary_one_is_judged_by_its_own_date() -> None:
    h = history(
        (ResponseKind.PRELIMINARY, local(date(2023, 11, 28))), (ResponseKind.YTTRANDE, local(date(2023, 12, 5)))
    )
    assert outcome(h) == (Outcome.LATE, -3)
    assert outcome(history((ResponseKind.PRELIMINARY, local(date(2023, 11, 28))))) == (Outcome.PRELIMINARY, None)


def test_editing_an_answer_given_in_time_does_not_make_it_late() -> None:
    h = history((ResponseKind.YTTRANDE, local(date(2023, 11, 29))), (ResponseKind.DELEGATION, local(date(2023, 12, 4))))
    assert outcome(h) == (Outcome.ON_TIME, 1)


def test_a_decline_is_declined_and_a_withdrawn_answer_is_no_answer() -> None:
    assert outcome(history((ResponseKind.DECLINED, local(date(2023, 12, 20))))) == (Outcome.DECLINED, None)
    withdrawn = history((ResponseKind.YTTRANDE, local(date(2023, 11, 20))), withdrawn_version=1)
    assert outcome(withdrawn) == (Outcome.NO_ANSWER, None)
    # A decline withdrawn, then an yttrande: the yttrande's date counts.
    after_decline = history(
        (ResponseKind.DECLINED, local(date(2023, 11, 1))), (ResponseKind.YTTRANDE, local(date(2023, 11, 29)))
    )
    assert outcome(after_decline) == (Outcome.ON_TIME, 1)


def test_no_answer_is_pending_while_the_remiss_is_open_and_the_deadline_not_passed() -> None:
    open_ = history(status=RemissStatus.SENT)
    assert outcome(open_, today=DEADLINE) == (Outcome.PENDING, None)
    assert outcome(open_, today=DEADLINE + timedelta(days=1)) == (Outcome.NO_ANSWER, None)
    # A closed remiss waits for nobody.
    assert outcome(history(status=RemissStatus.CLOSED), today=DEADLINE - timedelta(days=5))[0] is Outcome.NO_ANSWER
    # Anstånd keeps it pending.
    extended = history(status=RemissStatus.SENT, extended_to=(date(2023, 12, 8),))
    assert outcome(extended, today=date(2023, 12, 8)) == (Outcome.PENDING, None)


def test_statistics_tally_per_organisation_and_year_in_the_order_given() -> None:
    def one(key: str, sent: datetime, *versions: tuple[ResponseKind, datetime], **kw: object) -> RecipientHistory:
        return history(*versions, organisation_key=key, sent_at=sent, **kw)

    next_year = datetime(2024, 1, 1, 0, 30, tzinfo=STOCKHOLM)  # 31 December 2023 23:30 UTC: sent in 2024 locally
    histories = [
        one("mkb", SENT, (ResponseKind.YTTRANDE, local(date(2023, 11, 27))), extension_requests=2),
        one("mkb", SENT, (ResponseKind.YTTRANDE, local(date(2023, 12, 1))), extended_to=(date(2023, 12, 8),)),
        one("mkb", next_year, (ResponseKind.DECLINED, local(date(2024, 1, 20))), remiss_deadline=date(2024, 2, 1)),
        one("kulturnamnden", SENT),
        one("tekniska-namnden", next_year, status=RemissStatus.WITHDRAWN),
        one("tekniska-namnden", next_year, status=RemissStatus.DRAFT),
    ]
    result = answer_statistics(
        histories, calendar=CAL, tz=STOCKHOLM, today=TODAY, order=["stadskontoret", "kulturnamnden"]
    )
    assert [o.organisation_key for o in result.organisations] == ["kulturnamnden", "mkb"]
    assert result.years == (2023, 2024)
    mkb = result.organisations[1]
    assert (mkb.total.received, mkb.total.on_time, mkb.total.late, mkb.total.declined) == (3, 2, 0, 1)
    # 3 working days before (27 → 30 November), 5 before the anstånd (1 → 8 December): the median is 4.
    assert mkb.total.median_days_before == 4.0
    assert (mkb.total.extensions_requested, mkb.total.extensions_granted) == (2, 1)
    assert set(mkb.by_year) == {2023, 2024}
    assert mkb.by_year[2024].declined == 1 and mkb.by_year[2024].median_days_before is None
    assert result.organisations[0].total.no_answer == 1
    assert result.total.received == 4 and not result.empty

    only_2024 = answer_statistics(
        histories, calendar=CAL, tz=STOCKHOLM, today=TODAY, period=Period(date(2024, 1, 1), date(2024, 12, 31))
    )
    assert only_2024.total.received == 1 and only_2024.years == (2024,)
    nothing = answer_statistics(histories, calendar=CAL, tz=STOCKHOLM, today=TODAY, period=Period(end=date(2023, 1, 1)))
    assert nothing.empty and nothing.organisations == () and nothing.total.median_days_before is None


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(DomainError) as refused:
        Period(date(2024, 2, 1), date(2024, 1, 1))
    assert refused.value.code is ErrorCode.INVALID_PERIOD
    assert Period(date(2024, 1, 1), date(2024, 1, 1)).holds(date(2024, 1, 1))
