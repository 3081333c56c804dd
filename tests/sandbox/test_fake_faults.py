"""Injected faults and rate limits reach a real slack_sdk WebClient as Slack's would."""

from __future__ import annotations

import types
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from urllib.error import URLError

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import builtin_handlers
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from devtools.sandbox import FakeSlack, RateLimits


@pytest.fixture
def slept(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The retry handler's sleeps, recorded instead of slept (only that module's `time` is replaced)."""
    sleeps: list[float] = []
    monkeypatch.setattr(builtin_handlers, "time", types.SimpleNamespace(sleep=sleeps.append))
    return sleeps


def test_a_429_with_retry_after_is_retried_by_slack_sdk_and_then_succeeds(fake: FakeSlack, slept: list[float]) -> None:
    client = WebClient(token="xoxb-test", base_url=fake.url, retry_handlers=[RateLimitErrorRetryHandler()])
    fake.inject("chat.postMessage", status=429, retry_after=7)

    client.chat_postMessage(channel="C0REMISS", text="Ny remiss")

    assert [call.status for call in fake.calls_to("chat.postMessage")] == [429, 200]
    assert fake.calls_to("chat.postMessage")[0].response == {"ok": False, "error": "ratelimited"}
    assert len(slept) == 1
    assert 7 <= slept[0] < 8
    assert len(fake.messages_in("C0REMISS")) == 1


def test_a_429_without_a_retry_handler_raises_with_the_retry_after_header(client: WebClient, fake: FakeSlack) -> None:
    fake.inject("chat.postMessage", status=429, retry_after=3)

    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C0REMISS", text="Ny remiss")

    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "3"


@pytest.mark.parametrize("html", [False, True], ids=["json body", "html body"])
def test_a_server_error_raises_slack_api_error(client: WebClient, fake: FakeSlack, html: bool) -> None:
    fake.inject("*", status=503, html=html)

    with pytest.raises(SlackApiError) as raised:
        client.auth_test()

    assert raised.value.response.status_code == 503
    assert client.auth_test()["ok"] is True


def test_an_injected_slack_error_is_answered_as_many_times_as_asked(client: WebClient, fake: FakeSlack) -> None:
    fake.inject("users.info", error="ratelimited", times=2)

    for _ in range(2):
        with pytest.raises(SlackApiError, match="ratelimited"):
            client.users_info(user="U0ANNA")
    assert client.users_info(user="U0ANNA")["user"]["id"] == "U0ANNA"


def test_injections_are_consumed_in_order_per_method_or_for_any_method(client: WebClient, fake: FakeSlack) -> None:
    fake.inject("*", error="fatal_error")
    fake.inject("users.info", error="user_not_visible")

    calls: list[Callable[[], object]] = [
        client.auth_test,
        lambda: client.users_info(user="U0ANNA"),
        client.auth_test,
    ]
    errors = []
    for call in calls:
        try:
            call()
            errors.append("ok")
        except SlackApiError as error:
            errors.append(error.response["error"])

    assert errors == ["fatal_error", "user_not_visible", "ok"]


def test_a_slow_answer_makes_the_client_time_out(fake: FakeSlack) -> None:
    client = WebClient(token="xoxb-test", base_url=fake.url, timeout=1, retry_handlers=[])
    fake.inject("chat.postMessage", delay=1.3)

    with pytest.raises((TimeoutError, URLError)):
        client.chat_postMessage(channel="C0REMISS", text="Ny remiss")


def test_rate_limits_are_off_until_turned_on(client: WebClient, fake: FakeSlack) -> None:
    for _ in range(5):
        client.chat_postMessage(channel="C0REMISS", text="Ny remiss")

    assert {call.status for call in fake.calls} == {200}


def test_rate_limit_mode_allows_about_one_message_per_second_per_channel(
    client: WebClient, fake: FakeSlack, advance: Callable[[float], None]
) -> None:
    fake.set_rate_limits()
    client.chat_postMessage(channel="U0ANNA", text="Ny remiss")

    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel=str(fake.dm_channel_of("U0ANNA")), text="Påminnelse")
    client.chat_postMessage(channel="U0BERTIL", text="Ny remiss")
    advance(1.0)
    client.chat_postMessage(channel="U0ANNA", text="Påminnelse")

    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "1"
    assert len(fake.messages_in("U0ANNA")) == 2


def test_rate_limit_mode_caps_a_tier_3_method_at_50_calls_a_minute(
    client: WebClient, fake: FakeSlack, advance: Callable[[float], None]
) -> None:
    fake.set_rate_limits()
    for _ in range(50):
        client.conversations_open(users="U0ANNA")
        advance(0.5)

    with pytest.raises(SlackApiError) as raised:
        client.conversations_open(users="U0ANNA")
    advance(36.0)

    assert raised.value.response.headers["Retry-After"] == "35"
    assert client.conversations_open(users="U0ANNA")["ok"] is True


def test_rate_limit_mode_caps_messages_across_the_workspace(client: WebClient, fake: FakeSlack) -> None:
    fake.set_rate_limits(RateLimits(messages_per_minute=2))
    client.chat_postMessage(channel="U0ANNA", text="1")
    client.chat_postMessage(channel="U0BERTIL", text="2")

    with pytest.raises(SlackApiError, match="ratelimited"):
        client.chat_postMessage(channel="C0REMISS", text="3")


def test_five_hundred_concurrent_dms_each_arrive_once_with_rate_limits_on(fake: FakeSlack) -> None:
    fake.set_rate_limits(RateLimits(messages_per_minute=1000))
    user_ids = [f"U{number:08d}" for number in range(500)]
    for user_id in user_ids:
        fake.add_user(user_id, user_id.lower())
    client = WebClient(token="xoxb-test", base_url=fake.url)

    with ThreadPoolExecutor(max_workers=32) as pool:
        answers = list(pool.map(lambda u: client.chat_postMessage(channel=u, text="Ny remiss"), user_ids))

    assert len({answer["ts"] for answer in answers}) == 500
    assert len({answer["channel"] for answer in answers}) == 500
    assert all(len(fake.messages_in(user_id)) == 1 for user_id in user_ids)
