"""Drafts from anywhere: a real coordinator owns each, the coordinators see them all, and sending has one set of
checks wherever it is asked for."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.core.domain.audit import AuditAction
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.remiss import RemissStatus
from bot.core.usecases import UseCases
from bot.core.usecases.results import Actor, RemissInput
from devtools.clocks import FakeClock
from tests.service.support import COORDINATOR, coordinator, outbox, stk_2023_137

OPERATOR = Actor("cli:root", is_coordinator=True)


def test_a_draft_saved_for_a_coordinator_is_theirs_and_the_trail_names_who_saved_it(service: UseCases) -> None:
    remiss = service.drafting.create_draft(OPERATOR, stk_2023_137(), owner="U0MIA")
    assert remiss.coordinators == ("U0MIA",)
    assert remiss.created_by == "U0MIA"
    [created] = service.queries.audit_trail("STK-2023-137")
    assert created.action is AuditAction.CREATED
    assert created.actor == "cli:root"
    assert dict(created.details) == {"owner": "U0MIA"}


def test_a_placeholder_never_owns_a_draft_and_nothing_is_saved(service: UseCases) -> None:
    with pytest.raises(DomainError) as refused:
        service.drafting.create_draft(OPERATOR, stk_2023_137())
    assert refused.value.code is ErrorCode.INVALID_DRAFT_OWNER
    assert refused.value.params["owner"] == "cli:root"
    with pytest.raises(DomainError) as bad:
        service.drafting.create_draft(OPERATOR, stk_2023_137(), owner="mia@malmo.se")
    assert bad.value.code is ErrorCode.INVALID_DRAFT_OWNER
    assert service.queries.drafts() == []


def test_the_drafts_list_shows_every_unsent_draft_with_what_it_lacks(service: UseCases) -> None:
    service.drafting.create_draft(OPERATOR, stk_2023_137(), owner="U0MIA")
    bare = RemissInput(**{**stk_2023_137().__dict__, "case_number": "STK-2023-200", "recipient_keys": []})
    service.drafting.create_draft(coordinator(service), bare)
    service.drafting.create_draft(
        coordinator(service), replace(stk_2023_137(["mkb"]), case_number="STK-2023-300", title="Skickas")
    )
    service.drafting.send(coordinator(service), "STK-2023-300")
    rows = {row.remiss.case_number: row for row in service.queries.drafts()}
    assert sorted(rows) == ["STK-2023-137", "STK-2023-200"]
    assert [o.key for o in rows["STK-2023-137"].recipients] == [
        "tekniska-namnden",
        "miljonamnden",
        "kulturnamnden",
        "mkb",
    ]
    assert rows["STK-2023-137"].missing == ()
    assert rows["STK-2023-137"].remiss.coordinators == ("U0MIA",)
    assert rows["STK-2023-200"].missing == ("recipients",)
    assert rows["STK-2023-200"].remiss.coordinators == (COORDINATOR,)


def test_an_imported_draft_is_sent_from_the_command_line_and_its_owner_gets_the_status(service: UseCases) -> None:
    service.drafting.create_draft(OPERATOR, stk_2023_137(), owner="U0MIA")
    report = service.drafting.send(OPERATOR, "STK-2023-137")
    assert report.remiss.status is RemissStatus.SENT
    assert {r.organisation_key for r in report.reachable} == {"tekniska-namnden", "miljonamnden", "mkb"}
    assert ("remiss", "tekniska-namnden", "UTN1") in outbox(service)
    with service.store.read() as repo:
        board = repo.outbox.get_status("STK-2023-137")
    assert board is not None and board.channel == "U0MIA"  # no status channel set: the owner's DM
    assert service.queries.drafts() == []


def test_sending_refuses_what_was_sent_unknown_incomplete_or_past_its_deadline(
    service: UseCases, clock: FakeClock
) -> None:
    with pytest.raises(DomainError) as unknown:
        service.drafting.send(OPERATOR, "STK-2023-999")
    assert unknown.value.code is ErrorCode.UNKNOWN_REMISS
    bare = RemissInput(**{**stk_2023_137().__dict__, "recipient_keys": []})
    service.drafting.create_draft(OPERATOR, bare, owner="U0MIA")
    with pytest.raises(DomainError) as incomplete:
        service.drafting.send(OPERATOR, "STK-2023-137")
    assert incomplete.value.code is ErrorCode.DRAFT_INCOMPLETE
    assert incomplete.value.params == {"case_number": "STK-2023-137", "missing": ("recipients",)}
    service.drafting.update_draft(coordinator(service), "STK-2023-137", stk_2023_137(["mkb"]))
    service.drafting.send(OPERATOR, "STK-2023-137")
    with pytest.raises(DomainError) as again:
        service.drafting.send(coordinator(service), "STK-2023-137")
    assert again.value.code is ErrorCode.REMISS_NOT_DRAFT
    service.drafting.create_draft(OPERATOR, replace(stk_2023_137(["mkb"]), case_number="STK-2023-400"), owner="U0MIA")
    clock.set(datetime(2023, 12, 1, 9, 0, tzinfo=UTC))
    with pytest.raises(DomainError) as late:
        service.drafting.send(OPERATOR, "STK-2023-400")
    assert late.value.code is ErrorCode.DEADLINE_IN_PAST
    assert [row.remiss.case_number for row in service.queries.drafts()] == ["STK-2023-400"]


def test_a_draft_stranded_with_a_placeholder_owner_belongs_to_whoever_sends_it_in_slack(service: UseCases) -> None:
    service.drafting.create_draft(coordinator(service), stk_2023_137())
    with service.store.transaction() as repo:  # as `import --save` stored drafts before owners were required
        stored = repo.remisses.get_remiss("STK-2023-137")
        assert stored is not None
        repo.remisses.save_remiss(replace(stored, coordinators=("cli:root",), created_by="cli:root"))
    [row] = service.queries.drafts()
    assert row.remiss.coordinators == ("cli:root",)
    report = service.drafting.send(coordinator(service), "STK-2023-137")
    assert report.remiss.coordinators == (COORDINATOR,)
    assert service.queries.overview("STK-2023-137").remiss.coordinators == (COORDINATOR,)
