"""Where replies and the bot token may go: Slack's hosts over https, or the configured loopback Slack."""

from __future__ import annotations

import pytest

from handlers.slack_urls import is_file_url, is_response_url

LOOPBACK = "http://127.0.0.1:8123/api/"


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.slack.com/commands/T0/1/abc",
        "https://hooks.slack.com:443/actions/T0/1/abc",
        "https://slack.com/x",
        "http://127.0.0.1:8123/response/R1",
    ],
)
def test_slacks_response_urls_are_allowed(url: str) -> None:
    assert is_response_url(url, LOOPBACK)


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.slack.com/commands/T0/1/abc",
        "https://hooks.slack.com:8443/x",
        "https://hooks.slack.com.evil.example/x",
        "https://evilslack.com/x",
        "https://hooks.slack.com@evil.example/x",
        "https://evil.example/hooks.slack.com",
        "http://127.0.0.1:8124/response/R1",
        "https://127.0.0.1:8123/response/R1",
        "file:///etc/passwd",
        "https://[::1/x",
        "",
        None,
        42,
    ],
)
def test_other_response_urls_are_refused(url: object) -> None:
    assert not is_response_url(url, LOOPBACK)


def test_the_token_goes_only_to_slacks_file_host_or_the_loopback_slack() -> None:
    assert is_file_url("https://files.slack.com/files-pri/T0-F1/a.docx", None)
    assert is_file_url("http://127.0.0.1:8123/files-pri/T0-F1/a.docx", LOOPBACK)
    for url in (
        "http://files.slack.com/files-pri/T0-F1/a.docx",
        "https://hooks.slack.com/files-pri/T0-F1/a.docx",
        "https://files.slack.com.evil.example/a.docx",
        "https://files.slack.com@evil.example/a.docx",
        "http://127.0.0.1:8123/files-pri/T0-F1/a.docx",
    ):
        assert not is_file_url(url, None if "127.0.0.1" in url else LOOPBACK), url


def test_without_a_configured_slack_api_url_only_slacks_file_host_gets_the_token() -> None:
    assert not is_file_url("https://slack.com/x", None)
    assert not is_file_url("https://slack.com/api/files-pri/T0-F1/a.docx", None)
    assert is_file_url("https://files.slack.com/files-pri/T0-F1/a.docx", None)
    assert is_file_url("http://127.0.0.1:8123/files-pri/T0-F1/a.docx", LOOPBACK)
