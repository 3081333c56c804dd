"""Builds the SQLAlchemy engine for DATABASE_URL (SQLite or PostgreSQL) without opening a connection."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.pool import ConnectionPoolEntry, StaticPool

from bot.core.ports.store import StoreUnavailable
from storage.errors import place, says

# Execution option read by the SQLite `begin` hook: "IMMEDIATE" starts transactions with the write lock.
SQLITE_BEGIN = "remissbot_sqlite_begin"

BUSY_TIMEOUT_MS = 5000
CONNECT_TIMEOUT_S = 5
# Emoji and å/ä/ö stay readable in JSON columns instead of becoming \uXXXX escapes.
_json_dumps = functools.partial(json.dumps, ensure_ascii=False)


def make_engine(url: str) -> Engine:
    """An engine for the URL; a URL that can't work raises StoreUnavailable with one line from templates/errors/."""
    parsed = _parse(url)
    try:
        if parsed.get_backend_name() == "sqlite":
            return _sqlite_engine(parsed)
        return create_engine(
            parsed,
            pool_pre_ping=True,
            # Bolt's listener threads (32) each may hold a connection for a moment; SQLAlchemy's default
            # of 5 + 10 made clicks wait for one. 32 per replica leaves room for several replicas under
            # PostgreSQL's default max_connections of 100.
            pool_size=16,
            max_overflow=16,
            json_serializer=_json_dumps,
            # Without a timeout a silently dropped packet would hang a start-up for minutes.
            connect_args={} if "connect_timeout" in parsed.query else {"connect_timeout": CONNECT_TIMEOUT_S},
        )
    except ImportError as error:
        raise StoreUnavailable(says("driver_missing", driver=parsed.drivername, module=error.name)) from None
    except sa_exc.ArgumentError as error:
        detail = str(error).splitlines()[0]
        if parsed.password:
            detail = detail.replace(parsed.password, "***")
        raise StoreUnavailable(says("unusable_url", detail=detail, **place(parsed))) from None


def _parse(url: str) -> URL:
    try:
        parsed = make_url(url.strip())
    except (sa_exc.ArgumentError, ValueError):
        # The URL is not echoed: it may hold a password.
        raise StoreUnavailable(says("not_a_url")) from None
    driver = parsed.drivername
    # postgres:// and postgresql:// (what hosting services hand out) mean the psycopg 3 driver we ship.
    if driver in ("postgres", "postgresql", "postgresql+psycopg"):
        return parsed.set(drivername="postgresql+psycopg")
    if driver in ("sqlite", "sqlite+pysqlite"):
        return parsed
    raise StoreUnavailable(says("unsupported_driver", driver=driver))


def _sqlite_engine(url: URL) -> Engine:
    in_memory = url.database in (None, "", ":memory:")
    if not in_memory:
        directory = Path(str(url.database)).expanduser().absolute().parent
        if not directory.is_dir():
            raise StoreUnavailable(says("no_sqlite_directory", directory=directory))
    engine = create_engine(
        url,
        json_serializer=_json_dumps,
        # Bolt listeners run in a thread pool; the pool lends each connection to one thread at a time.
        connect_args={"check_same_thread": False},
        # In memory, every connection would be a new empty database: share one (single-threaded use only).
        **({"poolclass": StaticPool} if in_memory else {}),
    )
    event.listen(engine, "connect", functools.partial(_on_sqlite_connect, busy_timeout_ms=_busy_timeout_ms(url)))
    event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def _busy_timeout_ms(url: URL) -> int:
    """How long a write waits for another's lock: the URL's `timeout` (seconds, as sqlite3 takes it), else 5 s."""
    try:
        return round(float(str(url.query["timeout"])) * 1000)
    except (KeyError, ValueError):
        return BUSY_TIMEOUT_MS


def _on_sqlite_connect(dbapi_connection: Any, _record: ConnectionPoolEntry, *, busy_timeout_ms: int) -> None:
    # pysqlite's own transaction handling starts transactions late (only before DML) and never for
    # SELECT, DDL or SAVEPOINT; switch it off and emit BEGIN ourselves in the `begin` hook below
    # (SQLAlchemy's documented recipe for pysqlite).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
        cursor.execute("PRAGMA foreign_keys = ON")
        # WAL lets readers work while one writer writes; NORMAL sync is safe with WAL and much faster.
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()


def _on_sqlite_begin(connection: Connection) -> None:
    # A read-modify-write transaction must take the write lock up front (BEGIN IMMEDIATE): two deferred
    # transactions that both read and then write fail with "database is locked" at once, busy timeout or not.
    immediate = connection.get_execution_options().get(SQLITE_BEGIN) == "IMMEDIATE"
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
