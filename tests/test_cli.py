"""The remissbot command: directory, status, health and the clear one-line refusals."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from bot.adapters.directory_file import parse_directory
from bot.adapters.rendering import Texts
from bot.bootstrap import Core, build_core
from bot.cli import main
from bot.core.clock import STOCKHOLM
from bot.core.domain.registry import RegistryItem, RegistrySubject
from bot.core.domain.remiss import Answer, QuestionKind, RemissStatus, ResponseContent, ResponseKind
from bot.core.usecases.results import Actor, RemissInput
from bot.settings import load_settings
from devtools.clocks import FakeClock
from tests.directory_files import MKB, STADSKONTORET, TEKNISKA_NAMNDEN, directory_file

BROKEN = """organisations:
  - key: tekniska-namnden
    name: Tekniska nämnden
    kind: nämnd
  - key: miljonamnden
    name: Miljönämnden
    kind: styrelse
"""

GOOD = directory_file(
    STADSKONTORET,
    """\
  - key: tekniska-namnden
    name: Tekniska nämnden
    short_name: TN
    kind: nämnd
    contacts: [U0ANNA, anna.andersson@malmo.se]
""",
)


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (
        "DATABASE_URL",
        "SLACK_BOT_TOKEN",
        "SLACK_APP_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_API_URL",
        "REMISSBOT_COORDINATORS",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("REMISSBOT_DATA_DIR", str(tmp_path / "data"))


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def load_directory(capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str) -> tuple[int, str, str]:
    """`remissbot orgs load` on a directory file with `text`, as an administrator runs it after editing one."""
    path = tmp_path / "katalog.yaml"
    path.write_text(text, encoding="utf-8")
    return run(capsys, "orgs", "load", str(path))


def test_orgs_list_prints_the_sixteen_organisations_of_a_fresh_install(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "orgs", "list")
    assert code == 0
    assert "Hälsa-, vård- och omsorgsnämnden" in out
    assert "Parkeringsövervakning i Malmö AB" in out
    assert "16 organisationer (12 nämnder, 3 bolag)." in out


def test_loading_a_directory_replaces_it_and_marks_the_missing_inactive(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = load_directory(capsys, tmp_path, GOOD)
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
    code, out, _ = run(capsys, "import", str(document), "--save", "--coordinator", "U0MIA")
    assert code == 0, out
    assert "Utkastet är sparat som STK-2031-12" in out
    core = build_core(load_settings())
    try:
        overview = core.service.queries.overview("STK-2031-12")
    finally:
        core.close()
    assert overview.remiss.status is RemissStatus.DRAFT
    assert [row.organisation.name for row in overview.rows] == ["Tekniska nämnden", "Stadsbyggnadsnämnden", "MKB"]
    # The same suggestion as the create form: a stance on the proposal, and an organisation choice.
    assert [q.kind for q in overview.remiss.questions] == [QuestionKind.POSITION, QuestionKind.ORGANISATION_CHOICE]
    code, out, _ = run(capsys, "import", str(document), "--save", "--json", "--coordinator", "U0MIA")
    assert code == 1
    assert json.loads(out)["error"].startswith("Det finns redan en remiss med diarienummer STK-2031-12")


def test_import_with_save_refuses_a_past_deadline_and_saves_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REMISSBOT_COORDINATORS", "U0MIA")
    document = remiss_document(tmp_path, date(2023, 11, 30))
    code, out, _ = run(capsys, "import", str(document), "--save", "--json")
    assert code == 1
    assert json.loads(out) == {
        "error": "Sista svarsdatum torsdag 30 november 2023 har redan passerat. Välj ett senare datum.",
        "code": "save_refused",
    }
    code, _, err = run(capsys, "status", "STK-2031-12")
    assert code == 1
    assert "Hittar ingen remiss" in err


WITH_MEETINGS = directory_file(
    STADSKONTORET,
    """\
  - key: tekniska-namnden
    name: Tekniska nämnden
    short_name: TN
    kind: nämnd
    meetings: [2023-10-19, 2023-11-16, 2023-12-14]
    submission_lead_days: 14
""",
)


def test_a_directory_with_meetings_and_a_lead_time_is_loaded_and_listed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert load_directory(capsys, tmp_path, WITH_MEETINGS)[0] == 0

    _, listing, _ = run(capsys, "orgs", "list")

    lines = listing.splitlines()
    assert "Nästa sammanträde" in lines[0] and "Inlämning" in lines[0]
    tn = next(line for line in lines if line.startswith("Tekniska nämnden"))
    # The file's meetings are in 2023, so today there is no next meeting; the lead time is shown.
    assert "14 dagar" in tn
    stk = next(line for line in lines if line.startswith("Stadskontoret"))
    assert "dag" not in stk
    assert "Inlämning: hur många dagar före sammanträdet ett ärende ska vara klart." in listing


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
    assert header.split() == ["Organisation", "Kortnamn", "Typ", "Nästa", "sammanträde", "Inlämning", "Kontakter"]
    assert tn.split() == ["Tekniska", "nämnden", "TN", "nämnd", "2023-11-16", "14", "dagar", "–"]
    assert stk.split() == ["Stadskontoret", "STK", "förvaltning", "–", "–", "–", "(inaktiv)"]


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        pytest.param(BROKEN, ["rad 7, fält «kind»: «styrelse» är ingen typ"], id="unknown_kind"),
        pytest.param(
            WITH_MEETINGS.replace("2023-11-16", "16 nov").replace("14\n", "120\n"),
            [
                "rad 10, fält «meetings»: «16 nov» är inget datum; skriv år-månad-dag, t.ex. 2023-11-16",
                "rad 11, fält «submission_lead_days»: ska vara ett helt antal dagar från 0 till 90, inte «120»",
            ],
            id="bad_meeting_date_and_lead_time",
        ),
    ],
)
def test_a_broken_directory_file_names_each_line_and_field_in_swedish_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str, problems: list[str]
) -> None:
    code, _, err = load_directory(capsys, tmp_path, text)

    assert code == 1
    for problem in problems:
        assert problem in err
    assert "ingenting har ändrats" in err
    _, out, _ = run(capsys, "orgs", "list")
    assert "16 organisationer" in out


# -- reminders (issue 4) ---------------------------------------------------------------------------------
REMINDER_DIRECTORY = directory_file(
    STADSKONTORET,
    TEKNISKA_NAMNDEN,
    """\
  - key: miljonamnden
    name: Miljönämnden
    kind: nämnd
    contacts: [U0BERTIL]
  - key: stadsbyggnadsnamnden
    name: Stadsbyggnadsnämnden
    kind: nämnd
    contacts: [U0CARL]
""",
    MKB,
)
MIA = Actor("U0MIA", is_coordinator=True)


def sent_remiss(
    sent_at: datetime,
    deadline: date,
    keys: Sequence[str] = ("tekniska-namnden", "miljonamnden", "stadsbyggnadsnamnden", "mkb"),
    *,
    title: str = "Områdeslyft",
    question: str = "Hur ser nämnden på förslaget?",
) -> tuple[FakeClock, Core]:
    """STK-2023-137 sent at `sent_at` to `keys` of REMINDER_DIRECTORY (by default all four recipients, MKB without
    a contact), with one free-text `question`; the caller closes the core."""
    clock = FakeClock(sent_at)
    core = build_core(load_settings(), clock=clock)
    service = core.service
    service.directory.replace_directory(parse_directory(REMINDER_DIRECTORY))
    questions = [(question, QuestionKind.FREE_TEXT)]
    service.drafting.create_draft(MIA, RemissInput("STK-2023-137", title, questions, deadline, list(keys)))
    service.drafting.send(MIA, "STK-2023-137")
    return clock, core


def walk(core: Core, clock: FakeClock, until: datetime) -> None:
    while clock.now() < until:
        clock.advance(timedelta(minutes=30))
        core.service.reminding.remind()


def lines_of(out: str, organisation: str) -> list[str]:
    """The reminder lines under one recipient's heading, without the weekday and spacing."""
    block = out.split(f"\n{organisation}\n", 1)[1].split("\n\n", 1)[0]
    return [" ".join(line.split()[1:]) for line in block.splitlines()]


def test_reminders_plan_lists_every_reminder_per_recipient_with_its_time_reason_and_state(
    capsys: pytest.CaptureFixture[str],
) -> None:
    clock, core = sent_remiss(datetime(2023, 10, 2, 10, 0, tzinfo=STOCKHOLM), date(2023, 11, 30))
    try:
        service = core.service
        walk(core, clock, datetime(2023, 10, 3, 10, 0, tzinfo=STOCKHOLM))
        service.answering.record_opened(Actor("U0BERTIL"), "STK-2023-137", "miljonamnden")
        service.answering.decline(Actor("U0CARL"), "STK-2023-137", "stadsbyggnadsnamnden", "Berör inte nämnden")
        walk(core, clock, datetime(2023, 10, 5, 12, 0, tzinfo=STOCKHOLM))
        service.reminding.snooze(Actor("U0BERTIL"), "STK-2023-137", "miljonamnden", date(2023, 11, 20))
    finally:
        core.close()

    code, out, _ = run(capsys, "reminders", "plan", "STK-2023-137")

    assert code == 0
    assert out.startswith("STK-2023-137  Områdeslyft\nSista svarsdatum torsdag 30 november 2023.")
    assert "lokal tid (Europe/Stockholm)" in out
    assert [n for n in ("Tekniska nämnden", "Miljönämnden", "Stadsbyggnadsnämnden", "MKB") if f"\n{n}\n" in out] == [
        "Tekniska nämnden",
        "Miljönämnden",
        "Stadsbyggnadsnämnden",
        "MKB",
    ]
    assert lines_of(out, "Tekniska nämnden") == [
        "2023-10-05 09:00 knuff: ej öppnad skickad",
        "2023-11-16 09:00 påminnelse 10 arbetsdagar före planerad",
        "2023-11-23 09:00 påminnelse 5 arbetsdagar före planerad",
        "2023-11-28 09:00 påminnelse 2 arbetsdagar före planerad",
        "2023-11-30 09:00 svarsdagens morgon planerad",
        "2023-12-01 09:00 försenad planerad",
        "2023-12-04 09:00 eskalering om sent svar planerad",
    ]
    assert "tor 2023-10-05 09:00" in out  # the weekday, in Swedish
    miljo = lines_of(out, "Miljönämnden")
    assert miljo[:3] == [
        "2023-10-05 09:00 knuff: ej öppnad hoppades över – öppnad",
        "2023-11-16 09:00 påminnelse 10 arbetsdagar före struken – snoozad",
        "2023-11-20 09:00 snoozad planerad",
    ]
    assert lines_of(out, "Stadsbyggnadsnämnden")[0] == "2023-10-05 09:00 knuff: ej öppnad hoppades över – besvarad"
    assert out.rstrip().endswith("MKB\n  inga påminnelser: ingen handläggare kunde nås")

    code, out, _ = run(capsys, "reminders", "plan", "STK-2023-137", "--json")

    assert code == 0
    plan = json.loads(out)
    assert [plan["case_number"], plan["deadline"], plan["timezone"]] == [
        "STK-2023-137",
        "2023-11-30",
        "Europe/Stockholm",
    ]
    assert [r["organisation"] for r in plan["recipients"]] == [
        "tekniska-namnden",
        "miljonamnden",
        "stadsbyggnadsnamnden",
        "mkb",
    ]
    nudge, ten_days, *_, escalation = plan["recipients"][0]["reminders"]
    assert nudge == {
        "key": "reminder:STK-2023-137:tekniska-namnden:nudge_unopened:2023-10-05",
        "kind": "nudge_unopened",
        "to": "recipient",
        "due_at": "2023-10-05T09:00:00+02:00",
        "local_date": "2023-10-05",
        "working_days_left": 40,
        "deadline": "2023-11-30",
        "because": None,
        "state": "sent",
        "reason": None,
        "decided_at": "2023-10-05T09:00:00+02:00",
    }
    # After the change to winter time the offset follows: still 09:00 in Malmö.
    assert (ten_days["due_at"], ten_days["state"], ten_days["working_days_left"]) == (
        "2023-11-16T09:00:00+01:00",
        "planned",
        10,
    )
    assert (escalation["kind"], escalation["to"]) == ("escalation", "coordinator")
    states = [(r["kind"], r["state"], r["reason"]) for r in plan["recipients"][1]["reminders"][:3]]
    assert states == [
        ("nudge_unopened", "skipped", "skip_opened"),
        ("before_deadline", "cancelled", "snoozed"),
        ("snoozed", "planned", None),
    ]
    assert plan["recipients"][3]["reminders"] == []


def test_a_reminder_sent_late_after_an_outage_shows_when_it_went(capsys: pytest.CaptureFixture[str]) -> None:
    clock, core = sent_remiss(datetime(2023, 10, 2, 10, 0, tzinfo=STOCKHOLM), date(2023, 11, 30))
    try:
        clock.set(datetime(2023, 10, 5, 11, 20, tzinfo=STOCKHOLM))  # the bot was down from before 09:00
        core.service.reminding.remind()
    finally:
        core.close()
    _, out, _ = run(capsys, "reminders", "plan", "STK-2023-137")
    assert lines_of(out, "Tekniska nämnden")[0] == "2023-10-05 09:00 knuff: ej öppnad skickad (kl. 11:20)"


def test_reminders_of_an_unknown_remiss_get_one_swedish_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    for command in (["plan", "STK-2023-999"], ["plan", "STK-2023-999", "--json"], ["policy", "STK-2023-999"]):
        code, out, err = run(capsys, "reminders", *command)
        assert code == 2
        assert out == ""
        assert err == (
            "remissbot: Hittar ingen remiss med diarienummer «STK-2023-999». "
            "`remissbot status` listar de pågående remisserna.\n"
        )


def test_a_draft_has_no_reminders_until_it_is_sent(capsys: pytest.CaptureFixture[str]) -> None:
    core = build_core(load_settings())
    try:
        core.service.directory.replace_directory(parse_directory(REMINDER_DIRECTORY))
        question = [("Fråga?", QuestionKind.FREE_TEXT)]
        deadline = date.today() + timedelta(days=40)
        core.service.drafting.create_draft(MIA, RemissInput("STK-2031-1", "Utkast", question, deadline, ["mkb"]))
    finally:
        core.close()
    code, out, _ = run(capsys, "reminders", "plan", "STK-2031-1")
    assert code == 0
    assert "Remissen är ett utkast: påminnelserna planeras när den skickas." in out
    assert out.rstrip().endswith("MKB\n  inga påminnelser")


def test_reminders_policy_shows_sets_and_resets_a_remiss_own_settings_and_replans(
    capsys: pytest.CaptureFixture[str],
) -> None:
    now = datetime.now(STOCKHOLM).replace(microsecond=0)
    _, core = sent_remiss(now, now.date() + timedelta(days=90))
    core.close()

    code, out, _ = run(capsys, "reminders", "policy", "STK-2023-137")
    assert code == 0
    assert out.startswith("Påminnelseinställningar för STK-2023-137 (alla globala):")
    assert "  send_at               09:00  " in out
    assert "  before_deadline       10,5,2  " in out
    assert "  nudge_unopened_after  3  " in out
    assert "  office_hours          08:00-17:00  " in out

    code, out, _ = run(
        capsys,
        "reminders",
        "policy",
        "STK-2023-137",
        "--set",
        "send_at=10:30",
        "before_deadline=7",
        "nudge_unopened_after=av",
        "--set",
        "on_deadline_morning=nej",
    )
    assert code == 0, out
    assert out.startswith("Påminnelseinställningarna för STK-2023-137 är sparade.\nPåminnelserna är planerade om")
    assert "(egna: send_at, before_deadline, on_deadline_morning, nudge_unopened_after; övriga globala)" in out
    assert " ".join(next(line for line in out.splitlines() if "send_at " in line).split()[:3]) == "send_at 10:30 egen"

    plan = json.loads(run(capsys, "reminders", "plan", "STK-2023-137", "--json")[1])
    planned = [r for r in plan["recipients"][0]["reminders"] if r["state"] == "planned"]
    assert {r["kind"] for r in planned} == {"before_deadline", "overdue", "escalation"}
    assert {r["due_at"][11:16] for r in planned} == {"10:30"}
    assert [r["working_days_left"] for r in planned if r["kind"] == "before_deadline"] == [7]
    replanned = [r for r in plan["recipients"][0]["reminders"] if r["state"] == "cancelled"]
    assert replanned and {r["reason"] for r in replanned} == {"replanned"}

    # A second --set keeps the first one's settings.
    code, out, _ = run(capsys, "reminders", "policy", "STK-2023-137", "--set", "overdue_after=2")
    assert "(egna: send_at, before_deadline, on_deadline_morning, nudge_unopened_after, overdue_after;" in out

    code, out, _ = run(capsys, "reminders", "policy", "STK-2023-137", "--reset")
    assert code == 0
    assert out.startswith("STK-2023-137 följer nu de globala påminnelseinställningarna.")
    assert "(alla globala)" in out


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("send_at=18:00", "Påminnelsetiden 18:00 ligger utanför kontorstiden 08:00–17:00"),
        ("office_hours=10:00-16:00", "Påminnelsetiden 09:00 ligger utanför kontorstiden 10:00–16:00"),
        ("office_hours=17:00-08:00", "Kontorstiden ska börja före den slutar, inte 17:00–08:00."),
        ("office_hours=08:00", "office_hours ska vara två klockslag med bindestreck, t.ex. 08:00-17:00"),
        ("send_at=nio", "send_at ska vara ett klockslag som 09:30, inte «nio»."),
        ("on_deadline_morning=kanske", "on_deadline_morning ska vara ja eller nej, inte «kanske»."),
        ("reminder_days=3", "«reminder_days» är ingen påminnelseinställning. Nycklar: send_at, before_deadline"),
        ("send_at", "«send_at» ska skrivas nyckel=värde"),
        ("overdue_after=99", "overdue_after"),
        ("before_deadline=10,fem", "before_deadline"),
    ],
)
def test_a_bad_reminder_setting_is_refused_in_one_swedish_line_and_nothing_changes(
    capsys: pytest.CaptureFixture[str], change: str, message: str
) -> None:
    now = datetime.now(STOCKHOLM).replace(microsecond=0)
    _, core = sent_remiss(now, now.date() + timedelta(days=90))
    core.close()
    code, out, err = run(capsys, "reminders", "policy", "STK-2023-137", "--set", change)
    assert code == 2
    assert out == ""
    assert err.startswith("remissbot: ") and message in err
    assert len(err.strip().splitlines()) == 1
    assert "(alla globala)" in run(capsys, "reminders", "policy", "STK-2023-137")[1]


def test_status_and_reminders_plan_print_no_control_character_from_a_title(capsys: pytest.CaptureFixture[str]) -> None:
    _, core = sent_remiss(
        datetime(2023, 10, 2, 10, 0, tzinfo=STOCKHOLM),
        date(2023, 11, 30),
        ["tekniska-namnden", "miljonamnden"],
        title="Områdeslyft\x1b]0;kapad\x07\x1b[2J\r\x9bslut\x00\x7f\x85",
        question="Hur ser nämnden på förslaget?\x1b[31m",
    )
    core.close()

    for args in (("status",), ("status", "STK-2023-137"), ("reminders", "plan", "STK-2023-137")):
        code, out, err = run(capsys, *args)
        assert code == 0, err
        assert "Områdeslyft" in out
        assert [c for c in out + err if (ord(c) < 32 and c not in "\t\n") or 0x7F <= ord(c) <= 0x9F] == [], args


def test_status_says_how_many_of_those_who_answered_did_so_preliminarily(capsys: pytest.CaptureFixture[str]) -> None:
    keys = ["tekniska-namnden", "miljonamnden", "stadsbyggnadsnamnden"]
    _, core = sent_remiss(datetime(2023, 10, 2, 10, 0, tzinfo=STOCKHOLM), date(2023, 11, 30), keys)
    try:
        service = core.service
        answers = (Answer(1, "Vi tillstyrker."),)
        preliminary = ResponseContent(ResponseKind.PRELIMINARY, answers, planned_board_date=date(2023, 12, 7))
        yttrande = ResponseContent(ResponseKind.YTTRANDE, answers, meeting_date=date(2023, 11, 16), paragraph="§ 9")
        service.answering.submit(service.actor("U0ANNA"), "STK-2023-137", "tekniska-namnden", preliminary)
        service.answering.submit(service.actor("U0BERTIL"), "STK-2023-137", "miljonamnden", yttrande)
    finally:
        core.close()

    code, out, err = run(capsys, "status")
    assert code == 0, err
    # The command runs on today's clock: long after the deadline, the third is late.
    assert "2 av 3 har svarat, varav 1 preliminärt, 1 försenade; sista svarsdatum" in out
    code, out, err = run(capsys, "reminders", "plan", "STK-2023-137")
    assert code == 0, err
    assert "nämndens slutliga svar efter preliminärt svar" in out
    assert "eskalering: nämndens slutliga svar saknas" in out


# -- the registries ----------------------------------------------------------------------------------
REGISTRY_DIRECTORY = """organisations:
  - key: stadskontoret
    name: Stadskontoret
    kind: förvaltning
    registry: C0REGSTK
  - key: tekniska-namnden
    name: Tekniska nämnden
    kind: nämnd
    contacts: [U0ANNA]
    registry: [U0REGTN]
"""


def test_the_registries_are_loaded_and_status_says_what_they_registered(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = load_directory(capsys, tmp_path, REGISTRY_DIRECTORY)
    assert code == 0, err
    core = build_core(load_settings(), clock=FakeClock(datetime(2023, 10, 2, 10, 0, tzinfo=STOCKHOLM)))
    try:
        service = core.service
        assert service.directory.directory().require("tekniska-namnden").registry == ("U0REGTN",)
        question = [("Hur ser nämnden på förslaget?", QuestionKind.FREE_TEXT)]
        data = RemissInput("STK-2023-137", "Områdeslyft", question, date(2023, 11, 30), ["tekniska-namnden"])
        service.drafting.create_draft(MIA, data)
        service.drafting.send(MIA, "STK-2023-137")
        item = RegistryItem(RegistrySubject.REMISS, "STK-2023-137", "tekniska-namnden")
        service.registry.register("U0REGTN", item, "TN-2023-512")
    finally:
        core.close()

    code, out, err = run(capsys, "status", "STK-2023-137")

    assert code == 0, err
    assert "remissen registrerad hos dem: TN-2023-512 (U0REGTN, måndag 2 oktober 2023 kl. 10.00)" in out
