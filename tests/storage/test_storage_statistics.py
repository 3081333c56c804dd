"""The statistics' lean read (RemissRepository.statistics_history) on every backend: memory, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

from bot.core.domain.extension import ExtensionRequest
from bot.core.domain.remiss import RemissStatus, ResponseKind
from bot.core.domain.statistics import COUNTED_STATUSES, RecipientHistory, VersionFact
from bot.core.ports.store import Store
from tests.storage.samples import (
    CASE,
    DEADLINE,
    NOW,
    give_history,
    official,
    org_key,
    recipient,
    remiss,
    sent_remiss,
)


def test_the_history_reads_versions_anstand_and_requests_of_sent_and_closed_remisses_only(store: Store) -> None:
    with store.transaction() as repo:
        stored = sent_remiss(repo, recipients=2)
        first = repo.remisses.get_recipient(CASE, org_key(1))
        assert first is not None
        first.officials = (official(1), official(2))
        give_history(first, stored)
        repo.remisses.save_recipient(first)
        for n in (1, 1, 2):
            repo.remisses.add_extension_request(
                ExtensionRequest(CASE, org_key(n), official(n), NOW, date(2023, 12, 15), "Möte")
            )
        # A closed remiss counts; a draft and a withdrawn one do not.
        closed = sent_remiss(repo, recipients=1, case_number="STK-2023-200")
        closed.close(NOW + timedelta(days=60))
        repo.remisses.save_remiss(closed)
        repo.remisses.add_remiss(remiss("STK-2023-300"))
        repo.remisses.add_recipient(recipient(3, "STK-2023-300"))
        gone = sent_remiss(repo, recipients=1, case_number="STK-2023-400")
        gone.withdraw(NOW, "U0COORD01", "Fel")
        repo.remisses.save_remiss(gone)
        # Another remiss's request for the same organisation is not this one's.
        repo.remisses.add_extension_request(
            ExtensionRequest("STK-2023-400", org_key(1), official(1), NOW, date(2023, 12, 15))
        )

    with store.read() as repo:
        found = repo.remisses.statistics_history(COUNTED_STATUSES)
        assert repo.remisses.statistics_history(()) == []

    sent_at = NOW + timedelta(minutes=5)
    by_key = {(h.case_number, h.organisation_key): h for h in found}
    assert set(by_key) == {(CASE, org_key(1)), (CASE, org_key(2)), ("STK-2023-200", org_key(1))}
    assert by_key[(CASE, org_key(1))] == RecipientHistory(
        case_number=CASE,
        organisation_key=org_key(1),
        sender_key="stadskontoret",
        status=RemissStatus.SENT,
        sent_at=sent_at,
        remiss_deadline=DEADLINE,
        extended_to=(date(2023, 12, 8),),
        versions=(
            VersionFact(1, ResponseKind.YTTRANDE, NOW + timedelta(hours=1)),
            VersionFact(2, ResponseKind.DELEGATION, NOW + timedelta(hours=3)),
        ),
        withdrawn_version=None,
        extension_requests=2,
    )
    assert by_key[(CASE, org_key(2))] == RecipientHistory(
        CASE, org_key(2), "stadskontoret", RemissStatus.SENT, sent_at, DEADLINE, extension_requests=1
    )
    assert by_key[("STK-2023-200", org_key(1))].status is RemissStatus.CLOSED
    assert by_key[("STK-2023-200", org_key(1))].extension_requests == 0
    assert by_key[(CASE, org_key(1))].deadline == date(2023, 12, 8)


def test_the_history_of_some_organisations_other_than_one_remiss_is_what_the_reminder_planner_reads(
    store: Store,
) -> None:
    """Remiss A (sent): organisation 1 answered (then withdrew and answered again), got anstånd and asked for it;
    2 did not answer. B (closed): 1 declined. A draft and a withdrawn remiss don't count; neither does an
    organisation not asked for, nor (`excluding`) the remiss being planned."""
    with store.transaction() as repo:
        sent_a = sent_remiss(repo, 2, "A-1")
        first = repo.remisses.get_recipient("A-1", org_key(1))
        assert first is not None
        first.officials = (official(1), official(2))
        give_history(first, sent_a)
        repo.remisses.save_recipient(first)

        sent_b = sent_remiss(repo, 1, "B-1")
        declining = repo.remisses.get_recipient("B-1", org_key(1))
        assert declining is not None
        repo.remisses.append_audit(
            declining.decline(sent_b, "Inget att tillägga.", official(1), NOW + timedelta(days=3))
        )
        repo.remisses.save_recipient(declining)
        for case in ("A-1", "B-1"):
            repo.remisses.add_extension_request(ExtensionRequest(case, org_key(1), official(1), NOW, DEADLINE))
        sent_b.close(NOW + timedelta(days=60))
        repo.remisses.save_remiss(sent_b)

        repo.remisses.add_remiss(remiss("C-1"))  # a draft
        repo.remisses.add_recipient(recipient(1, "C-1"))
        withdrawn = sent_remiss(repo, 1, "D-1")
        withdrawn.withdraw(NOW + timedelta(days=1), "U0COORD01", "Fel remiss.")
        repo.remisses.save_remiss(withdrawn)

    with store.read() as repo:
        some = repo.remisses.statistics_history(COUNTED_STATUSES, organisation_keys=[org_key(1), org_key(2), "x"])
        without_a = repo.remisses.statistics_history(
            COUNTED_STATUSES, organisation_keys=[org_key(1), org_key(2)], excluding="A-1"
        )
        everyone_but_a = repo.remisses.statistics_history(COUNTED_STATUSES, excluding="A-1")
        nobody = repo.remisses.statistics_history(COUNTED_STATUSES, organisation_keys=[])

    by_key = {(h.case_number, h.organisation_key): h for h in some}
    assert set(by_key) == {("A-1", org_key(1)), ("A-1", org_key(2)), ("B-1", org_key(1))}
    answered = by_key[("A-1", org_key(1))]
    assert (answered.deadline, answered.extension_requests) == (date(2023, 12, 8), 1)
    assert [(v.kind, v.submitted_at) for v in answered.versions] == [
        (ResponseKind.YTTRANDE, NOW + timedelta(hours=1)),
        (ResponseKind.DELEGATION, NOW + timedelta(hours=3)),
    ]
    assert by_key[("A-1", org_key(2))].versions == ()
    declined = by_key[("B-1", org_key(1))]
    assert (declined.status, declined.deadline, declined.extension_requests) == (RemissStatus.CLOSED, DEADLINE, 1)
    assert [(v.kind, v.submitted_at) for v in declined.versions] == [(ResponseKind.DECLINED, NOW + timedelta(days=3))]
    # (Equal to NOW's aware datetimes: times come back with their zone on every backend.)
    assert without_a == [declined]
    assert everyone_but_a == [declined]
    assert nobody == []
