"""A whole PostgreSQL database made for one run and dropped after it, where a schema (tests/conftest.py's
postgres_schema) is not enough: `remissbot backup`/`restore` and pg_dump work on databases, and the load benchmark
(bench/bench_load.py) watches its own in pg_stat_database. copy_database fills one with another's rows."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Integer, create_engine, make_url
from sqlalchemy.pool import NullPool
from sqlmodel import SQLModel

from storage import make_engine, upgrade


@contextmanager
def scratch_database(server_url: str, name: str | None = None) -> Iterator[str]:
    """A new, empty database `name` on the server (a random name if None; an old one of that name is dropped
    first), dropped afterwards; yields its URL."""
    name = name or f"remissbot_scratch_{secrets.token_hex(5)}"
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise ValueError(f"not a plain database name: {name}")
    admin = create_engine(server_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            connection.exec_driver_sql(f"CREATE DATABASE {name}")
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


def copy_database(source_url: str, target_url: str) -> None:
    """Migrate the empty database at `target_url` to the newest schema and copy every row of every table of the
    database at `source_url` (at the newest schema too) into it, in one transaction; on PostgreSQL each id's
    sequence then continues after the copied ids, as if the rows had been written there."""
    source, target = make_engine(source_url), make_engine(target_url)
    try:
        upgrade(target)
        tables = SQLModel.metadata.sorted_tables
        with source.connect() as reading, target.begin() as writing:
            for table in tables:
                rows = [dict(row._mapping) for row in reading.execute(table.select())]
                if rows:
                    writing.execute(table.insert(), rows)
            if target.dialect.name == "postgresql":
                for table in tables:
                    for column in table.primary_key.columns:
                        if not isinstance(column.type, Integer):
                            continue
                        # NULL (no change) where the column has no sequence.
                        writing.exec_driver_sql(
                            f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', '{column.name}'), "
                            f'max("{column.name}")) FROM "{table.name}" HAVING count(*) > 0'
                        )
    finally:
        source.dispose()
        target.dispose()
