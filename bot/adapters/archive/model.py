"""What a package is in memory: its files, each with where it goes, its bytes and its MIME type."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

# The date every entry of a zip file (a .docx) is given, so that the same document is the same bytes.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class PackageFile:
    """One file of the package: where it goes (POSIX path from the package root), its bytes and its type."""

    path: str
    data: bytes
    mimetype: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class ArchivePackage:
    """A whole package in memory: its name (the package folder), its files (METS.xml last) and notes."""

    name: str
    files: list[PackageFile]
    notes: list[str]
