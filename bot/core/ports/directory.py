"""The directory port: the organisations remisses are sent to, as stored."""

from __future__ import annotations

from typing import Protocol

from bot.core.domain.organisation import Directory
from bot.core.domain.people import Absence


class DirectoryRepository(Protocol):
    """The organisation directory, inside one transaction."""

    def load_directory(self) -> Directory: ...
    def replace_directory(self, directory: Directory) -> None:
        """Make the directory exactly this; organisations no longer listed become inactive, not deleted."""
        ...

    # -- who is away (people of the directory) --------------------------------------------------------
    def absences(self) -> list[Absence]:
        """Every recorded absence, ended or not (ended ones are removed), by user id."""
        ...

    def set_absence(self, absence: Absence) -> None:
        """Record (or replace) one person's absence."""
        ...

    def end_absence(self, user_id: str) -> bool:
        """Remove one person's absence; False when there was none."""
        ...
