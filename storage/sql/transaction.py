"""One SQL transaction as the core sees it: a repository per aggregate, all on the same session."""

from __future__ import annotations

from sqlmodel import Session

from storage.sql.context import SqlContext
from storage.sql.directory import SqlDirectory
from storage.sql.documents import SqlDocuments
from storage.sql.edge import SqlEdge
from storage.sql.outbox import SqlOutbox
from storage.sql.reminders import SqlReminders
from storage.sql.remisses import SqlRemisses


class SqlTransaction:
    """bot.core.ports.store.Transaction over one SQLAlchemy session; the caller owns the transaction.

    The repositories share one SqlContext: its locks held, remiss ids and recipients as stored are known to
    all of them (the remiss row locked by one is locked for the others).
    """

    def __init__(self, session: Session, locking: bool, *, read_only: bool = False) -> None:
        self.context = SqlContext(session, locking, read_only=read_only)
        self.remisses = SqlRemisses(self.context)
        self.outbox = SqlOutbox(self.context)
        self.reminders = SqlReminders(self.context)
        self.directory = SqlDirectory(self.context)
        self.edge = SqlEdge(self.context)
        self.documents = SqlDocuments(self.context)
