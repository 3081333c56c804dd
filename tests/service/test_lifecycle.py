"""LifecycleUseCases on the memory store with a fake clock: closing by hand and by itself, the on_closed hook,
reopening (reminders planned again), withdrawing (DMs refreshed, registries told), and who may."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from bot.core.domain.audit import AuditAction
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.organisation import Directory
from bot.core.domain.reminders import ReminderState
from bot.core.domain.remiss import RemissStatus
from bot.core.usecases import UseCases, build_use_cases
from devtools.clocks import FakeClock
from devtools.memory import MemoryStore
from tests.service.support import coordinator, delegation, directory, outbox, sent, stk_2023_137

CASE = "STK-2023-137"


def planned(service: UseCases, org: str | None = None) -> int:
    with service.store.read() as repo:
        return sum(1 for r in repo.reminders.reminders_for(CASE, org) if r.state is ReminderState.PLANNED)


def actions(service: UseCases) -> list[AuditAction]:
    return [e.action for e in service.queries.audit_trail(CASE)]


def test_closing_cancels_the_reminders_tells_the_subscribers_and_refuses_others(service: UseCases) -> None:
    sent(service)
    heard: list[str] = []
    service.lifecycle.on_closed.append(heard.append)

    def failing(case_number: str) -> None:
        raise ZeroDivisionError(case_number)

    service.lifecycle.on_closed.insert(0, failing)  # a failing subscriber undoes nothing
    assert planned(service) > 0
    with pytest.raises(DomainError) as refused:
        service.lifecycle.close(service.actor("UANNA"), CASE)
    assert refused.value.code is ErrorCode.NOT_COORDINATOR
    remiss = service.lifecycle.close(coordinator(service), CASE)
    assert remiss.status is RemissStatus.CLOSED and heard == [CASE]
    assert planned(service) == 0
    assert ("status_event", None, None) in outbox(service)
    assert service.queries.open_remisses() == []
    assert [r.case_number for r in service.queries.closed_remisses()] == [CASE]


def test_reopening_plans_reminders_again_only_for_those_who_have_not_answered(service: UseCases) -> None:
    sent(service)
    service.answering.submit(service.actor("UANNA"), CASE, "miljonamnden", delegation("Ja."))
    service.lifecycle.close(coordinator(service), CASE)
    service.lifecycle.reopen(coordinator(service), CASE)
    assert planned(service, "tekniska-namnden") > 0
    assert planned(service, "miljonamnden") == 0
    assert actions(service)[-2:] == [AuditAction.CLOSED, AuditAction.REOPENED]


def test_a_remiss_closes_by_itself_n_working_days_after_the_last_deadline(service: UseCases, clock: FakeClock) -> None:
    sent(service)
    service.deadlines.grant_extension(coordinator(service), CASE, "tekniska-namnden", date(2023, 12, 8))
    heard: list[str] = []
    service.lifecycle.on_closed.append(heard.append)
    clock.set(datetime(2023, 12, 21, 12, 0, tzinfo=UTC))  # 9 working days after 8 December
    assert service.lifecycle.auto_close() == []
    clock.set(datetime(2023, 12, 22, 6, 0, tzinfo=UTC))  # the 10th: Friday 22 December
    assert service.lifecycle.auto_close() == [CASE]
    assert service.lifecycle.auto_close() == []  # once
    assert heard == [CASE]
    [entry] = [e for e in service.queries.audit_trail(CASE) if e.action is AuditAction.CLOSED]
    assert entry.actor == "system"
    assert entry.details_dict == {"automatic": "True", "working_days": "10"}


def test_auto_close_off_never_closes(clock: FakeClock) -> None:
    service = build_use_cases(MemoryStore(), clock, coordinators=["UMIA"], auto_close_working_days=0)
    service.directory.seed_directory(directory())
    sent(service)
    clock.set(datetime(2024, 6, 1, 12, 0, tzinfo=UTC))
    assert service.lifecycle.auto_close() == []


def test_withdrawing_refreshes_every_remiss_dm_and_tells_each_registry(service: UseCases) -> None:
    with service.store.transaction() as repo:
        current = repo.directory.load_directory()
    service.directory.replace_directory(
        Directory(tuple(replace(o, registry=("C0REGTN",)) if o.key == "tekniska-namnden" else o for o in current))
    )
    sent(service)
    service.lifecycle.withdraw(coordinator(service), CASE, "Förslaget drogs tillbaka.")
    sent_messages = outbox(service)
    refreshed = {org for kind, org, _ in sent_messages if kind == "remiss_refresh"}
    assert refreshed == {"mkb", "tekniska-namnden", "miljonamnden", "kulturnamnden"}
    assert ("registry_withdrawn", "tekniska-namnden", "C0REGTN") in sent_messages
    assert planned(service) == 0
    with pytest.raises(DomainError) as refused:
        service.answering.submit(service.actor("UANNA"), CASE, "miljonamnden", delegation("Ja."))
    assert refused.value.code is ErrorCode.REMISS_NOT_OPEN


def test_a_draft_is_withdrawn_and_leaves_no_messages(service: UseCases) -> None:
    service.drafting.create_draft(coordinator(service), stk_2023_137())
    service.lifecycle.withdraw(coordinator(service), CASE, "Fel underlag.")
    assert service.queries.overview(CASE).remiss.status is RemissStatus.WITHDRAWN
    assert outbox(service) == []
