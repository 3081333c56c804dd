"""The directory port on SQL: the organisation rows, in the administrator's order."""

from __future__ import annotations

from sqlmodel import col, select

from bot.core.domain.organisation import Directory
from bot.core.domain.people import Absence
from storage.sql.context import FRESH, SqlRepository
from storage.sql.mapping import organisation_fields, organisation_from
from storage.tables import AbsenceRow, OrganisationRow


class SqlDirectory(SqlRepository):
    """bot.core.ports.directory.DirectoryRepository over one transaction's SqlContext."""

    # -- organisation directory ----------------------------------------------------------------------
    def load_directory(self) -> Directory:
        rows = self._session.exec(
            select(OrganisationRow).order_by(col(OrganisationRow.position), col(OrganisationRow.key)),
            execution_options=FRESH,
        ).all()
        return Directory(tuple(organisation_from(row) for row in rows))

    def replace_directory(self, directory: Directory) -> None:
        """Make the directory exactly this; organisations no longer listed become inactive, not deleted."""
        self._ctx.require_writable()
        rows = {
            row.key: row
            for row in self._session.exec(
                select(OrganisationRow).order_by(col(OrganisationRow.position)), execution_options=FRESH
            )
        }
        stored = Directory(tuple(organisation_from(row) for row in rows.values()))
        # The domain decides what the directory becomes (the unlisted stay, inactive, after the listed ones).
        for position, org in enumerate(stored.replaced_by(directory)):
            fields = organisation_fields(org, position)
            row = rows.get(org.key)
            if row is None:
                row = OrganisationRow(key=org.key, **fields)
            else:
                for name, value in fields.items():
                    setattr(row, name, value)
            self._session.add(row)
        self._ctx.organisation_keys = None
        self._session.flush()

    # -- who is away ------------------------------------------------------------------------------------
    def absences(self) -> list[Absence]:
        rows = self._session.exec(select(AbsenceRow).order_by(col(AbsenceRow.user_id)), execution_options=FRESH)
        return [Absence(row.user_id, row.until, row.since) for row in rows]

    def set_absence(self, absence: Absence) -> None:
        self._ctx.require_writable()
        row = self._session.get(AbsenceRow, absence.user_id)
        if row is None:
            row = AbsenceRow(user_id=absence.user_id, until=absence.until, since=absence.since)
        else:
            row.until, row.since = absence.until, absence.since
        self._session.add(row)
        self._session.flush()

    def end_absence(self, user_id: str) -> bool:
        self._ctx.require_writable()
        row = self._session.get(AbsenceRow, user_id)
        if row is None:
            return False
        self._session.delete(row)
        self._session.flush()
        return True
