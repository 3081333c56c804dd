"""Backup and restore of the embedded SQLite database, and the pg_dump / pg_restore commands for PostgreSQL.

SQLite: sqlite3's online backup API copies the database in one step, inside one read transaction, so the copy is
one consistent moment even while the bot writes (in WAL mode the writers are not held up meanwhile). A backup is
written to a temporary file beside the target and renamed into place, so a half-written file never carries the
target's name. A restore checks the file first (a SQLite database, remissbot's tables, a schema this code knows),
then copies it into the database with the same API, which takes the database's write lock for the copy, so a
process holding it open never reads half of it; an older schema is upgraded after.

A refusal is BackupRefused with a problem code and the values its message names; the Swedish is in
templates/cli/backup.j2 and the CLI words it.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL

from storage.engine import BUSY_TIMEOUT_MS, make_engine
from storage.migrate import current_revision, head_revision, known_revisions, upgrade

SQLITE_HEADER = b"SQLite format 3\x00"
# A database without these is not remissbot's, whatever else it holds.
OUR_TABLES = ("alembic_version", "organisation", "remiss", "recipient")
# SQLITE_BUSY and SQLITE_LOCKED, as the backup's progress callback is told them; a locked database is tried again
# this often.
_BUSY = (5, 6)
_RETRY_S = 0.05
# Not counted as data when deciding whether a database is empty: the directory is stored at every first start.
_NOT_DATA = frozenset({"alembic_version", "organisation", "slack_user_cache"})


class BackupRefused(Exception):
    """A backup or restore that is not done: `problem` names the message (templates/cli/backup.j2), `params` the
    values it names."""

    def __init__(self, problem: str, **params: object) -> None:
        self.problem, self.params = problem, params
        super().__init__(f"{problem}: {params}")


@dataclass(frozen=True)
class BackupDone:
    database: Path
    file: Path
    revision: str | None
    remisses: int
    size: int  # bytes


@dataclass(frozen=True)
class RestoreDone:
    database: Path
    file: Path
    revision: str  # the backup's schema
    head: str  # the schema the database has now
    remisses: int
    replaced: int  # remisses the database held before (non-zero only with force)

    @property
    def upgraded(self) -> bool:
        return self.revision != self.head


@dataclass(frozen=True)
class PostgresCommands:
    """PostgreSQL is backed up with its own tools: the commands for the configured database (never its password)."""

    host: str
    port: int
    database: str
    dump: tuple[str, ...]
    restore: tuple[str, ...]


def backup_database(database_url: str, file: Path, *, force: bool = False) -> BackupDone | PostgresCommands:
    """Copy the database to `file`; on PostgreSQL only the pg_dump / pg_restore commands are returned."""
    url = _url(database_url)
    if url.get_backend_name() != "sqlite":
        return postgres_commands(url, file)
    database = _sqlite_path(url)
    target = file.expanduser().absolute()
    _check_target(target, force)
    if not database.is_file():
        raise BackupRefused("no_database", database=database)
    if target.exists() and target.samefile(database):
        raise BackupRefused("same_file", file=target)
    with _temporary_beside(target) as temporary:
        with (
            _sqlite(database, "source_not_sqlite", database=database) as source,
            _sqlite(temporary) as copy,
            _locked_refused(database),
        ):
            # One step: one read transaction, one consistent moment.
            source.backup(copy, progress=_Patience(), sleep=_RETRY_S)
            # One self-contained file: no -wal beside it to forget when the copy is moved.
            copy.execute("PRAGMA journal_mode = DELETE")
            revision = _revision(copy)
            remisses = _count(copy, "remiss")
        _fsync(temporary)
        os.replace(temporary, target)
    _fsync(target.parent)
    return BackupDone(database, target, revision, remisses, target.stat().st_size)


def restore_database(database_url: str, file: Path, *, force: bool = False) -> RestoreDone | PostgresCommands:
    """Replace the database's contents with the backup in `file`, then bring its schema up to date.

    Refused unless the file is a remissbot database with a schema this code knows, and, without `force`, when
    the database already holds remisses or answers (the directory alone does not count: it is stored at start).
    """
    url = _url(database_url)
    if url.get_backend_name() != "sqlite":
        return postgres_commands(url, file)
    database = _sqlite_path(url)
    source_path = file.expanduser().absolute()
    revision = check_backup(source_path)
    if database.exists() and database.samefile(source_path):
        raise BackupRefused("same_file", file=source_path)
    if not database.parent.is_dir():
        raise BackupRefused("no_database_directory", directory=database.parent)
    holds_data = database.exists() and _data_in(database) > 0
    replaced = _remisses_in(database) if holds_data else 0
    if holds_data and not force:
        raise BackupRefused("not_empty", database=database, remisses=replaced)
    with (
        _sqlite(source_path) as source,
        _sqlite(database, "target_not_sqlite", database=database) as target,
        _locked_refused(database),
    ):
        # Into the database itself, under its write lock: a process that has it open sees the old contents
        # or the new, never a mix, and no file is swapped under its open connections.
        source.backup(target, progress=_Patience(), sleep=_RETRY_S)
    engine = make_engine(database_url)
    try:
        if current_revision(engine) != head_revision():
            upgrade(engine)
        head = current_revision(engine) or ""
    finally:
        engine.dispose()
    return RestoreDone(database, source_path, revision, head, _remisses_in(database), replaced)


def check_backup(file: Path) -> str:
    """The schema revision of a backup file that can be restored; BackupRefused says why one cannot."""
    if not file.exists():
        raise BackupRefused("no_backup_file", file=file)
    if not file.is_file():
        raise BackupRefused("backup_not_a_file", file=file)
    with file.open("rb") as opened:
        if opened.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupRefused("not_sqlite", file=file)
    with _sqlite(file, "not_sqlite", file=file, read_only=True) as connection:
        try:
            if connection.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise BackupRefused("damaged", file=file)
            tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.DatabaseError:
            raise BackupRefused("damaged", file=file) from None
        missing = [table for table in OUR_TABLES if table not in tables]
        if missing:
            raise BackupRefused("not_remissbot", file=file, missing=missing)
        revision = _revision(connection)
    if revision is None:
        raise BackupRefused("not_remissbot", file=file, missing=["alembic_version"])
    if revision not in known_revisions():
        raise BackupRefused("newer_schema", file=file, revision=revision, head=head_revision())
    return revision


def postgres_commands(url: URL, file: Path) -> PostgresCommands:
    """pg_dump in its custom format, and pg_restore replacing what the database holds in one transaction."""
    # libpq reads the same URI (postgresql://user@host:port/db?…), without SQLAlchemy's driver name; the
    # password stays out: pg_dump and pg_restore read it from PGPASSWORD or ~/.pgpass.
    bare = URL.create("postgresql", url.username, None, url.host, url.port, url.database, url.query)
    uri = bare.render_as_string(hide_password=False)
    target = str(file)
    return PostgresCommands(
        host=url.host or "localhost",
        port=url.port or 5432,
        database=url.database or "",
        dump=("pg_dump", "--format=custom", f"--file={target}", f"--dbname={uri}"),
        restore=(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={uri}",
            target,
        ),
    )


# -- helpers -------------------------------------------------------------------------------------------
def _url(database_url: str) -> URL:
    """The parsed URL, refused as the engine refuses it (StoreUnavailable) when it can't be used."""
    engine = make_engine(database_url)
    try:
        return engine.url
    finally:
        engine.dispose()


def _sqlite_path(url: URL) -> Path:
    if url.database in (None, "", ":memory:"):
        raise BackupRefused("in_memory")
    return Path(str(url.database)).expanduser().absolute()


def _check_target(target: Path, force: bool) -> None:
    if target.is_dir():
        raise BackupRefused("target_is_directory", file=target)
    if not target.parent.is_dir():
        raise BackupRefused("no_directory", directory=target.parent, file=target)
    if target.exists() and not force:
        raise BackupRefused("target_exists", file=target)


@contextlib.contextmanager
def _temporary_beside(target: Path) -> Iterator[Path]:
    """A new file in the target's folder (readable by its owner only: a backup holds personal data), removed
    unless it was renamed."""
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except PermissionError:
        raise BackupRefused("cannot_write", directory=target.parent) from None
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
    finally:
        temporary.unlink(missing_ok=True)


@contextlib.contextmanager
def _sqlite(
    path: Path, refusal: str | None = None, *, read_only: bool = False, **params: object
) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection that waits for a writer's lock as the bot does; a file that is not a SQLite
    database raises BackupRefused(`refusal`) when one is given."""
    target = f"{path.as_uri()}?mode=ro" if read_only else str(path)
    connection = sqlite3.connect(target, uri=read_only, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        yield connection
    except sqlite3.DatabaseError as error:
        if refusal is None or "not a database" not in str(error):
            raise
        raise BackupRefused(refusal, **params) from None
    finally:
        connection.close()


class _StillLocked(Exception):
    pass


class _Patience:
    """sqlite3's backup retries a locked database for ever; its progress callback, called after every try, ends
    the wait after the busy timeout the bot's own writes wait."""

    def __init__(self) -> None:
        self.started = time.monotonic()

    def __call__(self, status: int, remaining: int, total: int) -> None:
        if status in _BUSY and time.monotonic() - self.started > BUSY_TIMEOUT_MS / 1000:
            raise _StillLocked


@contextlib.contextmanager
def _locked_refused(database: Path) -> Iterator[None]:
    """A lock another process held longer than the busy timeout: refused with what to do, not a traceback."""
    try:
        yield
    except _StillLocked:
        raise BackupRefused("locked", database=database) from None
    except sqlite3.OperationalError as error:
        if "locked" not in str(error) and "busy" not in str(error):
            raise
        raise BackupRefused("locked", database=database) from None


def _revision(connection: sqlite3.Connection) -> str | None:
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        return None
    return str(row[0]) if row else None


def _count(connection: sqlite3.Connection, table: str) -> int:
    try:
        return int(connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])  # noqa: S608 - our name
    except sqlite3.OperationalError:
        return 0


def _data_in(database: Path) -> int:
    """Rows in the database's tables other than the schema version and the directory; 0 for an empty one."""
    with _sqlite(database, "target_not_sqlite", database=database, read_only=True) as connection:
        tables = [name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return sum(_count(connection, t) for t in tables if t not in _NOT_DATA and not t.startswith("sqlite_"))


def _remisses_in(database: Path) -> int:
    with _sqlite(database, read_only=True) as connection:
        return _count(connection, "remiss")


def _fsync(path: Path) -> None:
    """The file (or a folder's entry for it) on disk before anyone relies on it."""
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
