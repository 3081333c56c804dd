"""The files an official attaches to an answer, as the bot keeps them: which files are accepted (PDF or DOCX, up
to a size), what identifies a stored copy (its sha256), and when a question is answered by a document."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.remiss import Attachment, ResponseContent

# Per file. A decided yttrande with its protokollsutdrag is a few MB; 25 MB leaves room for scanned pages.
MAX_DOCUMENT_BYTES = 25 * 1024 * 1024
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# By file name ending; the content must agree (a PDF starts with %PDF-, a DOCX is a ZIP package).
ACCEPTED_TYPES = {"pdf": PDF, "docx": DOCX}
_SIGNATURES = {PDF: b"%PDF-", DOCX: b"PK\x03\x04"}
FIELD = "attachments"


@dataclass(frozen=True)
class StoredDocument:
    """A file the bot stored for a recipient of a remiss; its bytes are found by `sha256`."""

    sha256: str
    name: str
    mime_type: str
    size: int
    case_number: str
    organisation_key: str
    stored_at: datetime

    @property
    def attachment_fields(self) -> dict[str, object]:
        return {"sha256": self.sha256, "size": self.size, "mime_type": self.mime_type}


def accepted_type(name: str) -> str:
    """The MIME type of a file the form accepts, by its name; DomainError for any other kind of file."""
    ending = name.rpartition(".")[2].lower() if "." in name else ""
    mime_type = ACCEPTED_TYPES.get(ending)
    if mime_type is None:
        raise DomainError(ErrorCode.DOCUMENT_TYPE_REFUSED, field=FIELD, name=name)
    return mime_type


def check_size(name: str, size: int, max_bytes: int = MAX_DOCUMENT_BYTES) -> None:
    """A file over the limit is refused before its bytes are fetched (when Slack says its size) and after."""
    if size > max_bytes:
        raise too_large(name, max_bytes)


def too_large(name: str, max_bytes: int = MAX_DOCUMENT_BYTES) -> DomainError:
    return DomainError(ErrorCode.DOCUMENT_TOO_LARGE, field=FIELD, name=name, limit=max_bytes)


def document_of(
    name: str,
    content: bytes,
    *,
    case_number: str,
    organisation_key: str,
    at: datetime,
    max_bytes: int = MAX_DOCUMENT_BYTES,
) -> StoredDocument:
    """What to store of a fetched file: refused (DomainError) when over the limit, not a PDF or DOCX by its
    name, or when its bytes are not what its name says (a renamed file)."""
    mime_type = accepted_type(name)
    check_size(name, len(content), max_bytes)
    if not content.startswith(_SIGNATURES[mime_type]):
        raise DomainError(ErrorCode.DOCUMENT_TYPE_REFUSED, field=FIELD, name=name)
    digest = hashlib.sha256(content).hexdigest()
    return StoredDocument(digest, name, mime_type, len(content), case_number, organisation_key, at)


def stored_attachment(attachment: Attachment, document: StoredDocument) -> Attachment:
    """The attachment as the answer keeps it: its Slack origin and what identifies the stored copy."""
    return Attachment(
        attachment.file_id,
        attachment.name,
        attachment.url,
        sha256=document.sha256,
        size=document.size,
        mime_type=document.mime_type,
    )


def answered_in_document(content: ResponseContent, question_number: int) -> bool:
    """A question the typed text leaves blank but the attached yttrande answers: "Svar i bifogat yttrande"."""
    answer = content.answer_to(question_number)
    return bool(content.attachments) and (answer is None or not answer.text.strip())
