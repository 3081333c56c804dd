"""An in-memory Store with the SQL store's semantics, for service tests and running without a database.

One module per aggregate, as in storage/sql; `MemoryStore` is the entry point.
"""

from devtools.memory.store import MemoryStore, MemoryTransaction

__all__ = ["MemoryStore", "MemoryTransaction"]
