"""Accuracy over the seeds and the 17 Government Offices letters: a per-field table and the thresholds."""

# See the table with: .venv/bin/pytest tests/importer/test_import_accuracy.py -s

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.adapters.importer import ImportedRemiss, import_file
from bot.core.domain.organisation import Directory
from tests.importer.support import SEED_002_RECIPIENTS

REQUIRED_SHARE = 0.95
MEASURED = ("case_number", "deadline", "recipients", "questions")
SHOWN = (*MEASURED, "title", "sender")


@dataclass(frozen=True)
class Expected:
    """What a person read off one document. Empty values mean "not in the document"."""

    file: str
    case_number: str | None
    deadline: str | None
    recipients: tuple[str, ...]
    questions: int
    title: str | None = None
    sender: str | None = None


# The seeds carry no groundtruth file; these values are read off them (seeds/README.md, DOMAIN.md).
SEED_EXPECTATIONS = (
    Expected(
        "000_9a4d7376b1a5127e.txt",
        "STK-2019-1248",
        None,
        ("Förvaltnings- och bolagschefsgruppen", "Näringslivsdirektören"),
        0,
        title="Program Lindängen 2018-2022, återrapport och avslut",
    ),
    Expected(
        "001_cbfb6c36b8a08b3c.txt",
        "STK-2019-1248",
        None,
        (),
        0,
        title="Program Lindängen 2018-2022, återrapport och avslut",
    ),
    Expected(
        "002_fabd5ac619afef01.txt",
        "STK-2023-137",
        "2023-11-30",
        tuple(SEED_002_RECIPIENTS),
        4,
        title="Uppdrag budget 2023 - Definiera och starta ett långsiktigt och strategiskt områdeslyft i Malmös "
        "socioekonomiskt svaga delar med särskilt fokus på barn och ungas uppväxtvillkor",
        sender="Stadskontoret",
    ),
    # An answer (yttrande), not a remiss: its case number, and no deadline or questions invented.
    Expected(
        "003_c7a0c7707e5bf79a.txt",
        "ASN-2020-11022",
        None,
        ("Tekniska nämnden",),
        0,
        title="Remiss från Tekniska nämnden - Modell för samverkansstöd",
    ),
    Expected(
        "004_cd2568a70f7ea0ad.txt",
        "STK-2019-1569",
        None,
        (
            "Malmö Ideella",
            "Malmö Idrottsföreningars Samorganisation (MISO)",
            "Sensus",
            "Föreningen Zig Zag",
            "KC Kompetenscenter",
            "Arbetsmarknads- och socialnämnden",
            "Funktionsstödsnämnden",
            "Fritidsnämnden",
            "Förskolenämnden",
            "Grundskolenämnden",
            "Gymnasie- och vuxenutbildningsnämnden",
            "Hälsa- vård och omsorgsnämnden",
            "Kulturnämnden",
            "Miljönämnden",
            "Stadsbyggnadsnämnden",
            "Tekniska nämnden",
        ),
        0,
        title="Årlig rapportering från Malmöandan",
    ),
)


@dataclass(frozen=True)
class Outcome:
    """One document's import next to its expectation."""

    path: Path
    expected: Expected
    result: ImportedRemiss

    def got(self, field: str) -> object:
        r = self.result
        return {
            "case_number": r.case_number,
            "deadline": r.deadline.isoformat() if r.deadline else None,
            "recipients": tuple(x.name for x in r.recipients),
            "questions": len(r.questions),
            "title": r.title,
            "sender": r.sender,
        }[field]

    def wanted(self, field: str) -> object:
        return getattr(self.expected, field)

    def exact(self, field: str) -> bool | None:
        """Whether the field came out exactly; None where there is nothing to compare it with."""
        wanted = self.wanted(field)
        if field in {"title", "sender"} and wanted is None:
            return None
        return self.got(field) == wanted


def corpus_expectations(shared: Path) -> list[Expected]:
    entries = json.loads((shared / "corpus" / "groundtruth.json").read_text(encoding="utf-8"))
    return [
        Expected(
            file=entry["file"],
            case_number=entry["diary_number"],
            deadline=entry["deadline"],
            recipients=tuple(entry["recipients"]),
            questions=entry["questions_count"],
            title=entry["title"],
            # Some senders are notes ("(not stated as sender; …)"), not names: nothing to compare.
            sender=None if entry["sender"].startswith("(") else entry["sender"],
        )
        for entry in entries
    ]


# One worker reads the documents once for every test here (scripts/test runs pytest with --dist loadgroup).
pytestmark = pytest.mark.xdist_group("import_accuracy")


@pytest.fixture(scope="module")
def outcomes(shared_dir: Path, directory: Directory) -> list[Outcome]:
    documents = [(shared_dir / "seeds" / e.file, e) for e in SEED_EXPECTATIONS]
    documents += [(shared_dir / "corpus" / e.file, e) for e in corpus_expectations(shared_dir)]
    return [Outcome(path, expected, import_file(path, directory)) for path, expected in documents]


def accuracy_table(outcomes: list[Outcome]) -> str:
    """One row per document, ✓/✗ per field, then the share exactly right per field."""
    width = max(len(o.path.name[:28]) for o in outcomes)
    lines = [f"{'document':<{width}}  " + "  ".join(f"{f:<11}" for f in SHOWN)]
    for outcome in outcomes:
        marks = {None: "·", True: "✓", False: "✗"}
        cells = [f"{marks[outcome.exact(f)]:<11}" for f in SHOWN]
        lines.append(f"{outcome.path.name[:28]:<{width}}  " + "  ".join(cells))
    totals = []
    for field in SHOWN:
        compared = [o.exact(field) for o in outcomes if o.exact(field) is not None]
        totals.append(f"{sum(bool(c) for c in compared)}/{len(compared):<8}")
    lines.append(f"{'exact':<{width}}  " + "  ".join(f"{t:<11}" for t in totals))
    return "\n".join(lines)


def test_accuracy_table_meets_the_issue_thresholds(outcomes: list[Outcome]) -> None:
    print("\n" + accuracy_table(outcomes))
    assert len(outcomes) == len(SEED_EXPECTATIONS) + 17
    for field in ("case_number", "deadline", "recipients"):
        share = sum(bool(o.exact(field)) for o in outcomes) / len(outcomes)
        assert share >= REQUIRED_SHARE, f"{field}: {share:.0%} exactly right"


def test_every_recipient_list_the_document_has_is_exact(outcomes: list[Outcome]) -> None:
    wrong = [o.path.name for o in outcomes if o.expected.recipients and not o.exact("recipients")]
    assert wrong == []


def test_no_value_is_invented_where_the_document_has_none(outcomes: list[Outcome]) -> None:
    invented = [
        f"{o.path.name}: {field} = {o.got(field)!r}"
        for o in outcomes
        for field in MEASURED
        if not o.wanted(field) and o.got(field)
    ]
    assert invented == []
