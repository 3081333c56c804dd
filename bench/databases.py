"""The databases a benchmark times on, chosen with `--database sqlite|postgres|both` and `--postgres-url`: each
run gets a throwaway one from the tests' helpers (a SQLite file in a folder of its own, a PostgreSQL schema)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from contextlib import AbstractContextManager

from tests.conftest import DEFAULT_POSTGRES_URL, postgres_schema, sqlite_file_url

# Makes a new database and gives its URL while the context lasts.
Database = Callable[[], AbstractContextManager[str]]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)


def chosen(args: argparse.Namespace) -> list[tuple[str, Database]]:
    """Each database `--database` names ("sqlite", "postgres"), in that order."""
    databases: list[tuple[str, Database]] = []
    if args.database in ("sqlite", "both"):
        databases.append(("sqlite", sqlite_file_url))
    if args.database in ("postgres", "both"):
        databases.append(("postgres", lambda: postgres_schema(args.postgres_url)))
    return databases
