"""An import child that dies (a bug, a broken interpreter, output cut short) is a failed import: told in one
Swedish line, never a trace, and never mistaken for a file too demanding to read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.adapters.importer import DocumentError, ImportFailed, import_file
from bot.cli import main
from bot.core.domain.organisation import Directory

from .broken_child import Failure, break_import_child
from .documents import remiss_file

FAILURES: list[Failure] = ["exits_1", "prints_garbage"]


@pytest.mark.parametrize("failure", FAILURES)
def test_a_child_that_dies_is_a_failed_import_not_a_refused_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, directory: Directory, failure: Failure
) -> None:
    path = remiss_file(tmp_path)
    break_import_child(monkeypatch, tmp_path / "broken", failure)

    with pytest.raises(ImportFailed) as raised:
        import_file(path, directory)

    assert not isinstance(raised.value, DocumentError)


@pytest.mark.parametrize("failure", FAILURES)
def test_remissbot_import_says_in_one_swedish_line_that_the_import_failed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path, failure: Failure
) -> None:
    for name in ("DATABASE_URL", "SLACK_API_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("REMISSBOT_DATA_DIR", str(tmp_path / "data"))
    path = remiss_file(tmp_path)
    break_import_child(monkeypatch, tmp_path / "broken", failure)

    code = main(["import", str(path)])
    out, err = capsys.readouterr()

    assert code == 1
    assert out.strip().splitlines() == [
        "Filen parkeringsnorm.txt kunde inte läsas in på grund av ett fel i remissbot. Försök igen om en stund, "
        "eller fyll i remissen i formuläret. Säg till den som driftar remissbot om felet kvarstår."
    ]
    assert "Traceback" not in out + err and "garbage" not in out + err

    code = main(["import", str(path), "--json"])
    answer = json.loads(capsys.readouterr().out)

    assert code == 1
    assert answer["code"] == "import_failed"
    assert answer["error"].startswith("Filen parkeringsnorm.txt kunde inte läsas in")
