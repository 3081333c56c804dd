"""The in-memory Store: transactions on a working copy of the state, committed by swapping it in."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from devtools.memory.directory import MemoryDirectory
from devtools.memory.documents import MemoryDocuments
from devtools.memory.edge import MemoryEdge
from devtools.memory.outbox import MemoryOutbox
from devtools.memory.reminders import MemoryReminders
from devtools.memory.remisses import MemoryRemisses
from devtools.memory.state import MemoryState


class MemoryTransaction:
    """bot.core.ports.store.Transaction over one in-memory state: a repository per aggregate."""

    def __init__(self, state: MemoryState, *, read_only: bool = False) -> None:
        self.remisses = MemoryRemisses(state, read_only=read_only)
        self.outbox = MemoryOutbox(state, read_only=read_only)
        self.reminders = MemoryReminders(state, read_only=read_only)
        self.directory = MemoryDirectory(state, read_only=read_only)
        self.edge = MemoryEdge(state, read_only=read_only)
        self.documents = MemoryDocuments(state, read_only=read_only)


class MemoryStore:
    """bot.core.ports.store.Store in memory: transactions are serialised by a lock and roll back on any exception."""

    def __init__(self) -> None:
        self._state = MemoryState()
        self._lock = threading.Lock()
        self._owner: int | None = None

    @contextmanager
    def transaction(self) -> Iterator[MemoryTransaction]:
        """A read-modify-write transaction: commits on success, rolls back on any exception."""
        if self._owner == threading.get_ident():
            # A SQL store would wait for itself here (SQLite's write lock, PostgreSQL's row locks).
            raise RuntimeError("transaction() inside transaction() on one thread would deadlock")
        with self._lock:
            self._owner = threading.get_ident()
            try:
                working = self._state.working_copy()
                yield MemoryTransaction(working)
                self._state = working
            finally:
                self._owner = None

    @contextmanager
    def read(self) -> Iterator[MemoryTransaction]:
        """A read-only view of the last committed state; never waits for writers."""
        yield MemoryTransaction(self._state, read_only=True)

    def check(self) -> None:
        """Memory is always available."""
