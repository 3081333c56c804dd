"""The directory port: the organisations remisses are sent to, as stored."""

from __future__ import annotations

from typing import Protocol

from bot.core.domain.organisation import Directory


class DirectoryRepository(Protocol):
    """The organisation directory, inside one transaction."""

    def load_directory(self) -> Directory: ...
    def replace_directory(self, directory: Directory) -> None:
        """Make the directory exactly this; organisations no longer listed become inactive, not deleted."""
        ...
