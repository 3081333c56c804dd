"""The registries as use cases: copies recorded on sending and on each submitted version, and Registrerad
recorded once, only for the registry's own people."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from bot.core.domain.audit import AuditAction
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.organisation import Directory
from bot.core.domain.registry import RegistryItem, RegistrySubject
from bot.core.ports.store import Store
from bot.core.usecases import UseCases
from devtools.clocks import FakeClock
from tests.service.support import CASE, RecordingUsers, delegation, directory, fresh, outbox, sent

REGISTRIES = {"tekniska-namnden": ("UREGTN",), "stadskontoret": ("CREGSTK",)}


@pytest.fixture
def users() -> RecordingUsers:
    return RecordingUsers({"anna.miljo@malmo.se": "UANNA"}, channels={"CREGSTK": frozenset({"UREGSTK"})})


def with_registries_sent(service: UseCases) -> UseCases:
    """STK-2023-137 sent, with registries for Tekniska nämnden and (a channel) Stadskontoret."""
    with_registries = Directory(tuple(replace(o, registry=REGISTRIES.get(o.key, ())) for o in directory()))
    service.directory.replace_directory(with_registries)
    sent(service)
    return service


@pytest.fixture
def service(clock: FakeClock, users: RecordingUsers) -> UseCases:
    return with_registries_sent(fresh(clock, users))


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


def test_the_context_reads_an_item_as_it_is_now_whoever_asks(
    store: Store, clock: FakeClock, users: RecordingUsers
) -> None:
    service = with_registries_sent(fresh(clock, users, store))
    remiss_copy = RegistryItem(RegistrySubject.REMISS, CASE, "tekniska-namnden")

    found = service.registry.context(remiss_copy)

    assert (found.item, found.remiss.case_number, found.sender_name) == (remiss_copy, CASE, "Stadskontoret")
    assert (found.registry.key, found.organisation.key) == ("tekniska-namnden", "tekniska-namnden")
    assert (found.recipient.organisation_key, found.registration) == ("tekniska-namnden", None)

    service.answering.submit(service.actor("UTN1"), CASE, "tekniska-namnden", delegation("Ja."))
    answer = RegistryItem(RegistrySubject.ANSWER, CASE, "tekniska-namnden", version=1)
    found = service.registry.context(answer)
    assert (found.registry.key, found.organisation.key) == ("stadskontoret", "tekniska-namnden")  # the sender's
    assert [r.version for r in found.recipient.responses] == [1]

    clock.advance(timedelta(minutes=5))
    service.registry.register("UREGTN", remiss_copy, "TN-2023-512")
    registration = service.registry.context(remiss_copy).registration
    assert registration is not None
    assert (registration.number, registration.registered_by, registration.registered_at) == (
        "TN-2023-512",
        "UREGTN",
        clock.now(),
    )
    assert service.registry.context(answer).registration is None  # each item on its own
    for missing in (replace(answer, version=2), replace(remiss_copy, organisation_key="stadsbyggnadsnamnden")):
        with pytest.raises(DomainError) as refused:
            service.registry.context(missing)
        assert refused.value.code is ErrorCode.NOT_A_RECIPIENT
