"""Shared test fixtures: PostgreSQL in throwaway schemas, SQLite in temp files, stores on each backend.

Migrating costs more than most tests: a run migrates each backend once (per worker) and every test that
needs an empty database at the newest schema gets a copy of the migrated SQLite file, or the run's
PostgreSQL schema with its tables emptied. Tests of the migrations themselves start from empty databases.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import settings
from sqlalchemy import Engine, create_engine
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool
from sqlmodel import SQLModel

from bot.core.ports.store import Store
from devtools import answer_history
from devtools.answer_history import History
from devtools.memory import MemoryStore
from storage import SqlStore, make_engine, upgrade
from tests.faults import quick_to_fail
from tests.system import missing

if TYPE_CHECKING:
    from tests.demo_played import Played

# No deadline on a generated example: the suite runs on shared, busy machines, where one example of a pure function
# can take over hypothesis' default 200 ms and fail as "flaky" although nothing in it is about time.
settings.register_profile("remissbot", deadline=None)
settings.load_profile("remissbot")

POSTGRES_URL_ENV = "REMISSBOT_TEST_POSTGRES_URL"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


# -- databases ---------------------------------------------------------------------------------------
@contextmanager
def sqlite_file_url() -> Iterator[str]:
    """A SQLite database in a folder of its own, removed afterwards (the benches' throwaway database)."""
    with tempfile.TemporaryDirectory() as directory:
        yield f"sqlite:///{Path(directory) / 'bench.db'}"


@contextmanager
def postgres_schema(server_url: str) -> Iterator[str]:
    """A new schema with a random name (so parallel runs don't collide), dropped afterwards.

    Yields a URL whose connections use that schema (search_path), so the code under test needs no
    schema names of its own.
    """
    schema = f"remissbot_test_{secrets.token_hex(6)}"
    admin = create_engine(server_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        url = make_url(server_url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    """The test PostgreSQL server; skipped when it can't be reached, except in CI where that fails."""
    url = os.environ.get(POSTGRES_URL_ENV, DEFAULT_POSTGRES_URL)
    probe = create_engine(url, poolclass=NullPool, connect_args={"connect_timeout": 3})
    try:
        with probe.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except sa_exc.DBAPIError as error:
        reason = next(iter(str(error.orig).splitlines()), "")
        message = f"PostgreSQL was not reachable at {make_url(url)!r} (set {POSTGRES_URL_ENV}): {reason}"
        missing(message)
    finally:
        probe.dispose()
    return url


@pytest.fixture(scope="session")
def postgres_url(postgres_server_url: str) -> Iterator[str]:
    """A PostgreSQL URL on a schema of its own for this test run."""
    with postgres_schema(postgres_server_url) as url:
        yield url


@pytest.fixture
def fresh_postgres_url(postgres_server_url: str) -> Iterator[str]:
    """A PostgreSQL URL on an empty schema of its own for one test (migration tests need it empty)."""
    with postgres_schema(postgres_server_url) as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite database file in the test's temp directory (created on first connection)."""
    return f"sqlite:///{tmp_path / 'remissbot.db'}"


@pytest.fixture(scope="session")
def migrated_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to the newest schema once per run, to be copied, never opened by a test."""
    path = tmp_path_factory.mktemp("migrated") / "remissbot.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        upgrade(engine)
        with engine.connect() as connection:
            # Everything in the file itself (WAL mode stays set in its header), so a copy is complete.
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()
    return path


@pytest.fixture
def migrated_sqlite_url(tmp_path: Path, migrated_sqlite_file: Path, request: pytest.FixtureRequest) -> str:
    """An empty SQLite database at the newest schema in the test's temp directory: a copy of the migrated one.

    A test marked `database_outage` gets a URL whose writes give up on a lock after half a second, not five.
    """
    path = tmp_path / "remissbot.db"
    shutil.copyfile(migrated_sqlite_file, path)
    url = f"sqlite:///{path}"
    return quick_to_fail(url) if request.node.get_closest_marker("database_outage") else url


class Engines:
    """One engine per database URL for the whole run (per worker): the end-to-end tests build the app on it
    hundreds of times, and SQLAlchemy compiles each statement once per engine, so a new engine per test
    compiled them all again every time. Each sandbox disposes it when it stops (its connections are closed,
    the engine and its compiled statements stay)."""

    def __init__(self) -> None:
        self._engines: dict[str, Engine] = {}

    def __getitem__(self, url: str) -> Engine:
        engine = self._engines.get(url)
        if engine is None:
            engine = self._engines[url] = make_engine(url)
        return engine

    def dispose(self) -> None:
        for engine in self._engines.values():
            engine.dispose()


@pytest.fixture(scope="session")
def engines() -> Iterator[Engines]:
    kept = Engines()
    yield kept
    kept.dispose()


@pytest.fixture(scope="session")
def reused_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where this run's (this worker's) reused SQLite database lives: one path, so one engine can serve it."""
    return tmp_path_factory.mktemp("reused") / "remissbot.db"


@pytest.fixture
def reused_sqlite_url(
    reused_sqlite_file: Path, migrated_sqlite_file: Path, engines: Engines, request: pytest.FixtureRequest
) -> str:
    """An empty SQLite database at the newest schema, always at the same path: for this test the file is
    replaced by a new copy of the migrated one (the engines are disposed first, so no connection of theirs
    still has the old one open; one left open elsewhere keeps the old file, which nothing else sees).

    A test marked `database_outage` gets a URL whose writes give up on a lock after half a second, not five.
    """
    engines.dispose()
    path = reused_sqlite_file
    for leftover in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    copy = path.with_name(path.name + ".new")
    shutil.copyfile(migrated_sqlite_file, copy)
    copy.replace(path)
    url = f"sqlite:///{path}"
    return quick_to_fail(url) if request.node.get_closest_marker("database_outage") else url


@pytest.fixture
def emptied_postgres_url(postgres_url: str, migrated_postgres_engine: Engine) -> str:
    """The run's PostgreSQL schema, migrated once, with every table emptied for this test."""
    _emptied(migrated_postgres_engine)
    return postgres_url


@pytest.fixture(scope="session")
def demo_played(tmp_path_factory: pytest.TempPathFactory) -> Played:
    """The demo played once per run (per worker: modules using it are in the xdist group "demo"), read only."""
    from tests.demo_played import play_demo  # imported here: a worker that never plays it need not load it

    return play_demo(tmp_path_factory.mktemp("demo"))


# -- stores ------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def answer_history_played() -> History:
    """The generated answer history (devtools.answer_history), played once per run on the memory store (per
    worker: modules using it are in the xdist group "answer_history"), read only."""
    return answer_history.build()


@pytest.fixture(scope="session")
def migrated_postgres_engine(postgres_url: str) -> Iterator[Engine]:
    """One migrated engine per run; tests empty its tables instead of migrating again."""
    engine = make_engine(postgres_url)
    upgrade(engine)
    yield engine
    engine.dispose()


def _emptied(engine: Engine) -> Engine:
    """Every table emptied and every sequence back at 1, as in a freshly migrated schema.

    DELETE, children first, rather than TRUNCATE: a test leaves a few rows, and TRUNCATE of 22 tables costs
    PostgreSQL a new file and a WAL flush for each (95 ms a test, against 3 ms), which the run pays some 900 times.
    """
    with engine.begin() as connection:
        # A connection a finished test left in a transaction would make this wait forever: fail instead.
        connection.exec_driver_sql("SET LOCAL lock_timeout = '30s'")
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.exec_driver_sql(f'DELETE FROM "{table.name}"')
        connection.exec_driver_sql(
            "SELECT setval((quote_ident(schemaname) || '.' || quote_ident(sequencename))::regclass, 1, false)"
            " FROM pg_sequences WHERE schemaname = current_schema()"
        )
    return engine


@contextmanager
def _sql_store(backend: str, request: pytest.FixtureRequest) -> Iterator[SqlStore]:
    if backend == "postgres":
        yield SqlStore(_emptied(request.getfixturevalue("migrated_postgres_engine")))
        return
    engine = make_engine(request.getfixturevalue("migrated_sqlite_url"))
    try:
        yield SqlStore(engine)
    finally:
        engine.dispose()


_POSTGRES = pytest.param("postgres", marks=pytest.mark.postgres)


@pytest.fixture(params=["memory", "sqlite", _POSTGRES])
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    """An empty store on each backend: in memory, SQLite (temp file) and PostgreSQL (own schema)."""
    if request.param == "memory":
        yield MemoryStore()
        return
    with _sql_store(request.param, request) as sql:
        yield sql


@pytest.fixture(params=["sqlite", _POSTGRES])
def sql_store(request: pytest.FixtureRequest) -> Iterator[SqlStore]:
    """An empty SqlStore on SQLite and on PostgreSQL, for tests of the SQL side only."""
    with _sql_store(request.param, request) as sql:
        yield sql


# -- workers ---------------------------------------------------------------------------------------------


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook, which reads the groups into the tests' ids
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Keep on one worker (xdist's --dist loadgroup) the tests of a module that sets up a fixture of its own once
    per module: a PDF, a played history, an archive package made once, not once on every worker that runs one of
    the module's tests. A module that names its group keeps it."""
    for item in items:
        if item.get_closest_marker("xdist_group") is not None:
            continue
        module = item.getparent(pytest.Module)
        info = getattr(item, "_fixtureinfo", None)
        if module is None or info is None:
            continue
        for definitions in info.name2fixturedefs.values():
            if any(d.scope == "module" and d.baseid == module.nodeid for d in definitions):
                item.add_marker(pytest.mark.xdist_group(module.nodeid))
                break
