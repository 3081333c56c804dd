"""The registries as use cases: copies recorded on sending and on each submitted version, and Registrerad
recorded once, only for the registry's own people."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.core.domain.audit import AuditAction
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.organisation import Directory
from bot.core.domain.registry import RegistryItem, RegistrySubject
from bot.core.usecases import UseCases
from devtools.clocks import FakeClock
from tests.service.support import CASE, RecordingUsers, delegation, directory, fresh, outbox, sent

REGISTRIES = {"tekniska-namnden": ("UREGTN",), "stadskontoret": ("CREGSTK",)}


@pytest.fixture
def users() -> RecordingUsers:
    return RecordingUsers({"anna.miljo@malmo.se": "UANNA"}, channels={"CREGSTK": frozenset({"UREGSTK"})})


@pytest.fixture
def service(clock: FakeClock, users: RecordingUsers) -> UseCases:
    service = fresh(clock, users)
    with_registries = Directory(tuple(replace(o, registry=REGISTRIES.get(o.key, ())) for o in directory()))
    service.directory.replace_directory(with_registries)
    sent(service)
    return service


def test_sending_records_a_copy_for_each_recipients_registry_and_none_where_there_is_none(service: UseCases) -> None:
    copies = [m for m in outbox(service) if m[0] == "registry_remiss"]
    assert copies == [("registry_remiss", "tekniska-namnden", "UREGTN")]


def test_each_submitted_version_is_recorded_for_the_senders_registry(service: UseCases) -> None:
    official = service.actor("UTN1")
    service.answering.submit(official, CASE, "tekniska-namnden", delegation("Ja."))
    service.answering.submit(official, CASE, "tekniska-namnden", delegation("Ja, med ändringar."))
    with service.store.read() as repo:
        keys = [m.key for m in repo.outbox.messages_for(CASE) if m.kind.value == "registry_answer"]
    assert keys == [
        f"registry_answer:{CASE}:tekniska-namnden:1:CREGSTK",
        f"registry_answer:{CASE}:tekniska-namnden:2:CREGSTK",
    ]


def test_registrerad_is_recorded_once_and_only_for_the_registrys_people(service: UseCases) -> None:
    item = RegistryItem(RegistrySubject.REMISS, CASE, "tekniska-namnden")
    with pytest.raises(DomainError) as outsider:
        service.registry.register("UTN1", item, "TN-2023-512")
    assert outsider.value.code is ErrorCode.NOT_IN_REGISTRY

    done = service.registry.register("UREGTN", item, "TN-2023-512")
    assert done.registration is not None and done.registration.number == "TN-2023-512"
    with pytest.raises(DomainError) as again:
        service.registry.check("UREGTN", item)
    assert again.value.code is ErrorCode.ALREADY_REGISTERED

    assert [r.number for r in service.registry.registrations(CASE)] == ["TN-2023-512"]
    [entry] = [e for e in service.queries.audit_trail(CASE) if e.action is AuditAction.REGISTERED]
    assert entry.details_dict["registry"] == "tekniska-namnden"


def test_the_senders_registry_channel_is_asked_who_is_in_it(service: UseCases, users: RecordingUsers) -> None:
    service.answering.submit(service.actor("UTN1"), CASE, "tekniska-namnden", delegation("Ja."))
    item = RegistryItem(RegistrySubject.ANSWER, CASE, "tekniska-namnden", version=1)

    service.registry.register("UREGSTK", item, "STK-2023-137-14")

    assert "CREGSTK" in users.lookups
    assert [(r.item, r.registered_by) for r in service.registry.registrations(CASE)] == [(item, "UREGSTK")]


def test_an_answer_version_that_does_not_exist_cannot_be_registered(service: UseCases) -> None:
    missing = RegistryItem(RegistrySubject.ANSWER, CASE, "tekniska-namnden", version=7)
    with pytest.raises(DomainError) as refused:
        service.registry.register("UREGSTK", missing, "STK-1")
    assert refused.value.code is ErrorCode.NOT_A_RECIPIENT
