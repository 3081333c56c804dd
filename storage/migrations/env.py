"""Alembic environment: migrates to the schema of storage/tables.py (SQLModel.metadata)."""

from __future__ import annotations

import os
from logging.config import fileConfig
from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

import storage.tables  # noqa: F401  (declares the tables on SQLModel.metadata)
from storage.engine import make_engine
from storage.errors import says

config = context.config
target_metadata = SQLModel.metadata
if config.config_file_name is not None:
    # Only the alembic command line has an ini file; storage.migrate leaves the app's logging alone.
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Render SQLModel's column types as the plain SQLAlchemy types they stand for.

    A migration is history: it must create the same schema next year, whatever SQLModel's internals
    look like by then, so it shouldn't import them.
    """
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if type_ == "type" and isinstance(obj, AutoString):
        return "sa.String()"
    return False


def _configure(**kwargs: Any) -> None:
    context.configure(
        target_metadata=target_metadata,
        render_item=render_item,
        compare_type=True,
        **kwargs,
    )


def run_with(connection: Connection) -> None:
    # SQLite can't ALTER most things in place; batch mode rebuilds the table instead.
    _configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


def database_url() -> str:
    """The developer's DATABASE_URL, else alembic.ini's sqlalchemy.url."""
    url = os.environ.get("DATABASE_URL") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit(says("no_database_url"))
    return url


def run_offline() -> None:
    url = database_url()
    _configure(url=url, literal_binds=True, render_as_batch=url.startswith("sqlite"))
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    # storage.migrate hands over its own connection (in-memory SQLite and test schemas need exactly it).
    connection = config.attributes.get("connection")
    if isinstance(connection, Connection):
        run_with(connection)
        return
    engine = make_engine(database_url())
    try:
        with engine.begin() as own_connection:
            run_with(own_connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
