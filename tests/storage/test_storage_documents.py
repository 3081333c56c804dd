"""The document port's contract on MemoryStore, SQLite and PostgreSQL: bytes stored once per sha256, read back
whole, listed per remiss and recipient, and rolled back with their transaction."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.domain.documents import StoredDocument, document_of
from bot.core.ports.store import Store

CASE = "STK-2023-137"
NOW = datetime(2023, 11, 20, 9, 0, tzinfo=UTC)
# Every byte value, including NUL and bytes that are not UTF-8: a column for text would mangle them.
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 64 + b"\n%%EOF\n"


def pdf_document(name: str, content: bytes = PDF, organisation_key: str = "tekniska-namnden") -> StoredDocument:
    return document_of(name, content, case_number=CASE, organisation_key=organisation_key, at=NOW)


def test_stored_bytes_come_back_whole_under_their_sha256(store: Store) -> None:
    document = pdf_document("Yttrande TN.pdf")
    with store.transaction() as repo:
        repo.documents.save(document, PDF)

    with store.read() as repo:
        assert repo.documents.content(document.sha256) == PDF
        assert repo.documents.content(hashlib.sha256(b"other").hexdigest()) is None
        assert repo.documents.list_for(CASE) == [document]
    assert document.sha256 == hashlib.sha256(PDF).hexdigest() and document.size == len(PDF)


def test_the_same_bytes_are_stored_once_and_each_recipient_keeps_its_own_record(store: Store) -> None:
    first = pdf_document("Yttrande TN.pdf")
    again_later = StoredDocument(**{**first.__dict__, "stored_at": NOW + timedelta(hours=1)})
    other = pdf_document("Yttrande MKB.pdf", organisation_key="mkb")
    with store.transaction() as repo:
        repo.documents.save(first, PDF)
    with store.transaction() as repo:
        repo.documents.save(again_later, PDF)  # saved again with the next draft: nothing changes
        repo.documents.save(other, PDF)

    with store.read() as repo:
        assert repo.documents.list_for(CASE) == [first, other]
        assert repo.documents.list_for(CASE, "mkb") == [other]
        assert repo.documents.list_for(CASE, "tekniska-namnden") == [first]
        assert repo.documents.list_for("STK-2023-1") == []
        assert repo.documents.content(first.sha256) == PDF


def test_a_document_saved_in_a_transaction_that_rolls_back_is_not_stored(store: Store) -> None:
    document = pdf_document("Yttrande TN.pdf")

    def refused_answer() -> None:
        with store.transaction() as repo:
            repo.documents.save(document, PDF)
            raise RuntimeError("the answer was refused")

    with pytest.raises(RuntimeError):
        refused_answer()

    with store.read() as repo:
        assert repo.documents.content(document.sha256) is None
        assert repo.documents.list_for(CASE) == []


def test_a_read_only_view_refuses_to_store(store: Store) -> None:
    with store.read() as repo, pytest.raises(RuntimeError):
        repo.documents.save(pdf_document("Yttrande TN.pdf"), PDF)
