"""Real database faults for tests: the bot's database refuses work while another connection holds it.

SQLite: another connection holds the write lock (BEGIN EXCLUSIVE), so every write waits out the busy timeout
and fails with "database is locked"; reads go on (WAL). PostgreSQL: another connection locks every table, and
each backend that waits for it is terminated, as when the server restarts or a connection is cut. There the
record of handled Slack events stays usable, so a claim of an event can succeed and its work then fail: the
outage that started between the two.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Collection, Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool
from sqlmodel import SQLModel

# How long a SQLite write waits for the lock database_down holds before it fails (the bot's default is 5 s).
OUTAGE_BUSY_TIMEOUT_S = 0.5


def quick_to_fail(database_url: str) -> str:
    """The URL with a short SQLite busy timeout, so that each write during database_down fails in half a
    second instead of five; PostgreSQL URLs are returned as they are (their backends are cut at once)."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return database_url
    return url.update_query_dict({"timeout": str(OUTAGE_BUSY_TIMEOUT_S)}).render_as_string(hide_password=False)


@contextmanager
def database_down(database_url: str, tables: Collection[str] = ()) -> Iterator[None]:
    """The database at this URL fails the bot's work until the block ends.

    On PostgreSQL, `tables` narrows the fault to work touching these, so that work before it (a claim) can
    succeed first; SQLite has one lock for the whole file.
    """
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        with _sqlite_locked(str(url.database)):
            yield
        return
    with _postgres_cut(database_url, tables):
        yield


@contextmanager
def _sqlite_locked(path: str) -> Iterator[None]:
    locker = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        locker.execute("BEGIN EXCLUSIVE")
        yield
        locker.execute("ROLLBACK")
    finally:
        locker.close()


@contextmanager
def _postgres_cut(database_url: str, tables: Collection[str]) -> Iterator[None]:
    engine = create_engine(database_url, poolclass=NullPool)
    admin = create_engine(database_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    stop = threading.Event()
    try:
        with engine.connect() as locker, admin.connect() as killer:
            names = tables or [t.name for t in SQLModel.metadata.sorted_tables if t.name != "processed_delivery"]
            listed = ", ".join(f'"{name}"' for name in names)
            locker.exec_driver_sql(f"LOCK TABLE {listed} IN ACCESS EXCLUSIVE MODE")
            locker_pid = locker.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()

            def cut() -> None:
                # Only backends waiting for this lock: other tests share the server.
                blocked = text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE :p = ANY(pg_blocking_pids(pid))"
                )
                while not stop.wait(0.02):
                    killer.execute(blocked, {"p": locker_pid})

            cutter = threading.Thread(target=cut, name="test-postgres-cut", daemon=True)
            cutter.start()
            try:
                yield
            finally:
                stop.set()
                cutter.join()
                locker.rollback()
    finally:
        engine.dispose()
        admin.dispose()
