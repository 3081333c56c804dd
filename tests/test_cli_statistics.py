"""`remissbot statistik`: each organisation's answer history at the command line, on the generated history of 40
remisses (devtools/answer_history.py) in a SQLite database: the list, JSON, CSV, the HTML report and the chart."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from bot.bootstrap import build_core
from bot.cli import main
from bot.settings import load_settings
from devtools import answer_history
from devtools.answer_history import History
from tests.summary.browser import png_size

# The history is played once per worker, for every module of the group.
pytestmark = pytest.mark.xdist_group("answer_history")


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory, answer_history_played: History) -> Path:
    """The generated history, played on the memory store and stored as it is in one SQLite database (once for
    the module)."""
    data = tmp_path_factory.mktemp("statistik")
    played = answer_history_played
    with pytest.MonkeyPatch.context() as env:
        _environment(env, data)
        core = build_core(load_settings())
        try:
            answer_history.copy_into(played.service.store, core.service.store)
        finally:
            core.close()
    return data


def _environment(env: pytest.MonkeyPatch, data: Path) -> None:
    for name in ("DATABASE_URL", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_API_URL"):
        env.delenv(name, raising=False)
    env.setenv("REMISSBOT_DATA_DIR", str(data))
    env.setenv("REMISSBOT_COORDINATORS", answer_history.COORDINATOR)


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch, database: Path) -> None:
    _environment(monkeypatch, database)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["statistik", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_has_every_figure_per_organisation_and_year(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--json")
    assert code == 0
    data = json.loads(out)
    # The command judges as of the real today: after the history's last deadline, nothing is pending any more.
    assert data["today"] > answer_history.TODAY.isoformat()
    assert data["total"]["pending"] == 0
    assert data["period"] == {"from": None, "to": None}
    assert data["total"]["received"] == answer_history.REMISSES * answer_history.PER_REMISS
    kultur = next(o for o in data["organisations"] if o["key"] == "kulturnamnden")
    assert kultur["name"] == "Kulturnämnden"
    assert kultur["total"]["median_days_before"] == 9.0
    assert set(kultur["years"]) == {"2023", "2024", "2025"}
    fritid = next(o for o in data["organisations"] if o["key"] == "fritidsnamnden")
    assert fritid["total"]["median_days_before"] is None
    assert sum(o["total"]["extensions_granted"] for o in data["organisations"]) == data["total"]["extensions_granted"]


def test_a_period_by_years_counts_the_remisses_sent_in_them(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--from", "2024", "--to", "2024-12-31", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["period"] == {"from": "2024-01-01", "to": "2024-12-31"}
    assert list(data["years"]) == ["2024"]
    sent_2024 = sum(1 for r in answer_history.plan() if r.year == 2024)
    assert data["total"]["received"] == sent_2024 * answer_history.PER_REMISS


def test_csv_is_for_excel_one_row_per_organisation_and_year(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--csv")
    assert code == 0
    assert out.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(out.removeprefix("\ufeff")), delimiter=";"))
    miljo = [r for r in rows if r["nyckel"] == "miljonamnden"]
    assert [r["år"] for r in miljo] == ["2023", "2024", "2025", "alla"]
    assert miljo[-1]["mottagna"] == miljo[-1]["i_tid"] == "26"
    assert miljo[-1]["median_arbetsdagar_fore"] == "2,5"
    everyone = rows[-1]
    assert everyone["år"] == "alla" and everyone["nyckel"] == "" and everyone["remissinstans"] == "Alla remissinstanser"
    assert int(everyone["mottagna"]) == answer_history.REMISSES * answer_history.PER_REMISS


def test_the_list_names_each_organisation_with_its_years(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys)
    assert code == 0
    assert out.startswith("Alla skickade remisser (läget ")
    assert "\nKulturnämnden\n" in out
    assert "median 9 arbetsdagar före" in out
    assert "Alla remissinstanser: 400 mottagna" in out


def test_html_report_and_chart_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    html, png, svg = tmp_path / "statistik.html", tmp_path / "diagram.png", tmp_path / "diagram.svg"
    code, _, err = run(capsys, "--html", str(html), "--diagram", str(png))
    assert code == 0 and f"Skrev {html}." in err and f"Skrev {png}." in err
    assert run(capsys, "--diagram", str(svg))[0] == 0
    page = html.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "Hälsa-, vård- och omsorgsnämnden" in page
    # Self-contained: nothing to fetch (no stylesheet, script, image or font from elsewhere).
    assert not re.search(r"<(link|script|img)\b|@import|url\((?!#)|src=", page)
    assert "<!DOCTYPE svg" not in page and "<?xml" not in page
    width, height = png_size(png.read_bytes())
    assert width >= 1000 and height > 600
    root = ET.fromstring(svg.read_bytes())
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    text = svg.read_text(encoding="utf-8")
    assert "Parkeringsövervakning i Malmö AB" in text and "Preliminärt svar" in text
    # Deterministic: the same figures give the same bytes, with no date in them.
    again = tmp_path / "again.svg"
    run(capsys, "--diagram", str(again))
    assert again.read_bytes() == svg.read_bytes()
    assert "<dc:date>" not in text


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--from", "2025-01-01", "--to", "2024-01-01"], "Från-datumet 1 januari 2025 ligger efter till-datumet"),
        (["--from", "31/12/2024"], "«31/12/2024» är inget datum för --from. Skriv år-månad-dag"),
        (["--to", "2024-02-30"], "«2024-02-30» är inget datum för --to."),
        (["--diagram", "diagram.pdf"], "Diagrammet kan sparas som .png eller .svg"),
    ],
)
def test_bad_input_is_told_in_swedish_with_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], says: str
) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2 and out == ""
    assert says in err and "Traceback" not in err


def test_an_empty_period_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--from", "2030")
    assert code == 0 and out == ""
    assert "Inga remisser i perioden (remisser skickade från 1 januari 2030)." in err
    code, out, err = run(capsys, "--from", "2030", "--json")
    assert json.loads(out)["organisations"] == []
