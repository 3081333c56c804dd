"""Several sending offices: each remiss has its own sender, and a coordinator scoped to an office acts on and
sees only that office's remisses (issue 13, item 7)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

import pytest

from bot.adapters.rendering import Texts
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.organisation import Directory, Organisation, OrgKind
from bot.core.domain.remiss import Answer, Position, ResponseContent, ResponseKind
from bot.core.usecases import UseCases, build_use_cases
from devtools.clocks import FakeClock
from devtools.memory import MemoryStore
from tests.service.support import directory, stk_2023_137

STK, SBK, GLOBAL = "U0STK", "U0SBK", "U0ALL"
SBK_CASE = "SBK-2023-501"
OFFICES = ("stadskontoret", "stadsbyggnadskontoret")


def two_offices() -> Directory:
    """The test directory with Stadsbyggnadskontoret, with its own registry, beside Stadskontoret."""
    base = directory()
    sbk = Organisation(
        "stadsbyggnadskontoret", "Stadsbyggnadskontoret", "SBK", OrgKind.FORVALTNING, registry=("C0REGSBK",)
    )
    stk = replace(base.require("stadskontoret"), registry=("C0REGSTK",))
    return Directory((stk, sbk, *(o for o in base if o.key != "stadskontoret")))


@pytest.fixture
def service(clock: FakeClock) -> UseCases:
    service = build_use_cases(
        MemoryStore(),
        clock,
        coordinators=[GLOBAL],
        offices=OFFICES,
        scoped_coordinators={STK: {"stadskontoret"}, SBK: {"stadsbyggnadskontoret"}},
    )
    service.directory.seed_directory(two_offices())
    return service


def sbk_remiss() -> object:
    return replace(stk_2023_137(["tekniska-namnden", "miljonamnden"]), case_number=SBK_CASE, title="Översiktsplan")


def both_sent(service: UseCases) -> None:
    service.drafting.create_draft(service.actor(STK), stk_2023_137())
    service.drafting.send(service.actor(STK), "STK-2023-137")
    service.drafting.create_draft(service.actor(SBK), sbk_remiss())  # type: ignore[arg-type]
    service.drafting.send(service.actor(SBK), SBK_CASE)


def test_a_scoped_coordinator_is_a_coordinator_of_their_offices_only(service: UseCases) -> None:
    assert service.actor(STK).is_coordinator and service.actor(STK).offices == {"stadskontoret"}
    assert service.actor(GLOBAL).is_coordinator and service.actor(GLOBAL).offices == frozenset()
    assert not service.actor("UTN1").is_coordinator
    assert service.drafting.sending_offices(service.actor(SBK)) == ("stadsbyggnadskontoret",)
    assert service.drafting.sending_offices(service.actor(GLOBAL)) == OFFICES


def test_each_remiss_is_sent_from_its_coordinators_office(service: UseCases) -> None:
    both_sent(service)
    assert service.queries.overview("STK-2023-137").remiss.sender_key == "stadskontoret"
    assert service.queries.overview(SBK_CASE).remiss.sender_key == "stadsbyggnadskontoret"
    assert service.directory.sender_name(service.queries.overview(SBK_CASE).remiss) == "Stadsbyggnadskontoret"


def test_a_global_coordinator_chooses_the_office_and_a_scoped_one_cannot_choose_another(service: UseCases) -> None:
    chosen = replace(stk_2023_137(), sender_key="stadsbyggnadskontoret")
    assert service.drafting.create_draft(service.actor(GLOBAL), chosen).sender_key == "stadsbyggnadskontoret"
    with pytest.raises(DomainError) as refused:
        service.drafting.check_draft(service.actor(STK), replace(chosen, case_number="STK-2023-138"))
    assert refused.value.code is ErrorCode.NOT_A_SENDING_OFFICE
    assert refused.value.field == "sender"


def test_the_sending_office_is_never_its_own_recipient(service: UseCases) -> None:
    data = replace(stk_2023_137(["stadsbyggnadskontoret", "mkb"]), sender_key="stadsbyggnadskontoret")
    service.drafting.create_draft(service.actor(SBK), data)
    keys = [row.organisation.key for row in service.queries.overview("STK-2023-137").rows]
    assert keys == ["mkb"]


ACTIONS: dict[str, Callable[[UseCases, str], object]] = {
    "send": lambda s, u: s.drafting.send(s.actor(u), SBK_CASE),
    "update_draft": lambda s, u: s.drafting.update_draft(s.actor(u), SBK_CASE, sbk_remiss()),  # type: ignore[arg-type]
    "change_deadline": lambda s, u: s.deadlines.change_deadline(s.actor(u), SBK_CASE, date(2023, 12, 14)),
    "grant_extension": lambda s, u: s.deadlines.grant_extension(
        s.actor(u), SBK_CASE, "tekniska-namnden", date(2023, 12, 14)
    ),
    "remind_again": lambda s, u: s.reminding.remind_again(s.actor(u), SBK_CASE, "tekniska-namnden"),
    "set_reminder_policy": lambda s, u: s.reminding.set_reminder_policy(s.actor(u), SBK_CASE, None),
    "coordinated": lambda s, u: s.queries.coordinated(s.actor(u), SBK_CASE),
    "history": lambda s, u: s.queries.history(s.actor(u), SBK_CASE),
}


@pytest.mark.parametrize("action", ACTIONS)
def test_a_scoped_coordinator_acting_on_another_offices_remiss_is_told_whose_it_is(
    service: UseCases, action: str
) -> None:
    service.drafting.create_draft(service.actor(SBK), sbk_remiss())  # type: ignore[arg-type]
    if action not in ("send", "update_draft"):
        service.drafting.send(service.actor(SBK), SBK_CASE)
    with pytest.raises(DomainError) as refused:
        ACTIONS[action](service, STK)
    assert refused.value.code is ErrorCode.OTHER_OFFICE
    assert Texts().error(refused.value) == (
        "SBK-2023-501 skickades av Stadsbyggnadskontoret, och du samordnar inte det kontorets remisser. "
        "Be <@U0SBK> om hjälp."
    )
    ACTIONS[action](service, SBK)  # the office's own coordinator may
    assert service.queries.coordinated(service.actor(GLOBAL), SBK_CASE).case_number == SBK_CASE  # a global one too


def test_deciding_another_offices_extension_request_is_refused(service: UseCases) -> None:
    both_sent(service)
    request = service.deadlines.request_extension(
        service.actor("UTN1"), SBK_CASE, "tekniska-namnden", date(2023, 12, 7)
    )
    with pytest.raises(DomainError) as refused:
        service.deadlines.decide_extension(service.actor(STK), request.id or 0, grant=True)
    assert refused.value.code is ErrorCode.OTHER_OFFICE
    assert service.deadlines.decide_extension(service.actor(SBK), request.id or 0, grant=True).is_pending is False


def test_a_scoped_coordinator_sees_only_their_offices_open_remisses(service: UseCases) -> None:
    both_sent(service)

    def listed(user_id: str) -> list[str]:
        return [o.remiss.case_number for o in service.queries.open_remisses(service.actor(user_id))]

    assert listed(STK) == ["STK-2023-137"]
    assert listed(SBK) == [SBK_CASE]
    assert sorted(listed(GLOBAL)) == [SBK_CASE, "STK-2023-137"]
    assert sorted(listed("UTN1")) == [SBK_CASE, "STK-2023-137"]  # an official's status list is unchanged
    # The digest in a coordinator's DM (no status channel): their office's remisses.
    assert [o.remiss.case_number for o in service.reminding.digest(SBK)] == [SBK_CASE]


def test_answers_go_to_the_registry_of_the_office_that_sent_the_remiss(service: UseCases) -> None:
    both_sent(service)
    content = ResponseContent(
        kind=ResponseKind.DELEGATION, answers=(Answer(1, "Ja.", Position.TILLSTYRKER),), decided_by="Förvaltningschef"
    )
    for case in ("STK-2023-137", SBK_CASE):
        service.answering.submit(service.actor("UTN1"), case, "tekniska-namnden", content)
    with service.store.read() as repo:
        registries = {
            case: [m.to_user for m in repo.outbox.messages_for(case) if m.kind.value == "registry_answer"]
            for case in ("STK-2023-137", SBK_CASE)
        }
    assert registries == {"STK-2023-137": ["C0REGSTK"], SBK_CASE: ["C0REGSBK"]}


def test_a_coordinator_of_both_offices_acts_on_both(clock: FakeClock) -> None:
    service = build_use_cases(
        MemoryStore(),
        clock,
        offices=OFFICES,
        scoped_coordinators={STK: {"stadskontoret", "stadsbyggnadskontoret"}, SBK: {"stadsbyggnadskontoret"}},
    )
    service.directory.seed_directory(two_offices())
    service.drafting.create_draft(service.actor(SBK), sbk_remiss())  # type: ignore[arg-type]
    assert service.drafting.send(service.actor(STK), SBK_CASE).remiss.sender_key == "stadsbyggnadskontoret"


def test_the_digest_in_a_coordinators_dm_leaves_out_an_office_they_no_longer_coordinate(clock: FakeClock) -> None:
    store = MemoryStore()

    def configured(offices: set[str]) -> UseCases:
        return build_use_cases(store, clock, offices=OFFICES, scoped_coordinators={STK: offices})

    before = configured({"stadskontoret", "stadsbyggnadskontoret"})
    before.directory.seed_directory(two_offices())
    sbk = replace(stk_2023_137(["tekniska-namnden"]), case_number=SBK_CASE, sender_key="stadsbyggnadskontoret")
    before.drafting.create_draft(before.actor(STK), sbk)
    before.drafting.send(before.actor(STK), SBK_CASE)  # its status lives in STK's DM
    assert [o.remiss.case_number for o in before.reminding.digest(STK)] == [SBK_CASE]

    after = configured({"stadskontoret"})
    # Read for the channel, or from every open remiss read once (as the morning's offer does): the same.
    assert after.reminding.digest(STK) == after.reminding.digest(STK, after.queries.open_remisses()) == []
    assert [o.remiss.case_number for o in after.reminding.digest(STK, before.queries.open_remisses())] == []
