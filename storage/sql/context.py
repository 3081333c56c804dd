"""What the SQL repositories of one transaction share: the session, its locking mode and what it learnt."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TypeVar

from sqlalchemy import GenerativeSelect, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel, col, select
from sqlmodel.sql.expression import SelectOfScalar

from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.recipient import Recipient
from storage.sql.mapping import row_id
from storage.tables import OrganisationRow, RemissRow

_T = TypeVar("_T")
_Q = TypeVar("_Q", bound=GenerativeSelect)
_Row = TypeVar("_Row", bound=SQLModel)

# Rows that other transactions may have changed are read afresh, even if this session holds an older copy
# (after waiting for a row lock, the new values must win; SQLAlchemy otherwise keeps the loaded ones).
FRESH = {"populate_existing": True}
# ORM UPDATEs: returned rows are read fresh, and loaded objects are not patched up in Python (the WHERE
# clauses here can't be evaluated there); every read in this package goes to the database anyway (FRESH).
FRESH_UPDATE = {**FRESH, "synchronize_session": False}


class SqlContext:
    """One session and what the transaction's repositories share on it; the caller owns the transaction.

    With `locking` (PostgreSQL inside Store.transaction()), reading a remiss or one of its recipients
    locks the remiss row first (SELECT … FOR UPDATE), so writers to one remiss are serialised and always
    take locks in the same order (remiss, then recipient), which rules out deadlocks between them.
    """

    def __init__(self, session: Session, locking: bool, *, read_only: bool = False) -> None:
        self.session = session
        self.locking = locking
        self.read_only = read_only
        # Remiss ids never change and nothing is deleted, so look-ups can be reused within the transaction.
        self.remiss_ids: dict[str, int] = {}
        self.deadlines: dict[int, date] = {}
        self.locked_remisses: set[int] = set()
        self.shared_remisses: set[int] = set()
        self.organisation_keys: set[str] | None = None
        # Recipients as stored, as this transaction loaded or wrote them: save_recipient compares against
        # these instead of reading every recipient again (sending to 500 recipients saves 500 of them).
        # Valid for the whole transaction: a recipient read on its own is row-locked, and all of a remiss's
        # recipients are read only under the remiss's exclusive lock (or SQLite's write lock).
        self.stored: dict[tuple[str, str], Recipient] = {}

    def require_writable(self) -> None:
        if self.read_only:
            raise RuntimeError("Store.read() is read-only; write inside Store.transaction()")

    def insert(self, table: type[SQLModel]) -> postgresql.Insert | sqlite.Insert:
        """The dialect's INSERT, which knows ON CONFLICT (both PostgreSQL and SQLite ≥ 3.24 do)."""
        dialect = self.session.get_bind().dialect.name
        return postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)

    def candidates(self, query: SelectOfScalar[_T]) -> list[_T]:
        """The keys of rows to claim; the caller's UPDATE re-checks each one and so decides the claim.

        PostgreSQL: FOR UPDATE SKIP LOCKED, so concurrent claimers take disjoint rows instead of queueing
        behind each other. SQLite drops that clause, but the transaction holds the database's one write lock
        (BEGIN IMMEDIATE) from its start, so no other claimer can run between this SELECT and the UPDATE.
        """
        return list(self.session.exec(self.skipping_locked(query, self.session.get_bind().dialect.name)).all())

    @staticmethod
    def skipping_locked(query: _Q, dialect: str) -> _Q:
        """`query` as candidates runs it on `dialect`: FOR UPDATE SKIP LOCKED on PostgreSQL, as it is on SQLite."""
        return query.with_for_update(skip_locked=True) if dialect == "postgresql" else query

    def require_organisation(self, key: str) -> None:
        # A check before the insert gives the domain's error; organisations are never deleted, so the
        # keys read once can't go stale before the foreign key is checked.
        if self.organisation_keys is None:
            self.organisation_keys = set(self.session.exec(select(OrganisationRow.key)).all())
        if key not in self.organisation_keys:
            raise DomainError(ErrorCode.UNKNOWN_ORGANISATION, key=key)

    def remiss_id(self, case_number: str, *, lock: bool = False, shared_enough: bool = False) -> int | None:
        remiss_id = self.remiss_ids.get(case_number)
        held = self.locked_remisses | (self.shared_remisses if shared_enough else set())
        if remiss_id is not None and (not lock or remiss_id in held):
            return remiss_id
        query = select(col(RemissRow.id), col(RemissRow.deadline)).where(RemissRow.case_number == case_number)
        if lock:
            query = query.with_for_update()
        found = self.session.exec(query).first()
        if found is None:
            return None
        remiss_id = row_id(found[0])
        self.remiss_ids[case_number] = remiss_id
        self.deadlines[remiss_id] = found[1]
        if lock:
            self.locked_remisses.add(remiss_id)
        return remiss_id

    def remember(self, remiss_id: int, case_number: str, deadline: date) -> None:
        """A remiss row this transaction read: its id and deadline serve later look-ups."""
        self.remiss_ids[case_number] = remiss_id
        self.deadlines[remiss_id] = deadline


class SqlRepository:
    """One of a transaction's repositories: the SqlContext they share (`_ctx`) and its session."""

    def __init__(self, context: SqlContext) -> None:
        self._ctx = context
        self._session = context.session

    def _rows_about(self, table: type[_Row], case_number: str, organisation_key: str | None) -> Sequence[_Row]:
        """The rows of a table with case_number and organisation_key columns about a remiss (and, given its key,
        one recipient of it), oldest first, read afresh."""
        columns = inspect(table).columns
        query = select(table).where(columns["case_number"] == case_number)
        if organisation_key is not None:
            query = query.where(columns["organisation_key"] == organisation_key)
        return self._session.exec(query.order_by(columns["id"]), execution_options=FRESH).all()
