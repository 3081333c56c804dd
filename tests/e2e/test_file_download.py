"""The bot token goes only to Slack's file host (here the loopback Slack): never to a file URL on another host,
and never along a redirect to one. Real HTTP servers on this machine stand in for the foreign hosts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import pytest
from slack_sdk import WebClient

from bot.bootstrap import build_slack_app
from devtools.sandbox.driver import DispatchTransport, SlackDriver
from devtools.sandbox.fake_slack import FakeSlack
from devtools.sandbox.harness import Sandbox
from devtools.sandbox.workspace import File
from handlers.create.views import IMPORT_DOCUMENT
from handlers.slack_urls import FileRefused, RedirectNotFollowed, download_slack_file
from tests.e2e.conftest import COORDINATOR
from tests.e2e.servers import LocalServer

TOKEN = "xoxb-1-test-token"


@pytest.fixture
def foreign() -> Iterator[LocalServer]:
    with LocalServer(body=b"not yours") as server:
        yield server


def test_a_file_on_the_configured_slack_is_downloaded_with_the_token() -> None:
    with FakeSlack() as fake:
        file = fake.add_file("remiss.txt", b"Remiss om parkering")
        content = download_slack_file(file.url_private, fake.identity.bot_token, max_bytes=1000, api_base_url=fake.url)
    assert content == b"Remiss om parkering"


def test_a_file_url_on_another_host_is_refused_and_that_host_hears_nothing(foreign: LocalServer) -> None:
    with FakeSlack() as fake, pytest.raises(FileRefused):
        download_slack_file(foreign.url + "files-pri/T0-F1/a.txt", TOKEN, max_bytes=1000, api_base_url=fake.url)
    assert foreign.seen == []


def test_a_redirect_from_the_file_host_to_another_host_is_a_failed_download_and_the_token_never_goes_there(
    foreign: LocalServer,
) -> None:
    with LocalServer(status=302, headers={"Location": foreign.url + "stolen"}) as file_host:
        # A download that failed (Slack sends a token without files:read to its sign-in page), not a file
        # outside Slack: the caller says "could not fetch it", and the other host hears nothing.
        with pytest.raises(RedirectNotFollowed) as raised:
            download_slack_file(
                file_host.url + "files-pri/T0-F1/a.txt", TOKEN, max_bytes=1000, api_base_url=file_host.url + "api/"
            )
        assert isinstance(raised.value, OSError)  # what the form tells as a failed download
        assert [seen.headers.get("authorization") for seen in file_host.seen] == [f"Bearer {TOKEN}"]
    assert foreign.seen == []


def test_a_redirect_to_slacks_sign_in_page_is_a_failed_download_not_a_file_outside_slack() -> None:
    sign_in = "https://acme.slack.com/?redir=%2Ffiles-pri%2FT0-F1%2Fa.txt"
    with (
        LocalServer(status=302, headers={"Location": sign_in}) as file_host,
        pytest.raises(RedirectNotFollowed) as raised,
    ):
        download_slack_file(
            file_host.url + "files-pri/T0-F1/a.txt", TOKEN, max_bytes=1000, api_base_url=file_host.url + "api/"
        )
    assert isinstance(raised.value, OSError)  # what the form tells as a failed download


def test_a_document_whose_file_url_is_not_slacks_gets_a_swedish_answer_and_the_token_stays_home(
    sandbox: Sandbox, foreign: LocalServer
) -> None:
    file = sandbox.fake.add_file("remiss.txt", b"Remiss")
    file.url_private = foreign.url + "files-pri/remiss.txt"
    text = import_in_the_form(sandbox.fake, sandbox.driver, file)
    assert (
        "Kunde inte hämta «remiss.txt» från Slack. Ladda upp dokumentet direkt här i Slack och försök igen, "
        "eller fyll i formuläret själv."
    ) in text
    assert foreign.seen == []


def import_in_the_form(fake: FakeSlack, driver: SlackDriver, file: File) -> str:
    """Open the form, pick `file` in the import modal; what the form then says about it."""
    driver.slash_command(COORDINATOR, "/remiss", "ny")
    root = fake.wait_for(lambda: fake.views_of(COORDINATOR))[-1]
    driver.block_action(COORDINATOR, IMPORT_DOCUMENT)
    fake.wait_for(lambda: len(fake.views_of(COORDINATOR)) == 2 or None)
    driver.view_submission(COORDINATOR, {"document": {"value": {"type": "file_input", "files": [file.to_slack()]}}})

    def explained() -> str | None:
        views = fake.views_of(COORDINATOR)
        text = json.dumps(views[-1].payload["blocks"], ensure_ascii=False) if views else ""
        return text if views and views[-1].id == root.id and "remiss.txt" in text else None

    return fake.wait_for(explained)


@contextmanager
def bot_configured_with(sandbox: Sandbox, slack_api_url: str | None) -> Iterator[SlackDriver]:
    """The bot as `serve` builds it with this SLACK_API_URL (None: production), its Web API calls still going
    to the loopback Slack, as in production they go to https://slack.com/api/."""
    core = replace(sandbox.core, settings=replace(sandbox.core.settings, slack_api_url=slack_api_url), executors=[])
    token = sandbox.fake.identity.bot_token
    client = WebClient(token=token, base_url=sandbox.fake.url)
    app = build_slack_app(core, token=token, signing_secret=sandbox.signing_secret, client=client)
    try:
        yield SlackDriver(sandbox.fake, DispatchTransport(app), sandbox.signing_secret)
    finally:
        for executor in core.executors:
            executor.shutdown(wait=True)


def test_without_slack_api_url_the_web_api_host_does_not_get_the_token_for_a_file(sandbox: Sandbox) -> None:
    # The file lies on the host of the client's base URL: in production https://slack.com, which is no file host.
    file = sandbox.fake.add_file("remiss.txt", b"Remiss")
    with bot_configured_with(sandbox, None) as driver:
        text = import_in_the_form(sandbox.fake, driver, file)
    assert "Kunde inte hämta «remiss.txt» från Slack" in text
    assert "Ifyllt" not in text


def test_a_redirect_off_the_file_host_is_told_as_a_failed_download_and_the_other_host_hears_nothing(
    sandbox: Sandbox, foreign: LocalServer
) -> None:
    with LocalServer(status=302, headers={"Location": foreign.url + "signin"}) as file_host:
        file = sandbox.fake.add_file("remiss.txt", b"Remiss")
        file.url_private = file_host.url + "files-pri/T0-F1/remiss.txt"
        with bot_configured_with(sandbox, file_host.url + "api/") as driver:
            text = import_in_the_form(sandbox.fake, driver, file)
        assert [seen.headers.get("authorization") for seen in file_host.seen] == [
            f"Bearer {sandbox.fake.identity.bot_token}"
        ]
    assert "Kunde inte hämta «remiss.txt» från Slack. Försök igen om en stund, eller fyll i formuläret själv." in text
    assert foreign.seen == []
