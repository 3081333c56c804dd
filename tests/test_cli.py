"""The remissbot command: directory, status, health and the clear one-line refusals."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.app import build_core
from bot.cli import main
from bot.directory_file import parse_directory
from bot.domain.remiss import QuestionKind, RemissStatus
from bot.rendering import Texts
from bot.settings import load_settings

BROKEN = """organisations:
  - key: tekniska-namnden
    name: Tekniska nämnden
    kind: nämnd
  - key: miljonamnden
    name: Miljönämnden
    kind: styrelse
"""

GOOD = """organisations:
  - key: stadskontoret
    name: Stadskontoret
    short_name: STK
    kind: förvaltning
  - key: tekniska-namnden
    name: Tekniska nämnden
    short_name: TN
    kind: nämnd
    contacts: [U0ANNA, anna.andersson@malmo.se]
"""


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (
        "DATABASE_URL",
        "SLACK_BOT_TOKEN",
        "SLACK_APP_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_API_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("REMISSBOT_DATA_DIR", str(tmp_path / "data"))


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_orgs_list_prints_the_sixteen_organisations_of_a_fresh_install(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "orgs", "list")
    assert code == 0
    assert "Hälsa-, vård- och omsorgsnämnden" in out
    assert "Parkeringsövervakning i Malmö AB" in out
    assert "16 organisationer (12 nämnder, 3 bolag)." in out


def test_a_broken_directory_file_names_the_line_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    broken = tmp_path / "katalog.yaml"
    broken.write_text(BROKEN, encoding="utf-8")
    code, _, err = run(capsys, "orgs", "load", str(broken))
    assert code == 1
    assert "rad 7, fält «kind»: «styrelse» är ingen typ" in err
    assert "ingenting har ändrats" in err
    _, out, _ = run(capsys, "orgs", "list")
    assert "16 organisationer" in out


def test_loading_a_directory_replaces_it_and_marks_the_missing_inactive(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    good = tmp_path / "katalog.yaml"
    good.write_text(GOOD, encoding="utf-8")
    code, out, _ = run(capsys, "orgs", "load", str(good))
    assert code == 0
    assert "2 organisationer" in out
    assert "inaktiva" in out
    _, listing, _ = run(capsys, "orgs", "list")
    assert "U0ANNA, anna.andersson@malmo.se" in listing
    assert "Miljönämnden" in listing and "(inaktiv)" in listing
    assert "2 organisationer (1 nämnd, 0 bolag)." in listing


def test_health_reports_the_database_schema_and_directory(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "health")
    assert code == 0
    assert "svarar" in out and "(senaste)" in out and "16 organisationer" in out


def test_status_without_remisses_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "status")[1].strip() == "Det finns inga pågående remisser."
    code, _, err = run(capsys, "status", "STK-2023-999")
    assert code == 1
    assert "Hittar ingen remiss med diarienummer «STK-2023-999»" in err


def test_run_without_tokens_names_the_variables_and_exits_non_zero(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, "run")
    assert code == 2
    assert "SLACK_BOT_TOKEN saknas; SLACK_APP_TOKEN saknas" in err
    assert "manifest.json" in err
    code, _, err = run(capsys, "serve")
    assert code == 2
    assert "SLACK_SIGNING_SECRET saknas" in err


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mysql://root@localhost/remiss", "remissbot inte stöder"),
        (
            "postgresql+psycopg://postgres:hemligt@127.0.0.1:1/test",
            "Kan inte ansluta till databasen på 127.0.0.1:1",
        ),
        ("not a url", "DATABASE_URL"),
    ],
)
def test_a_bad_database_url_gives_one_clear_line_without_the_password(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, url: str, expected: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    code, _, err = run(capsys, "orgs", "list")
    assert code == 2
    assert expected in err
    assert "hemligt" not in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_the_installed_command_prints_no_traceback(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "REMISSBOT_DATA_DIR": str(tmp_path)},
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("remissbot: Kan inte starta remissbot run (Socket Mode)")
    assert "Traceback" not in result.stderr


def remiss_document(tmp_path: Path, deadline: date) -> Path:
    months = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
              "november", "december"]  # fmt: skip
    decision = (
        "1. Kommunstyrelsens arbetsutskott skickar förslaget på remiss med sista svarsdatum "
        f"{deadline.day} {months[deadline.month - 1]} {deadline.year}."
    )
    text = f"""Tjänsteskrivelse

Ny cykelplan för Malmö; nu fråga om remiss STK-2031-12

Förslag till beslut

{decision}

Beslutet skickas till

Tekniska nämnden
Stadsbyggnadsnämnden
MKB
Stadskontorets handläggare

Frågor

1. Hur ser nämnden på förslaget?
2. Vilken nämnd eller bolag bör samordna arbetet?
"""
    path = tmp_path / "cykelplan.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_import_with_save_stores_a_draft_to_review_and_refuses_a_second_copy(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    document = remiss_document(tmp_path, date.today() + timedelta(days=40))
    code, out, _ = run(capsys, "import", str(document), "--save")
    assert code == 0, out
    assert "Utkastet är sparat som STK-2031-12" in out
    core = build_core(load_settings())
    try:
        overview = core.service.overview("STK-2031-12")
    finally:
        core.close()
    assert overview.remiss.status is RemissStatus.DRAFT
    assert [row.organisation.name for row in overview.rows] == ["Tekniska nämnden", "Stadsbyggnadsnämnden", "MKB"]
    assert [q.kind for q in overview.remiss.questions] == [QuestionKind.FREE_TEXT, QuestionKind.ORGANISATION_CHOICE]
    code, out, _ = run(capsys, "import", str(document), "--save", "--json")
    assert code == 1
    assert json.loads(out)["error"].startswith("Det finns redan en remiss med diarienummer STK-2031-12")


def test_import_with_save_refuses_a_past_deadline_and_saves_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    document = remiss_document(tmp_path, date(2023, 11, 30))
    code, out, _ = run(capsys, "import", str(document), "--save", "--json")
    assert code == 1
    assert json.loads(out) == {
        "error": "Sista svarsdatum 30 november 2023 har redan passerat. Välj ett senare datum.",
        "code": "save_refused",
    }
    code, _, err = run(capsys, "status", "STK-2031-12")
    assert code == 1
    assert "Hittar ingen remiss" in err


WITH_MEETINGS = """organisations:
  - key: stadskontoret
    name: Stadskontoret
    short_name: STK
    kind: förvaltning
  - key: tekniska-namnden
    name: Tekniska nämnden
    short_name: TN
    kind: nämnd
    meetings: [2023-10-19, 2023-11-16, 2023-12-14]
    submission_lead_days: 14
"""


def test_a_directory_with_meetings_and_a_lead_time_is_loaded_and_listed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    good = tmp_path / "katalog.yaml"
    good.write_text(WITH_MEETINGS, encoding="utf-8")
    assert run(capsys, "orgs", "load", str(good))[0] == 0

    _, listing, _ = run(capsys, "orgs", "list")

    lines = listing.splitlines()
    assert "Nästa möte" in lines[0] and "Inlämning" in lines[0]
    tn = next(line for line in lines if line.startswith("Tekniska nämnden"))
    # The file's meetings are in 2023, so today there is no next meeting; the lead time is shown.
    assert "14 dagar" in tn
    stk = next(line for line in lines if line.startswith("Stadskontoret"))
    assert "dag" not in stk
    assert "Inlämning: hur många dagar före mötet ett ärende ska vara klart." in listing


def test_the_listing_shows_the_next_meeting_from_the_day_it_is_given() -> None:
    directory = parse_directory(WITH_MEETINGS)
    inactive = replace(directory.require("stadskontoret"), active=False, meetings=(date(2023, 10, 1),))
    listing = Texts().render(
        "cli/orgs_list.j2",
        organisations=[inactive, directory.require("tekniska-namnden")],
        count_namnd=1,
        count_bolag=0,
        today=date(2023, 11, 1),
    )
    header, stk, tn, *_ = listing.splitlines()
    assert header.split() == ["Organisation", "Kortnamn", "Typ", "Nästa", "möte", "Inlämning", "Kontakter"]
    assert tn.split() == ["Tekniska", "nämnden", "TN", "nämnd", "2023-11-16", "14", "dagar", "–"]
    assert stk.split() == ["Stadskontoret", "STK", "förvaltning", "–", "–", "–", "(inaktiv)"]


def test_a_bad_meeting_date_names_its_line_and_field_in_swedish(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    broken = tmp_path / "katalog.yaml"
    broken.write_text(WITH_MEETINGS.replace("2023-11-16", "16 nov").replace("14\n", "120\n"), encoding="utf-8")

    code, _, err = run(capsys, "orgs", "load", str(broken))

    assert code == 1
    assert "rad 10, fält «meetings»: «16 nov» är inget datum; skriv år-månad-dag, t.ex. 2023-11-16" in err
    assert "rad 11, fält «submission_lead_days»: ska vara ett helt antal dagar från 0 till 90, inte «120»" in err
    assert "ingenting har ändrats" in err
