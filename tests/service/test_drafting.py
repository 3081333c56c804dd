"""DraftingUseCases: a remiss drafted, changed, sent, and its summary offered."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.remiss import RemissStatus
from bot.core.usecases import UseCases
from bot.core.usecases.results import RemissInput
from devtools.clocks import FakeClock
from tests.service.support import (
    COORDINATOR,
    RecordingUsers,
    coordinator,
    outbox,
    sent,
    stk_2023_137,
)


def test_only_a_coordinator_creates_a_remiss(service: UseCases) -> None:
    with pytest.raises(DomainError) as refused:
        service.drafting.create_draft(service.actor("USOMEONE"), stk_2023_137())
    assert refused.value.code is ErrorCode.NOT_COORDINATOR


def test_a_draft_keeps_its_recipients_in_directory_order(service: UseCases) -> None:
    remiss = service.drafting.create_draft(coordinator(service), stk_2023_137())
    assert remiss.status is RemissStatus.DRAFT
    overview = service.queries.overview("STK-2023-137")
    assert [row.organisation.key for row in overview.rows] == [
        "tekniska-namnden",
        "miljonamnden",
        "kulturnamnden",
        "mkb",
    ]


def test_a_draft_with_an_unknown_recipient_is_refused_and_nothing_is_saved(service: UseCases) -> None:
    data = stk_2023_137(["tekniska-namnden", "finns-inte"])
    with pytest.raises(DomainError) as refused:
        service.drafting.create_draft(coordinator(service), data)
    assert refused.value.code is ErrorCode.UNKNOWN_ORGANISATION
    with pytest.raises(DomainError) as unknown:
        service.queries.overview("STK-2023-137")
    assert unknown.value.code is ErrorCode.UNKNOWN_REMISS


def test_a_draft_may_wait_for_its_recipients_but_cannot_be_sent_without_them(service: UseCases) -> None:
    data = RemissInput(**{**stk_2023_137().__dict__, "recipient_keys": []})
    service.drafting.create_draft(coordinator(service), data)
    with pytest.raises(DomainError) as refused:
        service.drafting.send(coordinator(service), "STK-2023-137")
    assert refused.value.code is ErrorCode.DRAFT_INCOMPLETE
    assert refused.value.params["missing"] == ("recipients",)
    assert service.queries.overview("STK-2023-137").remiss.status is RemissStatus.DRAFT


def test_a_draft_whose_deadline_passed_before_sending_is_not_sent(service: UseCases, clock: FakeClock) -> None:
    service.drafting.create_draft(coordinator(service), stk_2023_137())
    clock.set(datetime(2023, 12, 1, 9, 0, tzinfo=UTC))
    with pytest.raises(DomainError) as refused:
        service.drafting.send(coordinator(service), "STK-2023-137")
    assert refused.value.code is ErrorCode.DEADLINE_IN_PAST


def test_a_case_number_can_be_used_once(service: UseCases) -> None:
    service.drafting.create_draft(coordinator(service), stk_2023_137())
    with pytest.raises(DomainError) as refused:
        service.drafting.create_draft(coordinator(service), stk_2023_137())
    assert refused.value.code is ErrorCode.DUPLICATE_CASE_NUMBER


def test_sending_resolves_contacts_and_reports_who_cannot_be_reached(service: UseCases, users: RecordingUsers) -> None:
    service.drafting.create_draft(coordinator(service), stk_2023_137())
    report = service.drafting.send(coordinator(service), "STK-2023-137")
    officials = {r.organisation_key: r.officials for r in report.reachable}
    assert officials == {"tekniska-namnden": ("UTN1",), "miljonamnden": ("UANNA",), "mkb": ("UMKB1", "UMKB2")}
    assert [o.name for o in report.unreachable] == ["Kulturnämnden"]
    assert report.remiss.status is RemissStatus.SENT
    with pytest.raises(DomainError) as again:
        service.drafting.send(coordinator(service), "STK-2023-137")
    assert again.value.code is ErrorCode.REMISS_NOT_DRAFT
    # The e-mail look-up was cached the first time.
    assert users.lookups == ["anna.miljo@malmo.se"]


def test_a_draft_records_nothing_to_send(service: UseCases) -> None:
    service.drafting.create_draft(coordinator(service), stk_2023_137())
    assert outbox(service) == []
    with service.store.read() as repo:
        assert repo.outbox.get_status("STK-2023-137") is None


def test_sending_records_one_dm_per_official_and_stand_in_and_the_coordinators_thread_lines(service: UseCases) -> None:
    sent(service)
    recorded = outbox(service)
    dms = sorted((org, user) for kind, org, user in recorded if kind == "remiss")
    expected = [("miljonamnden", "UANNA"), ("mkb", "UMKB1"), ("mkb", "UMKB2"), ("tekniska-namnden", "UTN1")]
    assert dms == sorted([*expected, ("tekniska-namnden", "UTNVICE")])  # the stand-in gets it too
    assert [org for kind, org, _ in recorded if kind == "status_event"] == [None, "kulturnamnden"]
    with service.store.read() as repo:
        board = repo.outbox.get_status("STK-2023-137")
    assert board is not None
    assert (board.channel, board.stale) == (COORDINATOR, True)


def test_a_draft_is_changed_before_sending_with_the_same_checks_and_its_case_number_kept(service: UseCases) -> None:
    service.drafting.create_draft(coordinator(service), stk_2023_137())
    changed = replace(stk_2023_137(["mkb", "fritidsnamnden"]), title="Nytt namn")
    updated = service.drafting.update_draft(coordinator(service), "STK-2023-137", changed)
    assert (updated.case_number, updated.title, updated.status) == ("STK-2023-137", "Nytt namn", RemissStatus.DRAFT)
    overview = service.queries.overview("STK-2023-137")
    assert [row.organisation.key for row in overview.rows] == ["fritidsnamnden", "mkb"]
    with pytest.raises(DomainError) as outsider:
        service.drafting.update_draft(service.actor("UTN1"), "STK-2023-137", changed)
    assert outsider.value.code is ErrorCode.NOT_COORDINATOR
    service.drafting.send(coordinator(service), "STK-2023-137")
    with pytest.raises(DomainError) as after_sending:
        service.drafting.update_draft(coordinator(service), "STK-2023-137", stk_2023_137())
    assert after_sending.value.code is ErrorCode.REMISS_NOT_DRAFT


def test_the_window_report_counts_working_days_from_today_and_warns_of_a_short_one(service: UseCases) -> None:
    report = service.drafting.window_report(date(2023, 10, 13))
    assert (report.sent_on, report.deadline, report.working_days, report.short) == (
        date(2023, 10, 2),
        date(2023, 10, 13),
        9,
        True,
    )
    assert not service.drafting.window_report(date(2023, 11, 30)).short


def test_the_summary_is_offered_once_the_morning_after_the_last_deadline(service: UseCases, clock: FakeClock) -> None:
    sent(service)
    assert service.drafting.offer_due_summaries() == 0
    service.deadlines.grant_extension(coordinator(service), "STK-2023-137", "mkb", date(2023, 12, 4))
    clock.set(datetime(2023, 12, 1, 6, 45, tzinfo=UTC))  # the remiss's deadline has passed, MKB's anstånd not
    assert service.drafting.offer_due_summaries() == 0
    clock.set(datetime(2023, 12, 5, 6, 45, tzinfo=UTC))
    assert service.drafting.offer_due_summaries() == 1
    service.drafting.offer_due_summaries()  # every replica offers it: recorded once
    assert [kind for kind, _, _ in outbox(service)].count("summary_ready") == 1


def test_checking_a_draft_gives_the_remiss_creating_it_would_store_and_stores_nothing(service: UseCases) -> None:
    checked = service.drafting.check_draft(coordinator(service), stk_2023_137())
    assert (checked.case_number, checked.status, checked.coordinators) == (
        "STK-2023-137",
        RemissStatus.DRAFT,
        (COORDINATOR,),
    )
    with pytest.raises(DomainError) as unknown:
        service.queries.overview("STK-2023-137")
    assert unknown.value.code is ErrorCode.UNKNOWN_REMISS
    created = service.drafting.create_draft(coordinator(service), stk_2023_137())
    assert replace(created, id=None) == replace(checked, id=None)


def test_checking_a_draft_refuses_as_creating_it_would(service: UseCases) -> None:
    past = replace(stk_2023_137(), deadline=date(2020, 1, 1))
    with pytest.raises(DomainError) as refused:
        service.drafting.check_draft(coordinator(service), past)
    assert refused.value.code is ErrorCode.DEADLINE_IN_PAST
    with pytest.raises(DomainError) as outsider:
        service.drafting.check_draft(service.actor("USOMEONE"), stk_2023_137())
    assert outsider.value.code is ErrorCode.NOT_COORDINATOR
