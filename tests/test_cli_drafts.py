"""`remissbot import --save` owned by a real coordinator, `remissbot status --drafts` and `remissbot send`."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.bootstrap import build_core
from bot.core.domain.outbox import MessageKind
from bot.core.domain.remiss import QuestionKind
from bot.core.usecases.results import Actor, RemissInput
from bot.settings import load_settings
from devtools.clocks import FakeClock
from tests.test_cli import environment, remiss_document, run  # noqa: F401 (the autouse fixture)

DIRECTORY = """organisations:
  - key: stadskontoret
    name: Stadskontoret
    kind: förvaltning
  - key: tekniska-namnden
    name: Tekniska nämnden
    kind: nämnd
    contacts: [U0ANNA]
  - key: stadsbyggnadsnamnden
    name: Stadsbyggnadsnämnden
    kind: nämnd
  - key: mkb
    name: MKB Fastighets AB
    kind: bolag
    aliases: [MKB]
    contacts: [U0MKB1, U0MKB2]
"""


def in_forty_days(tmp_path: Path) -> Path:
    return remiss_document(tmp_path, date.today() + timedelta(days=40))


def test_an_imported_draft_needs_a_real_coordinator_and_nothing_is_saved_without_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    document = in_forty_days(tmp_path)
    code, out, err = run(capsys, "import", str(document), "--save")
    assert code == 1
    assert err.strip() == (
        "remissbot: Utkastet behöver en remissamordnare som äger det. "
        "Ange en med --coordinator U0123ABCD, eller sätt REMISSBOT_COORDINATORS."
    )
    code, out, err = run(capsys, "import", str(document), "--save", "--coordinator", "cli:root")
    assert code == 1
    assert "«cli:root» är inget Slack-användar-id" in err
    code, out, _ = run(capsys, "status", "--drafts")
    assert (code, out.strip()) == (0, "Det finns inga utkast.")


def test_the_configured_coordinator_owns_an_imported_draft_unless_another_is_named(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REMISSBOT_COORDINATORS", "U0MIA, U0BOB")
    code, out, _ = run(capsys, "import", str(in_forty_days(tmp_path)), "--save")
    assert code == 0, out
    assert out.rstrip().endswith(
        "Utkastet ägs av U0MIA och finns under Utkast på Hem-fliken i remissbot. "
        "Skicka det därifrån eller med remissbot send STK-2031-12."
    )
    core = build_core(load_settings())
    try:
        remiss = core.service.queries.overview("STK-2031-12").remiss
        trail = core.service.queries.audit_trail("STK-2031-12")
    finally:
        core.close()
    assert remiss.coordinators == ("U0MIA",)
    assert trail[0].actor.startswith("cli:") and dict(trail[0].details) == {"owner": "U0MIA"}
    other = remiss_document(tmp_path, date.today() + timedelta(days=41)).read_text(encoding="utf-8")
    second = tmp_path / "andra.txt"
    second.write_text(other.replace("STK-2031-12", "STK-2031-13"), encoding="utf-8")
    code, out, _ = run(capsys, "import", str(second), "--save", "--coordinator", "U0BOB")
    assert code == 0, out
    code, out, _ = run(capsys, "status", "--drafts")
    assert code == 0
    assert "2 utkast som inte är skickade:" in out
    assert "STK-2031-13  Ny cykelplan för Malmö" in out
    assert "ägare U0BOB" in out and "ägare U0MIA" in out
    assert "Klart att skicka: remissbot send STK-2031-12" in out


def test_send_delivers_through_the_outbox_and_says_to_whom(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REMISSBOT_COORDINATORS", "U0MIA")
    (tmp_path / "katalog.yaml").write_text(DIRECTORY, encoding="utf-8")
    assert run(capsys, "orgs", "load", str(tmp_path / "katalog.yaml"))[0] == 0
    assert run(capsys, "import", str(in_forty_days(tmp_path)), "--save")[0] == 0
    code, out, err = run(capsys, "send", "STK-2031-12")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("Remiss STK-2031-12 är skickad ") and lines[0].endswith("till 2 remissinstanser:")
    assert lines[1:3] == ["  Tekniska nämnden: U0ANNA", "  MKB Fastighets AB: U0MKB1, U0MKB2"]
    assert "Kunde inte nås (ingen kontaktperson i Slack i katalogen): Stadsbyggnadsnämnden." in out
    assert lines[-1] == "Direktmeddelandena skickas när remissbot är igång (remissbot run eller serve)."
    core = build_core(load_settings())
    try:
        with core.store.read() as repo:
            dms = [m.to_user for m in repo.outbox.messages_for("STK-2031-12") if m.kind is MessageKind.REMISS]
    finally:
        core.close()
    assert sorted(str(user) for user in dms) == ["U0ANNA", "U0MKB1", "U0MKB2"]
    code, out, err = run(capsys, "send", "STK-2031-12")
    assert (code, out) == (1, "")
    assert err.strip() == "remissbot: Remiss STK-2031-12 är redan skickad och kan inte skickas igen."
    code, _, err = run(capsys, "status", "--drafts")
    assert code == 0
    code, _, err = run(capsys, "send", "STK-2099-1")
    assert code == 1
    assert err.startswith("remissbot: Hittar ingen remiss med diarienummer «STK-2099-1».")


def test_send_refuses_an_incomplete_draft_and_one_whose_deadline_passed(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REMISSBOT_COORDINATORS", "U0MIA")
    past = FakeClock(datetime(2023, 10, 2, 7, 0, tzinfo=UTC))
    core = build_core(load_settings(), clock=past)
    operator = Actor("cli:test", is_coordinator=True)
    question = [("Hur ser nämnden på förslaget?", QuestionKind.FREE_TEXT)]
    try:
        for case_number, keys in (("STK-2023-1", []), ("STK-2023-2", ["mkb"])):
            data = RemissInput(case_number, "Cykelplan", question, date(2023, 11, 30), keys)
            core.service.drafting.create_draft(operator, data, owner="U0MIA")
    finally:
        core.close()
    code, out, _ = run(capsys, "status", "--drafts")
    assert "Saknar remissinstanser innan det kan skickas." in out
    code, out, err = run(capsys, "send", "STK-2023-1")
    assert (code, out) == (1, "")
    assert err.strip() == (
        "remissbot: Utkastet STK-2023-1 kan inte skickas än: det saknar remissinstanser. "
        "Öppna det under Utkast på Hem-fliken i remissbot och fyll i det som saknas."
    )
    code, out, err = run(capsys, "send", "STK-2023-2")
    assert (code, out) == (1, "")
    assert (
        err.strip() == "remissbot: Sista svarsdatum torsdag 30 november 2023 har redan passerat. Välj ett senare datum."
    )


def test_an_imported_draft_takes_the_kortrubrik_given_and_refuses_one_over_60_characters(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REMISSBOT_COORDINATORS", "U0MIA")
    document = in_forty_days(tmp_path)
    code, out, _ = run(capsys, "import", str(document), "--save", "--short-title", "K" * 73)
    assert code == 1
    assert "Kortrubriken får vara högst 60 tecken (nu 73). Korta den." in out
    code, out, _ = run(capsys, "import", str(document), "--save", "--short-title", "  Cykelplanen  ")
    assert code == 0, out
    labelled = tmp_path / "med-kortrubrik.txt"
    labelled.write_text(
        document.read_text(encoding="utf-8").replace("STK-2031-12", "STK-2031-14") + "\nKortrubrik: Cykelplan 2031\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "import", str(labelled), "--save")
    assert code == 0, out
    assert "Kortrubrik:       Cykelplan 2031\n" in out
    core = build_core(load_settings())
    try:
        given = core.service.queries.overview("STK-2031-12").remiss
        stated = core.service.queries.overview("STK-2031-14").remiss
    finally:
        core.close()
    assert (given.title, given.short_title) == ("Ny cykelplan för Malmö", "Cykelplanen")
    assert stated.short_title == "Cykelplan 2031"
    code, out, _ = run(capsys, "status", "--drafts")
    assert "STK-2031-12  Cykelplanen" in out and "STK-2031-14  Cykelplan 2031" in out
