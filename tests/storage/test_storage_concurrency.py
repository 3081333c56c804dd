"""Concurrent writers on every backend: no lost update, no "database is locked"; and no N+1 queries."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from sqlalchemy import event

from bot.core.ports.store import Store
from storage import SqlStore
from tests.storage.samples import (
    CASE,
    COORDINATOR,
    NOW,
    TODAY,
    answer_content,
    directory,
    official,
    org_key,
    recipient,
    sent_remiss,
    submit_answer,
)

THREADS = 8


def at_once(work: Callable[[int], object], count: int = THREADS) -> list[object]:
    """Run work(0) … work(count - 1) in threads released together; re-raises the first error."""
    barrier = threading.Barrier(count)

    def released(i: int) -> object:
        barrier.wait(timeout=30)
        return work(i)

    with ThreadPoolExecutor(count) as pool:
        futures = [pool.submit(released, i) for i in range(count)]
        return [future.result(timeout=60) for future in futures]


def test_eight_officials_submitting_at_once_for_different_recipients_all_get_their_answer_saved(
    store: Store,
) -> None:
    with store.transaction() as repo:
        sent_remiss(repo, recipients=THREADS)

    at_once(lambda i: submit_answer(store, i + 1, f"Svar från nämnd {i + 1}"))

    with store.read() as repo:
        recipients = repo.remisses.list_recipients(CASE)
        trail = repo.remisses.list_audit(CASE)
    answers = [r.current_response.content.answers[0].text if r.current_response else None for r in recipients]
    assert answers == [f"Svar från nämnd {n}" for n in range(1, THREADS + 1)]
    assert sorted(str(e.organisation_key) for e in trail) == sorted(org_key(n) for n in range(1, THREADS + 1))


def test_eight_submissions_at_once_for_one_recipient_become_versions_one_to_eight(store: Store) -> None:
    with store.transaction() as repo:
        sent_remiss(repo, recipients=1)

    at_once(lambda i: submit_answer(store, 1, f"Version från tråd {i}"))

    with store.read() as repo:
        rec = repo.remisses.get_recipient(CASE, org_key(1))
    assert rec is not None
    assert [r.version for r in rec.responses] == list(range(1, THREADS + 1))
    texts = {r.content.answers[0].text for r in rec.responses}
    assert texts == {f"Version från tråd {i}" for i in range(THREADS)}


def test_eight_submissions_at_once_read_leanly_still_become_versions_one_to_eight(store: Store) -> None:
    """UseCase._act reads with get_assignment inside its transaction: it must lock as get_recipient does."""
    with store.transaction() as repo:
        sent_remiss(repo, recipients=2)

    def submit(i: int) -> None:
        with store.transaction() as repo:
            found = repo.remisses.get_assignment(CASE, org_key(1 + i % 2))
            assert found is not None
            found.recipient.submit(found.remiss, answer_content(f"Version {i}"), official(1), NOW, TODAY)
            repo.remisses.save_recipient(found.recipient)

    at_once(submit)

    with store.read() as repo:
        versions = [[r.version for r in rec.responses] for rec in repo.remisses.list_recipients(CASE)]
    assert versions == [list(range(1, THREADS // 2 + 1))] * 2


def test_eight_coordinators_added_at_once_to_one_remiss_are_all_kept(store: Store) -> None:
    with store.transaction() as repo:
        sent_remiss(repo, recipients=0)

    def add_coordinator(i: int) -> None:
        with store.transaction() as repo:
            stored = repo.remisses.get_remiss(CASE)
            assert stored is not None
            stored.coordinators = (*stored.coordinators, f"U0EXTRA{i:02d}")
            repo.remisses.save_remiss(stored)

    at_once(add_coordinator)

    with store.read() as repo:
        stored = repo.remisses.get_remiss(CASE)
    assert stored is not None
    assert sorted(stored.coordinators[2:]) == [f"U0EXTRA{i:02d}" for i in range(THREADS)]


def test_exactly_one_of_eight_simultaneous_claims_of_an_event_wins(store: Store) -> None:
    def claim(_: int) -> bool:
        with store.transaction() as repo:
            return repo.edge.claim_delivery("Ev0SAME0001", NOW)

    claims = at_once(claim)

    assert sorted(claims, key=bool) == [False] * (THREADS - 1) + [True]


def test_a_reader_is_not_blocked_by_an_open_write_transaction(store: Store) -> None:
    with store.transaction() as repo:
        repo.directory.replace_directory(directory(2))
    written = threading.Event()
    read_done = threading.Event()

    def write_and_wait() -> bool:
        with store.transaction() as repo:
            repo.directory.replace_directory(directory(5))
            repo.edge.claim_delivery("Ev0WRITER01", NOW)
            written.set()
            # The transaction stays open (holding SQLite's write lock) until the reader is done.
            return read_done.wait(timeout=30)

    with ThreadPoolExecutor(1) as pool:
        writer = pool.submit(write_and_wait)
        assert written.wait(timeout=30)
        with store.read() as repo:
            seen = len(repo.directory.load_directory())
        read_done.set()
        assert writer.result(timeout=30)

    assert seen == 3
    with store.read() as repo:
        assert len(repo.directory.load_directory()) == 6


# -- queries -----------------------------------------------------------------------------------------
def test_loading_five_hundred_recipients_with_their_responses_takes_a_handful_of_queries(
    sql_store: SqlStore,
) -> None:
    count = 500
    with sql_store.transaction() as repo:
        repo.directory.replace_directory(directory(count))
        stored = sent_remiss(repo, recipients=0)
        for n in range(1, count + 1):
            rec = recipient(n)
            rec.submit(stored, answer_content(f"Svar {n}"), official(n), NOW, TODAY)
            rec.submit(stored, answer_content(f"Rättat svar {n}"), official(n), NOW, TODAY)
            rec.extend(stored, date(2023, 12, 8), COORDINATOR, NOW)
            repo.remisses.add_recipient(rec)
    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(sql_store.engine, "before_cursor_execute", record)
    try:
        with sql_store.read() as repo:
            recipients = repo.remisses.list_recipients(CASE)
            loaded = repo.remisses.get_remiss(CASE)
    finally:
        event.remove(sql_store.engine, "before_cursor_execute", record)

    assert len(recipients) == count
    assert all(len(r.responses) == 2 and len(r.extensions) == 1 for r in recipients)
    assert recipients[-1].responses[1].content.answers[0].text == f"Rättat svar {count}"
    assert loaded == stored
    # BEGIN (SQLite), remiss id, recipients, officials, versions, extensions; remiss, questions, documents.
    assert len(statements) <= 9, statements
