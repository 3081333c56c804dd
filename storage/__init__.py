"""The database edge: SQLModel tables, the SQL Store with a repository per aggregate (storage.sql), the engine
and migrations.

Importing `storage` is cheap and opens nothing: the names below are loaded on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from storage.engine import make_engine
    from storage.migrate import ensure_schema, upgrade
    from storage.store import SqlStore

__all__ = ["SqlStore", "ensure_schema", "make_engine", "upgrade"]

_HOMES = {
    "make_engine": "storage.engine",
    "SqlStore": "storage.store",
    "upgrade": "storage.migrate",
    "ensure_schema": "storage.migrate",
}


def __getattr__(name: str) -> Any:
    # SQLAlchemy, SQLModel and Alembic take a noticeable moment to import; commands that don't touch
    # the database (help, config checks) shouldn't pay for them.
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'storage' has no attribute {name!r}")
