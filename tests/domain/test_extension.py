"""Anstånd requests decided in the domain: asked once at a time, granted (the date asked or another) or refused,
decided once."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from bot.core.domain.audit import AuditAction
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.extension import ExtensionRequest, RequestState, ask_for_extension, new_request
from bot.core.domain.recipient import Recipient
from bot.core.domain.remiss import Remiss
from tests.domain.samples import DEADLINE, recipient, sent_remiss

ASKED_AT = datetime(2023, 11, 20, 9, 0, tzinfo=UTC)
DECIDED_AT = datetime(2023, 11, 21, 10, 0, tzinfo=UTC)
TODAY = date(2023, 11, 21)


def asked(remiss: Remiss, official: Recipient, wanted: date = date(2023, 12, 14)) -> ExtensionRequest:
    entry = ask_for_extension(
        remiss, official, wanted, by="UANNA", at=ASKED_AT, today=ASKED_AT.date(), reason="  Nämnden möts sent  "
    )
    return new_request(entry, wanted, [], "  Nämnden möts sent  ")


def test_a_request_is_recorded_with_its_audit_entry() -> None:
    remiss, official = sent_remiss(), recipient()
    entry = ask_for_extension(
        remiss, official, date(2023, 12, 14), by="UANNA", at=ASKED_AT, today=ASKED_AT.date(), reason=" sent "
    )
    assert (entry.action, entry.organisation_key, entry.actor) == (
        AuditAction.EXTENSION_REQUESTED,
        "tekniska-namnden",
        "UANNA",
    )
    assert entry.details_dict == {"new": "2023-12-14", "reason": "sent"}
    request = new_request(entry, date(2023, 12, 14), [], " sent ")
    assert (request.requested_by, request.requested_at, request.reason, request.state) == (
        "UANNA",
        ASKED_AT,
        "sent",
        RequestState.PENDING,
    )


def test_a_request_must_ask_for_a_later_date_on_an_open_remiss() -> None:
    with pytest.raises(DomainError) as earlier:
        ask_for_extension(sent_remiss(), recipient(), DEADLINE, by="UANNA", at=ASKED_AT, today=ASKED_AT.date())
    assert earlier.value.code is ErrorCode.EXTENSION_NOT_LATER
    draft = sent_remiss()
    draft.withdraw(ASKED_AT)
    with pytest.raises(DomainError) as closed:
        ask_for_extension(draft, recipient(), date(2023, 12, 14), by="UANNA", at=ASKED_AT, today=ASKED_AT.date())
    assert closed.value.code is ErrorCode.REMISS_NOT_OPEN


def test_one_open_request_at_a_time() -> None:
    remiss, official = sent_remiss(), recipient()
    first = asked(remiss, official)
    entry = ask_for_extension(remiss, official, date(2023, 12, 20), by="UANNA", at=ASKED_AT, today=ASKED_AT.date())
    with pytest.raises(DomainError) as pending:
        new_request(entry, date(2023, 12, 20), [first])
    assert pending.value.code is ErrorCode.EXTENSION_PENDING
    assert pending.value.params == {"deadline": date(2023, 12, 14)}


def test_granting_extends_the_recipient_and_names_the_request() -> None:
    remiss, official = sent_remiss(), recipient()
    request = replace(asked(remiss, official), id=7)
    decision = request.grant(remiss, official, by="UCOORD", at=DECIDED_AT, today=TODAY)
    assert decision.granted
    assert (decision.request.state, decision.request.decided_by, decision.request.granted_deadline) == (
        RequestState.GRANTED,
        "UCOORD",
        date(2023, 12, 14),
    )
    assert official.deadline == date(2023, 12, 14)
    assert decision.entry.action is AuditAction.EXTENDED
    assert decision.entry.details_dict["request"] == "7"
    assert decision.entry.details_dict["previous"] == "2023-11-30"


def test_the_coordinator_may_grant_another_date_than_the_one_asked() -> None:
    remiss, official = sent_remiss(), recipient()
    decision = asked(remiss, official).grant(
        remiss, official, by="UCOORD", at=DECIDED_AT, today=TODAY, deadline=date(2023, 12, 8)
    )
    assert decision.request.granted_deadline == official.deadline == date(2023, 12, 8)


@pytest.mark.parametrize(
    ("granted", "code"),
    [(date(2023, 11, 20), ErrorCode.DEADLINE_IN_PAST), (DEADLINE, ErrorCode.EXTENSION_NOT_LATER)],
)
def test_a_grant_in_the_past_or_not_later_is_refused_and_changes_nothing(granted: date, code: ErrorCode) -> None:
    remiss, official = sent_remiss(), recipient()
    request = asked(remiss, official)
    with pytest.raises(DomainError) as refused:
        request.grant(remiss, official, by="UCOORD", at=DECIDED_AT, today=TODAY, deadline=granted)
    assert refused.value.code is code
    assert (official.deadline, official.extensions, request.is_pending) == (DEADLINE, [], True)


def test_refusing_keeps_the_deadline_and_records_the_note() -> None:
    remiss, official = sent_remiss(), recipient()
    request = replace(asked(remiss, official), id=3)
    decision = request.refuse(by="UCOORD", at=DECIDED_AT, note="  Inte möjligt  ")
    assert not decision.granted
    assert (decision.request.state, decision.request.decided_at, decision.request.granted_deadline) == (
        RequestState.REFUSED,
        DECIDED_AT,
        None,
    )
    assert decision.entry.action is AuditAction.EXTENSION_REFUSED
    assert decision.entry.details_dict == {"note": "Inte möjligt", "request": "3"}
    assert official.deadline == DEADLINE


def test_a_request_is_decided_once() -> None:
    remiss, official = sent_remiss(), recipient()
    decided = asked(remiss, official).refuse(by="UCOORD", at=DECIDED_AT).request
    for decide in (
        lambda: decided.grant(remiss, official, by="UOTHER", at=DECIDED_AT, today=TODAY),
        lambda: decided.refuse(by="UOTHER", at=DECIDED_AT),
        decided.require_pending,
    ):
        with pytest.raises(DomainError) as again:
            decide()
        assert again.value.code is ErrorCode.REQUEST_ALREADY_DECIDED
        assert again.value.params == {"state": "refused", "decided_by": "UCOORD"}


def test_a_late_recipient_may_ask_for_a_date_after_its_deadline_but_not_one_already_past() -> None:
    # The deadline was Thursday 30 November; on 5 December the official asks.
    late = datetime(2023, 12, 5, 9, 0, tzinfo=UTC)
    with pytest.raises(DomainError) as past:
        ask_for_extension(sent_remiss(), recipient(), date(2023, 12, 4), by="UANNA", at=late, today=late.date())
    assert (past.value.code, past.value.field) == (ErrorCode.DEADLINE_IN_PAST, "new_deadline")
    entry = ask_for_extension(sent_remiss(), recipient(), late.date(), by="UANNA", at=late, today=late.date())
    assert entry.action is AuditAction.EXTENSION_REQUESTED
