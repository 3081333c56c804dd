"""The bot token goes only to Slack's file host (here the loopback Slack): never to a file URL on another host,
and never along a redirect to one. Real HTTP servers on this machine stand in for the foreign hosts."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from bot.sandbox.fake_slack import FakeSlack
from bot.sandbox.harness import Sandbox
from handlers.create import IMPORT_DOCUMENT
from handlers.slack_urls import FileRefused, download_slack_file
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


def test_a_redirect_from_the_file_host_to_another_host_is_refused_before_the_token_goes_there(
    foreign: LocalServer,
) -> None:
    with LocalServer(status=302, headers={"Location": foreign.url + "stolen"}) as file_host:
        with pytest.raises(FileRefused):
            download_slack_file(
                file_host.url + "files-pri/T0-F1/a.txt", TOKEN, max_bytes=1000, api_base_url=file_host.url + "api/"
            )
        assert [seen.headers.get("authorization") for seen in file_host.seen] == [f"Bearer {TOKEN}"]
    assert foreign.seen == []


def test_a_document_whose_file_url_is_not_slacks_gets_a_swedish_answer_and_the_token_stays_home(
    sandbox: Sandbox, foreign: LocalServer
) -> None:
    file = sandbox.fake.add_file("remiss.txt", b"Remiss")
    file.url_private = foreign.url + "files-pri/remiss.txt"
    sandbox.driver.slash_command(COORDINATOR, "/remiss", "ny")
    root = sandbox.fake.wait_for(lambda: sandbox.fake.views_of(COORDINATOR))[-1]
    sandbox.driver.block_action(COORDINATOR, IMPORT_DOCUMENT)
    sandbox.fake.wait_for(lambda: len(sandbox.fake.views_of(COORDINATOR)) == 2 or None)
    document = {"value": {"type": "file_input", "files": [file.to_slack()]}}
    sandbox.driver.view_submission(COORDINATOR, {"document": document})

    def explained() -> str | None:
        views = sandbox.fake.views_of(COORDINATOR)
        text = json.dumps(views[-1].payload["blocks"], ensure_ascii=False) if views else ""
        return text if views and views[-1].id == root.id and "remiss.txt" in text else None

    text = sandbox.fake.wait_for(explained)
    assert "filen ligger inte hos Slack" in text
    assert foreign.seen == []
