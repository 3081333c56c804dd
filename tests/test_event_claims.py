"""A Slack event is marked handled with its work, never before it: on memory, SQLite and PostgreSQL.

The rule lives in UseCases (claim in the work's transaction, or claim then release if the work fails);
the stores only insert and delete the mark. Faults are real where the store is real (tests/faults.py).
"""

from __future__ import annotations

import pytest

from bot.core.domain.audit import AuditAction
from bot.core.domain.errors import DomainError
from bot.core.ports.store import Store, StoreUnavailable
from bot.core.usecases import UseCases, build_use_cases
from devtools.clocks import FakeClock
from storage import SqlStore
from tests.faults import database_down
from tests.service.support import COORDINATOR, START, RecordingUsers, directory, sent

pytestmark = pytest.mark.database_outage

CASE, ORG, OFFICIAL = "STK-2023-137", "tekniska-namnden", "UTN1"


def sent_on(store: Store) -> UseCases:
    service = build_use_cases(store, FakeClock(START), users=RecordingUsers({}), coordinators=[COORDINATOR])
    service.directory.seed_directory(directory())
    sent(service)
    return service


@pytest.fixture
def service(store: Store) -> UseCases:
    return sent_on(store)


def drafted(service: UseCases) -> int:
    return sum(
        1 for e in service.queries.audit_trail(CASE) if e.action is AuditAction.DRAFTED and e.organisation_key == ORG
    )


def draft(service: UseCases) -> dict[int, str]:
    row = next(r for r in service.queries.overview(CASE).rows if r.organisation.key == ORG)
    return {a.question_number: a.text for a in row.recipient.draft.content.answers} if row.recipient.draft else {}


def test_answers_from_one_event_are_stored_once_however_often_it_is_delivered(service: UseCases) -> None:
    official = service.actor(OFFICIAL)
    first = service.answering.merge_draft_answers(official, CASE, ORG, {1: "Ja."}, event_id="Ev1")
    again = service.answering.merge_draft_answers(official, CASE, ORG, {1: "Ja."}, event_id="Ev1")
    assert first is not None
    assert again is None
    assert drafted(service) == 1
    assert service.edge.claim_delivery("Ev1") is False


def test_a_refused_answer_leaves_its_event_unhandled(service: UseCases) -> None:
    with pytest.raises(DomainError):
        service.answering.merge_draft_answers(service.actor("USTRANGER"), CASE, ORG, {1: "Nej."}, event_id="Ev2")
    assert service.edge.claim_delivery("Ev2") is True  # the refusal's reply is then posted once, through once()


def test_work_only_slack_sees_runs_once_and_again_after_it_failed(service: UseCases) -> None:
    done: list[str] = []

    def fails() -> None:
        raise ConnectionError("Slack could not be reached")

    with pytest.raises(ConnectionError):
        service.edge.once("Ev3", fails)
    assert service.edge.once("Ev3", lambda: done.append("posted")) is True
    assert service.edge.once("Ev3", lambda: done.append("posted again")) is False
    assert service.edge.once(None, lambda: done.append("no event id: always")) is True
    assert done == ["posted", "no event id: always"]


def test_answers_written_while_the_database_is_down_leave_the_event_unhandled(sql_store: SqlStore) -> None:
    service = sent_on(sql_store)
    official = service.actor(OFFICIAL)
    with database_down(sql_store.engine.url.render_as_string(hide_password=False)), pytest.raises(StoreUnavailable):
        service.answering.merge_draft_answers(official, CASE, ORG, {1: "Ja, i hela staden."}, event_id="Ev4")
    assert draft(service) == {}
    assert (
        service.answering.merge_draft_answers(official, CASE, ORG, {1: "Ja, i hela staden."}, event_id="Ev4")
        is not None
    )
    assert service.answering.merge_draft_answers(official, CASE, ORG, {1: "Ja, i hela staden."}, event_id="Ev4") is None
    assert draft(service) == {1: "Ja, i hela staden."}
    assert drafted(service) == 1
