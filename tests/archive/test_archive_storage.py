"""The archive package of a case stored in SQLite and PostgreSQL: the stored answer files come back whole."""

from __future__ import annotations

import json
from pathlib import Path

from bot.adapters.archive import verify_package, write_archive
from bot.adapters.rendering import Texts
from storage import SqlStore
from tests.archive.support import CONTRADICTED, YTTRANDE, closed_round, errors, require_pdf, stored_round, validate
from tests.summary.round import CASE_NUMBER

DATA = "representations/rep1/data"


def test_a_stored_case_is_archived_whole_and_valid(sql_store: SqlStore, tmp_path: Path) -> None:
    require_pdf()
    service = stored_round(sql_store, closed_round(small=True))
    package = write_archive(service, Texts(), CASE_NUMBER, tmp_path)
    assert verify_package(package) == []
    original = package / DATA / f"{CASE_NUMBER} Remissvar Miljönämnden version 1 bilaga Yttrande MN.pdf"
    assert original.read_bytes() == YTTRANDE
    described = json.loads((package / "metadata" / "descriptive" / "remiss.json").read_text(encoding="utf-8"))
    assert [r["organisation_key"] for r in described["recipients"]] == [
        "tekniska-namnden",
        "miljonamnden",
        "funktionsstodsnamnden",
    ]
    logged = json.loads((package / DATA / f"{CASE_NUMBER} Historik.json").read_text(encoding="utf-8"))
    assert len(logged) == len(service.queries.audit_trail(CASE_NUMBER)) == 6  # sent, four answers, closed
    report = validate(package)
    assert report.structure.status.value == "WellFormed"
    assert report.metadata.schema_results.status.value == "VALID"
    assert {rule for rule, _ in errors(report.metadata.schematron_results.messages)} <= CONTRADICTED
