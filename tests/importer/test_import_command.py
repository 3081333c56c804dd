"""`run_import`: the Swedish report, the JSON object, and saving a draft only when it can stand."""

from __future__ import annotations

import io
import json
from pathlib import Path

from bot.adapters.importer import run_import
from bot.core.domain.organisation import Directory

from .documents import A_SMALL_REMISS, remiss_file
from .support import RecordingSave

JSON_KEYS = {
    "case_number",
    "title",
    "short_title",
    "sender",
    "deadline",
    "recipients",
    "questions",
    "unmatched_recipients",
    "references",
    "warnings",
}


def test_the_report_lists_each_field_with_its_confidence_and_what_is_missing(
    tmp_path: Path, directory: Directory
) -> None:
    out = io.StringIO()

    exit_code = run_import(remiss_file(tmp_path), directory=directory, as_json=False, out=out)

    report = out.getvalue()
    assert exit_code == 0
    assert "Inläst: parkeringsnorm.txt (textfil, UTF-8)" in report
    assert "Diarienummer:     STK-2024-512  [säker]" in report
    assert "Sista svarsdatum: 2024-03-15 (fredag 15 mars 2024)  [säker]" in report
    assert "Avsändare:        Stadskontoret  [trolig, kontrollera]" in report
    assert "Remissinstanser: 3, varav 3 i organisationskatalogen" in report
    # Each question with the kind the create form will suggest for it.
    assert "   1. Hur påverkas er verksamhet? (fritext)\n" in report
    assert "   2. Vilken nämnd bör följa upp normen? (organisationsval)\n" in report
    assert "Saknas i dokumentet: kontaktperson." in report


def test_unmatched_recipients_are_marked_in_the_report(tmp_path: Path, directory: Directory) -> None:
    text = A_SMALL_REMISS.replace("Parkering Malmö\n", "Parkering Malmö\nMalmö Ideella\n")
    out = io.StringIO()

    run_import(remiss_file(tmp_path, text), directory=directory, as_json=False, out=out)

    assert "4. Malmö Ideella  (finns inte i katalogen)" in out.getvalue()
    assert "1 av 4 remissinstanser finns inte i organisationskatalogen" in out.getvalue()


def test_json_prints_exactly_one_object_with_the_issues_keys(tmp_path: Path, directory: Directory) -> None:
    out = io.StringIO()

    exit_code = run_import(remiss_file(tmp_path), directory=directory, as_json=True, out=out)

    answer = json.loads(out.getvalue())
    assert exit_code == 0
    assert set(answer) == JSON_KEYS
    assert answer["case_number"] == "STK-2024-512"
    assert answer["deadline"] == "2024-03-15"
    assert answer["recipients"] == ["Tekniska nämnden", "Stadsbyggnadsnämnden", "Parkering Malmö"]
    assert answer["unmatched_recipients"] == []


def test_save_stores_one_draft_and_says_under_which_case_number(tmp_path: Path, directory: Directory) -> None:
    save = RecordingSave()
    out = io.StringIO()

    exit_code = run_import(remiss_file(tmp_path), directory=directory, as_json=False, out=out, save=save)

    assert exit_code == 0
    assert [r.case_number for r in save.saved] == ["STK-2024-512"]
    assert "Utkastet är sparat som STK-2024-512." in out.getvalue()


def test_save_with_json_still_prints_only_the_result_object(tmp_path: Path, directory: Directory) -> None:
    save = RecordingSave()
    out = io.StringIO()

    run_import(remiss_file(tmp_path), directory=directory, as_json=True, out=out, save=save)

    assert set(json.loads(out.getvalue())) == JSON_KEYS
    assert len(save.saved) == 1


def test_a_document_without_case_number_is_not_saved_and_the_reason_given(tmp_path: Path, directory: Directory) -> None:
    save = RecordingSave()
    out = io.StringIO()
    text = A_SMALL_REMISS.replace(" STK-2024-512", "")

    exit_code = run_import(remiss_file(tmp_path, text), directory=directory, as_json=True, out=out, save=save)

    answer = json.loads(out.getvalue())
    assert exit_code == 1
    assert save.saved == []
    assert answer["code"] == "missing_fields"
    assert answer["missing"] == ["case_number"]
    assert answer["error"].startswith("Utkastet sparades inte: dokumentet anger inte diarienummer.")


def test_document_text_is_data_never_a_template(tmp_path: Path, directory: Directory) -> None:
    text = A_SMALL_REMISS.replace("Ny parkeringsnorm för Malmö", "{{ 7 * 7 }} {% raw %}x")
    out = io.StringIO()

    run_import(remiss_file(tmp_path, text), directory=directory, as_json=False, out=out)

    assert "Titel:            {{ 7 * 7 }} {% raw %}x  [säker]" in out.getvalue()
