"""The core's Store on a SQL database: transactions that commit or roll back as a whole."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext

from sqlalchemy import Engine
from sqlalchemy import exc as sa_exc
from sqlmodel import Session

from bot.core.ports.store import StoreUnavailable
from storage.engine import SQLITE_BEGIN
from storage.errors import describe, unavailable_on_failure
from storage.sql.transaction import SqlTransaction


class SqlStore:
    """bot.core.ports.store.Store on SQLite or PostgreSQL.

    `transaction()` serialises writers: on SQLite it starts with BEGIN IMMEDIATE (the database's one write
    lock, taken up front); on PostgreSQL the repositories lock the rows they read (SELECT … FOR UPDATE).
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._is_sqlite = engine.dialect.name == "sqlite"
        self._writer = engine.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"}) if self._is_sqlite else engine
        # SQLite means one process. Its writers queue here, in turn, instead of polling the file lock from
        # the busy handler, which under a burst let some wait out the busy timeout ("database is locked").
        self._write_turn: AbstractContextManager[object] = threading.Lock() if self._is_sqlite else nullcontext()

    @contextmanager
    def transaction(self) -> Iterator[SqlTransaction]:
        """A read-modify-write transaction: commits on success, rolls back on any exception."""
        with (
            self._write_turn,
            unavailable_on_failure(self.engine.url),
            # Rows are mapped to domain objects before the commit, so nothing needs reloading after it.
            Session(self._writer, expire_on_commit=False) as session,
            session.begin(),
        ):
            yield SqlTransaction(session, locking=not self._is_sqlite)

    @contextmanager
    def read(self) -> Iterator[SqlTransaction]:
        """A read-only view (no row locks, writes refused); never blocks writers for long."""
        with unavailable_on_failure(self.engine.url), Session(self.engine) as session:
            try:
                yield SqlTransaction(session, locking=False, read_only=True)
            finally:
                session.rollback()

    def check(self) -> None:
        """Raise StoreUnavailable (one clear Swedish line) if the database cannot be used now."""
        try:
            with self.engine.connect() as connection:
                connection.exec_driver_sql("SELECT 1")
        except sa_exc.DBAPIError as error:
            raise StoreUnavailable(describe(self.engine.url, error)) from error
