"""The document port on SQL: a file's bytes once per sha256 (BLOB / bytea), and which recipient carries it."""

from __future__ import annotations

from sqlmodel import col, select

from bot.core.domain.documents import StoredDocument
from storage.sql.context import SqlRepository
from storage.sql.mapping import document_from, document_use_fields, stored_document_fields
from storage.tables import DocumentUseRow, StoredDocumentRow


class SqlDocuments(SqlRepository):
    """bot.core.ports.documents.DocumentRepository over one transaction's SqlContext."""

    def save(self, document: StoredDocument, content: bytes) -> None:
        self._ctx.require_writable()
        # ON CONFLICT DO NOTHING: the same bytes from another answer (or a retried save) are already there, and a
        # concurrent save of them waits for the first commit instead of failing.
        self._session.execute(
            self._ctx.insert(StoredDocumentRow)
            .values(**stored_document_fields(document), content=content)
            .on_conflict_do_nothing(index_elements=["sha256"])
        )
        self._session.execute(
            self._ctx.insert(DocumentUseRow)
            .values(**document_use_fields(document))
            .on_conflict_do_nothing(index_elements=["case_number", "organisation_key", "sha256", "name"])
        )

    def content(self, sha256: str) -> bytes | None:
        found = self._session.exec(select(StoredDocumentRow.content).where(StoredDocumentRow.sha256 == sha256)).first()
        return bytes(found) if found is not None else None

    def list_for(self, case_number: str, organisation_key: str | None = None) -> list[StoredDocument]:
        query = (
            select(DocumentUseRow, StoredDocumentRow.size, StoredDocumentRow.mime_type)
            .join(StoredDocumentRow, col(StoredDocumentRow.sha256) == col(DocumentUseRow.sha256))
            .where(DocumentUseRow.case_number == case_number)
            .order_by(col(DocumentUseRow.id))
        )
        if organisation_key is not None:
            query = query.where(DocumentUseRow.organisation_key == organisation_key)
        return [document_from(use, size, mime_type) for use, size, mime_type in self._session.exec(query).all()]
