"""Transaction.remisses.get_assignment, the answer form's lean read, against MemoryStore, SQLite and PostgreSQL alike:
it gives exactly what get_remiss and get_recipient give, in a read-only view and in a transaction."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from bot.core.domain.remiss import Answer, Draft, ResponseContent, ResponseKind
from bot.core.ports.remisses import Assignment
from bot.core.ports.store import Store, Transaction
from tests.storage.samples import (
    CASE,
    NOW,
    TODAY,
    answer_content,
    give_history,
    official,
    org_key,
    sent_remiss,
)


def _expected(repo: Transaction, organisation: int) -> Assignment:
    remiss = repo.remisses.get_remiss(CASE)
    found = repo.remisses.get_recipient(CASE, org_key(organisation))
    assert remiss is not None and found is not None
    return Assignment(remiss, found)


def test_an_assignment_is_its_remiss_and_recipient_with_draft_versions_and_extensions(store: Store) -> None:
    with store.transaction() as repo:
        stored = sent_remiss(repo, recipients=2)
        added = repo.remisses.get_recipient(CASE, org_key(1))
    assert added is not None
    added.officials = (official(1), official(2), "U0ZZZ")
    give_history(added, stored)
    added.draft = Draft(ResponseContent(ResponseKind.PRELIMINARY, (Answer(2, "Utkast 📝"),)), official(2), NOW)
    with store.transaction() as repo:
        repo.remisses.save_recipient(added)

    with store.read() as repo:
        read = repo.remisses.get_assignment(CASE, org_key(1))
        untouched = repo.remisses.get_assignment(CASE, org_key(2))
        assert read == _expected(repo, 1)
        assert untouched == _expected(repo, 2)
    assert read is not None and untouched is not None
    assert read.recipient == replace(added, id=read.recipient.id)
    assert [r.version for r in read.recipient.responses] == [1, 2]
    assert read.recipient.deadline == date(2023, 12, 8)
    assert untouched.recipient.draft is None and untouched.recipient.responses == []
    assert read.remiss.questions == stored.questions and read.remiss.documents == stored.documents


def test_an_assignment_read_in_a_transaction_can_be_changed_and_saved(store: Store) -> None:
    with store.transaction() as repo:
        stored = sent_remiss(repo, recipients=1)
    with store.transaction() as repo:
        found = repo.remisses.get_assignment(CASE, org_key(1))
        assert found is not None
        found.recipient.submit(stored, answer_content(), official(1), NOW, TODAY)
        repo.remisses.save_recipient(found.recipient)
    with store.read() as repo:
        loaded = repo.remisses.get_assignment(CASE, org_key(1))
    assert loaded is not None
    assert [r.content for r in loaded.recipient.responses] == [answer_content()]


def test_no_assignment_for_an_unknown_remiss_or_an_organisation_it_was_not_sent_to(store: Store) -> None:
    with store.transaction() as repo:
        sent_remiss(repo, recipients=1)
    with store.read() as repo:
        assert repo.remisses.get_assignment("STK-2023-999", org_key(1)) is None
        assert repo.remisses.get_assignment(CASE, org_key(2)) is None
        assert repo.remisses.get_assignment(CASE, "no-such-organisation") is None
