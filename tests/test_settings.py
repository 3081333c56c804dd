"""Settings: defaults that work with nothing set, and messages that name the variable to fix."""

from __future__ import annotations

from dataclasses import replace
from datetime import time, timedelta

import pytest

from bot.bootstrap import build_core
from bot.core.domain.reminders import ReminderPolicy
from bot.settings import SettingsError, load_settings

SECRET = "0123456789abcdef0123456789abcdef"


def test_with_nothing_set_the_database_is_a_sqlite_file_in_the_users_data_directory() -> None:
    settings = load_settings({"HOME": "/home/anna"})
    assert settings.database_url == "sqlite:////home/anna/.local/share/remissbot/remissbot.db"
    assert str(settings.timezone) == "Europe/Stockholm"
    assert load_settings({"REMISSBOT_DATA_DIR": "/srv/rb"}).database_url == "sqlite:////srv/rb/remissbot.db"


def test_socket_mode_without_tokens_names_both_variables_and_the_manifest() -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings({}).require_socket_mode()
    message = str(refused.value)
    assert "SLACK_BOT_TOKEN saknas" in message
    assert "SLACK_APP_TOKEN saknas" in message
    assert "manifest.json" in message


def test_tokens_of_the_wrong_kind_are_named() -> None:
    env = {"SLACK_BOT_TOKEN": "xapp-1-abc", "SLACK_APP_TOKEN": "xoxb-123"}
    with pytest.raises(SettingsError) as refused:
        load_settings(env).require_socket_mode()
    assert "SLACK_BOT_TOKEN har fel format (ska börja med xoxb-)" in str(refused.value)
    assert "SLACK_APP_TOKEN har fel format (ska börja med xapp-)" in str(refused.value)


def test_http_mode_needs_the_signing_secret() -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings({"SLACK_BOT_TOKEN": "xoxb-1-2"}).require_http_mode()
    assert "SLACK_SIGNING_SECRET saknas" in str(refused.value)
    env = {"SLACK_BOT_TOKEN": "xoxb-1-2", "SLACK_SIGNING_SECRET": SECRET}
    assert load_settings(env).require_http_mode() == ("xoxb-1-2", SECRET)


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"REMISSBOT_TIMEZONE": "Mars/Olympus"}, "REMISSBOT_TIMEZONE"),
        ({"REMISSBOT_COORDINATORS": "U123ABC, anna"}, "REMISSBOT_COORDINATORS"),
        ({"PORT": "http"}, "PORT"),
        ({"REMISSBOT_REMINDER_TIME": "nio"}, "REMISSBOT_REMINDER_TIME"),
        ({"REMISSBOT_REMINDER_TIME": "25:00"}, "REMISSBOT_REMINDER_TIME"),
        ({"REMISSBOT_OFFICE_HOURS": "08:00"}, "REMISSBOT_OFFICE_HOURS"),
        ({"REMISSBOT_OFFICE_HOURS": "17:00-08:00"}, "REMISSBOT_OFFICE_HOURS"),
        ({"REMISSBOT_REMINDER_DAYS": "10,fem,2"}, "REMISSBOT_REMINDER_DAYS"),
        ({"REMISSBOT_REMINDER_DAYS": "10,0"}, "REMISSBOT_REMINDER_DAYS"),
        ({"REMISSBOT_NUDGE_AFTER": "-1"}, "REMISSBOT_NUDGE_AFTER"),
        ({"REMISSBOT_SHORT_WINDOW_DAYS": "två veckor"}, "REMISSBOT_SHORT_WINDOW_DAYS"),
        ({"REMISSBOT_DIGEST_TIME": "8"}, "REMISSBOT_DIGEST_TIME"),
        ({"REMISSBOT_DIGEST_DEADLINE_DAYS": "två"}, "REMISSBOT_DIGEST_DEADLINE_DAYS"),
        ({"REMISSBOT_AUTO_CLOSE_WORKING_DAYS": "två veckor"}, "REMISSBOT_AUTO_CLOSE_WORKING_DAYS"),
        ({"REMISSBOT_OFFICES": "stadskontoret,Stadsbyggnadskontoret"}, "REMISSBOT_OFFICES ska vara nycklar"),
        ({"REMISSBOT_OFFICES": "stadsbyggnadskontoret"}, "REMISSBOT_SENDER (stadskontoret) finns inte bland"),
        ({"REMISSBOT_SENDER": "Stadskontoret"}, "REMISSBOT_SENDER ska vara nyckeln"),
    ],
)
def test_malformed_settings_name_their_variable(env: dict[str, str], says: str) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings(env)
    assert says in str(refused.value)


@pytest.mark.parametrize(
    ("variable", "text", "value"),
    [
        ("REMISSBOT_AUTO_CLOSE_WORKING_DAYS", None, 10),
        ("REMISSBOT_AUTO_CLOSE_WORKING_DAYS", "15", 15),
        ("REMISSBOT_AUTO_CLOSE_WORKING_DAYS", "av", 0),
        ("REMISSBOT_AUTO_CLOSE_WORKING_DAYS", "0", 0),
        ("REMISSBOT_DIGEST_DEADLINE_DAYS", None, 2),
        ("REMISSBOT_DIGEST_DEADLINE_DAYS", "5", 5),
        ("REMISSBOT_DIGEST_DEADLINE_DAYS", "0", 0),
        ("REMISSBOT_STATUS_EDIT_SECONDS", None, 10),
        ("REMISSBOT_STATUS_EDIT_SECONDS", "30", 30),
        ("REMISSBOT_STATUS_EDIT_SECONDS", "0", 0),
        ("REMISSBOT_STATUS_EDIT_SECONDS", "av", 0),
        ("REMISSBOT_STATUS_EDIT_SECONDS", " 5 ", 5),
    ],
)
def test_a_number_of_days_or_seconds_is_read_with_its_default_and_av_where_it_may_be_off(
    variable: str, text: str | None, value: int
) -> None:
    settings = load_settings({variable: text} if text is not None else {})
    read = {
        "REMISSBOT_AUTO_CLOSE_WORKING_DAYS": settings.auto_close_working_days,
        "REMISSBOT_DIGEST_DEADLINE_DAYS": settings.digest_deadline_days,
        "REMISSBOT_STATUS_EDIT_SECONDS": settings.status_edit_seconds,
    }
    assert read[variable] == value


@pytest.mark.parametrize("text", ["tio", "-1", "301", "2.5"])
def test_a_malformed_status_edit_interval_is_refused_in_swedish_naming_its_variable(text: str) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings({"REMISSBOT_STATUS_EDIT_SECONDS": text})
    assert str(refused.value) == (
        f"REMISSBOT_STATUS_EDIT_SECONDS ska vara ett antal sekunder från 0 till 300 (0 eller av: efter varje "
        f"ändring), inte {text!r}."
    )


def test_coordinators_are_read_as_a_comma_separated_list() -> None:
    assert load_settings({"REMISSBOT_COORDINATORS": "U01AAA, U02BBB"}).coordinators == ("U01AAA", "U02BBB")


# -- reminders (issue 4) ---------------------------------------------------------------------------------
def test_with_nothing_set_reminders_follow_the_citys_default_policy() -> None:
    settings = load_settings({})
    assert settings.reminder_policy == ReminderPolicy()
    assert settings.reminder_policy.send_at == time(9, 0)
    assert settings.reminder_policy.office_hours == (time(8, 0), time(17, 0))
    assert settings.reminder_policy.before_deadline == (10, 5, 2)
    assert settings.reminder_policy.nudge_unopened_after == 3
    assert settings.short_window_days == 15
    assert settings.digest_at == time(8, 30)


def test_the_global_reminder_settings_are_read_from_the_environment() -> None:
    settings = load_settings(
        {
            "REMISSBOT_REMINDER_TIME": "9.30",
            "REMISSBOT_OFFICE_HOURS": "07:30–16:00",
            "REMISSBOT_REMINDER_DAYS": "2, 10,5",
            "REMISSBOT_NUDGE_AFTER": "av",
            "REMISSBOT_SHORT_WINDOW_DAYS": "20",
            "REMISSBOT_DIGEST_TIME": "07:45",
        }
    )
    assert settings.reminder_policy == ReminderPolicy(
        nudge_unopened_after=None,
        before_deadline=(10, 5, 2),
        send_at=time(9, 30),
        office_hours=(time(7, 30), time(16, 0)),
    )
    assert settings.short_window_days == 20
    assert settings.digest_at == time(7, 45)
    assert load_settings({"REMISSBOT_REMINDER_DAYS": "av"}).reminder_policy.before_deadline == ()


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"REMISSBOT_REMINDER_TIME": "18:00"}, "REMISSBOT_REMINDER_TIME (18:00)"),
        ({"REMISSBOT_REMINDER_TIME": "07:59"}, "REMISSBOT_REMINDER_TIME (07:59)"),
        ({"REMISSBOT_OFFICE_HOURS": "10:00-16:00"}, "REMISSBOT_REMINDER_TIME (09:00)"),
        ({"REMISSBOT_DIGEST_TIME": "17:00"}, "REMISSBOT_DIGEST_TIME (17:00)"),
    ],
)
def test_a_time_outside_office_hours_is_refused_at_start_naming_both_settings(
    env: dict[str, str], variable: str
) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings(env)
    message = str(refused.value)
    assert message.startswith(f"{variable} ligger utanför kontorstiden ")
    assert "REMISSBOT_OFFICE_HOURS" in message
    assert "Välj en tid inom kontorstiden." in message


def test_the_service_gets_the_global_reminder_settings(sqlite_url: str) -> None:
    env = {"REMISSBOT_REMINDER_TIME": "10:15", "REMISSBOT_SHORT_WINDOW_DAYS": "20", "REMISSBOT_DIGEST_TIME": "08:00"}
    settings = replace(load_settings(env), database_url=sqlite_url)
    core = build_core(settings)
    try:
        assert core.service.config.reminder_policy.send_at == time(10, 15)
        assert core.service.config.short_window_days == 20
        assert core.service.config.digest_at == time(8, 0)
        assert core.service.config.status_edit_interval == timedelta(seconds=10)
    finally:
        core.close()


# -- several sending offices (issue 13) ------------------------------------------------------------------
OFFICES = {"REMISSBOT_OFFICES": "stadskontoret,stadsbyggnadskontoret"}


def test_with_nothing_set_the_one_sending_office_is_stadskontoret_and_every_coordinator_is_global() -> None:
    settings = load_settings({"REMISSBOT_COORDINATORS": "U01AAA"})
    assert settings.offices == ("stadskontoret",)
    assert settings.sender_key == "stadskontoret"
    assert settings.coordinators == ("U01AAA",)
    assert settings.scoped_coordinators == {}


def test_a_coordinator_may_be_scoped_to_an_office_and_a_bare_id_stays_global() -> None:
    settings = load_settings(
        {
            **OFFICES,
            "REMISSBOT_COORDINATORS": "stadskontoret:U01STK, stadsbyggnadskontoret:U02SBK, U03ALL,"
            " stadskontoret:U04TWO, stadsbyggnadskontoret:U04TWO, stadskontoret:U03ALL",
        }
    )
    assert settings.coordinators == ("U03ALL",)
    assert settings.scoped_coordinators == {
        "U01STK": frozenset({"stadskontoret"}),
        "U02SBK": frozenset({"stadsbyggnadskontoret"}),
        "U04TWO": frozenset({"stadskontoret", "stadsbyggnadskontoret"}),
    }


def test_the_default_sender_comes_first_among_the_offices() -> None:
    settings = load_settings({**OFFICES, "REMISSBOT_SENDER": "stadsbyggnadskontoret"})
    assert settings.offices == ("stadsbyggnadskontoret", "stadskontoret")


def test_a_coordinator_scoped_to_an_unknown_office_is_refused_naming_the_entry_and_the_offices() -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings({**OFFICES, "REMISSBOT_COORDINATORS": "U01AAA,stadsbyggnadskontor:U02SBK"})
    message = str(refused.value)
    assert message.startswith("REMISSBOT_COORDINATORS nämner ett kontor som inte är ett avsändande kontor:")
    assert "stadsbyggnadskontor:U02SBK" in message
    assert "De avsändande kontoren är stadskontoret, stadsbyggnadskontoret (REMISSBOT_OFFICES)" in message


@pytest.mark.parametrize("entry", ["stadskontoret:anna", ":U01AAA", "stadskontoret:", "stadskontoret U01AAA"])
def test_a_malformed_coordinator_entry_is_refused_by_name(entry: str) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings({**OFFICES, "REMISSBOT_COORDINATORS": f"U01AAA,{entry}"})
    assert str(refused.value).startswith("REMISSBOT_COORDINATORS ska vara Slack-användar-id")
    assert str(refused.value).endswith(f"fel: {entry}.")
