"""The signature check and the envelope check of the HTTP edge, as plain functions with an injected time."""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import parse_qs

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.adapters.http_edge import MAX_NESTING, envelope_problem, form_has_field, signature_problem

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
NOW = 1_700_000_000.0
BODY = b"command=%2Fremiss&text=hj%C3%A4lp"


def sign(timestamp: str, body: bytes = BODY, secret: str = SECRET) -> str:
    return "v0=" + hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()


def test_a_request_signed_with_the_secret_within_five_minutes_passes() -> None:
    for timestamp in ("1700000000", "1699999700", "1700000300"):
        assert signature_problem(SECRET, timestamp, sign(timestamp), BODY, NOW) is None


@pytest.mark.parametrize(
    "timestamp", ["", "abc", "1e3", "1.7e9", " 1700000000", "1700000000 ", "+1700000000", "-1", "١٧٠٠٠٠٠٠٠٠", "9" * 40]
)
def test_a_garbled_timestamp_is_a_reason_to_refuse_never_an_exception(timestamp: str) -> None:
    assert signature_problem(SECRET, timestamp, sign(timestamp), BODY, NOW) is not None


@pytest.mark.parametrize("signature", [None, "", "v0=", "v0=" + "0" * 64, "é" * 67, "v1=" + "a" * 64, "\x00"])
def test_a_missing_or_wrong_signature_is_refused(signature: str | None) -> None:
    assert signature_problem(SECRET, "1700000000", signature, BODY, NOW) == (
        "no X-Slack-Signature" if not signature else "X-Slack-Signature does not match"
    )


def test_a_timestamp_more_than_five_minutes_away_is_refused_even_when_signed() -> None:
    for timestamp in ("1699999699", "1700000301"):
        assert "five minutes" in str(signature_problem(SECRET, timestamp, sign(timestamp), BODY, NOW))


def test_a_changed_body_or_another_secret_does_not_pass() -> None:
    assert signature_problem(SECRET, "1700000000", sign("1700000000"), BODY + b"&x=1", NOW) is not None
    assert signature_problem(SECRET, "1700000000", sign("1700000000", secret="other"), BODY, NOW) is not None


def test_with_no_signing_secret_configured_nothing_passes() -> None:
    assert signature_problem("", "1700000000", sign("1700000000", secret=""), BODY, NOW) is not None


@pytest.mark.parametrize(
    "body",
    [
        {"command": "/remiss", "text": "", "user_id": "U1", "trigger_id": "1.2"},
        {"ssl_check": "1"},
        {"type": "url_verification", "challenge": "x"},
        {"type": "event_callback", "event": {"type": "app_home_opened"}},
        {"type": "block_actions", "actions": [{"action_id": "a"}], "user": {"id": "U1"}, "trigger_id": "1.2"},
        {"type": "view_submission", "view": {"id": "V1"}, "user": {"id": "U1"}},
        {"type": "view_closed", "view": {"id": "V1"}, "user": {"id": "U1"}},
        {"type": "shortcut", "callback_id": "ny", "user": {"id": "U1"}, "trigger_id": "1.2"},
        {"type": "message_action", "callback_id": "ny", "user": {"id": "U1"}, "trigger_id": "1.2"},
        {
            "type": "view_submission",
            "view": {"id": "V1", "state": {"values": {"b": {"a": {"value": "x"}}}}},
            "user": {"id": "U1"},
        },
    ],
)
def test_the_envelopes_slack_sends_pass(body: object) -> None:
    assert envelope_problem(body) is None


@pytest.mark.parametrize(
    "body",
    [
        [],
        "text",
        7,
        {},
        {"command": 5},
        {"command": "remiss"},
        {"type": ""},
        {"type": ["block_actions"]},
        {"type": "view_submission", "view": None},
        {"type": "view_closed"},
        {"type": "event_callback", "event": "app_home_opened"},
        {"type": "block_actions", "actions": "a"},
        {"type": "block_actions", "actions": [1]},
        {"type": "shortcut", "user": ["U1"]},
    ],
)
def test_envelopes_slack_never_sends_have_a_reason(body: object) -> None:
    assert envelope_problem(body)


USER = {"id": "U1"}
TRIGGER = {"trigger_id": "1.2"}
WITHOUT_A_USER: list[dict[str, object]] = [
    {"type": "block_actions", "actions": [{"action_id": "a"}], **TRIGGER},
    {"type": "view_submission", "view": {"id": "V1"}},
    {"type": "view_closed", "view": {"id": "V1"}},
    {"type": "shortcut", "callback_id": "ny", **TRIGGER},
    {"type": "message_action", "callback_id": "ny", **TRIGGER},
    {"command": "/remiss", "text": "", **TRIGGER},
]


@pytest.mark.parametrize(
    "body",
    [
        *WITHOUT_A_USER,
        *[
            {**body, "user": user}
            for body in WITHOUT_A_USER
            if "type" in body
            for user in ("U1", {}, {"id": 7}, {"id": ""}, None)
        ],
        *[{**WITHOUT_A_USER[-1], "user_id": user} for user in ("", 7, None, ["U1"])],
    ],
)
def test_an_interaction_without_a_user_who_did_it_has_a_reason(body: dict[str, object]) -> None:
    assert "user" in str(envelope_problem(body))


@pytest.mark.parametrize(
    "body",
    [
        {"type": "block_actions", "actions": [{"action_id": "a"}], "user": USER},
        {"type": "shortcut", "callback_id": "ny", "user": USER},
        {"type": "message_action", "callback_id": "ny", "user": USER},
        {"command": "/remiss", "text": "", "user_id": "U1"},
        {"command": "/remiss", "text": "", "user_id": "U1", "trigger_id": 5},
    ],
)
def test_a_click_or_command_without_its_trigger_has_a_reason(body: dict[str, object]) -> None:
    assert "trigger_id" in str(envelope_problem(body))


def nested(depth: int, inner: object = "x") -> object:
    """`inner` wrapped in `depth` objects, built without recursion."""
    for _ in range(depth):
        inner = {"a": inner}
    return inner


def test_a_payload_nested_deeper_than_slack_ever_nests_has_a_reason() -> None:
    view = {"id": "V1", "state": nested(MAX_NESTING)}
    assert "nested" in str(envelope_problem({"type": "view_submission", "user": USER, "view": view}))
    deep_list: object = []
    for _ in range(MAX_NESTING):
        deep_list = [deep_list]
    assert "nested" in str(envelope_problem({"type": "view_submission", "user": USER, "view": {"x": deep_list}}))


def test_nesting_within_the_bound_passes() -> None:
    view = {"id": "V1", "state": nested(MAX_NESTING - 3)}
    assert envelope_problem({"type": "view_submission", "user": USER, "view": view}) is None


def test_nesting_far_past_the_recursion_limit_is_measured_without_recursing() -> None:
    body = {"type": "view_submission", "user": USER, "view": nested(100_000)}
    assert "nested" in str(envelope_problem(body))


# Form bodies built from the characters that matter to a form parser, and the field names around "payload".
_names = st.sampled_from(["payload", "p%61yload", "%70ayload", "pay+load", "payload+", "%", "%ZZ"])
_form_text = st.lists(st.one_of(_names, st.text("&=+%;ap")), max_size=8).map("".join)


@given(_form_text)
@example("payload=%7B%7D")
@example("p%61yload=x")
@example("command=%2Fremiss&text=hj%C3%A4lp+payload")
@example("a=1&&payload&")
@example("payload%3D=1")
@example("a=1;payload=2")
def test_the_edge_names_a_forms_fields_as_parse_qs_does(body: str) -> None:
    # The edge looks for a field without decoding the values: it must find exactly the fields parse_qs finds.
    assert form_has_field(body, "payload") == ("payload" in parse_qs(body, keep_blank_values=True))
