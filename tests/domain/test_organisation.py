"""The organisation directory's rules."""

from __future__ import annotations

import pytest

from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.organisation import Directory, Organisation, OrgKind, is_contact_ref


def org(key: str, kind: OrgKind = OrgKind.NAMND, **kw: object) -> Organisation:
    return Organisation(key=key, name=key.title(), short_name=key[:3].upper(), kind=kind, **kw)  # type: ignore[arg-type]


def test_contacts_are_slack_user_ids_or_email_addresses() -> None:
    assert is_contact_ref("U012AB3CD")
    assert is_contact_ref("W012AB3CD")
    assert is_contact_ref("mia.idestrom@malmo.se")
    assert not is_contact_ref("Mia Idestrom")
    assert not is_contact_ref("<@U012AB3CD>")


def test_an_organisation_with_a_bad_key_or_contact_is_refused() -> None:
    with pytest.raises(DomainError) as bad_key:
        org("Tekniska nämnden")
    assert bad_key.value.code is ErrorCode.INVALID_ORG_KEY
    with pytest.raises(DomainError) as bad_contact:
        org("tn", contacts=("anna",))
    assert bad_contact.value.code is ErrorCode.INVALID_CONTACT


def test_the_directory_keeps_its_order_and_finds_by_key_and_kind() -> None:
    directory = Directory((org("tn"), org("mkb", OrgKind.BOLAG), org("sbn"), org("old", active=False)))
    assert [o.key for o in directory.of_kind(OrgKind.NAMND)] == ["tn", "sbn"]
    assert [o.key for o in directory.active()] == ["tn", "mkb", "sbn"]
    assert directory.sorted_keys(["sbn", "unknown", "tn"]) == ["tn", "sbn", "unknown"]
    assert "mkb" in directory
    with pytest.raises(DomainError) as unknown:
        directory.require("nope")
    assert unknown.value.code is ErrorCode.UNKNOWN_ORGANISATION


def test_a_directory_with_two_organisations_under_one_key_is_refused() -> None:
    with pytest.raises(DomainError) as refused:
        Directory((org("tn"), org("tn")))
    assert refused.value.code is ErrorCode.DUPLICATE_ORG_KEY
