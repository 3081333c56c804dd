"""Schema migrations from code: upgrade to the newest schema, or refuse a schema that doesn't fit."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext, RevisionStep
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine, inspect
from sqlmodel import SQLModel

import storage.tables  # noqa: F401  (declares the tables on SQLModel.metadata)
from bot.core.ports.store import SchemaBehind, StoreUnavailable
from storage.engine import SQLITE_BEGIN
from storage.errors import says, unavailable_on_failure

# Next to this module, so migrations are found from an installed package as well as from the repository.
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Any constant works; it only has to be the same for every replica (pg_advisory_xact_lock's key).
_MIGRATION_LOCK_KEY = 0x72656D6973735F6D


def _config(directory: Path | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(directory or MIGRATIONS_DIR))
    return config


@functools.cache
def _scripts(directory: Path) -> ScriptDirectory:
    """The migrations in `directory`, each file loaded once per process: they never change while it runs,
    and loading them (every version file executed) was the slow part of each start."""
    return ScriptDirectory.from_config(_config(directory))


@functools.cache
def _revisions(directory: Path) -> tuple[str, frozenset[str]]:
    """The newest revision in `directory` and every revision up to it (the newest included)."""
    head = _scripts(directory).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations in {directory}")
    try:
        known = frozenset(script.revision for script in _scripts(directory).iterate_revisions(head, "base"))
    except CommandError:
        known = frozenset()
    return head, known


def head_revision() -> str:
    """The newest schema revision this code knows."""
    return _revisions(MIGRATIONS_DIR)[0]


def current_revision(engine: Engine) -> str | None:
    """The database's schema revision; None for a database that was never migrated."""
    with unavailable_on_failure(engine.url), engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database to `revision` (the newest by default) in one transaction."""
    sqlite = engine.dialect.name == "sqlite"
    # SQLite: take the write lock up front, as any read-modify-write must.
    writer = engine.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"}) if sqlite else engine
    with unavailable_on_failure(engine.url), writer.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Replicas starting together would otherwise race to create the same tables; the second
            # waits here, then finds the schema current and does nothing.
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK_KEY})")
        directory = MIGRATIONS_DIR
        config = _config(directory)
        # The caller's connection, not a new engine: in-memory SQLite and test schemas exist only on it.
        config.attributes["connection"] = connection
        _run_upgrade(config, _scripts(directory), revision)


def _run_upgrade(config: Config, scripts: ScriptDirectory, revision: str) -> None:
    """alembic's `command.upgrade` on the scripts already loaded (it would load every file again)."""

    def steps(current: Any, context: MigrationContext) -> list[RevisionStep]:
        return scripts._upgrade_revs(revision, current)

    with EnvironmentContext(config, scripts, fn=steps, destination_rev=revision):
        scripts.run_env()


def ensure_schema(engine: Engine, *, auto_upgrade: bool) -> None:
    """Make sure the schema fits this code before the bot starts.

    An empty database is migrated; an older schema only with `auto_upgrade`, otherwise SchemaBehind; a
    schema this code doesn't know (a newer remissbot migrated it, or it isn't ours) is refused.
    """
    current = current_revision(engine)
    head, known = _revisions(MIGRATIONS_DIR)
    if current == head:
        return
    if current is None:
        with unavailable_on_failure(engine.url), engine.connect() as connection:
            ours = set(inspect(connection).get_table_names()) & set(SQLModel.metadata.tables)
        if ours:
            raise StoreUnavailable(says("untracked_tables", tables=sorted(ours)))
        upgrade(engine)
        return
    if current not in known:
        raise StoreUnavailable(says("unknown_schema", current=current))
    if not auto_upgrade:
        raise SchemaBehind(says("schema_behind", current=current, head=head))
    upgrade(engine)


def known_revisions() -> set[str]:
    """Every schema revision this code can upgrade from (the newest included)."""
    return set(_revisions(MIGRATIONS_DIR)[1])


def schema_problem(engine: Engine) -> str | None:
    """Why the database's schema does not fit this code (one line to act on), or None when it is current.

    Reads only, so a health check may ask it every few seconds; the code's own revisions are read once.
    """
    current = current_revision(engine)
    head, known = _revisions(MIGRATIONS_DIR)
    if current == head:
        return None
    if current is None or current in known:
        return says("schema_behind", current=current or "–", head=head)
    return says("unknown_schema", current=current)
