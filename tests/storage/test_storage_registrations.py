"""Registrations in the registries, on every store: kept once per item, read back per remiss."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.domain.registry import Registration, RegistryItem, RegistrySubject
from bot.core.ports.store import Store
from tests.storage.samples import CASE, NOW, org_key, sent_remiss


def test_registrations_come_back_per_remiss_and_each_item_is_kept_once(store: Store) -> None:
    remiss_at_theirs = RegistryItem(RegistrySubject.REMISS, CASE, org_key(1))
    answer_at_ours = RegistryItem(RegistrySubject.ANSWER, CASE, org_key(1), version=2)
    with store.transaction() as repo:
        sent_remiss(repo)
        first = repo.remisses.add_registration(Registration(remiss_at_theirs, "TN-2023-512", "U0REG01", NOW))
        repo.remisses.add_registration(Registration(answer_at_ours, "STK-2023-137-14", "U0REGSTK", NOW))
    assert first.id is not None

    with store.transaction() as repo, pytest.raises(ValueError, match="registered already"):
        repo.remisses.add_registration(Registration(remiss_at_theirs, "TN-9", "U0REG02", NOW + timedelta(hours=1)))

    with store.read() as repo:
        found = repo.remisses.registrations(CASE)
        assert repo.remisses.registrations("STK-2023-999") == []
    assert [(r.item, r.number, r.registered_by, r.registered_at) for r in found] == [
        (remiss_at_theirs, "TN-2023-512", "U0REG01", NOW),
        (answer_at_ours, "STK-2023-137-14", "U0REGSTK", NOW),
    ]
