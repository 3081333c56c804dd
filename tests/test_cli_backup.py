"""`remissbot backup` and `restore` on SQLite: a consistent copy while a writer writes, and every refusal."""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from bot.core.clock import STOCKHOLM
from bot.core.domain.audit import AuditAction, audit
from storage import SqlStore, make_engine, upgrade
from storage.backup import BackupRefused, check_backup
from storage.migrate import current_revision, head_revision
from tests.test_cli import environment, run, sent_remiss  # noqa: F401  (the autouse fixture, here too)

CASE = "STK-2023-137"
SENT = datetime(2023, 10, 2, 10, 0, tzinfo=STOCKHOLM)


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The configured SQLite database with STK-2023-137 sent to four recipients."""
    path = tmp_path / "data" / "remissbot.db"
    path.parent.mkdir()
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    sent_remiss(SENT, date(2023, 11, 30))[1].close()
    return path


@pytest.fixture
def backup(database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """backup.db, taken of the database above with `remissbot backup`."""
    file = tmp_path / "backup.db"
    assert run(capsys, "backup", str(file))[0] == 0
    return file


def use_database(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")


def first_started(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], path: Path) -> None:
    """The configured database is `path`, as after a first start: the directory stored, no remiss."""
    use_database(monkeypatch, path)
    assert run(capsys, "orgs", "list")[0] == 0


def status(capsys: pytest.CaptureFixture[str]) -> str:
    code, out, err = run(capsys, "status", CASE)
    assert (code, err) == (0, ""), err
    return out


def test_a_backup_restored_into_a_new_database_shows_the_same_status(
    database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = status(capsys)
    file = tmp_path / "backup.db"
    code, out, err = run(capsys, "backup", str(file))
    assert (code, err) == (0, "")
    assert out.startswith(f"Säkerhetskopian är skriven till {file} (")
    assert f"1 remiss, schemaversion {head_revision()})" in out
    assert file.stat().st_mode & 0o077 == 0, "a backup holds personal data: only its owner may read it"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [], "no temporary file left behind"
    assert not Path(f"{file}-wal").exists(), "the backup is one self-contained file"

    use_database(monkeypatch, tmp_path / "new" / "remissbot.db")
    (tmp_path / "new").mkdir()
    code, out, err = run(capsys, "restore", str(file))
    assert (code, err) == (0, "")
    assert out.startswith(f"Databasen {tmp_path / 'new' / 'remissbot.db'} är återställd från {file}: 1 remiss.")
    assert "uppgraderad" not in out
    assert status(capsys) == before


def test_a_backup_taken_while_another_thread_writes_is_one_consistent_moment(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The writer adds an audit entry and renames the remiss to the count of them, in one transaction each: a
    copy that caught half a transaction, or pages from two moments, breaks that equality."""
    engine = make_engine(f"sqlite:///{database}")
    store = SqlStore(engine)
    stop = threading.Event()
    written = [0]

    def write() -> None:
        while not stop.is_set():
            with store.transaction() as repo:
                repo.remisses.append_audit(audit(CASE, AuditAction.OPENED, "writer", SENT))
                remiss = repo.remisses.get_remiss(CASE)
                assert remiss is not None
                repo.remisses.save_remiss(replace(remiss, title=f"skrivet {written[0] + 1}"))
            written[0] += 1

    writer = threading.Thread(target=write)
    writer.start()
    try:
        counts = []
        for n in range(5):
            before = written[0]
            file = tmp_path / f"backup-{n}.db"
            code, _, err = run(capsys, "backup", str(file))
            assert (code, err) == (0, "")
            counts.append(_consistent_count(file))
            assert before <= counts[-1], "the backup is not older than its start"
    finally:
        stop.set()
        writer.join()
        engine.dispose()
    assert written[0] > counts[0], "the writer went on writing while the backups were taken"
    assert counts == sorted(counts)


def _consistent_count(file: Path) -> int:
    connection = sqlite3.connect(file)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        (entries,) = connection.execute("SELECT count(*) FROM audit_entry WHERE actor = 'writer'").fetchone()
        (title,) = connection.execute("SELECT title FROM remiss WHERE case_number = ?", (CASE,)).fetchone()
    finally:
        connection.close()
    assert title == ("Områdeslyft" if entries == 0 else f"skrivet {entries}")
    return int(entries)


# -- backup: bad input -------------------------------------------------------------------------------
def test_a_backup_file_that_exists_is_kept_unless_forced(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "backup.db"
    file.write_text("gammal", encoding="utf-8")
    code, out, err = run(capsys, "backup", str(file))
    assert (code, out) == (2, "")
    assert err == (
        f"remissbot: Filen {file} finns redan. Välj ett annat filnamn, eller lägg till --force för att skriva"
        " över den.\n"
    )
    assert file.read_text(encoding="utf-8") == "gammal"
    code, _, err = run(capsys, "backup", str(file), "--force")
    assert (code, err) == (0, "")
    assert check_backup(file) == head_revision()


def test_a_backup_into_a_folder_that_does_not_exist_or_onto_a_folder_says_so(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "finns-inte" / "backup.db"
    code, out, err = run(capsys, "backup", str(missing))
    assert (code, out) == (2, "")
    assert f"Katalogen {missing.parent} finns inte, så {missing} kan inte skrivas." in err
    assert "Skapa katalogen först" in err
    code, _, err = run(capsys, "backup", str(tmp_path))
    assert code == 2 and f"{tmp_path} är en katalog. Ange ett filnamn" in err
    code, _, err = run(capsys, "backup", str(database), "--force")
    assert code == 2 and "är själva databasen" in err


def test_a_backup_of_a_database_that_does_not_exist_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use_database(monkeypatch, tmp_path / "tom.db")
    code, _, err = run(capsys, "backup", str(tmp_path / "backup.db"))
    assert code == 2 and f"Databasen {tmp_path / 'tom.db'} finns inte" in err
    assert not (tmp_path / "tom.db").exists()


# -- restore: bad input ------------------------------------------------------------------------------
def test_a_restore_onto_a_database_with_remisses_needs_force(
    backup: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.db"
    first_started(monkeypatch, capsys, other)
    code, _, err = run(capsys, "restore", str(backup))
    assert (code, err) == (0, ""), "the directory alone is no data to keep"

    with sqlite3.connect(other) as connection:
        connection.execute("UPDATE remiss SET title = 'Ändrad efter säkerhetskopian'")
    connection.close()
    code, out, err = run(capsys, "restore", str(backup))
    assert (code, out) == (2, "")
    assert err == (
        f"remissbot: Databasen {other} innehåller redan data (1 remiss) och skrivs inte över. Ta en"
        " säkerhetskopia av den först om du vill behålla den, och återställ sedan med --force.\n"
    )
    assert "Ändrad efter säkerhetskopian" in status(capsys)
    code, out, err = run(capsys, "restore", str(backup), "--force")
    assert (code, err) == (0, "")
    assert "Den remiss som fanns i databasen förut är ersatt." in out
    assert "Områdeslyft" in status(capsys)


def test_a_restore_while_another_process_holds_the_write_lock_says_to_try_again(
    backup: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("storage.backup.BUSY_TIMEOUT_MS", 100)  # the bot's 5 s, shortened for the test
    other = tmp_path / "other.db"
    first_started(monkeypatch, capsys, other)
    writer = sqlite3.connect(other, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        code, out, err = run(capsys, "restore", str(backup))
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert (code, out) == (2, "")
    assert f"remissbot: Databasen {other} är låst av en annan process" in err
    assert run(capsys, "restore", str(backup))[0] == 0, "once the lock is let go"


def test_a_restore_of_a_file_that_is_no_database_or_not_remissbots_changes_nothing(
    database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use_database(monkeypatch, tmp_path / "new.db")
    text = tmp_path / "anteckningar.txt"
    text.write_text("Det här är ingen databas.\n" * 100, encoding="utf-8")
    code, out, err = run(capsys, "restore", str(text))
    assert (code, out) == (2, "")
    assert f"{text} är ingen SQLite-databas, så den kan inte vara en säkerhetskopia" in err
    assert "Databasen är inte ändrad." in err

    other = tmp_path / "annan.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE kund (namn TEXT)")
    connection.close()
    code, _, err = run(capsys, "restore", str(other))
    assert code == 2
    assert f"{other} är en SQLite-databas men ingen remissbot-databas: tabellerna alembic_version," in err

    code, _, err = run(capsys, "restore", str(tmp_path / "saknas.db"))
    assert code == 2 and f"Filen {tmp_path / 'saknas.db'} finns inte." in err
    code, _, err = run(capsys, "restore", str(tmp_path))
    assert code == 2 and "är ingen fil" in err
    assert not (tmp_path / "new.db").exists()


def test_a_restore_from_a_newer_schema_is_refused_and_says_to_upgrade_remissbot(
    backup: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with sqlite3.connect(backup) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099'")
    connection.close()
    use_database(monkeypatch, tmp_path / "new.db")
    code, out, err = run(capsys, "restore", str(backup))
    assert (code, out) == (2, "")
    assert err == (
        f"remissbot: {backup} är från en nyare version av remissbot (schemaversion 0099; den här versionen känner"
        f" bara till versioner till och med {head_revision()}). Databasen är inte ändrad. Uppgradera remissbot"
        " först och återställ sedan.\n"
    )
    with pytest.raises(BackupRefused) as refused:
        check_backup(backup)
    assert refused.value.problem == "newer_schema"


def test_a_restore_from_an_older_schema_upgrades_the_database_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    old = tmp_path / "gammal.db"
    engine = make_engine(f"sqlite:///{old}")
    try:
        upgrade(engine, "0012")
    finally:
        engine.dispose()
    target = tmp_path / "remissbot.db"
    use_database(monkeypatch, target)
    code, out, err = run(capsys, "restore", str(old))
    assert (code, err) == (0, "")
    assert (
        f"Säkerhetskopian hade den äldre schemaversionen 0012; databasen är uppgraderad till {head_revision()}" in out
    )
    engine = make_engine(f"sqlite:///{target}")
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()
    assert run(capsys, "db", "status")[1].endswith("(aktuellt).\n")


def test_on_postgresql_backup_and_restore_print_the_commands_without_the_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://remissbot:hemligt@db.malmo.se:5433/remissbot")
    for command in ("backup", "restore"):
        code, out, err = run(capsys, command, "/srv/backup/remissbot.dump")
        assert (code, out) == (2, "")
        assert "hemligt" not in err
        assert err.startswith("remissbot: Databasen remissbot på db.malmo.se:5433 är en PostgreSQL-databas.")
        assert (
            "  pg_dump --format=custom --file=/srv/backup/remissbot.dump"
            " --dbname=postgresql://remissbot@db.malmo.se:5433/remissbot\n"
        ) in err
        assert (
            "  pg_restore --clean --if-exists --no-owner --single-transaction"
            " --dbname=postgresql://remissbot@db.malmo.se:5433/remissbot /srv/backup/remissbot.dump\n"
        ) in err
