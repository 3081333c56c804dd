"""DirectoryUseCases: the organisation directory and each organisation's meeting dates."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.organisation import Directory, Organisation, OrgKind
from bot.core.usecases import UseCases, build_use_cases
from devtools.clocks import FakeClock
from devtools.memory import MemoryStore
from tests.service.support import (
    COORDINATOR,
    RecordingUsers,
    coordinator,
    directory,
    stk_2023_137,
)

# -- meeting dates and inlämningsdag (issue 4) -----------------------------------------------------------
BOARD_MEETINGS = (date(2023, 12, 14), date(2023, 10, 19), date(2023, 11, 16))


def test_seeding_the_directory_happens_once(service: UseCases) -> None:
    assert len(service.directory.directory()) == 16
    assert service.directory.seed_directory(Directory()) is False


def test_organisation_kinds_select_all_boards_or_all_companies(service: UseCases) -> None:
    d = service.directory.directory()
    assert len(d.of_kind(OrgKind.NAMND)) == 12
    assert [o.short_name for o in d.of_kind(OrgKind.BOLAG)] == ["MKB", "P-Malmö", "PÖMAB"]


def test_an_official_sets_their_boards_meetings_and_every_other_organisation_stays_as_it_was(
    service: UseCases,
) -> None:
    before = service.directory.directory()

    changed = service.directory.set_meetings(service.actor("UTN1"), "tekniska-namnden", BOARD_MEETINGS, 14)

    after = service.directory.directory()
    tn = after.require("tekniska-namnden")
    assert tn == changed
    assert tn.meetings == (date(2023, 10, 19), date(2023, 11, 16), date(2023, 12, 14))
    assert tn.submission_lead_days == 14
    old = before.require("tekniska-namnden")
    assert (tn.name, tn.kind, tn.contacts, tn.stand_ins, tn.aliases, tn.active) == (
        old.name, old.kind, old.contacts, old.stand_ins, old.aliases, old.active,
    )  # fmt: skip
    assert [o for o in after if o.key != "tekniska-namnden"] == [o for o in before if o.key != "tekniska-namnden"]
    assert [o.key for o in after] == [o.key for o in before]
    last = tn.last_meeting_on_or_before(date(2023, 11, 30))
    assert (last, tn.submission_date(last) if last else None) == (date(2023, 11, 16), date(2023, 11, 2))


def test_a_stand_in_an_email_contact_and_a_coordinator_may_set_meetings_too(
    service: UseCases, users: RecordingUsers
) -> None:
    service.directory.set_meetings(service.actor("UTNVICE"), "tekniska-namnden", BOARD_MEETINGS[:1], None)
    service.directory.set_meetings(service.actor("UANNA"), "miljonamnden", BOARD_MEETINGS[1:], 21)
    service.directory.set_meetings(coordinator(service), "mkb", (), 30)

    directory = service.directory.directory()
    assert directory.require("tekniska-namnden").meetings == (date(2023, 12, 14),)
    assert directory.require("miljonamnden").submission_lead_days == 21
    assert (directory.require("mkb").meetings, directory.require("mkb").submission_lead_days) == ((), 30)
    # Only Miljönämndens contact is written as an e-mail address; it was looked up once.
    assert users.lookups == ["anna.miljo@malmo.se"]


def test_clearing_the_meetings_and_the_lead_time_leaves_them_unknown(service: UseCases) -> None:
    service.directory.set_meetings(service.actor("UTN1"), "tekniska-namnden", BOARD_MEETINGS, 14)
    service.directory.set_meetings(service.actor("UTN1"), "tekniska-namnden", (), None)
    tn = service.directory.directory().require("tekniska-namnden")
    assert (tn.meetings, tn.submission_lead_days) == ((), None)


def test_only_the_organisations_own_officials_or_a_coordinator_set_its_meetings(service: UseCases) -> None:
    before = service.directory.directory()
    for outsider in ("UMKB1", "UANNA", "USOMEONE"):
        with pytest.raises(DomainError) as refused:
            service.directory.set_meetings(service.actor(outsider), "tekniska-namnden", BOARD_MEETINGS, 14)
        assert refused.value.code is ErrorCode.NOT_RECIPIENT_OFFICIAL
        assert refused.value.params == {"organisation": "Tekniska nämnden"}
    with pytest.raises(DomainError) as unknown:
        service.directory.set_meetings(coordinator(service), "finns-inte", BOARD_MEETINGS, 14)
    assert unknown.value.code is ErrorCode.UNKNOWN_ORGANISATION
    assert service.directory.directory() == before


def test_an_inactive_organisation_keeps_its_place_and_stays_inactive_when_its_meetings_change(
    clock: FakeClock,
) -> None:
    service = build_use_cases(MemoryStore(), clock, coordinators=[COORDINATOR])
    kn = directory().require("kulturnamnden")
    retired = Organisation(kn.key, kn.name, kn.short_name, kn.kind, active=False)
    service.directory.seed_directory(Directory(tuple(retired if o.key == kn.key else o for o in directory())))
    keys = [o.key for o in service.directory.directory()]

    service.directory.set_meetings(coordinator(service), "kulturnamnden", BOARD_MEETINGS, 10)

    after = service.directory.directory()
    assert [o.key for o in after] == keys
    assert not after.require("kulturnamnden").active
    assert after.require("kulturnamnden").submission_lead_days == 10


def test_the_directory_is_replaced_whole_and_the_messages_name_the_sender_from_it(service: UseCases) -> None:
    remiss = service.drafting.create_draft(coordinator(service), stk_2023_137())
    assert service.directory.sender_name(remiss) == "Stadskontoret"
    sender = service.directory.directory().require("stadskontoret")
    renamed = Organisation(sender.key, "Stadskontoret Malmö", sender.short_name, sender.kind)
    service.directory.replace_directory(Directory((renamed,)))
    assert [o.key for o in service.directory.directory() if o.active] == ["stadskontoret"]
    assert service.directory.sender_name(remiss) == "Stadskontoret Malmö"  # this process's own change shows at once


def test_an_official_may_edit_their_own_organisations_and_a_coordinator_every_active_one(service: UseCases) -> None:
    assert [o.key for o in service.directory.editable_organisations(service.actor("UTNVICE"))] == ["tekniska-namnden"]
    assert [o.key for o in service.directory.editable_organisations(service.actor("UANNA"))] == ["miljonamnden"]
    assert service.directory.editable_organisations(service.actor("UNOBODY")) == []
    everyone = service.directory.editable_organisations(coordinator(service))
    assert len(everyone) == len([o for o in service.directory.directory() if o.active])
