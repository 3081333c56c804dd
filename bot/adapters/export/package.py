"""`remissbot export`: a remiss's documents for the registry (diarium), each with its metadata.

For every answer version: a PDF of the answer as submitted (text, decision, version) and its original files;
the summary as Word; and metadata.json and metadata.csv, one row per document. Everything is rendered before
the first file is written, so a failure (no PDF on this machine) leaves nothing half-written behind.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path

from bot.adapters.pdf import html_to_pdf
from bot.adapters.rendering import Texts
from bot.adapters.summary import load_summary, render_files
from bot.adapters.summary._common import paragraphs, safe_file_name
from bot.adapters.summary.html import css_string
from bot.core.domain.organisation import Directory
from bot.core.domain.recipient import Recipient
from bot.core.domain.remiss import Remiss, Response
from bot.core.domain.summary_check import SummaryIncomplete
from bot.core.usecases import UseCases

WORDS = "export/words.j2"
ANSWER_PAGE = "export/answer.html.j2"
METADATA_JSON = "metadata.json"
METADATA_CSV = "metadata.csv"


@dataclass(frozen=True)
class Record:
    """One exported document's row in metadata.json and metadata.csv (the registry's fields)."""

    file: str
    title: str
    sender: str  # "from" in the files
    to: str
    received: str  # ISO 8601 with the UTC offset; empty for a document nobody sent (the summary)
    case_number: str
    their_case_number: str
    decided_by: str
    decision_date: str
    paragraph: str
    version: str
    sha256: str

    def row(self) -> dict[str, str]:
        fields = asdict(self)
        return {("from" if k == "sender" else k): v for k, v in fields.items()}


FIELDS = tuple(Record.__dataclass_fields__)
COLUMNS = tuple("from" if f == "sender" else f for f in FIELDS)


@dataclass(frozen=True)
class Export:
    """What `export_case` made, in memory: (file name, bytes) in order, their rows, and notes for the user."""

    files: list[tuple[str, bytes]]
    records: list[Record]
    notes: list[str]


def export_case(service: UseCases, texts: Texts, case_number: str, *, today: date | None = None) -> Export:
    """Render every document of the remiss and its metadata (nothing is written here); the summary as it
    stands today, or on `today`."""
    case = service.queries.case_record(case_number)
    remiss, recipients, directory = case.remiss, case.recipients, case.directory
    words = _Words(texts)
    builder = _Builder(texts, words, remiss, directory)
    notes: list[str] = []
    for recipient in sorted(recipients, key=lambda r: directory.position(r.organisation_key)):
        for response in recipient.responses:
            builder.add_answer(recipient, response)
            for attachment in response.content.attachments:
                content = service.answering.document_content(attachment.sha256) if attachment.is_stored else None
                if content is None:  # attached before the bot kept copies: only Slack has it
                    notes.append(words("original_missing", name=attachment.name, version=response.version))
                    continue
                builder.add_original(recipient, response, attachment.name, content)
    if not builder.records:
        notes.append(words("no_answers", case_number=remiss.case_number))
    try:
        summary = load_summary(service, remiss.case_number, today=today)
    except SummaryIncomplete:
        notes.append(words("summary_left_out", case_number=remiss.case_number))
    else:
        [(name, data)] = render_files(summary, texts, ["docx"])
        builder.add(name, data, words("summary_title"), sender=builder.sender)
    builder.add_metadata()
    return Export(builder.files, builder.records, notes)


def write_export(export: Export, out_dir: Path) -> list[Path]:
    """Save every file of the export in `out_dir` (created if missing), each written whole then renamed."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in export.files:
        path = out_dir / name
        temporary = path.with_name(f".{name}.part")
        temporary.write_bytes(data)
        temporary.replace(path)
        paths.append(path)
    return paths


class _Words:
    def __init__(self, texts: Texts) -> None:
        self._texts = texts

    def __call__(self, name: str, /, **params: object) -> str:
        return self._texts.part(WORDS, name, **params)


class _Builder:
    """Collects the files and their rows; one file name is never used twice."""

    def __init__(self, texts: Texts, words: _Words, remiss: Remiss, directory: Directory) -> None:
        self.texts, self.words, self.remiss, self.directory = texts, words, remiss, directory
        self.sender = self.name_of(remiss.sender_key)
        self.files: list[tuple[str, bytes]] = []
        self.records: list[Record] = []
        self._names: set[str] = set()

    def name_of(self, key: str) -> str:
        organisation = self.directory.get(key)
        return organisation.name if organisation is not None else key

    def add_answer(self, recipient: Recipient, response: Response) -> None:
        organisation = self.name_of(recipient.organisation_key)
        content = response.content
        title = self.words("answer_title", organisation=organisation, version=response.version, kind=content.kind)
        html = self.texts.render_html(
            ANSWER_PAGE,
            title=title,
            footer=css_string(self.remiss.case_number),
            case_number=self.remiss.case_number,
            remiss=self.remiss,
            organisation=organisation,
            sender=self.sender,
            response=response,
            content=content,
            author=response.author,
            withdrawn=recipient.withdrawn_version == response.version,
            paragraphs=paragraphs,
        )
        name = self.words(
            "answer_file", case_number=self.remiss.case_number, organisation=organisation, version=response.version
        )
        self.add(
            name, html_to_pdf(html, created=response.submitted_at), title, **self.facts(organisation, response).fields()
        )

    def add_original(self, recipient: Recipient, response: Response, file_name: str, content: bytes) -> None:
        """A file the official attached to this version, as stored: its bytes are the document itself."""
        organisation = self.name_of(recipient.organisation_key)
        name = self.words(
            "original_file",
            case_number=self.remiss.case_number,
            organisation=organisation,
            version=response.version,
            name=file_name,
        )
        title = self.words("original_title", organisation=organisation, version=response.version, name=file_name)
        self.add(name, content, title, **self.facts(organisation, response).fields())

    def facts(self, organisation: str, response: Response) -> _AnswerFacts:
        body = response.content.deciding_body
        label = self.texts.part("labels.j2", "body_label", body=body.value) if body is not None else ""
        return _AnswerFacts(organisation, self.sender, response, label)

    def add(self, name: str, data: bytes, title: str, **fields: str) -> None:
        name = self._unique(safe_file_name(name))
        self.files.append((name, data))
        record = dict.fromkeys(FIELDS, "") | {"case_number": self.remiss.case_number} | fields
        self.records.append(Record(**(record | {"file": name, "title": title, "sha256": _sha256(data)})))

    def add_metadata(self) -> None:
        rows = [r.row() for r in self.records]
        self.files.append((METADATA_JSON, (json.dumps(rows, ensure_ascii=False, indent=2) + "\n").encode("utf-8")))
        self.files.append((METADATA_CSV, _csv(rows).encode("utf-8")))

    def _unique(self, name: str) -> str:
        stem, dot, suffix = name.rpartition(".") if "." in name else (name, "", "")
        candidate, n = name, 2
        while candidate in self._names:
            candidate = f"{stem} ({n}){dot}{suffix}"
            n += 1
        self._names.add(candidate)
        return candidate


@dataclass(frozen=True)
class _AnswerFacts:
    organisation: str
    sender: str
    response: Response
    body: str = ""  # the deciding body's Swedish name ("arbetsutskottet"), when the answer gives one

    def fields(self) -> dict[str, str]:
        content = self.response.content
        return {
            "sender": self.organisation,
            "to": self.sender,
            "received": _iso(self.response.submitted_at),
            "their_case_number": content.their_case_number,
            # Who decided: the body or delegate by name where the answer gives one, else the kind of body.
            "decided_by": content.decided_by or self.body,
            "decision_date": content.meeting_date.isoformat() if content.meeting_date else "",
            "paragraph": content.paragraph,
            "version": str(self.response.version),
        }


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _csv(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
