"""Whole municipal documents (tests/importer/data/municipal, written for these tests in the style of kommuners
and regions' remiss letters) through the real import: as text, as Word, and through `remissbot import`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import docx
import pytest

from bot.adapters.importer import ImportedRemiss, WarningCode, import_file
from bot.cli import main
from bot.core.domain.organisation import Directory

DATA = Path(__file__).parent / "data" / "municipal"


@dataclass(frozen=True)
class Expected:
    """What a reader finds in the document; None and () where it does not say."""

    file: str
    case_number: str | None
    title: str | None
    deadline: date | None
    recipients: tuple[str, ...]
    references: tuple[str, ...]
    questions: int
    warnings: frozenset[WarningCode]


DOCUMENTS = (
    Expected(
        "kulturstrategi_tjansteskrivelse.txt",
        "KN 2024/31-101",
        "Remiss – Kulturstrategi för Malmö 2025–2030",
        date(2024, 3, 12),
        ("Fritidsnämnden", "Serviceförvaltningen", "Stadsbyggnadskontoret"),
        ("KN 2018/144",),
        3,
        frozenset({WarningCode.CASE_NUMBER_REFERENCES}),
    ),
    Expected(
        "kollektivtrafik_region_forlangd.txt",
        "RS 00512-2019",
        "Regional plan för kollektivtrafiken 2020–2030",
        date(2019, 6, 14),
        ("Kommunstyrelsen i Malmö", "Lunds kommun", "Trelleborgs kommun"),
        ("KS 2019/412-101",),
        2,
        frozenset({WarningCode.DEADLINE_EXTENDED, WarningCode.UNMATCHED_RECIPIENTS}),
    ),
    Expected(
        "larkan_detaljplan_samrad.txt",
        "2021/0077 SBN-3",
        "Detaljplan för kvarteret Lärkan i Husie",
        date(2022, 5, 3),
        ("Förskolenämnden", "Grundskolenämnden"),
        (),
        2,
        frozenset(),
    ),
    # Nothing invented: no diarienummer of its own (only a cited one in the text), no deadline, no recipients.
    Expected(
        "lokalforsorjning_utan_svarsdatum.txt",
        None,
        "Lokalförsörjningsplan 2025–2027",
        None,
        (),
        (),
        1,
        frozenset({WarningCode.CASE_NUMBER_ONLY_IN_TEXT}),
    ),
)


def found(file: str, result: ImportedRemiss) -> Expected:
    """What the import read from the file, in the form of its expectation."""
    return Expected(
        file,
        result.case_number,
        result.title,
        result.deadline,
        tuple(r.name for r in result.recipients),
        result.references,
        len(result.questions),
        frozenset(w.code for w in result.warnings),
    )


def as_word(text_file: Path, target: Path) -> Path:
    """The document as a kommun saves it from Word: the header lines in the page header, the rest as paragraphs."""
    lines = text_file.read_text(encoding="utf-8").splitlines()
    document = docx.Document()
    top = lines.index("") if "" in lines else 0
    document.sections[0].header.paragraphs[0].text = "    ".join(lines[:top])
    for line in lines[top:]:
        document.add_paragraph(line)
    document.save(str(target))
    return target


@pytest.mark.parametrize("expected", DOCUMENTS, ids=lambda e: e.file)
def test_a_municipal_text_document_is_read_exactly(expected: Expected, directory: Directory) -> None:
    assert found(expected.file, import_file(DATA / expected.file, directory)) == expected


@pytest.mark.parametrize("expected", DOCUMENTS[:3], ids=lambda e: e.file)
def test_the_same_document_saved_from_word_gives_the_same_fields(
    expected: Expected, directory: Directory, tmp_path: Path
) -> None:
    result = import_file(as_word(DATA / expected.file, tmp_path / "remiss.docx"), directory)

    assert (result.case_number, result.deadline, tuple(r.name for r in result.recipients), result.references) == (
        expected.case_number,
        expected.deadline,
        expected.recipients,
        expected.references,
    )


@pytest.fixture
def data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("DATABASE_URL", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "REMISSBOT_COORDINATORS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("REMISSBOT_DATA_DIR", str(tmp_path / "data"))


@pytest.mark.usefixtures("data_dir")
def test_remissbot_import_json_names_the_extended_deadline_and_the_cited_number(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["import", str(DATA / "kollektivtrafik_region_forlangd.txt"), "--json"])

    answer = json.loads(capsys.readouterr().out)
    assert code == 0
    assert answer["case_number"] == "RS 00512-2019"
    assert answer["references"] == ["KS 2019/412-101"]
    assert answer["deadline"] == "2019-06-14"
    assert "Svarstiden har förlängts: sista svarsdatum är 14 juni 2019 i stället för 17 maj 2019." in answer["warnings"]


@pytest.mark.usefixtures("data_dir")
def test_remissbot_import_report_shows_the_reference_beside_the_case_number(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["import", str(DATA / "kulturstrategi_tjansteskrivelse.txt")])

    report = capsys.readouterr().out
    assert code == 0
    assert "Diarienummer:     KN 2024/31-101  [säker]" in report
    assert "Hänvisar till:    KN 2018/144  (andra ärenden, inte remissens diarienummer)" in report
    assert "   3. Stadsbyggnadskontoret  (i katalogen: Stadsbyggnadsnämnden)" in report


@pytest.mark.usefixtures("data_dir")
def test_remissbot_import_says_what_a_document_without_deadline_lacks(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["import", str(DATA / "lokalforsorjning_utan_svarsdatum.txt")])

    report = capsys.readouterr().out
    assert code == 0
    assert "Sista svarsdatum: – saknas" in report
    lacking = "diarienummer, avsändare, kontaktperson, sista svarsdatum och remissinstanser"
    assert f"Saknas i dokumentet: {lacking}." in report
