"""Settings: defaults that work with nothing set, and messages that name the variable to fix."""

from __future__ import annotations

import pytest

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
    ("env", "variable"),
    [
        ({"REMISSBOT_TIMEZONE": "Mars/Olympus"}, "REMISSBOT_TIMEZONE"),
        ({"REMISSBOT_COORDINATORS": "U123ABC, anna"}, "REMISSBOT_COORDINATORS"),
        ({"PORT": "http"}, "PORT"),
    ],
)
def test_malformed_settings_name_their_variable(env: dict[str, str], variable: str) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings(env)
    assert variable in str(refused.value)


def test_coordinators_are_read_as_a_comma_separated_list() -> None:
    assert load_settings({"REMISSBOT_COORDINATORS": "U01AAA, U02BBB"}).coordinators == ("U01AAA", "U02BBB")
