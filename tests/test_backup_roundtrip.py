"""The demo's data backed up and restored into a new database: `remissbot status STK-2023-137` prints the same
after as before. SQLite through `remissbot backup` / `restore`; PostgreSQL through the pg_dump and pg_restore
commands that `remissbot backup` / `restore` print for it, run as printed.

The demo is played once for this module and tests/test_demo.py (tests/conftest.py's `demo_played`, in their shared
xdist group); the PostgreSQL test copies every row of the database it left behind into PostgreSQL."""

from __future__ import annotations

import contextlib
import io
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot import cli
from tests.demo_played import Played
from tests.scratch_database import copy_database, scratch_database
from tests.system import missing

CASE = "STK-2023-137"
# On the worker of the group "demo", which plays the demo once for this module and tests/test_demo.py.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("demo")]


def remissbot(monkeypatch: pytest.MonkeyPatch, database_url: str, *argv: str) -> tuple[int, str, str]:
    """`remissbot ARGV` with DATABASE_URL set: exit code, standard output, standard error."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(argv))
    return code, out.getvalue(), err.getvalue()


def status(monkeypatch: pytest.MonkeyPatch, database_url: str) -> str:
    code, out, err = remissbot(monkeypatch, database_url, "status", CASE)
    assert (code, err) == (0, ""), err
    assert "11 av 15 har svarat" in out
    return out


@pytest.fixture(autouse=True)
def no_slack(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("SLACK_BOT_TOKEN", "SLACK_API_URL", "REMISSBOT_COORDINATORS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("REMISSBOT_DATA_DIR", str(tmp_path / "data"))


def test_the_demo_on_sqlite_backed_up_and_restored_shows_the_same_status(
    demo_played: Played, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    played = demo_played.database_url
    before = status(monkeypatch, played)
    file = tmp_path / "säkerhetskopia.db"
    code, _, err = remissbot(monkeypatch, played, "backup", str(file))
    assert (code, err) == (0, "")

    restored = f"sqlite:///{tmp_path / 'restored.db'}"
    code, out, err = remissbot(monkeypatch, restored, "restore", str(file))
    assert (code, err) == (0, "") and "1 remiss" in out
    assert status(monkeypatch, restored) == before


def printed_command(err: str, program: str) -> list[str]:
    """The command line for `program` that `remissbot backup` / `restore` printed, as argv."""
    lines = [line.strip() for line in err.splitlines() if line.strip().startswith(program + " ")]
    assert len(lines) == 1, err
    return shlex.split(lines[0])


@pytest.mark.postgres
def test_the_demo_on_postgresql_dumped_and_restored_with_the_printed_commands_shows_the_same_status(
    demo_played: Played, postgres_server_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for program in ("pg_dump", "pg_restore"):
        if shutil.which(program) is None:
            missing(f"{program} is not installed (Debian: apt-get install postgresql-client)")
    file = tmp_path / "remissbot.dump"
    with scratch_database(postgres_server_url) as played, scratch_database(postgres_server_url) as fresh:
        copy_database(demo_played.database_url, played)
        before = status(monkeypatch, played)
        assert before == status(monkeypatch, demo_played.database_url), "the copy holds the demo's data"

        code, _, err = remissbot(monkeypatch, played, "backup", str(file))
        assert code == 2
        subprocess.run(printed_command(err, "pg_dump"), check=True, capture_output=True, timeout=120)
        assert file.stat().st_size > 0

        code, _, err = remissbot(monkeypatch, fresh, "restore", str(file))
        assert code == 2
        restore = printed_command(err, "pg_restore")
        assert f"/{make_url(fresh).database}" in restore[-2], "the command restores into the configured database"
        subprocess.run(restore, check=True, capture_output=True, timeout=120)
        assert status(monkeypatch, fresh) == before
        # --clean: restoring again over the restored data replaces it instead of failing on what exists.
        subprocess.run(restore, check=True, capture_output=True, timeout=120)
        assert status(monkeypatch, fresh) == before
