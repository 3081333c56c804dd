"""A whole PostgreSQL database made for one run and dropped after it, where a schema (tests/conftest.py's
postgres_schema) is not enough: `remissbot backup`/`restore` and pg_dump work on databases, and the load benchmark
(bench/bench_load.py) watches its own in pg_stat_database."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, make_url
from sqlalchemy.pool import NullPool


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
