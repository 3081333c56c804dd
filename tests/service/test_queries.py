"""QueryUseCases: the status table, the open remisses, what a user has to answer, the audit trail."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.remiss import (
    RecipientStatus,
)
from bot.core.usecases import UseCases
from bot.core.usecases.results import RemissInput
from devtools.clocks import FakeClock
from tests.service.support import (
    coordinator,
    sent,
    stk_2023_137,
)
from tests.summary import round as summary_round


def test_the_to_answer_list_shows_my_open_remisses_with_days_left(service: UseCases) -> None:
    sent(service)
    rows = service.queries.assignments(service.actor("UMKB2"))
    assert [(r.remiss.case_number, r.organisation.key, r.days_left) for r in rows] == [("STK-2023-137", "mkb", 59)]
    assert service.queries.assignments(service.actor("UNOBODY")) == []


def test_the_deadline_day_ends_at_midnight_in_stockholm(service: UseCases, clock: FakeClock) -> None:
    sent(service)
    clock.set(datetime(2023, 11, 30, 22, 59, tzinfo=UTC))  # 23:59 in Stockholm
    assert service.queries.overview("STK-2023-137").counts[RecipientStatus.OVERDUE] == 0
    clock.set(datetime(2023, 11, 30, 23, 0, tzinfo=UTC))  # midnight in Stockholm
    assert service.queries.overview("STK-2023-137").counts[RecipientStatus.OVERDUE] == 4


def test_the_open_remisses_are_the_sent_ones_soonest_deadline_first(service: UseCases) -> None:
    service.drafting.create_draft(coordinator(service), stk_2023_137())
    assert service.queries.open_remisses() == []
    service.drafting.send(coordinator(service), "STK-2023-137")
    later = RemissInput(
        **{**stk_2023_137(["mkb"]).__dict__, "case_number": "STK-2023-140", "deadline": date(2023, 12, 20)}
    )
    earlier = RemissInput(**{**later.__dict__, "case_number": "STK-2023-141", "deadline": date(2023, 10, 20)})
    for data in (later, earlier):
        service.drafting.create_draft(coordinator(service), data)
        service.drafting.send(coordinator(service), data.case_number)
    found = service.queries.open_remisses()
    assert [o.remiss.case_number for o in found] == ["STK-2023-141", "STK-2023-137", "STK-2023-140"]
    assert [len(o.rows) for o in found] == [1, 4, 1]


def test_the_audit_trail_of_an_unknown_remiss_is_refused(service: UseCases) -> None:
    with pytest.raises(DomainError) as unknown:
        service.queries.audit_trail("STK-2023-999")
    assert unknown.value.code is ErrorCode.UNKNOWN_REMISS


def test_the_case_record_holds_the_remiss_every_recipient_with_its_versions_and_the_directory() -> None:
    found = summary_round.stk_2023_137()  # the summary tests' round: every kind of answer, with versions
    case = summary_round.round_service(found).queries.case_record(summary_round.CASE_NUMBER)

    assert case.remiss.case_number == summary_round.CASE_NUMBER
    assert sorted(r.organisation_key for r in case.recipients) == sorted(r.organisation_key for r in found.recipients)
    assert sum(len(r.responses) for r in case.recipients) == sum(len(r.responses) for r in found.recipients)
    assert case.directory.get("stadskontoret") is not None


def test_the_case_record_of_an_unknown_remiss_is_refused(service: UseCases) -> None:
    with pytest.raises(DomainError) as refused:
        service.queries.case_record("STK-1999-1")
    assert refused.value.code is ErrorCode.UNKNOWN_REMISS
