"""What an import found in a remiss document, and the ways a document can be refused."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from bot.core.domain.organisation import Organisation
from bot.core.domain.short_title import suggest_short_title


class Field(StrEnum):
    """A field the importer looks for; the value is the key used in JSON and templates."""

    CASE_NUMBER = "case_number"
    TITLE = "title"
    SENDER = "sender"
    CONTACT = "contact"
    DEADLINE = "deadline"
    RECIPIENTS = "recipients"
    QUESTIONS = "questions"


class Confidence(StrEnum):
    """How sure the importer is of a value it found."""

    HIGH = "high"  # stated the way such documents state it ("sista svarsdatum", "Dnr", a numbered list)
    MEDIUM = "medium"  # found by a weaker sign; worth a look
    LOW = "low"  # a guess from layout alone; check it


class WarningCode(StrEnum):
    """Something the coordinator should know about an import. Swedish wording: templates/importer/."""

    AMBIGUOUS_CASE_NUMBER = "ambiguous_case_number"
    CASE_NUMBER_ONLY_IN_TEXT = "case_number_only_in_text"
    CASE_NUMBER_REFERENCES = "case_number_references"
    AMBIGUOUS_DEADLINE = "ambiguous_deadline"
    DEADLINE_WITHOUT_YEAR = "deadline_without_year"
    OTHER_DEADLINE_IGNORED = "other_deadline_ignored"
    DEADLINE_EXTENDED = "deadline_extended"
    DEADLINE_DAY_BEFORE = "deadline_day_before"  # "före den 1 juni": the last day is 31 maj
    DEADLINE_RELATIVE = "deadline_relative"  # "inom sex veckor från …": no date to read
    SEVERAL_RECIPIENT_LISTS = "several_recipient_lists"
    UNMATCHED_RECIPIENTS = "unmatched_recipients"
    MUNICIPALITY_IS_RECIPIENT = "municipality_is_recipient"
    LOOKS_LIKE_ANSWER = "looks_like_answer"
    NO_STRUCTURE = "no_structure"
    PAGES_WITHOUT_TEXT = "pages_without_text"
    PAGES_READ_BY_OCR = "pages_read_by_ocr"
    BLANK_SCANNED_PAGES = "blank_scanned_pages"
    WORD_IMAGES_NOT_READ = "word_images_not_read"


class DocumentErrorCode(StrEnum):
    """Why a file could not be read at all. Swedish wording: templates/importer/messages.j2."""

    NOT_FOUND = "not_found"
    EMPTY = "empty"
    TOO_LARGE = "too_large"
    UNSUPPORTED_TYPE = "unsupported_type"
    IMAGE = "image"
    BINARY = "binary"
    UNKNOWN_ENCODING = "unknown_encoding"
    NOT_A_ZIP = "not_a_zip"
    NOT_A_WORD_DOCUMENT = "not_a_word_document"
    ZIP_BOMB = "zip_bomb"
    UNREADABLE_WORD = "unreadable_word"
    NOT_A_PDF = "not_a_pdf"
    ENCRYPTED_PDF = "encrypted_pdf"
    UNREADABLE_PDF = "unreadable_pdf"
    SCANNED_PDF = "scanned_pdf"  # no text layer, and no OCR on this machine
    SCAN_WITHOUT_WORDS = "scan_without_words"  # OCR found no words on any page: a blank scan
    TOO_MANY_SCANNED_PAGES = "too_many_scanned_pages"  # over MAX_OCR_PAGES, refused before any is read
    OCR_TOO_SLOW = "ocr_too_slow"  # reading the scanned pages ran out of its time
    WORD_ONLY_IMAGES = "word_only_images"  # a Word file whose only content is pictures
    TOO_MUCH_TEXT = "too_much_text"
    TOO_MANY_PARAGRAPHS = "too_many_paragraphs"
    TOO_MANY_RUNS = "too_many_runs"
    TOO_MANY_PAGES = "too_many_pages"
    TOO_DEMANDING = "too_demanding"  # the reader ran out of its CPU time or memory


class ImportFailed(Exception):
    """The import itself failed, not the file: its child process crashed, could not start or answered garbage.

    Unforeseen, so the message (in English) is for the log; the user gets a general Swedish sentence.
    """


class DocumentError(Exception):
    """A document the importer cannot read; `params` fill the Swedish message."""

    def __init__(self, code: DocumentErrorCode, **params: object) -> None:
        self.code = code
        self.params: dict[str, object] = params
        super().__init__(f"{code.value}: {params}" if params else code.value)


class DocumentKind(StrEnum):
    """The format a document was read as."""

    TEXT = "text"
    WORD = "word"
    PDF = "pdf"


@dataclass(frozen=True)
class SourceInfo:
    """How the document was read: format, text encoding, number of pages."""

    kind: DocumentKind
    encoding: str | None = None
    pages: int | None = None


WarningNote = tuple[WarningCode, dict[str, object]]
"""A warning before it is worded: its code and the parameters its message needs."""


@dataclass(frozen=True)
class ParseWarning:
    """A warning with its code (for code and tests) and its Swedish message (for the user)."""

    code: WarningCode
    message: str
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Contact:
    """The official named as contact for the remiss (handläggare)."""

    name: str
    role: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class ImportedRecipient:
    """A recipient as written in the document, and the directory organisation it matched, if any."""

    name: str
    organisation: Organisation | None


@dataclass(frozen=True)
class ImportedRemiss:
    """Everything an import found. A field the document does not state is None or empty, never guessed."""

    case_number: str | None
    title: str | None
    sender: str | None
    sender_organisation: Organisation | None
    contact: Contact | None
    deadline: date | None
    recipients: tuple[ImportedRecipient, ...]
    questions: tuple[str, ...]
    confidence: Mapping[Field, Confidence]
    warnings: tuple[ParseWarning, ...] = ()
    source: SourceInfo | None = None
    # Diary numbers of other cases the document cites ("Er beteckning", a number in running text that lost to
    # the header's): kept so the coordinator sees them, never used as the remiss's own.
    references: tuple[str, ...] = ()
    # The kortrubrik the document states ("Kortrubrik: …", or a short title beside a long ärendemening).
    short_title: str | None = None

    @property
    def kortrubrik(self) -> str | None:
        """The kortrubrik the document states, else the one suggested from its title (None without a title)."""
        if self.short_title:
            return self.short_title
        return suggest_short_title(self.title) if self.title else None

    @property
    def unmatched_recipients(self) -> tuple[str, ...]:
        """Recipients as written that are not in the organisation directory."""
        return tuple(r.name for r in self.recipients if r.organisation is None)

    @property
    def missing(self) -> tuple[Field, ...]:
        """Fields the document did not give (or gave ambiguously), in form order."""
        values: dict[Field, object] = {
            Field.CASE_NUMBER: self.case_number,
            Field.TITLE: self.title,
            Field.SENDER: self.sender,
            Field.CONTACT: self.contact,
            Field.DEADLINE: self.deadline,
            Field.RECIPIENTS: self.recipients,
            Field.QUESTIONS: self.questions,
        }
        return tuple(f for f, value in values.items() if not value)

    def to_json_dict(self) -> dict[str, object]:
        """The JSON form `remissbot import --json` prints: the issue's keys and the cited diary numbers."""
        return {
            "case_number": self.case_number,
            "title": self.title,
            "short_title": self.kortrubrik,
            "sender": self.sender,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "recipients": [r.name for r in self.recipients],
            "questions": list(self.questions),
            "unmatched_recipients": list(self.unmatched_recipients),
            "references": list(self.references),
            "warnings": [w.message for w in self.warnings],
        }
