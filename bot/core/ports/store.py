"""The Store port: transactions on the database (or an in-memory stand-in), each holding one port per aggregate."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol

from bot.core.ports.directory import DirectoryRepository
from bot.core.ports.documents import DocumentRepository
from bot.core.ports.edge import EdgeRepository
from bot.core.ports.outbox import OutboxRepository
from bot.core.ports.reminders import ReminderRepository
from bot.core.ports.remisses import RemissRepository


class StoreUnavailable(Exception):
    """The database cannot be reached or used; the message is one line a person can act on."""


class SchemaBehind(StoreUnavailable):
    """The database schema is older than this version of the code."""


class Transaction(Protocol):
    """Everything the core reads and writes, inside one transaction, by aggregate."""

    @property
    def remisses(self) -> RemissRepository: ...
    @property
    def outbox(self) -> OutboxRepository: ...
    @property
    def reminders(self) -> ReminderRepository: ...
    @property
    def directory(self) -> DirectoryRepository: ...
    @property
    def edge(self) -> EdgeRepository: ...
    @property
    def documents(self) -> DocumentRepository: ...


class Store(Protocol):
    """Opens transactions on the database (or an in-memory stand-in)."""

    def transaction(self) -> AbstractContextManager[Transaction]:
        """A read-modify-write transaction: commits on success, rolls back on any exception.

        Writers to the same remiss are serialised (SQLite: BEGIN IMMEDIATE; PostgreSQL: row locks).
        Transactions don't nest: never open one while another is open on the same thread.
        """
        ...

    def read(self) -> AbstractContextManager[Transaction]:
        """A read-only view; never blocks writers for long."""
        ...

    def check(self) -> None:
        """Raise StoreUnavailable (one clear line) if the database cannot be used now."""
        ...
