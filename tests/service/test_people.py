"""Stand-ins, reassignment and being away, on the STK round (in memory, fake clock)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.core.clock import STOCKHOLM
from bot.core.domain.audit import AuditAction
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.outbox import MessageKind
from bot.core.domain.remiss import ResponseKind
from bot.core.usecases import UseCases
from devtools.clocks import FakeClock
from tests.service import support
from tests.service.support import CASE, COORDINATOR, coordinator, delegation

clock = support.clock  # the STK round's fixtures
service = support.service

TN = "tekniska-namnden"


def messages(service: UseCases, kind: MessageKind) -> list[tuple[str | None, str | None]]:
    with service.store.read() as repo:
        return [(m.organisation_key, m.to_user) for m in repo.outbox.messages_for(CASE) if m.kind is kind]


def test_a_stand_in_answers_and_the_officials_dms_are_edited_to_show_it(service: UseCases) -> None:
    row = service.answering.answer_context(service.actor("UTNVICE"), CASE, TN)
    assert row.stands_in_for == ("UTN1",) and row.shared_work
    service.answering.submit(service.actor("UTNVICE"), CASE, TN, delegation("Bra."))
    assert (TN, None) in messages(service, MessageKind.REMISS_REFRESH)
    assert service.answering.answer_context(service.actor("UTN1"), CASE, TN).recipient.current_response is not None
    # Two officials see each other's work too; one official alone has nobody to tell: no edit recorded.
    service.answering.decline(service.actor("UMKB1"), CASE, "mkb", "Berörs inte")
    assert ("mkb", None) in messages(service, MessageKind.REMISS_REFRESH)
    service.answering.decline(service.actor("UANNA"), CASE, "miljonamnden", "Berörs inte")
    assert ("miljonamnden", None) not in messages(service, MessageKind.REMISS_REFRESH)


def test_the_stand_in_finds_the_assignment_in_the_app_home_marked(service: UseCases) -> None:
    rows = service.queries.assignments(service.actor("UTNVICE"))
    assert [(r.organisation.key, r.stands_in_for) for r in rows] == [(TN, ("UTN1",))]
    assert [r.stands_in_for for r in service.queries.assignments(service.actor("UTN1"))] == [()]


def test_the_coordinator_reassigns_a_recipient_with_a_note_through_the_hand_over(service: UseCases) -> None:
    recipient = service.people.reassign(coordinator(service), CASE, "mkb", "UNEW", "Eva har semester.")
    assert recipient.officials == ("UNEW",)
    entry = [e for e in service.queries.audit_trail(CASE) if e.action is AuditAction.HANDED_OVER][-1]
    assert (entry.actor, entry.details_dict["previous"], entry.details_dict["note"]) == (
        COORDINATOR,
        "UMKB1,UMKB2",
        "Eva har semester.",
    )
    assert ("mkb", "UNEW") in messages(service, MessageKind.REMISS)
    assert sorted(messages(service, MessageKind.HANDED_OVER)) == [("mkb", "UMKB1"), ("mkb", "UMKB2")]
    # The new official acts; the old ones no longer may.
    service.answering.decline(service.actor("UNEW"), CASE, "mkb", "Berörs inte")
    with pytest.raises(DomainError) as refused:
        service.answering.withdraw(service.actor("UMKB1"), CASE, "mkb")
    assert refused.value.code is ErrorCode.NOT_RECIPIENT_OFFICIAL


@pytest.mark.parametrize(
    ("to_user", "code"),
    [
        ("UTN1", ErrorCode.REASSIGN_TO_SAME),
        ("UBOT1", ErrorCode.REASSIGN_TO_BOT),
        ("UGONE1", ErrorCode.REASSIGN_TO_DEACTIVATED),
        ("UNOBODY1", ErrorCode.REASSIGN_TO_DEACTIVATED),
    ],
)
def test_a_reassignment_that_cannot_be_is_refused_and_changes_nothing(
    service: UseCases, to_user: str, code: ErrorCode
) -> None:
    service.answering.save_draft(service.actor("UTN1"), CASE, TN, delegation("Utkast"))
    with pytest.raises(DomainError) as refused:
        service.people.reassign(coordinator(service), CASE, TN, to_user, "")
    assert refused.value.code is code
    row = service.answering.answer_context(service.actor("UTN1"), CASE, TN)
    assert row.recipient.officials == ("UTN1",) and row.recipient.draft is not None  # nothing lost


def test_only_a_coordinator_reassigns(service: UseCases) -> None:
    with pytest.raises(DomainError) as refused:
        service.people.reassign(service.actor("UTN1"), CASE, TN, "UNEW", "")
    assert refused.value.code is ErrorCode.NOT_COORDINATOR


def test_while_the_official_is_away_the_reminders_go_to_the_stand_in_and_after_to_both(
    service: UseCases, clock: FakeClock
) -> None:
    clock.set(datetime(2023, 11, 13, 10, 0, tzinfo=STOCKHOLM))
    away = service.people.mark_away(service.actor("UTN1"), date(2023, 11, 20))
    assert service.people.away_until("UTN1") == away.until == date(2023, 11, 20)
    clock.set(datetime(2023, 11, 16, 9, 0, tzinfo=STOCKHOLM))  # ten working days before: a reminder
    service.reminding.remind()
    assert [u for o, u in messages(service, MessageKind.REMINDER) if o == TN] == ["UTNVICE"]
    clock.set(datetime(2023, 11, 23, 9, 0, tzinfo=STOCKHOLM))  # back by now
    service.reminding.remind()
    assert [u for o, u in messages(service, MessageKind.REMINDER) if o == TN] == ["UTNVICE", "UTN1", "UTNVICE"]
    assert service.people.away_until("UTN1") is None


def test_away_ends_early_and_an_official_away_without_stand_ins_is_still_reminded(
    service: UseCases, clock: FakeClock
) -> None:
    clock.set(datetime(2023, 11, 13, 10, 0, tzinfo=STOCKHOLM))
    service.people.mark_away(service.actor("UMKB1"), date(2023, 11, 30))
    service.people.mark_away(service.actor("UMKB2"), date(2023, 11, 30))
    service.people.mark_away(service.actor("UTN1"), date(2023, 11, 30))
    assert service.people.end_away(service.actor("UTN1")) is True
    assert service.people.end_away(service.actor("UTN1")) is False
    clock.set(datetime(2023, 11, 16, 9, 0, tzinfo=STOCKHOLM))
    service.reminding.remind()
    reminded = messages(service, MessageKind.REMINDER)
    assert sorted(u or "" for o, u in reminded if o == "mkb") == ["UMKB1", "UMKB2"]  # everyone away: all of them
    assert sorted(u or "" for o, u in reminded if o == TN) == ["UTN1", "UTNVICE"]


@pytest.mark.parametrize("until", [date(2023, 11, 13), date(2023, 11, 1)])
def test_away_until_today_or_the_past_is_refused_and_nothing_is_stored(
    service: UseCases, clock: FakeClock, until: date
) -> None:
    clock.set(datetime(2023, 11, 13, 10, 0, tzinfo=STOCKHOLM))
    with pytest.raises(DomainError) as refused:
        service.people.mark_away(service.actor("UTN1"), until)
    assert refused.value.code is ErrorCode.AWAY_NOT_FUTURE
    assert service.people.away_until("UTN1") is None


def test_the_stand_ins_answer_counts_as_the_organisations(service: UseCases) -> None:
    service.answering.decline(service.actor("UTNVICE"), CASE, TN, "Berörs inte")
    current = service.answering.answer_context(service.actor("UTN1"), CASE, TN).recipient.current_response
    assert current is not None and (current.kind, current.author) == (ResponseKind.DECLINED, "UTNVICE")
