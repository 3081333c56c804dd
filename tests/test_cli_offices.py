"""`remissbot import --save` takes the sender from the document when it names a sending office (issue 13)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.bootstrap import build_core
from bot.settings import load_settings
from tests.test_cli import environment, load_directory, remiss_document, run

__all__ = ["environment"]  # the autouse fixture: a fresh data directory, no Slack settings

DIRECTORY = """organisations:
  - key: stadskontoret
    name: Stadskontoret
    short_name: STK
    kind: förvaltning
  - key: stadsbyggnadskontoret
    name: Stadsbyggnadskontoret
    short_name: SBK
    kind: förvaltning
  - key: tekniska-namnden
    name: Tekniska nämnden
    short_name: TN
    kind: nämnd
  - key: stadsbyggnadsnamnden
    name: Stadsbyggnadsnämnden
    short_name: SBN
    kind: nämnd
  - key: mkb
    name: MKB Fastighets AB
    short_name: MKB
    kind: bolag
"""


def sent_from(tmp_path: Path, capsys: pytest.CaptureFixture[str], staff_line: str) -> str:
    """Import a document whose distribution list ends with `staff_line`, saved as a draft: its sender."""
    document = remiss_document(tmp_path, date.today() + timedelta(days=40))
    document.write_text(
        document.read_text(encoding="utf-8").replace("Stadskontorets handläggare", staff_line), encoding="utf-8"
    )
    assert load_directory(capsys, tmp_path, DIRECTORY)[0] == 0
    code, out, _ = run(capsys, "import", str(document), "--save", "--coordinator", "U0MIA")
    assert code == 0, out
    core = build_core(load_settings())
    try:
        overview = core.service.queries.overview("STK-2031-12")
    finally:
        core.close()
    assert [row.organisation.key for row in overview.rows] == ["tekniska-namnden", "stadsbyggnadsnamnden", "mkb"]
    return overview.remiss.sender_key


def test_an_imported_remiss_is_sent_from_the_office_it_names(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REMISSBOT_OFFICES", "stadskontoret,stadsbyggnadskontoret")
    assert sent_from(tmp_path, capsys, "Stadsbyggnadskontorets handläggare") == "stadsbyggnadskontoret"


def test_an_office_that_is_no_sending_office_leaves_the_default_sender(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # REMISSBOT_OFFICES unset: stadskontoret is the only sending office.
    assert sent_from(tmp_path, capsys, "Stadsbyggnadskontorets handläggare") == "stadskontoret"
