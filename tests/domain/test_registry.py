"""The registries' rules: who may register, once per item, under a number shaped like a diarienummer."""

from __future__ import annotations

import pytest

from bot.core.domain.audit import AuditAction
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.organisation import Organisation, OrgKind
from bot.core.domain.registry import Registration, RegistryItem, RegistrySubject, in_registry, register
from tests.domain.samples import T0, sent_remiss

CHANNEL_REGISTRY = Organisation("stadskontoret", "Stadskontoret", "STK", OrgKind.FORVALTNING, registry=("C0REG",))
USER_REGISTRY = Organisation("tekniska-namnden", "Tekniska nämnden", "TN", OrgKind.NAMND, registry=("U0R1", "U0R2"))
REMISS_AT_THEIRS = RegistryItem(RegistrySubject.REMISS, "STK-2023-137", "tekniska-namnden")
ANSWER_AT_OURS = RegistryItem(RegistrySubject.ANSWER, "STK-2023-137", "tekniska-namnden", version=2)


def test_the_remiss_is_registered_by_the_recipient_and_an_answer_by_the_sender() -> None:
    remiss = sent_remiss()
    assert REMISS_AT_THEIRS.registry_key(remiss) == "tekniska-namnden"
    assert ANSWER_AT_OURS.registry_key(remiss) == "stadskontoret"


def test_a_channel_registry_is_its_members_and_a_listed_one_its_registrators() -> None:
    assert in_registry(CHANNEL_REGISTRY, "U0ANYONE", {"U0ANYONE"})
    assert not in_registry(CHANNEL_REGISTRY, "U0ANYONE", set())
    assert in_registry(USER_REGISTRY, "U0R2", set()) and not in_registry(USER_REGISTRY, "U0X", {"U0X"})


def test_registering_records_the_trimmed_number_and_an_audit_entry() -> None:
    registration, entry = register(REMISS_AT_THEIRS, USER_REGISTRY, None, "  TN 2023/512 ", "U0R1", (), T0)
    assert registration == Registration(REMISS_AT_THEIRS, "TN 2023/512", "U0R1", T0)
    assert (entry.action, entry.actor, entry.organisation_key) == (AuditAction.REGISTERED, "U0R1", "tekniska-namnden")
    assert entry.details_dict == {
        "number": "TN 2023/512",
        "registry": "tekniska-namnden",
        "subject": "remiss",
        "version": "0",
    }


def test_someone_outside_the_registry_is_refused_naming_it() -> None:
    with pytest.raises(DomainError) as refused:
        register(ANSWER_AT_OURS, CHANNEL_REGISTRY, None, "STK-1", "U0OUTSIDE", {"U0REGSTK"}, T0)
    assert refused.value.code is ErrorCode.NOT_IN_REGISTRY and refused.value.params["organisation"] == "Stadskontoret"


def test_a_second_registration_is_refused_saying_by_whom_when_and_as_what() -> None:
    first = Registration(REMISS_AT_THEIRS, "TN-2023-512", "U0R1", T0)
    with pytest.raises(DomainError) as refused:
        register(REMISS_AT_THEIRS, USER_REGISTRY, first, "TN-2023-999", "U0R2", (), T0)
    assert refused.value.code is ErrorCode.ALREADY_REGISTERED
    assert refused.value.params == {"by": "U0R1", "at": T0, "number": "TN-2023-512"}


@pytest.mark.parametrize(
    ("number", "code"), [("", ErrorCode.FIELD_REQUIRED), ("<!here>", ErrorCode.INVALID_CASE_NUMBER)]
)
def test_a_number_that_is_none_is_refused_on_its_field(number: str, code: ErrorCode) -> None:
    with pytest.raises(DomainError) as refused:
        register(REMISS_AT_THEIRS, USER_REGISTRY, None, number, "U0R1", (), T0)
    assert (refused.value.code, refused.value.field) == (code, "number")


@pytest.mark.parametrize("registry", [("C0REG", "U0R1"), ("C0A", "C0B"), ("reg@malmo.se",), ("#registratur",)])
def test_a_registry_is_one_channel_or_user_ids_only(registry: tuple[str, ...]) -> None:
    with pytest.raises(DomainError) as refused:
        Organisation("mkb", "MKB", "MKB", OrgKind.BOLAG, registry=registry)
    assert (refused.value.code, refused.value.field) == (ErrorCode.INVALID_REGISTRY, "registry")
