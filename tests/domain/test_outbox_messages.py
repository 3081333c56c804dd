"""The outbox messages the use cases record, each built by one factory: keys, kinds and addressees."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.core.domain.audit import AuditAction, AuditEntry
from bot.core.domain.outbox import (
    DeliveryState,
    MessageKind,
    digest,
    escalation,
    extension_decided,
    extension_requested,
    handed_over,
    remiss_delivery_key,
    remiss_dm,
    remiss_refresh,
    status_event,
    summary_ready,
    to_officials,
)

AT = datetime(2023, 10, 2, 9, 0, tzinfo=UTC)
LATER = datetime(2023, 10, 3, 6, 0, tzinfo=UTC)
ENTRY = AuditEntry("STK-2023-137", AuditAction.HANDED_OVER, "UTN1", AT, "tekniska-namnden", id=41)


def test_the_remiss_dm_is_keyed_per_official_and_round() -> None:
    message = remiss_dm("STK-2023-137", "mkb", "UMKB1", AT, 2)
    assert message.key == remiss_delivery_key("STK-2023-137", "mkb", "UMKB1", 2) == "remiss:STK-2023-137:mkb:UMKB1:2"
    assert (message.kind, message.to_user, message.organisation_key, message.state) == (
        MessageKind.REMISS,
        "UMKB1",
        "mkb",
        DeliveryState.PENDING,
    )


def test_messages_about_a_stored_entry_carry_its_id_case_and_time() -> None:
    line = status_event(ENTRY)
    assert (line.key, line.kind, line.case_number, line.created_at, line.audit_id, line.to_user) == (
        "event:41",
        MessageKind.STATUS_EVENT,
        "STK-2023-137",
        AT,
        41,
        None,
    )
    notice = handed_over(ENTRY, "tekniska-namnden", "UTN1")
    assert (notice.key, notice.kind, notice.to_user, notice.audit_id) == (
        "handed-over:41:UTN1",
        MessageKind.HANDED_OVER,
        "UTN1",
        41,
    )
    refresh = remiss_refresh(ENTRY, "tekniska-namnden")
    assert (refresh.key, refresh.kind, refresh.organisation_key, refresh.to_user) == (
        "remiss-refresh:41:tekniska-namnden",
        MessageKind.REMISS_REFRESH,
        "tekniska-namnden",
        None,
    )


def test_the_summary_offer_and_the_digest_are_keyed_to_happen_once() -> None:
    offer = summary_ready("STK-2023-137", AT)
    assert (offer.key, offer.kind, offer.to_user) == ("summary-ready:STK-2023-137", MessageKind.SUMMARY_READY, None)
    daily = digest(date(2023, 10, 2), "CCOORD", AT)
    assert (daily.key, daily.kind, daily.case_number, daily.to_user) == (
        "digest:2023-10-02:CCOORD",
        MessageKind.DIGEST,
        "",
        "CCOORD",
    )


def test_an_escalation_goes_to_the_coordinators_under_its_days_key() -> None:
    message = escalation("escalation:STK-2023-137:2023-12-01", "STK-2023-137", "CCOORD", AT)
    assert (message.key, message.kind, message.to_user) == (
        "escalation:STK-2023-137:2023-12-01",
        MessageKind.ESCALATION,
        "CCOORD",
    )


def test_one_dm_per_official_waits_for_office_hours_when_asked() -> None:
    messages = to_officials(
        MessageKind.DEADLINE_CHANGED, "deadline-changed:9:mkb", "STK-2023-137", "mkb", ("UMKB1", "UMKB2"), AT,
        audit_id=9, not_before=LATER,
    )  # fmt: skip
    assert [(m.key, m.to_user, m.audit_id, m.next_attempt_at) for m in messages] == [
        ("deadline-changed:9:mkb:UMKB1", "UMKB1", 9, LATER),
        ("deadline-changed:9:mkb:UMKB2", "UMKB2", 9, LATER),
    ]
    assert {m.kind for m in messages} == {MessageKind.DEADLINE_CHANGED}


def test_the_extension_messages_go_to_the_thread_and_to_the_official_who_asked() -> None:
    asked = AuditEntry("STK-2023-137", AuditAction.EXTENSION_REQUESTED, "UMKB1", AT, "mkb", id=12)
    request = extension_requested(5, asked, "UMKB1")
    assert (request.key, request.kind, request.audit_id, request.organisation_key, request.to_user) == (
        "extension-request:5",
        MessageKind.EXTENSION_REQUEST,
        12,
        "mkb",
        "UMKB1",
    )
    decided = extension_decided(5, "STK-2023-137", "mkb", "UMKB1", AT, audit_id=13, not_before=None)
    assert (decided.key, decided.kind, decided.to_user, decided.audit_id, decided.next_attempt_at) == (
        "extension-decided:5",
        MessageKind.EXTENSION_DECIDED,
        "UMKB1",
        13,
        None,
    )
