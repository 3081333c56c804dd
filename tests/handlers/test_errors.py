"""Telling the user about a failure after the ack never raises, whatever happens to the telling."""

from __future__ import annotations

import logging
import socket
from datetime import UTC, datetime
from typing import Any

import pytest
from slack_bolt import Respond
from slack_sdk import WebClient

from bot.adapters.rendering import Texts
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.usecases import build_use_cases
from devtools.clocks import FakeClock
from devtools.memory import MemoryStore
from handlers.context import HandlerContext
from handlers.errors import after_ack, handle_error
from handlers.payload import TamperedPayload


def closed_port() -> int:
    """A loopback port nothing listens on: connecting to it is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def ctx() -> HandlerContext:
    return HandlerContext(build_use_cases(MemoryStore(), FakeClock(datetime(2023, 10, 2, 9, tzinfo=UTC))), Texts())


@pytest.fixture
def unreachable() -> str:
    return f"http://127.0.0.1:{closed_port()}/"


def body(response_url: str | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {"type": "block_actions", "user": {"id": "U0ANNA"}}
    return {**found, "response_url": response_url} if response_url else found


def test_a_refusal_whose_response_url_cannot_be_reached_is_logged_and_not_raised(
    ctx: HandlerContext, unreachable: str, caplog: pytest.LogCaptureFixture
) -> None:
    respond = Respond(response_url=f"{unreachable}response/R1")

    with caplog.at_level(logging.WARNING, logger="handlers.errors"):
        handle_error(ctx, DomainError(ErrorCode.NOT_COORDINATOR), body(f"{unreachable}response/R1"), respond)

    assert [r.levelname for r in caplog.records if "Could not tell" in r.getMessage()] == ["WARNING"]


def test_a_tampered_click_whose_dm_cannot_be_posted_is_logged_and_not_raised(
    ctx: HandlerContext, unreachable: str, caplog: pytest.LogCaptureFixture
) -> None:
    client = WebClient(base_url=f"{unreachable}api/", token="xoxb-test")

    with caplog.at_level(logging.WARNING, logger="handlers.errors"):
        handle_error(ctx, TamperedPayload("not JSON"), body(), None, client)

    assert [r.levelname for r in caplog.records if "Could not tell" in r.getMessage()] == ["WARNING"]


def test_work_after_the_ack_that_fails_never_raises_to_bolt_even_when_the_user_cannot_be_told(
    ctx: HandlerContext, unreachable: str
) -> None:
    respond = Respond(response_url=f"{unreachable}response/R2")

    def work() -> None:
        raise DomainError(ErrorCode.NOT_COORDINATOR)

    after_ack(ctx, body(f"{unreachable}response/R2"), respond, work)
