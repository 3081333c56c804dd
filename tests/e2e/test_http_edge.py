"""The HTTP edge of `remissbot serve`: nothing unverified, malformed or oversized gets past it, and the bot
replies only to Slack's own hosts. Real HTTP into the real app, against the loopback Slack."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import logging
import socket
import time
from collections.abc import Iterator, Mapping
from urllib.parse import urlencode, urlsplit

import pytest

from bot.adapters.http_edge import MAX_BODY_BYTES
from bot.bootstrap import SLACK_EVENTS_PATH
from devtools.sandbox.harness import Sandbox
from tests.e2e.servers import LocalServer

FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def foreign() -> Iterator[LocalServer]:
    """Another HTTP server on this machine: not Slack, so the bot must never send it anything."""
    with LocalServer() as server:
        yield server


def post(sandbox: Sandbox, body: bytes, headers: Mapping[str, str]) -> tuple[int, str]:
    address = urlsplit(sandbox.base_url)
    connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=10)
    try:
        connection.request("POST", SLACK_EVENTS_PATH, body, dict(headers))
        response = connection.getresponse()
        return response.status, response.read().decode(errors="replace")
    finally:
        connection.close()


def signed(sandbox: Sandbox, body: bytes, content_type: str = FORM) -> dict[str, str]:
    timestamp = str(int(time.time()))
    base = b"v0:" + timestamp.encode() + b":" + body
    signature = "v0=" + hmac.new(sandbox.signing_secret.encode(), base, hashlib.sha256).hexdigest()
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature}


def command_form(sandbox: Sandbox, response_url: str, text: str = "hjälp") -> bytes:
    fields = {
        "token": "fake-verification-token",
        "team_id": sandbox.fake.identity.team_id,
        "channel_id": sandbox.fake.open_dm("U0ANNA"),
        "user_id": "U0ANNA",
        "user_name": "anna",
        "command": "/remiss",
        "text": text,
        "api_app_id": sandbox.fake.identity.app_id,
        "response_url": response_url,
        "trigger_id": sandbox.fake.new_trigger_id("U0ANNA"),
    }
    return urlencode(fields).encode()


def api_calls(sandbox: Sandbox) -> list[str]:
    return [call.method for call in sandbox.fake.calls]


@pytest.mark.parametrize("timestamp", ["abc", "1e3", "", " 1700000000", "+1700000000", "0x65", None])
def test_an_unsigned_request_with_a_garbled_timestamp_gets_401_and_sends_nothing_anywhere(
    sandbox: Sandbox, foreign: LocalServer, timestamp: str | None
) -> None:
    before = api_calls(sandbox)
    headers = {"Content-Type": FORM, "X-Slack-Signature": "v0=" + "0" * 64}
    if timestamp is not None:
        headers["X-Slack-Request-Timestamp"] = timestamp
    status, _ = post(sandbox, command_form(sandbox, foreign.url), headers)
    assert status == 401
    assert foreign.seen == []
    assert sandbox.fake.responses == []
    assert api_calls(sandbox) == before


def test_a_wrongly_signed_or_stale_request_gets_401_and_sends_nothing_anywhere(
    sandbox: Sandbox, foreign: LocalServer
) -> None:
    body = command_form(sandbox, foreign.url)
    wrong = {**signed(sandbox, body), "X-Slack-Signature": "v0=" + "1" * 64}
    stale = signed(sandbox, body)
    stale["X-Slack-Request-Timestamp"] = str(int(time.time()) - 5 * 60 - 5)
    stale["X-Slack-Signature"] = (
        "v0="
        + hmac.new(
            sandbox.signing_secret.encode(),
            b"v0:" + stale["X-Slack-Request-Timestamp"].encode() + b":" + body,
            hashlib.sha256,
        ).hexdigest()
    )
    unsigned = {"Content-Type": FORM}
    statuses = [post(sandbox, body, headers)[0] for headers in (wrong, stale, unsigned)]
    assert statuses == [401, 401, 401]
    assert foreign.seen == []
    assert sandbox.fake.responses == []


def test_an_unsigned_malformed_body_gets_401_not_a_500(sandbox: Sandbox) -> None:
    status, body = post(sandbox, b"payload=%7Bnot json", {"Content-Type": FORM, "X-Slack-Request-Timestamp": "1"})
    assert status == 401
    assert "Traceback" not in body


def _payload(value: object) -> bytes:
    return urlencode({"payload": json.dumps(value)}).encode()


USER = {"id": "U0ANNA", "username": "anna", "team_id": "T0"}


def _nested(depth: int) -> str:
    """JSON text of `depth` objects one inside the other (too deep for json.dumps to write)."""
    return '{"a": ' * depth + '"x"' + "}" * depth


def _deep(depth: int) -> bytes:
    view = '{"id": "V1", "state": ' + _nested(depth) + "}"
    envelope = '{"type": "view_submission", "user": ' + json.dumps(USER) + ', "view": ' + view + "}"
    return urlencode({"payload": envelope}).encode()


MALFORMED = {
    "payload that is not JSON": (b"payload=%7Bnot+json", FORM),
    "payload that is a list": (_payload([{"type": "block_actions"}]), FORM),
    "JSON body that is a list": (b'[{"type": "event_callback"}]', "application/json"),
    "JSON body that is not JSON": (b'{"type": "event_callback",', "application/json"),
    "invalid UTF-8": (b"payload=%7B%22type%22%3A%22shortcut%22%7D\xff\xfe", FORM),
    "view_submission with view null": (_payload({"type": "view_submission", "user": USER, "view": None}), FORM),
    "view_closed with a view that is a string": (_payload({"type": "view_closed", "user": USER, "view": "V1"}), FORM),
    "block_actions with actions not a list": (
        _payload({"type": "block_actions", "user": USER, "actions": {"0": {}}}),
        FORM,
    ),
    "payload without a type": (_payload({"user": USER, "view": {"id": "V1"}}), FORM),
    "event_callback without an event": (b'{"type": "event_callback", "event_id": "Ev1"}', "application/json"),
    "slash-command form without a command": (b"user_id=U0ANNA&text=hj%C3%A4lp&team_id=T0", FORM),
    "response_urls that is not a list of objects": (
        _payload({"type": "view_submission", "user": USER, "view": {"id": "V1"}, "response_urls": 7}),
        FORM,
    ),
    # Past the recursion limit Python's JSON parser gives up; below it, anything recursive over the body would.
    "payload nested 2000 deep": (_deep(2000), FORM),
    "payload nested 900 deep": (_deep(900), FORM),
    "payload nested 100 deep": (_deep(100), FORM),
    "JSON event nested 900 deep": (
        ('{"type": "event_callback", "event": {"type": "message", "x": ' + _nested(900) + "}}").encode(),
        "application/json",
    ),
    "block_actions without a user": (
        _payload({"type": "block_actions", "actions": [{"action_id": "svara"}], "trigger_id": "1.2"}),
        FORM,
    ),
    "block_actions whose user has no id": (
        _payload({"type": "block_actions", "user": {"name": "a"}, "actions": [{"action_id": "svara"}]}),
        FORM,
    ),
    "view_submission without a user": (_payload({"type": "view_submission", "view": {"id": "V1"}}), FORM),
    "view_closed with the user as text": (
        _payload({"type": "view_closed", "user": "U0ANNA", "view": {"id": "V1"}}),
        FORM,
    ),
    "shortcut without a user": (_payload({"type": "shortcut", "callback_id": "ny_remiss", "trigger_id": "1.2"}), FORM),
    "message_action without a user": (
        _payload({"type": "message_action", "callback_id": "x", "trigger_id": "1.2"}),
        FORM,
    ),
    "slash command without user_id": (b"command=%2Fremiss&text=hj%C3%A4lp&team_id=T0&trigger_id=1.2", FORM),
    "block_actions without a trigger_id": (
        _payload({"type": "block_actions", "user": USER, "actions": [{"action_id": "svara"}]}),
        FORM,
    ),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_signed_request_with_a_malformed_envelope_gets_400_and_runs_nothing(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture, case: str
) -> None:
    body, content_type = MALFORMED[case]
    before = api_calls(sandbox)
    with caplog.at_level(logging.WARNING):
        status, text = post(sandbox, body, signed(sandbox, body, content_type))
    assert status == 400
    assert "Traceback" not in text
    assert api_calls(sandbox) == before
    assert sandbox.fake.responses == []
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and "malformed" in r.getMessage()]
    assert len(warnings) == 1
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


def test_a_reply_to_a_response_url_outside_slack_is_never_sent(
    sandbox: Sandbox, foreign: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    body = command_form(sandbox, foreign.url)
    with caplog.at_level(logging.WARNING):
        status, _ = post(sandbox, body, signed(sandbox, body))
        assert status == 200
        sandbox.fake.wait_for(lambda: [r for r in caplog.records if "Dropped a reply" in r.getMessage()] or None)
    assert foreign.seen == []
    assert [r for r in caplog.records if "not Slack's" in r.getMessage()]
    # The same command with Slack's own response_url is answered there.
    body = command_form(sandbox, sandbox.fake.new_response_url())
    assert post(sandbox, body, signed(sandbox, body))[0] == 200
    sandbox.fake.wait_for(lambda: sandbox.fake.responses or None)
    assert foreign.seen == []


def _raw_request(sandbox: Sandbox, head: bytes, body_parts: Iterator[bytes]) -> bytes:
    """Send a request piece by piece over a socket and return the start of the answer."""
    address = urlsplit(sandbox.base_url)
    with socket.create_connection((address.hostname or "", address.port or 80), timeout=10) as connection:
        connection.sendall(head)
        try:
            for part in body_parts:
                connection.sendall(part)
        except OSError:  # the server answered and closed while we were still sending: what we want
            pass
        return connection.recv(200)


def test_a_body_over_the_cap_gets_413_without_the_rest_being_read(sandbox: Sandbox) -> None:
    length = 100 * 1024 * 1024
    head = (
        f"POST {SLACK_EVENTS_PATH} HTTP/1.1\r\nHost: bot\r\nContent-Type: {FORM}\r\nContent-Length: {length}\r\n\r\n"
    ).encode()
    # Only 64 KiB of the announced 100 MB are ever sent: the answer must not wait for the rest.
    answer = _raw_request(sandbox, head, iter([b"x" * 65536]))
    assert answer.startswith(b"HTTP/1.1 413")


def test_a_chunked_body_growing_over_the_cap_gets_413(sandbox: Sandbox) -> None:
    head = (
        f"POST {SLACK_EVENTS_PATH} HTTP/1.1\r\nHost: bot\r\nContent-Type: {FORM}\r\nTransfer-Encoding: chunked\r\n\r\n"
    ).encode()
    chunk = b"x" * 65536
    parts = (b"%x\r\n" % len(chunk) + chunk + b"\r\n" for _ in range(MAX_BODY_BYTES // len(chunk) + 2))
    answer = _raw_request(sandbox, head, parts)  # never terminated: the server must not wait for the end
    assert answer.startswith(b"HTTP/1.1 413")


def test_an_unsigned_body_just_under_the_cap_is_read_and_refused_as_unsigned(sandbox: Sandbox) -> None:
    status, _ = post(sandbox, b"x" * (MAX_BODY_BYTES - 1), {"Content-Type": FORM})
    assert status == 401


def test_a_command_whose_text_holds_the_word_payload_is_answered_like_any_other(sandbox: Sandbox) -> None:
    # Bolt's parser reads any form body containing "payload" as an interactive payload, and finds none here.
    body = command_form(sandbox, sandbox.fake.new_response_url(), text="hjälp payload")
    status, _ = post(sandbox, body, signed(sandbox, body))
    assert status == 200
    sandbox.fake.wait_for(lambda: sandbox.fake.responses or None)


@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=utf-8"])
def test_a_json_body_is_read_as_json_by_its_content_type_even_when_it_starts_with_whitespace(
    sandbox: Sandbox, content_type: str
) -> None:
    # Bolt reads a body as JSON by its content type or its first character; the edge must agree with it.
    body = b' \n{"type": "url_verification", "token": "t", "challenge": "payload-ab12"}'
    status, text = post(sandbox, body, signed(sandbox, body, content_type))
    assert (status, json.loads(text)) == (200, {"challenge": "payload-ab12"})
