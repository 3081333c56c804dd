"""RecipientUseCases: a remissinstans added after sending, the remiss sent again to an organisation whose contacts
changed or were missing, and the offers a loaded directory makes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bot.core.domain.audit import AuditAction
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.organisation import Directory
from bot.core.domain.remiss import RecipientStatus
from bot.core.usecases import UseCases
from devtools.clocks import FakeClock
from tests.service.support import CASE, coordinator, delegation, directory, outbox, sent


def with_contacts(contacts: dict[str, tuple[str, ...]]) -> Directory:
    """The test directory with these organisations' contacts replaced."""
    return Directory(tuple(replace(o, contacts=contacts.get(o.key, o.contacts)) for o in directory()))


def with_fritidsnamnden(
    contacts: tuple[str, ...], stand_ins: tuple[str, ...] = (), registry: tuple[str, ...] = ()
) -> Directory:
    """The test directory with Fritidsnämnden (which has none of these there) given contacts, stand-ins, registry."""
    return Directory(
        tuple(
            replace(o, contacts=contacts, stand_ins=stand_ins, registry=registry) if o.key == "fritidsnamnden" else o
            for o in directory()
        )
    )


def entries(service: UseCases, action: AuditAction) -> list[dict[str, str]]:
    return [e.details_dict for e in service.queries.audit_trail(CASE) if e.action is action]


def remiss_dms(service: UseCases, org: str) -> list[str | None]:
    return [user for kind, o, user in outbox(service) if kind == "remiss" and o == org]


# -- Skicka igen ----------------------------------------------------------------------------------------------
def test_an_organisation_without_a_contact_at_sending_is_reached_after_the_directory_gives_one(
    service: UseCases,
) -> None:
    sent(service)  # kulturnamnden has no contact: nobody got the remiss
    assert remiss_dms(service, "kulturnamnden") == []
    offers = service.directory.replace_directory(with_contacts({"kulturnamnden": ("UKULT1",)}))
    assert [(o.case_number, o.organisation.key, o.had_officials) for o in offers] == [(CASE, "kulturnamnden", False)]
    assert ("resend_offer", "kulturnamnden", None) in outbox(service)

    again = service.recipients.resend(coordinator(service), CASE, "kulturnamnden")

    assert again.sent_to == ("UKULT1",) and again.previous == ()
    assert remiss_dms(service, "kulturnamnden") == ["UKULT1"]
    assert entries(service, AuditAction.RESENT) == [{"new": "UKULT1", "previous": "", "sent_to": "UKULT1"}]
    assert ("status_event", "kulturnamnden", None) in outbox(service)
    # The new official can now answer, which was refused before.
    service.answering.submit(service.actor("UKULT1"), CASE, "kulturnamnden", delegation("Ja."))
    row = next(r for r in service.queries.overview(CASE).rows if r.organisation.key == "kulturnamnden")
    assert row.status is RecipientStatus.SUBMITTED
    with service.store.read() as repo:
        assert repo.reminders.reminders_for(CASE, "kulturnamnden"), "its reminders are planned"


def test_a_second_press_sends_nobody_the_remiss_twice(service: UseCases) -> None:
    sent(service)
    service.directory.replace_directory(with_contacts({"kulturnamnden": ("UKULT1",)}))
    service.recipients.resend(coordinator(service), CASE, "kulturnamnden")
    with pytest.raises(DomainError) as refused:
        service.recipients.resend(coordinator(service), CASE, "kulturnamnden")
    assert refused.value.code is ErrorCode.ALREADY_SENT_TO_CONTACTS
    assert remiss_dms(service, "kulturnamnden") == ["UKULT1"]
    assert len(entries(service, AuditAction.RESENT)) == 1


def test_changed_contacts_replace_the_officials_the_previous_are_kept_and_only_the_new_get_it(
    service: UseCases,
) -> None:
    sent(service)
    offers = service.directory.replace_directory(with_contacts({"mkb": ("UMKB2", "UMKB3")}))
    assert [(o.organisation.key, o.had_officials) for o in offers] == [("mkb", True)]

    again = service.recipients.resend(coordinator(service), CASE, "mkb")

    assert again.recipient.officials == ("UMKB2", "UMKB3")
    assert again.sent_to == ("UMKB3",)
    assert remiss_dms(service, "mkb") == ["UMKB1", "UMKB2", "UMKB3"]
    assert entries(service, AuditAction.RESENT) == [
        {"new": "UMKB2,UMKB3", "previous": "UMKB1,UMKB2", "sent_to": "UMKB3"}
    ]
    with pytest.raises(DomainError) as refused:
        service.answering.decline(service.actor("UMKB1"), CASE, "mkb")
    assert refused.value.code is ErrorCode.NOT_RECIPIENT_OFFICIAL


def test_sending_again_never_takes_the_work_from_the_person_it_was_handed_over_to(service: UseCases) -> None:
    sent(service)
    service.answering.hand_over(service.actor("UMKB1"), CASE, "mkb", "UOLA")
    service.directory.replace_directory(with_contacts({"mkb": ("UMKB3",)}))
    again = service.recipients.resend(coordinator(service), CASE, "mkb")
    assert again.recipient.officials == ("UOLA", "UMKB3")
    assert again.sent_to == ("UMKB3",)
    service.answering.submit(service.actor("UOLA"), CASE, "mkb", delegation("Ola svarar ändå."))


def test_after_a_resend_the_new_official_can_hand_over(service: UseCases) -> None:
    sent(service)
    service.directory.replace_directory(with_contacts({"kulturnamnden": ("UKULT1",)}))
    service.recipients.resend(coordinator(service), CASE, "kulturnamnden")
    handed = service.answering.hand_over(service.actor("UKULT1"), CASE, "kulturnamnden", "UKULT2")
    assert handed.officials == ("UKULT2",)


def test_a_resend_with_still_no_reachable_contact_says_to_load_the_directory(service: UseCases) -> None:
    sent(service)
    with pytest.raises(DomainError) as refused:
        service.recipients.resend(coordinator(service), CASE, "kulturnamnden")
    assert refused.value.code is ErrorCode.NO_REACHABLE_CONTACT
    assert entries(service, AuditAction.RESENT) == []


def test_only_a_coordinator_sends_again(service: UseCases) -> None:
    sent(service)
    service.directory.replace_directory(with_contacts({"kulturnamnden": ("UKULT1",)}))
    with pytest.raises(DomainError) as refused:
        service.recipients.resend(service.actor("UTN1"), CASE, "kulturnamnden")
    assert refused.value.code is ErrorCode.NOT_COORDINATOR


def test_loading_an_unchanged_directory_offers_nothing_and_an_answered_recipient_is_not_offered(
    service: UseCases,
) -> None:
    sent(service)
    assert service.directory.replace_directory(directory()) == []
    service.answering.submit(service.actor("UMKB1"), CASE, "mkb", delegation("Ja."))
    assert service.directory.replace_directory(with_contacts({"mkb": ("UMKB9",)})) == []


def test_a_draft_is_offered_nothing(service: UseCases) -> None:
    from tests.service.support import stk_2023_137

    service.drafting.create_draft(coordinator(service), stk_2023_137())
    assert service.directory.replace_directory(with_contacts({"kulturnamnden": ("UKULT1",)})) == []
    with pytest.raises(DomainError) as refused:
        service.recipients.resend(coordinator(service), CASE, "kulturnamnden")
    assert refused.value.code is ErrorCode.REMISS_NOT_OPEN


# -- Lägg till remissinstans ------------------------------------------------------------------------------------
def test_an_added_recipient_gets_the_remiss_reminders_and_its_registry_copy(service: UseCases) -> None:
    sent(service)
    service.directory.replace_directory(with_fritidsnamnden(contacts=("UFRITID1",), registry=("CREGFRITID",)))
    remiss, choices = service.recipients.addable(coordinator(service), CASE)
    keys = [o.key for o in choices]
    assert "fritidsnamnden" in keys and "mkb" not in keys and remiss.sender_key not in keys

    added = service.recipients.add_recipient(coordinator(service), CASE, "fritidsnamnden")

    assert added.recipient.officials == ("UFRITID1",) and added.recipient.deadline == date(2023, 11, 30)
    assert not added.window.short
    assert remiss_dms(service, "fritidsnamnden") == ["UFRITID1"]
    assert ("registry_remiss", "fritidsnamnden", "CREGFRITID") in outbox(service)
    assert entries(service, AuditAction.RECIPIENT_ADDED) == [{"deadline": "2023-11-30", "reachable": "1"}]
    with service.store.read() as repo:
        assert repo.reminders.reminders_for(CASE, "fritidsnamnden")
    assert "fritidsnamnden" in [r.organisation.key for r in service.queries.overview(CASE).rows]
    service.answering.submit(service.actor("UFRITID1"), CASE, "fritidsnamnden", delegation("Ja."))


def test_an_added_recipients_stand_ins_get_the_remiss_too(service: UseCases) -> None:
    sent(service)
    service.directory.replace_directory(with_fritidsnamnden(contacts=("UFRITID1",), stand_ins=("UFRITID2",)))
    service.recipients.add_recipient(coordinator(service), CASE, "fritidsnamnden")
    assert remiss_dms(service, "fritidsnamnden") == ["UFRITID1", "UFRITID2"]
    service.answering.submit(service.actor("UFRITID2"), CASE, "fritidsnamnden", delegation("Ja, som ersättare."))


def test_an_added_recipient_may_have_a_later_deadline_of_its_own_with_the_short_window_warning(
    service: UseCases, clock: FakeClock
) -> None:
    sent(service)
    clock.set(clock.now().replace(month=11, day=20))
    added = service.recipients.add_recipient(coordinator(service), CASE, "fritidsnamnden", date(2023, 12, 8))
    assert added.recipient.deadline == date(2023, 12, 8)
    assert added.window.short and added.window.deadline == date(2023, 12, 8)
    assert not added.reachable  # no contact in the directory: told, and offered Skicka igen later
    assert entries(service, AuditAction.UNREACHABLE)[-1] == {"reason": "no_contact"}
    assert entries(service, AuditAction.RECIPIENT_ADDED) == [
        {"deadline": "2023-12-08", "own_deadline": "True", "reachable": "0"}
    ]


@pytest.mark.parametrize(
    ("organisation", "deadline", "code"),
    [
        ("mkb", None, ErrorCode.ALREADY_A_RECIPIENT),
        ("ingen-sadan", None, ErrorCode.UNKNOWN_ORGANISATION),
        ("fritidsnamnden", date(2023, 10, 1), ErrorCode.DEADLINE_IN_PAST),
        ("fritidsnamnden", date(2023, 11, 1), ErrorCode.OWN_DEADLINE_BEFORE_REMISS),
    ],
)
def test_adding_is_refused_with_a_reason_and_nothing_is_saved(
    service: UseCases, organisation: str, deadline: date | None, code: ErrorCode
) -> None:
    sent(service)
    before = outbox(service)
    with pytest.raises(DomainError) as refused:
        service.recipients.add_recipient(coordinator(service), CASE, organisation, deadline)
    assert refused.value.code is code
    assert outbox(service) == before
    assert entries(service, AuditAction.RECIPIENT_ADDED) == []


def test_adding_an_inactive_organisation_or_to_a_draft_is_refused(service: UseCases) -> None:
    from tests.service.support import stk_2023_137

    service.drafting.create_draft(coordinator(service), stk_2023_137())
    with pytest.raises(DomainError) as refused:
        service.recipients.add_recipient(coordinator(service), CASE, "fritidsnamnden")
    assert refused.value.code is ErrorCode.REMISS_NOT_OPEN
    service.drafting.send(coordinator(service), CASE)
    service.directory.replace_directory(Directory(tuple(o for o in directory() if o.key != "fritidsnamnden")))
    with pytest.raises(DomainError) as refused:
        service.recipients.add_recipient(coordinator(service), CASE, "fritidsnamnden")
    assert refused.value.code is ErrorCode.ORGANISATION_INACTIVE
    with pytest.raises(DomainError) as refused:
        service.recipients.add_recipient(service.actor("UTN1"), CASE, "kulturnamnden")
    assert refused.value.code is ErrorCode.NOT_COORDINATOR


def test_an_added_recipients_reminders_count_from_the_day_it_was_added(service: UseCases, clock: FakeClock) -> None:
    sent(service)
    service.directory.replace_directory(with_contacts({"fritidsnamnden": ("UFRITID1",)}))
    clock.set(clock.now().replace(month=11, day=6))
    service.recipients.add_recipient(coordinator(service), CASE, "fritidsnamnden")
    with service.store.read() as repo:
        planned = {
            (s.reminder.kind.value, s.reminder.local_date) for s in repo.reminders.reminders_for(CASE, "fritidsnamnden")
        }
    nudges = [day for kind, day in planned if kind == "nudge_unopened"]
    assert nudges and all(day > date(2023, 11, 6) for day in nudges)
    assert ("overdue", date(2023, 12, 1)) in planned
