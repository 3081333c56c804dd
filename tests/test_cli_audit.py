"""`remissbot audit DIARIENUMMER [--json|--csv]`: the audit trail at the command line."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import datetime

import pytest

from bot.bootstrap import build_core
from bot.cli import main
from bot.core.clock import STOCKHOLM
from bot.core.domain.audit import AuditAction
from bot.core.domain.organisation import Directory
from bot.core.domain.remiss import QuestionKind
from bot.core.usecases.results import Actor, RemissInput
from bot.settings import load_settings
from devtools.clocks import FakeClock
from devtools.sandbox.fake_slack import FakeSlack
from tests.test_cli import environment, run  # noqa: F401 (the autouse fixture)

CASE = "STK-2023-137"
MIA = Actor("U0MIA", is_coordinator=True)
REASON = "Förslaget berör inte bolaget; «ingen» åsikt."


@pytest.fixture
def declined() -> None:
    """STK-2023-137 sent to Tekniska nämnden (Anna, U0ANNA) and MKB (no contact); Anna declines for hers."""
    core = build_core(load_settings(), clock=FakeClock(datetime(2023, 10, 2, 9, 0, tzinfo=STOCKHOLM)))
    try:
        service = core.service
        directory = service.directory.directory()
        service.directory.replace_directory(
            Directory(tuple(replace(o, contacts=("U0ANNA",)) if o.key == "tekniska-namnden" else o for o in directory))
        )
        question = [("Hur ser nämnden på förslaget?", QuestionKind.FREE_TEXT)]
        data = RemissInput(CASE, "Områdeslyft", question, datetime(2023, 11, 30).date(), ["tekniska-namnden", "mkb"])
        service.drafting.create_draft(MIA, data)
        service.drafting.send(MIA, CASE)
        service.answering.decline(service.actor("U0ANNA"), CASE, "tekniska-namnden", REASON)
    finally:
        core.close()


@pytest.mark.usefixtures("declined")
def test_audit_lists_every_entry_with_when_who_what_and_details(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "audit", CASE)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"Historik för {CASE} Områdeslyft"
    assert lines[1] == "4 händelser, äldst först."
    assert "2 oktober 2023 kl. 09:00  U0MIA\n  U0MIA skapade remissen som utkast.\n" in out
    assert "  Remissen skickades till 1 remissinstans.\n  Detaljer: reachable=1\n" in out
    assert "  MKB kunde inte nås: katalogen har ingen kontaktperson som finns i Slack.\n" in out
    assert f"2 oktober 2023 kl. 09:00  U0ANNA\n  Tekniska nämnden avstod från att yttra sig: «{REASON}»\n" in out
    assert f"  Detaljer: reason={REASON}\n" in out


@pytest.mark.usefixtures("declined")
def test_audit_names_the_people_when_slack_can_be_asked(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeSlack() as fake:
        fake.add_user("U0MIA", "mia", "Mia Idestrom", "mia.idestrom@malmo.se")
        fake.add_user("U0ANNA", "anna", "Anna Andersson", "anna.andersson@malmo.se")
        monkeypatch.setenv("SLACK_BOT_TOKEN", fake.identity.bot_token)
        monkeypatch.setenv("SLACK_API_URL", fake.url)
        code, out, _ = run(capsys, "audit", CASE)
    assert code == 0
    assert "2 oktober 2023 kl. 09:00  Mia Idestrom (U0MIA)\n  Mia Idestrom skapade remissen som utkast.\n" in out
    assert "2 oktober 2023 kl. 09:00  Anna Andersson (U0ANNA)\n  Tekniska nämnden avstod" in out


@pytest.mark.usefixtures("declined")
def test_audit_json_is_the_rows_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "audit", CASE, "--json")
    assert code == 0
    items = json.loads(out)
    assert [i["action"] for i in items] == [
        AuditAction.CREATED,
        AuditAction.SENT,
        AuditAction.UNREACHABLE,
        AuditAction.DECLINED,
    ]
    assert items[3] == {
        "at": "2023-10-02T09:00:00+02:00",
        "actor_id": "U0ANNA",
        "actor_name": "U0ANNA",
        "action": "declined",
        "what": f"Tekniska nämnden avstod från att yttra sig: «{REASON}»",
        "organisation_key": "tekniska-namnden",
        "organisation": "Tekniska nämnden",
        "details": {"reason": REASON},
    }


@pytest.mark.usefixtures("declined")
def test_audit_csv_is_the_rows_for_excel(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "audit", CASE, "--csv")
    assert code == 0
    assert out.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(out.removeprefix("\ufeff")), delimiter=";"))
    assert table[0] == ["Tidpunkt", "Vem", "Användar-id", "Händelse", "Remissinstans", "Åtgärd", "Detaljer"]
    assert table[4] == [
        "2023-10-02T09:00:00+02:00",
        "U0ANNA",
        "U0ANNA",
        f"Tekniska nämnden avstod från att yttra sig: «{REASON}»",
        "Tekniska nämnden",
        "declined",
        json.dumps({"reason": REASON}, ensure_ascii=False),
    ]


def test_audit_of_an_unknown_remiss_is_one_swedish_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    for extra in ([], ["--json"], ["--csv"]):
        code, out, err = run(capsys, "audit", "STK-2023-999", *extra)
        assert (code, out) == (2, "")
        assert err == (
            "remissbot: Hittar ingen remiss med diarienummer «STK-2023-999». "
            "`remissbot status` listar de pågående remisserna.\n"
        )


def test_json_and_csv_together_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["audit", CASE, "--json", "--csv"])
    assert exited.value.code == 2
    assert "--csv" in capsys.readouterr().err
