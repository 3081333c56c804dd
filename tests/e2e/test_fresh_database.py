"""Every end-to-end test starts on an empty database at the newest schema, though one engine (and the statements
it compiled) serves the run: what a test wrote, claimed or numbered is gone for the next."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import SQLModel, col

from devtools.clocks import FakeClock
from devtools.sandbox.harness import running_sandbox
from storage.migrate import schema_problem
from storage.tables import RemissRow
from tests.e2e.conftest import COORDINATOR, USERS, send_as_coordinator

SAME_EVENT = "Ev0SAMEINEVERYTEST"


def rows_in(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        counts = {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in SQLModel.metadata.sorted_tables
        }
    return {name: count for name, count in counts.items() if count}


# Two runs, so that (on one worker, as with -n 0) the second follows a test that wrote everything it checks.
@pytest.mark.parametrize("run", ["first", "second"])
def test_a_test_starts_on_an_empty_migrated_database_whatever_the_one_before_it_left(
    run: str, database_url: str, database_engine: Engine, clock: FakeClock
) -> None:
    assert rows_in(database_engine) == {}
    assert schema_problem(database_engine) is None
    with running_sandbox(
        database_url=database_url, engine=database_engine, users=USERS, coordinators=[COORDINATOR], clock=clock
    ) as box:
        assert box.core.engine is database_engine  # the app is built on the run's engine, not a new one
        handled: list[str] = []
        # A Slack event id this test claims (a leftover claim would make the app skip the event as handled).
        assert box.core.service.edge.once(SAME_EVENT, lambda: handled.append(run))
        send_as_coordinator(box, "Områdeslyft", ["Hur bör arbetet organiseras?"], ["tekniska-namnden"])
        with database_engine.connect() as connection:
            numbered = list(connection.execute(select(col(RemissRow.id))).scalars())
    assert handled == [run]
    assert numbered == [1]  # the numbering starts again too
