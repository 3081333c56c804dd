"""`remissbot reminders plan` says why an organisation's first reminder comes earlier
(REMISSBOT_EARLY_REMINDER_FOR_LATE_ORGS), and a setting it can't read stops the command with what to write."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from bot.adapters.directory_file import parse_directory
from bot.bootstrap import build_core
from bot.core.clock import STOCKHOLM
from bot.core.domain.remiss import QuestionKind
from bot.core.usecases.results import RemissInput
from bot.settings import load_settings
from devtools.clocks import FakeClock
from tests.test_cli import MIA, REMINDER_DIRECTORY, environment, lines_of, run  # noqa: F401  (autouse fixture)

QUESTION = [("Hur ser nämnden på förslaget?", QuestionKind.FREE_TEXT)]


def test_the_plan_shows_the_earlier_first_reminder_of_an_organisation_late_in_its_last_two(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REMISSBOT_EARLY_REMINDER_FOR_LATE_ORGS", "ja")
    clock = FakeClock(datetime(2023, 3, 6, 10, 0, tzinfo=STOCKHOLM))
    core = build_core(load_settings(), clock=clock)
    try:
        service = core.service
        service.directory.replace_directory(parse_directory(REMINDER_DIRECTORY))
        # Two earlier remisses: Tekniska nämnden answered neither; Miljönämnden answered the second on time.
        for case, sent, deadline in (
            ("STK-2023-010", datetime(2023, 3, 6, 10, 0, tzinfo=STOCKHOLM), date(2023, 3, 31)),
            ("STK-2023-020", datetime(2023, 5, 8, 10, 0, tzinfo=STOCKHOLM), date(2023, 6, 2)),
        ):
            clock.set(sent)
            keys = ["tekniska-namnden", "miljonamnden"]
            service.drafting.create_draft(MIA, RemissInput(case, "Tidigare remiss", QUESTION, deadline, keys))
            service.drafting.send(MIA, case)
        service.answering.decline(service.actor("U0BERTIL"), "STK-2023-020", "miljonamnden", "Berör inte oss.")
        clock.set(datetime(2023, 10, 2, 10, 0, tzinfo=STOCKHOLM))
        keys = ["tekniska-namnden", "miljonamnden"]
        data = RemissInput("STK-2023-137", "Områdeslyft", QUESTION, date(2023, 11, 30), keys)
        service.drafting.create_draft(MIA, data)
        service.drafting.send(MIA, "STK-2023-137")
    finally:
        core.close()

    code, out, err = run(capsys, "reminders", "plan", "STK-2023-137")
    assert (code, err) == (0, "")
    assert lines_of(out, "Tekniska nämnden")[:2] == [
        "2023-10-05 09:00 knuff: ej öppnad planerad",
        "2023-11-13 09:00 påminnelse 13 arbetsdagar före planerad",
    ]
    earlier = out.split("påminnelse 13 arbetsdagar före", 1)[1].splitlines()[1]
    assert earlier == " " * 24 + "tidigare påminnelse: sent svar i de två senaste remisserna"
    assert lines_of(out, "Miljönämnden")[1] == "2023-11-16 09:00 påminnelse 10 arbetsdagar före planerad"
    assert out.count("tidigare påminnelse") == 1

    code, out, _ = run(capsys, "reminders", "plan", "STK-2023-137", "--json")
    plan = {r["organisation"]: r["reminders"] for r in json.loads(out)["recipients"]}
    assert [(r["local_date"], r["because"]) for r in plan["tekniska-namnden"]][:2] == [
        ("2023-10-05", None),
        ("2023-11-13", "late_history"),
    ]


def test_a_switch_that_is_neither_yes_nor_no_or_a_bad_number_of_days_stops_with_what_to_write(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REMISSBOT_EARLY_REMINDER_FOR_LATE_ORGS", "kanske")
    code, _, err = run(capsys, "orgs", "list")
    assert code == 2
    assert "REMISSBOT_EARLY_REMINDER_FOR_LATE_ORGS ska vara ja eller nej, inte 'kanske'." in err
    monkeypatch.setenv("REMISSBOT_EARLY_REMINDER_FOR_LATE_ORGS", "ja")
    monkeypatch.setenv("REMISSBOT_EARLY_REMINDER_DAYS", "0")
    code, _, err = run(capsys, "orgs", "list")
    assert code == 2
    assert "REMISSBOT_EARLY_REMINDER_DAYS ska vara ett antal arbetsdagar från 1 till 20, inte '0'." in err
    assert load_settings({"REMISSBOT_EARLY_REMINDER_FOR_LATE_ORGS": "ja"}).reminder_policy.earlier_for_late == 3
    assert load_settings({}).reminder_policy.earlier_for_late is None
