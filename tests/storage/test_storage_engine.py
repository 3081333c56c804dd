"""The engine: a bad DATABASE_URL gives one Swedish line, never the password; SQLite is set up for threads."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.core.ports.store import StoreUnavailable
from storage import SqlStore, make_engine

PASSWORD = "hemligt-lösen-42"


def refusal(url: str) -> str:
    """The message make_engine, or else the first connection, refuses the URL with."""
    with pytest.raises(StoreUnavailable) as refused:
        SqlStore(make_engine(url)).check()
    message = str(refused.value)
    assert "\n" not in message
    assert "Traceback" not in message
    assert PASSWORD not in message
    return message


@pytest.mark.parametrize(
    "url",
    [
        "inte en adress",
        "",
        f"postgresql+psycopg://postgres:{PASSWORD}@127.0.0.1:femtiofyra/test",
    ],
)
def test_a_malformed_url_is_refused_without_echoing_it(url: str) -> None:
    message = refusal(url)

    assert message.startswith("DATABASE_URL är ingen giltig databasadress")
    assert "postgresql+psycopg://" in message  # an example of what it should look like


def test_an_unsupported_database_is_named_in_the_refusal() -> None:
    message = refusal(f"mysql://remissbot:{PASSWORD}@db.malmo.se/remissbot")

    assert "mysql://" in message
    assert "remissbot inte stöder" in message


def test_an_unreachable_server_is_refused_with_where_and_what_to_check() -> None:
    url = f"postgresql+psycopg://postgres:{PASSWORD}@127.0.0.1:1/test"
    engine = make_engine(url)  # creating it opens no connection, so it can't fail yet

    message = refusal(url)

    assert engine.url.port == 1
    assert message == (
        "Kan inte ansluta till databasen på 127.0.0.1:1: anslutningen nekades. "
        "Kontrollera att databasservern kör och DATABASE_URL."
    )


def test_a_transaction_on_an_unreachable_server_raises_store_unavailable() -> None:
    store = SqlStore(make_engine(f"postgresql+psycopg://postgres:{PASSWORD}@127.0.0.1:1/test"))

    with pytest.raises(StoreUnavailable, match="anslutningen nekades"), store.transaction() as repo:
        repo.directory.load_directory()


def test_a_sqlite_file_in_a_missing_directory_is_refused_naming_the_directory(tmp_path: Path) -> None:
    missing = tmp_path / "finns-inte"

    message = refusal(f"sqlite:///{missing}/remissbot.db")

    assert message == f"Katalogen {missing} för SQLite-databasen finns inte. Skapa den eller ändra DATABASE_URL."


def test_postgres_urls_as_hosting_services_write_them_use_psycopg() -> None:
    for scheme in ("postgres", "postgresql", "postgresql+psycopg"):
        assert make_engine(f"{scheme}://u@db.example/remissbot").url.drivername == "postgresql+psycopg"


def test_creating_a_sqlite_engine_creates_no_file(sqlite_url: str, tmp_path: Path) -> None:
    make_engine(sqlite_url)

    assert list(tmp_path.iterdir()) == []


def test_sqlite_connections_use_wal_a_busy_timeout_and_foreign_keys(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    with engine.connect() as connection:
        settings = {
            pragma: connection.exec_driver_sql(f"PRAGMA {pragma}").scalar()
            for pragma in ("journal_mode", "busy_timeout", "foreign_keys")
        }
    engine.dispose()

    assert settings == {"journal_mode": "wal", "busy_timeout": 5000, "foreign_keys": 1}


def test_importing_storage_opens_nothing_and_loads_no_database_library() -> None:
    probe = "import sys, storage; print([m for m in ('sqlalchemy', 'sqlmodel', 'alembic') if m in sys.modules])"

    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)

    assert loaded.stdout.strip() == "[]"


@pytest.mark.parametrize(("query", "busy_timeout"), [("?timeout=0.5", 500), ("?timeout=30", 30000)])
def test_a_sqlite_urls_timeout_sets_how_long_a_write_waits_for_the_lock(
    sqlite_url: str, query: str, busy_timeout: int
) -> None:
    engine = make_engine(sqlite_url + query)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == busy_timeout
    engine.dispose()
