"""The directory port in memory."""

from __future__ import annotations

from bot.core.domain.organisation import Directory
from bot.core.domain.people import Absence
from devtools.memory.state import MemoryPart


class MemoryDirectory(MemoryPart):
    """bot.core.ports.directory.DirectoryRepository over one in-memory state; objects are copied in and out."""

    # -- organisation directory ----------------------------------------------------------------------
    def load_directory(self) -> Directory:
        return Directory(self._state.organisations)

    def replace_directory(self, directory: Directory) -> None:
        """Make the directory exactly this; organisations no longer listed become inactive, not deleted."""
        self._require_writable()
        self._state.organisations = Directory(self._state.organisations).replaced_by(directory).organisations

    # -- who is away ------------------------------------------------------------------------------------
    def absences(self) -> list[Absence]:
        return [self._state.absences[user_id] for user_id in sorted(self._state.absences)]

    def set_absence(self, absence: Absence) -> None:
        self._require_writable()
        self._state.absences[absence.user_id] = absence

    def end_absence(self, user_id: str) -> bool:
        self._require_writable()
        return self._state.absences.pop(user_id, None) is not None
