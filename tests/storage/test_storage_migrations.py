"""Migrations: a fresh database gets the schema of storage/tables.py exactly; a mismatched one is refused."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text
from sqlmodel import SQLModel

import storage.migrate
from bot.core.domain.remiss import DecidingBody
from bot.core.ports.store import SchemaBehind, StoreUnavailable
from storage import SqlStore, ensure_schema, make_engine, upgrade
from storage.migrate import current_revision, head_revision
from tests.storage.samples import NOW

_EMPTY_POSTGRES = pytest.param("postgres", marks=pytest.mark.postgres)
NEXT_REVISION = "test_next"


@pytest.fixture(params=["sqlite", _EMPTY_POSTGRES])
def empty_engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """An engine on an empty database: a new SQLite file, or a new PostgreSQL schema."""
    url_fixture = "fresh_postgres_url" if request.param == "postgres" else "sqlite_url"
    engine = make_engine(request.getfixturevalue(url_fixture))
    yield engine
    engine.dispose()


@pytest.fixture
def newer_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Pretend this code has one more migration than the database: a copy of the scripts plus a no-op."""
    scripts = tmp_path / "migrations"
    shutil.copytree(storage.migrate.MIGRATIONS_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    old_head = head_revision()
    # Not numbered like the real ones, so it can't collide with whichever migration comes next.
    (scripts / "versions" / f"{NEXT_REVISION}_later.py").write_text(
        '"""A later migration that changes nothing."""\n\n'
        f'revision = "{NEXT_REVISION}"\ndown_revision = "{old_head}"\nbranch_labels = None\ndepends_on = None\n\n\n'
        "def upgrade() -> None:\n    pass\n\n\ndef downgrade() -> None:\n    pass\n"
    )
    monkeypatch.setattr(storage.migrate, "MIGRATIONS_DIR", scripts)
    return old_head


def schema_differences(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, SQLModel.metadata))


def test_an_empty_database_is_migrated_to_the_newest_schema(empty_engine: Engine) -> None:
    assert current_revision(empty_engine) is None

    ensure_schema(empty_engine, auto_upgrade=False)

    assert current_revision(empty_engine) == head_revision()
    SqlStore(empty_engine).check()


def test_the_migrated_schema_is_exactly_the_tables_module(empty_engine: Engine) -> None:
    upgrade(empty_engine)

    assert schema_differences(empty_engine) == []


def test_upgrading_a_current_database_changes_nothing(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    tables = set(inspect(empty_engine).get_table_names())

    upgrade(empty_engine)
    ensure_schema(empty_engine, auto_upgrade=False)

    assert set(inspect(empty_engine).get_table_names()) == tables
    assert tables == {*SQLModel.metadata.tables, "alembic_version"}


def test_a_schema_behind_the_code_is_refused_with_the_command_that_fixes_it(
    empty_engine: Engine, newer_code: str
) -> None:
    upgrade(empty_engine, newer_code)

    with pytest.raises(SchemaBehind) as refused:
        ensure_schema(empty_engine, auto_upgrade=False)

    message = str(refused.value)
    assert "remissbot db upgrade" in message
    assert "\n" not in message
    assert current_revision(empty_engine) == newer_code


def test_a_schema_behind_the_code_is_upgraded_when_allowed(empty_engine: Engine, newer_code: str) -> None:
    upgrade(empty_engine, newer_code)

    ensure_schema(empty_engine, auto_upgrade=True)

    assert current_revision(empty_engine) == NEXT_REVISION


def test_a_schema_from_a_newer_remissbot_is_refused(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    with empty_engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0999'")

    with pytest.raises(StoreUnavailable) as refused:
        ensure_schema(empty_engine, auto_upgrade=True)

    assert not isinstance(refused.value, SchemaBehind)
    assert "0999" in str(refused.value)
    assert "Uppgradera remissbot" in str(refused.value)


def test_tables_made_without_migrations_are_refused(empty_engine: Engine) -> None:
    SQLModel.metadata.create_all(empty_engine)

    with pytest.raises(StoreUnavailable, match="ingen schemaversion"):
        ensure_schema(empty_engine, auto_upgrade=True)


def test_an_in_memory_sqlite_database_can_be_migrated_and_used() -> None:
    engine = make_engine("sqlite://")

    upgrade(engine)

    store = SqlStore(engine)
    with store.transaction() as repo:
        repo.edge.claim_delivery("Ev0MEMORY01", NOW)
    with store.transaction() as repo:
        claimed_again = repo.edge.claim_delivery("Ev0MEMORY01", NOW)

    assert current_revision(engine) == head_revision()
    assert schema_differences(engine) == []
    assert claimed_again is False


def test_replicas_starting_together_migrate_the_database_once(empty_engine: Engine) -> None:
    barrier = threading.Barrier(4)

    def start() -> None:
        barrier.wait(timeout=30)
        ensure_schema(empty_engine, auto_upgrade=False)

    with ThreadPoolExecutor(4) as pool:
        for started in [pool.submit(start) for _ in range(4)]:
            started.result(timeout=60)

    assert current_revision(empty_engine) == head_revision()
    assert schema_differences(empty_engine) == []


def test_the_migration_files_are_read_once_per_process(empty_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every start (build_core, each CLI command) checks the schema; the scripts can't change while the
    process runs, so only the first check reads them, and a database at the newest schema runs no migration."""
    head_revision()  # the first use in this process reads them

    def read_again(*args: object, **kwargs: object) -> None:
        raise AssertionError("the migration files were read again")

    monkeypatch.setattr(ScriptDirectory, "from_config", read_again)
    ensure_schema(empty_engine, auto_upgrade=False)  # an empty database: migrated from the scripts already read
    assert current_revision(empty_engine) == head_revision()

    def migrate_again(*args: object, **kwargs: object) -> None:
        raise AssertionError("a database at the newest schema was migrated")

    monkeypatch.setattr(storage.migrate, "EnvironmentContext", migrate_again)
    ensure_schema(empty_engine, auto_upgrade=False)
    assert storage.migrate.schema_problem(empty_engine) is None


def test_0007_keeps_a_delegations_decider_and_says_it_was_a_delegate(empty_engine: Engine) -> None:
    """An answer stored before the deciding body had a kind: its name stays, a delegation's body is a delegate,
    an yttrande's stays unknown; organisations have no registry until the directory names one."""
    upgrade(empty_engine, "0005")
    rows = [
        "INSERT INTO organisation (key, name, short_name, kind, contacts, stand_ins, aliases, active, position,"
        " meetings) VALUES ('stadskontoret', 'Stadskontoret', 'STK', 'förvaltning', '[]', '[]', '[]', true, 0, '[]'),"
        " ('mkb', 'MKB', 'MKB', 'bolag', '[]', '[]', '[]', true, 1, '[]')",
        "INSERT INTO remiss (id, case_number, title, description, sender_key, coordinators, contact, deadline,"
        " status, created_by, created_at) VALUES (1, 'STK-2023-137', 'Områdeslyft', '', 'stadskontoret', '[]', '',"
        " '2023-11-30', 'sent', 'U0MIA', :now)",
        "INSERT INTO recipient (id, remiss_id, organisation_key) VALUES (1, 1, 'mkb')",
        "INSERT INTO response_version (recipient_id, version, kind, answers, paragraph, decided_by, decline_reason,"
        " attachments, author, submitted_at) VALUES (1, 1, 'delegation', '[]', '', 'VD enligt delegation', '',"
        " '[]', 'U0MKB', :now), (1, 2, 'yttrande', '[]', '§ 14', '', '', '[]', 'U0MKB', :now)",
    ]
    with empty_engine.begin() as connection:
        for row in rows:
            connection.execute(text(row), {"now": NOW})

    upgrade(empty_engine)

    with SqlStore(empty_engine).read() as repo:
        recipient = repo.remisses.get_recipient("STK-2023-137", "mkb")
        organisation = repo.directory.load_directory().require("mkb")
    assert recipient is not None
    first, second = (r.content for r in recipient.responses)
    assert (first.deciding_body, first.decided_by, first.their_case_number) == (
        DecidingBody.DELEGAT,
        "VD enligt delegation",
        "",
    )
    assert (second.deciding_body, second.paragraph) == (None, "§ 14")
    assert organisation.registry == ()


def test_0011_gives_existing_remisses_the_kortrubrik_suggested_from_their_title(empty_engine: Engine) -> None:
    """A remiss stored before the kortrubrik existed has none of its own: it follows its title's suggestion."""
    upgrade(empty_engine, "0010")
    title = (
        "Remiss av Boverkets rapport 2018:17 Lovbefriade åtgärder, utvändiga ändringar och anmälan - analys och förslag"
    )
    rows = [
        "INSERT INTO organisation (key, name, short_name, kind, contacts, stand_ins, aliases, active, position,"
        " meetings) VALUES ('stadskontoret', 'Stadskontoret', 'STK', 'förvaltning', '[]', '[]', '[]', true, 0, '[]')",
        "INSERT INTO remiss (id, case_number, title, description, sender_key, coordinators, contact, deadline,"
        " status, created_by, created_at) VALUES (1, 'STK-2018-17', :title, '', 'stadskontoret', '[]', '',"
        " '2023-11-30', 'sent', 'U0MIA', :now)",
    ]
    with empty_engine.begin() as connection:
        for row in rows:
            connection.execute(text(row), {"now": NOW, "title": title})

    upgrade(empty_engine)

    with SqlStore(empty_engine).read() as repo:
        remiss = repo.remisses.get_remiss("STK-2018-17")
    assert remiss is not None
    assert remiss.chosen_short_title == ""
    assert remiss.short_title == "Lovbefriade åtgärder, utvändiga ändringar och anmälan"
    with empty_engine.begin() as connection:
        config = storage.migrate._config()
        config.attributes["connection"] = connection
        command.downgrade(config, "0010")
    with empty_engine.connect() as connection:
        columns = [c["name"] for c in inspect(connection).get_columns("remiss")]
    assert "short_title" not in columns
