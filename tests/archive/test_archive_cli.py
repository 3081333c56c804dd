"""`remissbot archive DIARIENUMMER --out DIR`: written, refused for an open remiss, and a folder it cannot use."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.bootstrap import build_core
from bot.settings import load_settings
from tests.archive.support import closed_round, require_pdf, stored_round
from tests.summary.round import CASE_NUMBER, stk_2023_137
from tests.test_cli import environment, run  # noqa: F401 (the autouse fixture)


@pytest.fixture(autouse=True)
def pdf() -> None:
    require_pdf()


def store_case(*, closed: bool) -> None:
    """STK-2023-137 with three recipients in the configured database (SQLite in the data folder)."""
    core = build_core(load_settings())
    try:
        found = closed_round(small=True) if closed else stk_2023_137()
        stored_round(core.store, found)
    finally:
        core.close()


def test_a_closed_remiss_is_written_as_a_package_folder_named_after_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    store_case(closed=True)
    out_dir = tmp_path / "e-arkiv"
    code, out, err = run(capsys, "archive", CASE_NUMBER, "--out", str(out_dir))
    package = out_dir / "STK-2023-137"
    count = sum(1 for p in package.rglob("*") if p.is_file())
    assert (code, err) == (0, "")
    assert (
        out == f"Arkivpaketet (E-ARK SIP) är skrivet till {package}: {count} filer med METS.xml och kontrollsummor.\n"
    )
    assert (package / "METS.xml").is_file()

    code, out, err = run(capsys, "archive", CASE_NUMBER, "--out", str(out_dir))
    assert (code, out) == (2, "")
    assert err == (
        f"{package} finns redan. Flytta eller ta bort den gamla mappen, eller ange en annan mapp med --out. "
        "Inget har skrivits.\n"
    )


def test_an_open_remiss_is_refused_with_why_and_what_to_do(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    store_case(closed=False)
    code, out, err = run(capsys, "archive", CASE_NUMBER, "--out", str(tmp_path / "e-arkiv"))
    assert (code, out) == (1, "")
    assert err == (
        "remissbot: Remiss STK-2023-137 kan inte arkiveras eftersom den fortfarande är öppen och kan få fler svar. "
        "Avsluta remissen först och arkivera den sedan.\n"
    )
    assert not (tmp_path / "e-arkiv").exists()


def test_an_output_folder_that_cannot_be_written_is_named_and_nothing_is_left(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    store_case(closed=True)
    a_file = tmp_path / "anteckningar.txt"
    a_file.write_text("inte en mapp")
    code, out, err = run(capsys, "archive", CASE_NUMBER, "--out", str(a_file))
    assert (code, out) == (2, "")
    assert err == f"{a_file} finns redan och är inte en mapp. Ange en mapp med --out.\n"

    below_a_file = a_file / "arkiv"
    code, out, err = run(capsys, "archive", CASE_NUMBER, "--out", str(below_a_file))
    assert (code, out) == (2, "")
    assert err == (
        f"Arkivpaketet kan inte skrivas i {below_a_file} (Not a directory). Välj en mapp som du får skriva i med "
        "--out. Inget har skrivits.\n"
    )
    assert a_file.read_text() == "inte en mapp"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["anteckningar.txt", "data"]


def test_an_unknown_case_number_gets_one_swedish_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, "archive", "STK-2099-1", "--out", str(tmp_path))
    assert (code, out) == (1, "")
    assert err.startswith("remissbot: ") and "STK-2099-1" in err and "Traceback" not in err
