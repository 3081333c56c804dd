"""Reaching an organisation after sending: adding a remissinstans, sending again, and a loaded directory's offers."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bot.core.domain.audit import AuditAction, AuditEntry
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.organisation import Directory, Organisation, OrgKind
from bot.core.domain.reaching import add_recipient, addable, offers_after_load, resend
from bot.core.domain.recipient import Recipient
from tests.domain.samples import DEADLINE, T0, make_remiss, sent_remiss

TODAY = date(2023, 10, 2)
KULTUR = Organisation("kulturnamnden", "Kulturnämnden", "Kultur", OrgKind.NAMND, contacts=("UKULT1",))
TEKNISKA = Organisation("tekniska-namnden", "Tekniska nämnden", "Tekniska", OrgKind.NAMND, contacts=("UANNA",))
SENDER = Organisation("stadskontoret", "Stadskontoret", "SK", OrgKind.FORVALTNING)


def add(
    org: Organisation = KULTUR, deadline: date | None = None, on: tuple[str, ...] = ("tekniska-namnden",)
) -> tuple[Recipient, AuditEntry]:
    return add_recipient(sent_remiss(), org, on, org.contacts, deadline=deadline, actor="UMIA", at=T0, today=TODAY)


def test_an_added_recipient_has_the_remiss_deadline_and_its_officials_and_is_audited() -> None:
    recipient, entry = add()
    assert (recipient.organisation_key, recipient.officials, recipient.deadline) == (
        "kulturnamnden",
        ("UKULT1",),
        DEADLINE,
    )
    assert recipient.extensions == []
    assert entry.action is AuditAction.RECIPIENT_ADDED and entry.organisation_key == "kulturnamnden"
    assert entry.details_dict == {"deadline": "2023-11-30", "reachable": "1"}


def test_its_own_later_deadline_is_kept_as_from_the_start_and_follows_a_later_remiss_deadline() -> None:
    recipient, entry = add(deadline=date(2023, 12, 15))
    assert recipient.deadline == date(2023, 12, 15)
    assert entry.details_dict["own_deadline"] == "True"
    recipient.follow_deadline(DEADLINE, date(2024, 1, 15))
    assert recipient.deadline == date(2024, 1, 15)


@pytest.mark.parametrize(
    ("organisation", "deadline", "on", "code"),
    [
        (KULTUR, None, ("kulturnamnden",), ErrorCode.ALREADY_A_RECIPIENT),
        (replace(KULTUR, active=False), None, (), ErrorCode.ORGANISATION_INACTIVE),
        (KULTUR, date(2023, 10, 1), (), ErrorCode.DEADLINE_IN_PAST),
        (KULTUR, date(2023, 11, 29), (), ErrorCode.OWN_DEADLINE_BEFORE_REMISS),
    ],
)
def test_adding_is_refused(
    organisation: Organisation, deadline: date | None, on: tuple[str, ...], code: ErrorCode
) -> None:
    with pytest.raises(DomainError) as refused:
        add(organisation, deadline, on)
    assert refused.value.code is code


def test_the_refusal_of_an_organisation_already_on_it_names_it() -> None:
    with pytest.raises(DomainError) as refused:
        add(on=("kulturnamnden",))
    assert refused.value.params["organisation"] == "Kulturnämnden"


def test_a_draft_or_closed_remiss_gets_no_recipient_this_way() -> None:
    closed = sent_remiss()
    closed.close(T0)
    for remiss in (make_remiss(), closed):
        with pytest.raises(DomainError) as refused:
            add_recipient(remiss, KULTUR, (), ("UKULT1",), deadline=None, actor="UMIA", at=T0, today=TODAY)
        assert refused.value.code is ErrorCode.REMISS_NOT_OPEN


def test_addable_leaves_out_the_sender_the_inactive_and_those_already_on_it() -> None:
    gone = Organisation("gone", "Nedlagd nämnd", "Nedlagd", OrgKind.NAMND, active=False)
    directory = Directory((SENDER, TEKNISKA, KULTUR, gone))
    assert [o.key for o in addable(directory, sent_remiss(), ["tekniska-namnden"])] == ["kulturnamnden"]


def unreached() -> Recipient:
    return Recipient("STK-2023-137", "kulturnamnden", (), DEADLINE)


def test_resend_sets_the_directory_contacts_and_sends_only_to_those_who_have_not_had_it() -> None:
    recipient = Recipient("STK-2023-137", "kulturnamnden", ("UOLD", "UKULT1"), DEADLINE)
    done = resend(sent_remiss(), recipient, KULTUR, ("UKULT1", "UKULT2"), ["UOLD", "UKULT1"], actor="UMIA", at=T0)
    assert recipient.officials == ("UKULT1", "UKULT2")
    assert done.send_to == ("UKULT2",)
    assert done.entry.action is AuditAction.RESENT
    assert done.entry.details_dict == {"new": "UKULT1,UKULT2", "previous": "UOLD,UKULT1", "sent_to": "UKULT2"}


def test_resend_without_a_reachable_contact_or_with_nothing_new_is_refused() -> None:
    with pytest.raises(DomainError) as refused:
        resend(sent_remiss(), unreached(), KULTUR, (), [], actor="UMIA", at=T0)
    assert refused.value.code is ErrorCode.NO_REACHABLE_CONTACT
    recipient = Recipient("STK-2023-137", "kulturnamnden", ("UKULT1",), DEADLINE)
    with pytest.raises(DomainError) as refused:
        resend(sent_remiss(), recipient, KULTUR, ("UKULT1",), ["UKULT1"], actor="UMIA", at=T0)
    assert refused.value.code is ErrorCode.ALREADY_SENT_TO_CONTACTS


def test_same_officials_whose_remiss_was_never_recorded_get_it() -> None:
    recipient = Recipient("STK-2023-137", "kulturnamnden", ("UKULT1",), DEADLINE)
    done = resend(sent_remiss(), recipient, KULTUR, ("UKULT1",), [], actor="UMIA", at=T0)
    assert done.send_to == ("UKULT1",)


def test_a_loaded_directory_offers_recipients_it_gives_contacts_to() -> None:
    before = Directory((SENDER, TEKNISKA, replace(KULTUR, contacts=())))
    after = Directory((SENDER, replace(TEKNISKA, contacts=("UBERTIL",)), KULTUR))
    tekniska = Recipient("STK-2023-137", "tekniska-namnden", ("UANNA",), DEADLINE)
    offers = offers_after_load(before, after, [tekniska, unreached()])
    assert [(o.organisation.key, o.had_officials) for o in offers] == [
        ("tekniska-namnden", True),
        ("kulturnamnden", False),
    ]
    # Unchanged contacts are left alone (a hand-over stands); an answered recipient is not offered.
    handed = Recipient("STK-2023-137", "tekniska-namnden", ("UCOLLEAGUE",), DEADLINE)
    assert offers_after_load(after, after, [handed]) == []
    answered = unreached()
    answered.decline(sent_remiss(), "", "UX", T0)
    assert offers_after_load(before, after, [answered]) == []
    # A directory still without contacts offers nothing.
    assert offers_after_load(before, before, [unreached()]) == []
