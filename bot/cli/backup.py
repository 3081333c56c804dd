"""`remissbot backup FILE` and `remissbot restore FILE`: the SQLite database to a file and back, safe while the
bot runs; on PostgreSQL the pg_dump / pg_restore commands for the configured database. The work is in
storage/backup.py; this module reads the arguments and says what happened, in Swedish."""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from bot.adapters.rendering import default_texts
from bot.cli.common import EXIT_CONFIG, EXIT_OK, help_text
from bot.settings import load_settings

if TYPE_CHECKING:
    from storage.backup import PostgresCommands


def register(commands: Any) -> None:
    """Add this module's commands to the `remissbot` parser's subcommands."""
    backup = commands.add_parser("backup", help=help_text("backup"))
    backup.add_argument("file", type=Path, help=help_text("backup_file"))
    backup.add_argument("--force", action="store_true", help=help_text("backup_force"))
    backup.set_defaults(handler=cmd_backup)
    restore = commands.add_parser("restore", help=help_text("restore"))
    restore.add_argument("file", type=Path, help=help_text("restore_file"))
    restore.add_argument("--force", action="store_true", help=help_text("restore_force"))
    restore.set_defaults(handler=cmd_restore)


def _says(name: str, /, **params: object) -> str:
    return default_texts().part("cli/backup.j2", name, **params)


def cmd_backup(args: argparse.Namespace, out: TextIO) -> int:
    from storage.backup import backup_database

    return _run("backup", backup_database, args, out)


def cmd_restore(args: argparse.Namespace, out: TextIO) -> int:
    from storage.backup import restore_database

    return _run("restore", restore_database, args, out)


def _run(command: str, action: Callable[..., object], args: argparse.Namespace, out: TextIO) -> int:
    """`action` on the configured database and FILE: what was done, or why not (exit 2), or on PostgreSQL the
    commands that do it."""
    from storage.backup import BackupRefused, PostgresCommands

    try:
        done = action(load_settings().database_url, args.file, force=args.force)
    except BackupRefused as refused:
        print(f"remissbot: {_says(refused.problem, **refused.params)}", file=sys.stderr)
        return EXIT_CONFIG
    if isinstance(done, PostgresCommands):
        return _postgres(command, done)
    out.write(_says(f"{command}_done", done=done) + "\n")
    return EXIT_OK


def _postgres(command: str, commands: PostgresCommands) -> int:
    """Not done here: the commands that do it on PostgreSQL, on standard error, and exit 2 (a nightly job that
    calls `remissbot backup` must not believe it has a backup)."""
    said = _says(
        "postgres",
        command=command,
        host=commands.host,
        port=commands.port,
        database=commands.database,
        dump=shlex.join(commands.dump),
        restore=shlex.join(commands.restore),
    )
    print(f"remissbot: {said}", file=sys.stderr)
    return EXIT_CONFIG
