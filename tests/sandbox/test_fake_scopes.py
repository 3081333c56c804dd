"""The loopback Slack grants the manifest's scopes and, like Slack, refuses a call they do not cover."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from slack_sdk import WebClient

from devtools.sandbox import FakeSlack
from devtools.sandbox.scopes import METHOD_SCOPES
from tests.sandbox.support import JSON, slack_error
from tests.sandbox.test_fake_web_api import modal

MANIFEST = Path(__file__).resolve().parents[2] / "manifest.json"
# What the app asked for before issue 10: everything but im:write.
OLD_MANIFEST_SCOPES = (
    "commands",
    "chat:write",
    "im:history",
    "channels:history",
    "groups:history",
    "users:read",
    "users:read.email",
    "usergroups:read",
    "files:read",
    "files:write",
)


def manifest_scopes() -> set[str]:
    return set(json.loads(MANIFEST.read_text(encoding="utf-8"))["oauth_config"]["scopes"]["bot"])


@contextmanager
def granted(*scopes: str) -> Iterator[tuple[FakeSlack, WebClient]]:
    """A started fake whose token was granted exactly `scopes`, and a client for it."""
    with FakeSlack(scopes=scopes) as fake:
        fake.add_user("U0ANNA", "anna", "Anna Andersson", "anna.andersson@malmo.se")
        fake.add_channel("C0REMISS", "remisser")
        fake.add_channel("C0PRIVAT", "samordnare", is_private=True)
        yield fake, WebClient(token=fake.identity.bot_token, base_url=fake.url)


@pytest.fixture
def bare() -> Iterator[tuple[FakeSlack, WebClient]]:
    """A fake whose token was granted no scope at all."""
    with granted() as started:
        yield started


def test_by_default_the_fake_grants_exactly_the_scopes_in_manifest_json(fake: FakeSlack) -> None:
    assert fake.granted_scopes == manifest_scopes()


def test_every_method_the_fake_serves_has_its_scopes_from_slacks_method_reference(fake: FakeSlack) -> None:
    assert set(METHOD_SCOPES) == set(fake.methods)


def test_conversations_open_without_im_write_is_refused_as_missing_scope_as_with_the_old_manifest() -> None:
    with granted(*OLD_MANIFEST_SCOPES) as (fake, client):
        refused = slack_error(lambda: client.conversations_open(users="U0ANNA"))

        assert refused["error"] == "missing_scope"
        assert refused["needed"] == "im:write"
        assert refused["provided"] == ",".join(OLD_MANIFEST_SCOPES)
        # Slack refuses before doing anything: no DM was opened.
        assert fake.dm_channel_of("U0ANNA") is None
        assert fake.scope_refusals == [("conversations.open", "im:write")]


def test_with_the_manifests_scopes_the_courier_can_open_a_dm(client: WebClient) -> None:
    assert client.conversations_open(users="U0ANNA")["channel"]["id"].startswith("D")


@pytest.mark.parametrize(
    ("method", "params", "needed"),
    [
        ("chat.postMessage", {"channel": "C0REMISS", "text": "Hej"}, "chat:write"),
        ("chat.postEphemeral", {"channel": "C0REMISS", "user": "U0ANNA", "text": "Hej"}, "chat:write"),
        ("chat.update", {"channel": "C0REMISS", "ts": "1.0", "text": "Hej"}, "chat:write"),
        ("users.info", {"user": "U0ANNA"}, "users:read"),
        ("users.lookupByEmail", {"email": "anna.andersson@malmo.se"}, "users:read.email"),
        ("usergroups.users.list", {"usergroup": "S0SAMORD"}, "usergroups:read"),
        ("files.getUploadURLExternal", {"filename": "a.txt", "length": 1}, "files:write"),
        ("files.completeUploadExternal", {"files": [{"id": "F1"}]}, "files:write"),
        ("files.info", {"file": "F1"}, "files:read"),
        ("conversations.history", {"channel": "C0REMISS"}, "channels:history"),
        ("conversations.history", {"channel": "C0PRIVAT"}, "groups:history"),
        ("conversations.replies", {"channel": "C0REMISS", "ts": "1.0"}, "channels:history"),
        ("conversations.open", {"users": "U0ANNA,U0BERTIL"}, "mpim:write"),
    ],
)
def test_a_method_whose_scope_was_not_granted_answers_missing_scope_with_what_it_needs(
    bare: tuple[FakeSlack, WebClient], method: str, params: JSON, needed: str
) -> None:
    _, client = bare
    refused = slack_error(lambda: client.api_call(method, json=params))

    assert (refused["error"], refused["needed"], refused["provided"]) == ("missing_scope", needed, "")


def test_history_of_an_unknown_channel_without_any_history_scope_names_every_history_scope(
    bare: tuple[FakeSlack, WebClient],
) -> None:
    _, client = bare
    refused = slack_error(lambda: client.conversations_history(channel="C0NOWHERE"))

    assert refused["needed"] == "channels:history,groups:history,im:history,mpim:history"


def test_reading_a_dm_needs_im_history_and_a_public_channel_scope_does_not_cover_it() -> None:
    with granted("channels:history") as (fake, client):
        dm = fake.open_dm("U0ANNA")
        refused = slack_error(lambda: client.conversations_history(channel=dm))
        assert refused["needed"] == "im:history"
        assert client.conversations_history(channel="C0REMISS")["ok"] is True


def test_views_auth_test_and_permalinks_need_no_scope(bare: tuple[FakeSlack, WebClient]) -> None:
    fake, client = bare
    assert client.auth_test()["ok"] is True
    assert client.views_publish(user_id="U0ANNA", view={**modal(), "type": "home"})["ok"] is True
    assert client.views_open(trigger_id=fake.new_trigger_id("U0ANNA"), view=modal())["ok"] is True
    assert slack_error(lambda: client.chat_getPermalink(channel="C0REMISS", message_ts="1.0"))["error"] == (
        "message_not_found"
    )


def download(fake: FakeSlack, url: str) -> tuple[str, bytes]:
    """GET a file's url_private with the bot token, as the bot does: (content type, body)."""
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {fake.identity.bot_token}"})
    with urllib.request.urlopen(request) as response:
        return str(response.headers["Content-Type"]), response.read()


def test_downloading_a_file_from_url_private_needs_files_read() -> None:
    with granted("files:write") as (fake, _):
        content_type, _ = download(fake, fake.add_file("yttrande.txt", b"Vi tillstyrker.").url_private)
        # Without files:read the token gets no file, only Slack's sign-in page (the bot refuses that as a file).
        assert content_type.startswith("text/html")
    with granted("files:read") as (fake, _):
        assert download(fake, fake.add_file("yttrande.txt", b"Vi tillstyrker.").url_private)[1] == b"Vi tillstyrker."
