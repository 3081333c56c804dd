"""The document port: the bytes of the files officials attach to their answers, kept by the bot itself.

Content-addressed: a file's bytes are stored once under their sha256, however many answers carry it; which
recipient's answer a file belongs to is a separate record. The bytes are reached only through this port, so
an object store can take the place of the database's column without the core noticing.
"""

from __future__ import annotations

from typing import Protocol

from bot.core.domain.documents import StoredDocument


class DocumentRepository(Protocol):
    """Stored documents, inside one transaction."""

    def save(self, document: StoredDocument, content: bytes) -> None:
        """Keep the bytes under `document.sha256` (once: saving the same bytes again changes nothing) and record
        that the recipient has the file under its name. `content` must hash to `document.sha256`."""
        ...

    def content(self, sha256: str) -> bytes | None:
        """The stored bytes, or None when nothing is stored under that sha256."""
        ...

    def list_for(self, case_number: str, organisation_key: str | None = None) -> list[StoredDocument]:
        """The documents stored for a remiss (or one recipient of it), in the order they were stored."""
        ...
