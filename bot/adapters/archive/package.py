"""The archive package of a remiss: an E-ARK SIP (CSIP/SIP 2.1), built in memory, then written whole.

Built on the registry's export (`bot.adapters.export`): its answer PDFs/A, the answers' original files and the
summary as Word make the package's one representation, with the summary as PDF/A and the audit trail beside
them. The descriptive metadata is one documented JSON file; METS.xml lists every file with its size, MIME
type and SHA-256. Only the creation timestamps (METS's CREATEDATE and CREATED) depend on when it is built.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from dataclasses import asdict
from datetime import date, datetime
from importlib.resources import files
from pathlib import PurePosixPath
from typing import Any

from bot.adapters.archive.mets import mets_document
from bot.adapters.archive.model import ZIP_DATE, ArchivePackage, PackageFile
from bot.adapters.audit_files import audit_csv, audit_json, audit_rows
from bot.adapters.export.package import METADATA_CSV, METADATA_JSON, export_case
from bot.adapters.pdf import html_to_pdf
from bot.adapters.rendering import Texts
from bot.adapters.summary import load_summary
from bot.adapters.summary._common import file_name
from bot.adapters.summary.html import render_html
from bot.adapters.version import remissbot_version
from bot.core.clock import local_date
from bot.core.domain.archive import require_archivable
from bot.core.domain.recipient import Recipient
from bot.core.domain.remiss import Response
from bot.core.domain.summary_check import SummaryIncomplete
from bot.core.usecases import UseCases
from bot.core.usecases.results import CaseRecord

WORDS = "archive/words.j2"
DOCUMENTATION = "archive/documentation.txt.j2"
MD_TYPE = "remissbot-remiss-1"  # the descriptive metadata's format, documented in documentation/LASMIG.txt
REPRESENTATION = "rep1"
DATA = f"representations/{REPRESENTATION}/data"
DESCRIPTIVE = "metadata/descriptive/remiss.json"
README = "documentation/LASMIG.txt"
SCHEMAS = ("mets.xsd", "xlink.xsd", "DILCISExtensionMETS.xsd", "DILCISExtensionSIPMETS.xsd")

MIME_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".csv": "text/csv",
    ".json": "application/json",
    ".txt": "text/plain",
    ".xsd": "application/xml",
    ".xml": "application/xml",
}


def package_name(case_number: str) -> str:
    """The package's folder and OBJID: the diarienummer with anything but letters, digits, . _ - as '-'."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", case_number).strip("-.") or "remiss"


def mime_type(path: str) -> str:
    return MIME_TYPES.get(PurePosixPath(path).suffix.lower(), "application/octet-stream")


def build_archive(service: UseCases, texts: Texts, case_number: str, created: datetime) -> ArchivePackage:
    """Every file of the package, rendered in memory (nothing is written); refused for a remiss not ended."""
    case = service.queries.case_record(case_number)
    require_archivable(case.remiss)
    ended = case.remiss.closed_at or case.remiss.created_at
    # The summary as the case ended, not as of the day the package is made (the same case, the same bytes).
    ended_on = local_date(ended, service.config.tz)
    export = export_case(service, texts, case.remiss.case_number, today=ended_on)
    notes = list(export.notes)
    data: list[PackageFile] = []
    stable: dict[str, str] = {}  # file name → sha256, for the files made stable here
    for name, content in export.files:
        if name in (METADATA_JSON, METADATA_CSV):  # the registry's rows go into the descriptive metadata
            continue
        if name.endswith(".docx"):
            content = _stable_zip(content)
            stable[name] = hashlib.sha256(content).hexdigest()
        data.append(_data_file(name, content))
    summary_pdf = _summary_pdf(service, texts, case, ended)
    if summary_pdf is None:
        notes.append(texts.part(WORDS, "summary_left_out", case_number=case.remiss.case_number))
    else:
        data.append(_data_file(summary_pdf[0], summary_pdf[1]))
    rows = audit_rows(service, texts, case.remiss.case_number)
    stem = texts.part(WORDS, "audit_file", case_number=case.remiss.case_number)
    data += [_data_file(f"{stem}.csv", audit_csv(rows)), _data_file(f"{stem}.json", audit_json(rows))]

    name = package_name(case.remiss.case_number)
    software = remissbot_version()
    records = [(r.row() | {"sha256": stable[r.file]}) if r.file in stable else r.row() for r in export.records]
    descriptive = PackageFile(DESCRIPTIVE, _json(describe(case, records)), "application/json")
    readme = texts.render(
        DOCUMENTATION, case_number=case.remiss.case_number, title=case.remiss.title, version=software, md_type=MD_TYPE
    )
    documentation = PackageFile(README, (readme.rstrip("\n") + "\n").encode("utf-8"), "text/plain")
    schemas = [PackageFile(f"schemas/{n}", _schema(n), "application/xml") for n in SCHEMAS]
    listed = [descriptive, documentation, *schemas, *data]
    mets = mets_document(
        name=name,
        label=f"{case.remiss.case_number} {case.remiss.title}",
        sender=_organisation_name(case, case.remiss.sender_key),
        version=software,
        created=created,
        descriptive=descriptive,
        documentation=[documentation],
        schemas=schemas,
        representation=(REPRESENTATION, data),
        md_type=MD_TYPE,
    )
    return ArchivePackage(name, [*listed, PackageFile("METS.xml", mets, "application/xml")], notes)


def describe(case: CaseRecord, documents: list[dict[str, str]]) -> dict[str, Any]:
    """The descriptive metadata (format MD_TYPE): the case, its parties, dates, diarienummer and decisions."""
    remiss, directory = case.remiss, case.directory
    recipients = sorted(case.recipients, key=lambda r: directory.position(r.organisation_key))
    return {
        "format": MD_TYPE,
        "case_number": remiss.case_number,
        "title": remiss.title,
        "description": remiss.description,
        "status": str(remiss.status),
        "sender": {"key": remiss.sender_key, "name": _organisation_name(case, remiss.sender_key)},
        "contact": remiss.contact,
        "created_at": _when(remiss.created_at),
        "sent_at": _when(remiss.sent_at),
        "closed_at": _when(remiss.closed_at),
        "deadline": _when(remiss.deadline),
        "questions": [{"number": q.number, "text": q.text, "kind": str(q.kind)} for q in remiss.questions],
        "links": [asdict(d) for d in remiss.documents],
        "recipients": [_recipient(case, r) for r in recipients],
        "documents": documents,
    }


def _recipient(case: CaseRecord, recipient: Recipient) -> dict[str, Any]:
    return {
        "organisation_key": recipient.organisation_key,
        "organisation": _organisation_name(case, recipient.organisation_key),
        "deadline": _when(recipient.deadline),
        "extensions": [
            {"new_deadline": _when(e.new_deadline), "previous_deadline": _when(e.previous_deadline)}
            for e in recipient.extensions
        ],
        "withdrawn_version": recipient.withdrawn_version,
        "responses": [_response(r) for r in recipient.responses],
    }


def _response(response: Response) -> dict[str, Any]:
    content = response.content
    return {
        "version": response.version,
        "kind": str(content.kind),
        "submitted_at": _when(response.submitted_at),
        "author": response.author,
        "their_case_number": content.their_case_number,
        "decided_by": content.decided_by,
        "deciding_body": str(content.deciding_body) if content.deciding_body is not None else None,
        "meeting_date": _when(content.meeting_date),
        "paragraph": content.paragraph,
        "planned_board_date": _when(content.planned_board_date),
        "decline_reason": content.decline_reason,
        "answers": [
            {"question_number": a.question_number, "position": str(a.position), "text": a.text} for a in content.answers
        ],
        "attachments": [{"name": a.name, "sha256": a.sha256} for a in content.attachments],
    }


def _organisation_name(case: CaseRecord, key: str) -> str:
    organisation = case.directory.get(key)
    return organisation.name if organisation is not None else key


def _when(moment: date | datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.isoformat(timespec="seconds") if isinstance(moment, datetime) else moment.isoformat()


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _data_file(name: str, content: bytes) -> PackageFile:
    return PackageFile(f"{DATA}/{name}", content, mime_type(name))


def _summary_pdf(service: UseCases, texts: Texts, case: CaseRecord, ended: datetime) -> tuple[str, bytes] | None:
    """The summary's HTML as it stood when the remiss ended, rendered as PDF/A; None when it cannot be made."""
    try:
        summary = load_summary(service, case.remiss.case_number, today=local_date(ended, service.config.tz))
    except SummaryIncomplete:
        return None
    return file_name(texts, case.remiss.case_number, "pdf"), html_to_pdf(render_html(summary, texts), created=ended)


def _stable_zip(data: bytes) -> bytes:
    """The same zip (a .docx) with every entry dated ZIP_DATE, in the same order and compression."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            entry.compress_type = info.compress_type
            entry.external_attr = info.external_attr
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def _schema(name: str) -> bytes:
    return files("bot.adapters.archive").joinpath("schemas", name).read_bytes()
