"""`remissbot export`: every answer version as a PDF/A the registry can file, the summary, and their metadata."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import StreamObject

from bot.adapters.export import export_command, pdf_available
from bot.adapters.export.package import COLUMNS
from bot.adapters.rendering import Texts
from bot.core.domain.documents import document_of, stored_attachment
from bot.core.domain.recipient import Recipient
from bot.core.domain.remiss import Attachment, DecidingBody
from bot.core.ports.store import Transaction
from bot.core.usecases import UseCases
from tests.summary.round import CASE_NUMBER, round_service, stk_2023_137
from tests.system import missing


@pytest.fixture(scope="module", autouse=True)
def pdf() -> None:
    if not pdf_available():
        message = "WeasyPrint cannot load Pango (apt-get install libpango-1.0-0 libpangoft2-1.0-0): export not checked"
        missing(message)


# Miljönämnden's decided yttrande, attached to its answer and stored by the bot (bytes of a PDF, as checked).
YTTRANDE = b"%PDF-1.4\n% Miljonamndens yttrande\n%%EOF\n"
ATTACHED_BY = "miljonamnden"


@pytest.fixture(scope="module")
def service() -> UseCases:
    def attach(repo: Transaction, recipient: Recipient) -> None:
        if recipient.organisation_key == ATTACHED_BY:
            attach_yttrande(repo, recipient)

    return round_service(stk_2023_137(), attach)


def attach_yttrande(repo: Transaction, recipient: Recipient) -> None:
    [answer] = recipient.responses
    at = answer.submitted_at
    document = document_of("Yttrande MN.pdf", YTTRANDE, case_number=CASE_NUMBER, organisation_key=ATTACHED_BY, at=at)
    repo.documents.save(document, YTTRANDE)
    attachment = stored_attachment(Attachment("F1", document.name), document)
    content = replace(
        answer.content,
        attachments=(attachment,),
        their_case_number="MN-2023-77",
        deciding_body=DecidingBody.ARBETSUTSKOTT,
        decided_by="",
    )
    recipient.responses[0] = replace(answer, content=content)


@pytest.fixture(scope="module")
def exported(service: UseCases, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    folder = tmp_path_factory.mktemp("export") / "diariet"
    out, err = io.StringIO(), io.StringIO()
    assert export_command(service, Texts(), CASE_NUMBER, folder, out, err) == 0
    return folder, out.getvalue(), err.getvalue()


def rows(folder: Path) -> list[dict[str, str]]:
    return list(json.loads((folder / "metadata.json").read_text(encoding="utf-8")))


def test_every_answer_version_and_the_summary_are_exported_with_one_row_each(
    exported: tuple[Path, str, str], service: UseCases
) -> None:
    folder, out, _ = exported
    versions = sum(len(r.responses) for r in _recipients(service))
    records = rows(folder)
    assert len(records) == versions + 2  # and Miljönämnden's yttrande, and the summary
    assert records[-1]["title"] == "Sammanställning av remissvar"
    on_disk = sorted(p.name for p in folder.iterdir())
    assert on_disk == sorted([r["file"] for r in records] + ["metadata.json", "metadata.csv"])
    assert (
        out.strip() == f"Exporten är skriven till {folder}: {versions + 2} dokument med metadata.json och metadata.csv."
    )


def _recipients(service: UseCases) -> list[Recipient]:
    return [row.recipient for row in service.queries.overview(CASE_NUMBER).rows]


def test_each_row_has_the_registrys_fields_and_the_files_checksum(exported: tuple[Path, str, str]) -> None:
    folder, _, _ = exported
    for record in rows(folder):
        assert tuple(record) == COLUMNS
        assert record["case_number"] == CASE_NUMBER
        assert record["sha256"] == hashlib.sha256((folder / record["file"]).read_bytes()).hexdigest()
    answers = [r for r in rows(folder) if r["version"]]
    for record in answers:
        received = datetime.fromisoformat(record["received"])
        assert received.utcoffset() is not None
        assert record["to"] == "Stadskontoret"
    with_decision = [r for r in answers if r["paragraph"]]
    assert with_decision and all(r["decision_date"] for r in with_decision)


def test_the_csv_holds_the_same_rows_as_the_json(exported: tuple[Path, str, str]) -> None:
    folder, _, _ = exported
    with (folder / "metadata.csv").open(encoding="utf-8", newline="") as file:
        assert list(csv.DictReader(file)) == rows(folder)


def test_an_answers_pdf_is_pdf_a_and_says_what_was_submitted(
    exported: tuple[Path, str, str], service: UseCases
) -> None:
    folder, _, _ = exported
    recipient = next(r for r in _recipients(service) if len(r.responses) > 1)
    first = recipient.responses[0]
    record = next(
        r for r in rows(folder) if r["version"] == "1" and r["from"] == _name(service, recipient.organisation_key)
    )
    reader = PdfReader(folder / record["file"])
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert CASE_NUMBER in text
    assert "version 1" in text
    typed = next(a.text for a in first.content.answers if a.text.strip())
    assert " ".join(typed.split()[:6]) in " ".join(text.split())
    # PDF/A-2b, as the document's XMP metadata declares it (checked in full by veraPDF-like validators).
    metadata = reader.root_object["/Metadata"].get_object()
    assert isinstance(metadata, StreamObject)
    xmp = metadata.get_data().decode("utf-8")
    assert re.search(r"pdfaid:part(>|=\")2", xmp) and re.search(r"pdfaid:conformance(>|=\")B", xmp), xmp[:400]


def _name(service: UseCases, key: str) -> str:
    organisation = service.directory.directory().get(key)
    assert organisation is not None
    return organisation.name


def test_an_attached_file_is_exported_as_stored_beside_its_answer(exported: tuple[Path, str, str]) -> None:
    folder, _, _ = exported
    answer, original = [r for r in rows(folder) if r["from"] == "Miljönämnden"]
    assert original["file"] == "STK-2023-137 Remissvar Miljönämnden version 1 bilaga Yttrande MN.pdf"
    assert original["title"] == "Bilaga till remissvar från Miljönämnden, version 1: Yttrande MN.pdf"
    assert (folder / original["file"]).read_bytes() == YTTRANDE
    assert original["sha256"] == hashlib.sha256(YTTRANDE).hexdigest()
    assert (answer["their_case_number"], answer["decided_by"]) == ("MN-2023-77", "arbetsutskottet")
    same = ("received", "decision_date", "paragraph", "version", "from", "to", "their_case_number", "decided_by")
    assert [original[k] for k in same] == [answer[k] for k in same]
