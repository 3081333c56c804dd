"""End-to-end fixtures: the real app over real HTTP against the loopback Slack, on SQLite or PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine

from bot.core.domain.organisation import Directory, Organisation
from bot.core.domain.reaching import ResendOffer
from bot.core.domain.remiss import QuestionKind
from bot.core.usecases.results import RemissInput
from devtools.clocks import FakeClock
from devtools.sandbox.harness import Sandbox, SandboxUser, running_sandbox
from tests.conftest import Engines

COORDINATOR = "U0MIA"
USERS = [
    SandboxUser(COORDINATOR, "mia", "Mia Idestrom", "mia.idestrom@malmo.se"),
    SandboxUser("U0ANNA", "anna", "Anna Andersson", "anna.andersson@malmo.se"),
    SandboxUser("U0BERTIL", "bertil", "Bertil Berg", "bertil.berg@malmo.se"),
]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2023, 10, 2, 7, 0, tzinfo=UTC))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """Each end-to-end test runs on the embedded SQLite file and on PostgreSQL, both empty and migrated
    (migrating an empty database is tested in tests/storage, starting on one in tests/test_scheduling.py);
    each at the same URL in every test, so that database_engine can be reused."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("reused_sqlite_url"))
    return str(request.getfixturevalue("emptied_postgres_url"))


@pytest.fixture
def database_engine(database_url: str, engines: Engines) -> Engine:
    """The run's engine on that database, for running_sandbox (its compiled statements kept from test to test)."""
    return engines[database_url]


@pytest.fixture
def box(database_url: str, database_engine: Engine, clock: FakeClock) -> Iterator[Sandbox]:
    """The sandbox with Anna's colleague Cecilia, a deactivated account and an app user (test_chat's
    official_sandbox), which most tests of officials in Slack use; a module that needs another defines its own."""
    from tests.e2e.test_chat import official_sandbox  # imported here: test_chat imports this module

    with official_sandbox(database_url, database_engine, clock) as sandbox:
        yield sandbox


@pytest.fixture
def sandbox(database_url: str, database_engine: Engine, clock: FakeClock) -> Iterator[Sandbox]:
    with running_sandbox(
        database_url=database_url, engine=database_engine, users=USERS, coordinators=[COORDINATOR], clock=clock
    ) as box:
        yield box
        # The fake grants the manifest's scopes, as Slack does: a call they don't cover would fail in real Slack
        # even where the app swallows the error (the courier's lookups then only log a warning).
        assert box.fake.scope_refusals == [], "manifest.json lacks a scope the app uses"


def send_as_coordinator(
    box: Sandbox,
    title: str,
    questions: Sequence[str],
    recipient_keys: list[str],
    kinds: Sequence[QuestionKind] = (),
) -> None:
    """The coordinator drafts and sends STK-2023-137 (deadline 30 November 2023); the questions are of `kinds`,
    else ställningstagande (a position asked on each)."""
    service = box.core.service
    coordinator = service.actor(COORDINATOR)
    data = RemissInput(
        case_number="STK-2023-137",
        title=title,
        questions=[(q, kinds[n] if n < len(kinds) else QuestionKind.POSITION) for n, q in enumerate(questions)],
        deadline=date(2023, 11, 30),
        recipient_keys=recipient_keys,
    )
    service.drafting.create_draft(coordinator, data)
    service.drafting.send(coordinator, data.case_number)


def load_directory(
    box: Sandbox,
    contacts: Mapping[str, tuple[str, ...]],
    change: Callable[[Organisation], Organisation] = lambda organisation: organisation,
) -> list[ResendOffer]:
    """What `remissbot orgs load` does: the directory replaced by the one it holds, these organisations with these
    contacts (the rest with none), each then `change`d (stand-ins, a registry, meetings). Returns the offers to
    send again."""
    service = box.core.service
    directory = Directory(
        tuple(change(replace(o, contacts=contacts.get(o.key, ()))) for o in service.directory.directory())
    )
    return service.directory.replace_directory(directory)
