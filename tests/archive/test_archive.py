"""`write_archive`: a closed remiss as an E-ARK SIP, checked by the E-ARK validator and read back."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
import xml.etree.ElementTree as ET
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import NameObject, StreamObject

from bot.adapters.archive import (
    ArchivePackage,
    PackageFile,
    archive_when_closed,
    build_archive,
    listed_files,
    save_package,
    save_zip,
    verify_package,
    write_archive,
)
from bot.adapters.archive.mets import CSIP, METS
from bot.adapters.rendering import Texts
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.remiss import RemissStatus, ResponseKind
from bot.core.usecases import UseCases
from devtools.clocks import FakeClock
from devtools.memory import MemoryStore
from tests.archive.support import (
    BUILT_AT,
    CONTRADICTED,
    CREATOR_AGENTS,
    YTTRANDE,
    closed_round,
    errors,
    masked,
    require_pdf,
    stored_round,
    validate,
)
from tests.summary.round import CASE_NUMBER, stk_2023_137

DATA = "representations/rep1/data"
# One for the module: each new one compiles the templates again (about half a second a package).
TEXTS = Texts()


@pytest.fixture(scope="module", autouse=True)
def pdf() -> None:
    require_pdf()


@pytest.fixture(scope="module")
def service() -> UseCases:
    return stored_round(MemoryStore(), closed_round(small=False))


@pytest.fixture(scope="module")
def package(service: UseCases, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_archive(service, TEXTS, CASE_NUMBER, tmp_path_factory.mktemp("arkiv"))


@pytest.fixture(scope="module")
def report(package: Path) -> Any:
    """The E-ARK validator's report on the package, read once: a validation takes seconds."""
    return validate(package)


def test_the_package_is_a_folder_named_after_the_case_with_the_e_ark_layout(package: Path) -> None:
    assert package.name == "STK-2023-137"
    assert (package / "METS.xml").is_file()
    assert sorted(p.name for p in package.iterdir()) == [
        "METS.xml",
        "documentation",
        "metadata",
        "representations",
        "schemas",
    ]
    assert sorted(p.name for p in (package / "schemas").iterdir()) == [
        "DILCISExtensionMETS.xsd",
        "DILCISExtensionSIPMETS.xsd",
        "mets.xsd",
        "xlink.xsd",
    ]
    assert not [p for p in package.parent.iterdir() if p.name.startswith(".")]  # no staging folder left


def test_the_e_ark_validator_finds_it_well_formed_and_valid_but_for_its_own_contradicted_rules(report: Any) -> None:
    assert report.structure.status.value == "WellFormed", report.structure.messages
    assert report.metadata.schema_results.status.value == "VALID", report.metadata.schema_results.messages
    found = errors(report.metadata.schematron_results.messages)
    assert {rule for rule, _ in found} <= CONTRADICTED, found


def test_the_rules_it_breaks_are_the_validators_reading_of_the_creator_agents_not_the_published_text(
    package: Path, report: Any
) -> None:
    """Each schematron error is about an agent with ROLE CREATOR, and the package follows the published text."""
    found = errors(report.metadata.schematron_results.messages)
    assert {rule for rule, _ in found} == CONTRADICTED
    assert all(location.startswith(CREATOR_AGENTS) for _, location in found), found
    header = ET.parse(package / "METS.xml").getroot().find(f"{{{METS}}}metsHdr")
    assert header is not None
    agents = [(a.get("ROLE"), a.get("TYPE"), a.get("OTHERTYPE")) for a in header.findall(f"{{{METS}}}agent")]
    # CSIP10-16: the software; SIP15-17: the submitting organisation; SIP9-11: the archival creator.
    assert agents == [
        ("CREATOR", "OTHER", "SOFTWARE"),
        ("CREATOR", "ORGANIZATION", None),
        ("ARCHIVIST", "ORGANIZATION", None),
    ]
    software_note = header.find(f"{{{METS}}}agent/{{{METS}}}note")
    assert software_note is not None and software_note.get(f"{{{CSIP}}}NOTETYPE") == "SOFTWARE VERSION"


def test_every_file_is_in_mets_with_size_mime_type_and_sha256_and_reading_back_verifies_them(
    package: Path, tmp_path: Path
) -> None:
    listed = {item.path for item in listed_files(package)}
    on_disk = {p.relative_to(package).as_posix() for p in package.rglob("*") if p.is_file()}
    assert listed == on_disk - {"METS.xml"}
    for element in ET.parse(package / "METS.xml").getroot().iter(f"{{{METS}}}file"):
        assert element.get("MIMETYPE") and element.get("CHECKSUMTYPE") == "SHA-256" and element.get("CREATED")
    assert verify_package(package) == []

    copy = tmp_path / package.name
    shutil.copytree(package, copy)
    answer = next((copy / DATA).glob("* Remissvar Tekniska nämnden version 1.pdf"))
    answer.write_bytes(answer.read_bytes().replace(b"%%EOF", b"%%EOX"))
    (copy / DATA / "smuggled.txt").write_text("not listed")
    (copy / "metadata" / "descriptive" / "remiss.json").unlink()
    assert verify_package(copy) == [
        "metadata/descriptive/remiss.json: missing",
        f"{DATA}/{answer.name}: SHA-256 differs from METS",
        f"{DATA}/smuggled.txt: not in METS",
    ]


def pdf_text(reader: PdfReader) -> str:
    """The text of every page, read with pypdf.

    A character no installed font has (the emoji in Miljönämnden's answer) makes WeasyPrint give that font an
    embedded /Encoding CMap instead of the name /Identity-H: two-byte codes, the same as the glyph ids except
    the missing one, which it draws as .notdef. pypdf 7 reads only named CMaps and falls back to one byte per
    code; the text itself is in the font's /ToUnicode, by code. So such a CMap is checked to be two-byte and
    read as /Identity-H."""
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():  # type: ignore[index]
            font = font.get_object()
            encoding = font["/Encoding"].get_object()
            if isinstance(encoding, StreamObject):
                assert b"<0000> <ffff>" in encoding.get_data()
                font[NameObject("/Encoding")] = NameObject("/Identity-H")
    return "".join(page.extract_text() for page in reader.pages)


def plain(text: str) -> str:
    """Without whitespace (the PDF breaks lines) and variation selectors (U+FE0F after an emoji asks for its
    picture form: nothing to read, and not kept in the PDF's text)."""
    return "".join(c for c in "".join(text.split()) if not 0xFE00 <= ord(c) <= 0xFE0F)


def _recipients(service: UseCases) -> list:  # type: ignore[type-arg]
    return service.queries.case_record(CASE_NUMBER).recipients


def test_every_answer_version_is_pdf_a_with_embedded_fonts_and_the_stored_answers_text(
    package: Path, service: UseCases
) -> None:
    directory = service.directory.directory()
    checked = 0
    for recipient in _recipients(service):
        name = directory.require(recipient.organisation_key).name
        for response in recipient.responses:
            path = package / DATA / f"{CASE_NUMBER} Remissvar {name} version {response.version}.pdf"
            reader = PdfReader(path)
            metadata = reader.root_object["/Metadata"].get_object()
            assert isinstance(metadata, StreamObject)
            xmp = metadata.get_data().decode("utf-8")
            assert re.search(r"pdfaid:part(>|=\")2", xmp) and re.search(r"pdfaid:conformance(>|=\")B", xmp)
            for page in reader.pages:
                for font in page["/Resources"]["/Font"].values():  # type: ignore[index]
                    descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                    assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), path.name
            # Without the page furniture: the footer on every page ("STK-2023-137 · sida 1 av 6").
            text = re.sub(rf"{CASE_NUMBER}·sida\d+av\d+", "", plain(pdf_text(reader)))
            stored = [a.text for a in response.content.answers if a.text.strip()]
            if response.content.kind is ResponseKind.DECLINED:
                stored = [response.content.decline_reason]
            assert stored
            for answer in stored:
                assert plain(answer) in text, (path.name, answer[:60])
            checked += 1
    assert checked == sum(len(r.responses) for r in _recipients(service)) > 10


def test_it_holds_the_originals_the_summary_the_audit_trail_and_the_descriptive_metadata(
    package: Path, service: UseCases
) -> None:
    data = package / DATA
    original = data / f"{CASE_NUMBER} Remissvar Miljönämnden version 1 bilaga Yttrande MN.pdf"
    assert original.read_bytes() == YTTRANDE
    assert (data / f"{CASE_NUMBER} Sammanställning av remissvar.docx").stat().st_size > 10_000
    summary = PdfReader(data / f"{CASE_NUMBER} Sammanställning av remissvar.pdf")
    assert "Sammanställning" in summary.pages[0].extract_text()
    # The columns are the audit part's (bot/adapters/audit_files.py): one row, one object, per entry.
    trail = service.queries.audit_trail(CASE_NUMBER)
    with (data / f"{CASE_NUMBER} Historik.csv").open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))[1:]
    logged = json.loads((data / f"{CASE_NUMBER} Historik.json").read_text(encoding="utf-8"))
    assert len(rows) == len(logged) == len(trail) > 10

    described = json.loads((package / "metadata" / "descriptive" / "remiss.json").read_text(encoding="utf-8"))
    assert (described["format"], described["case_number"], described["status"]) == (
        "remissbot-remiss-1",
        CASE_NUMBER,
        "closed",
    )
    assert described["sender"] == {"key": "stadskontoret", "name": "Stadskontoret"}
    assert described["closed_at"] == "2023-12-18T09:00:00+00:00"
    tekniska = next(r for r in described["recipients"] if r["organisation_key"] == "tekniska-namnden")
    assert [v["version"] for v in tekniska["responses"]] == [1, 2]
    last = tekniska["responses"][-1]
    assert (last["their_case_number"], last["paragraph"], last["meeting_date"], last["decided_by"]) == (
        "TN-2023-1234",
        "§ 312",
        "2023-11-16",
        "Tekniska nämnden",
    )
    files = {d["file"] for d in described["documents"]}
    assert original.name in files
    for document in described["documents"]:
        assert document["sha256"] == hashlib.sha256((data / document["file"]).read_bytes()).hexdigest()


def test_the_same_case_gives_the_same_bytes_but_for_the_creation_timestamps(tmp_path: Path) -> None:
    first = write_archive(stored_round(MemoryStore(), closed_round(small=True)), TEXTS, CASE_NUMBER, tmp_path / "a")
    later = FakeClock(BUILT_AT + timedelta(days=40, hours=3))
    second = write_archive(
        stored_round(MemoryStore(), closed_round(small=True), later), TEXTS, CASE_NUMBER, tmp_path / "b"
    )
    names = sorted(p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(second).as_posix() for p in second.rglob("*") if p.is_file())
    differ = [n for n in names if (first / n).read_bytes() != (second / n).read_bytes()]
    assert differ == ["METS.xml"]  # its CREATEDATE and each CREATED: when the package was made
    assert masked((first / "METS.xml").read_bytes()) == masked((second / "METS.xml").read_bytes())
    assert b'CREATEDATE="2023-12-20T09:00:00+00:00"' in (first / "METS.xml").read_bytes()
    assert b'CREATEDATE="2024-01-29T12:00:00+00:00"' in (second / "METS.xml").read_bytes()


def test_an_open_remiss_is_not_archived_and_the_refusal_says_why_and_what_to_do(tmp_path: Path) -> None:
    found = stk_2023_137()  # sent, not closed
    service = stored_round(MemoryStore(), found)
    with pytest.raises(DomainError) as refused:
        write_archive(service, TEXTS, CASE_NUMBER, tmp_path)
    assert refused.value.code is ErrorCode.REMISS_NOT_ENDED
    assert TEXTS.error(refused.value) == (
        "Remiss STK-2023-137 kan inte arkiveras eftersom den fortfarande är öppen och kan få fler svar. "
        "Avsluta remissen först och arkivera den sedan."
    )
    assert list(tmp_path.iterdir()) == []


def test_a_package_that_cannot_be_written_whole_leaves_nothing_behind(tmp_path: Path) -> None:
    package = ArchivePackage(
        "STK-2023-137",
        [
            PackageFile("documentation/LASMIG.txt", b"first\n", "text/plain"),
            PackageFile(f"{DATA}/{'x' * 300}.pdf", b"%PDF", "application/pdf"),  # longer than a file name may be
        ],
        [],
    )
    with pytest.raises(OSError, match="too long"):
        save_package(package, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_as_one_zip_file_the_package_is_the_same_bytes_each_time_and_valid(tmp_path: Path) -> None:
    service = stored_round(MemoryStore(), closed_round(small=True))
    package = build_archive(service, TEXTS, CASE_NUMBER, BUILT_AT)
    first, second = save_zip(package, tmp_path / "a"), save_zip(package, tmp_path / "b")
    assert first.name == "STK-2023-137.zip"
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        entries = archive.infolist()
    assert [e.filename for e in entries] == [f"STK-2023-137/{f.path}" for f in package.files]
    assert {e.date_time for e in entries} == {(1980, 1, 1, 0, 0, 0)}
    report = validate(first)
    assert report.structure.status.value == "WellFormed"
    assert report.metadata.schema_results.status.value == "VALID"
    assert {rule for rule, _ in errors(report.metadata.schematron_results.messages)} <= CONTRADICTED


def test_closing_again_writes_the_new_package_beside_the_first(tmp_path: Path) -> None:
    """Återöppna and Avsluta once more: the first package stays, the new one goes in a folder named for the
    moment it was closed; both are whole."""
    service = stored_round(MemoryStore(), closed_round(small=True))
    first = archive_when_closed(service, TEXTS, CASE_NUMBER, tmp_path)
    second = archive_when_closed(service, TEXTS, CASE_NUMBER, tmp_path)
    assert first == tmp_path / CASE_NUMBER
    assert second is not None and second.parent.parent == tmp_path and second.name == CASE_NUMBER
    assert verify_package(first) == [] and verify_package(second) == []


def test_a_package_that_cannot_be_written_on_closing_leaves_the_remiss_closed_and_the_log_says_why(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    service = stored_round(MemoryStore(), closed_round(small=True))
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the archive folder should be", encoding="utf-8")
    assert archive_when_closed(service, TEXTS, CASE_NUMBER, blocked) is None
    assert f"The archive package of {CASE_NUMBER} was not written" in caplog.text
    assert service.queries.overview(CASE_NUMBER).remiss.status is RemissStatus.CLOSED
