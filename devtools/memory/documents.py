"""The document port in memory: a file's bytes once per sha256, and which recipient carries it."""

from __future__ import annotations

from bot.core.domain.documents import StoredDocument
from devtools.memory.state import MemoryPart, copied


class MemoryDocuments(MemoryPart):
    """bot.core.ports.documents.DocumentRepository over one in-memory state."""

    def save(self, document: StoredDocument, content: bytes) -> None:
        self._require_writable()
        self._state.document_bytes.setdefault(document.sha256, bytes(content))
        key = (document.case_number, document.organisation_key, document.sha256, document.name)
        if all((d.case_number, d.organisation_key, d.sha256, d.name) != key for d in self._state.documents):
            self._state.documents.append(copied(document))

    def content(self, sha256: str) -> bytes | None:
        return self._state.document_bytes.get(sha256)

    def list_for(self, case_number: str, organisation_key: str | None = None) -> list[StoredDocument]:
        return [
            d
            for d in self._state.documents
            if d.case_number == case_number and organisation_key in (None, d.organisation_key)
        ]
