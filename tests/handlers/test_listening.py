"""The one ack-then-work path: the ack comes first and carries a submission's reply; the work after it never raises."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from typing import Any

import pytest
from slack_bolt import Ack

from bot.adapters.rendering import Texts
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.usecases import build_use_cases
from devtools.clocks import FakeClock
from devtools.memory import MemoryStore
from handlers.context import HandlerContext
from handlers.listening import ack_then, close, refuse, show


@pytest.fixture
def ctx() -> HandlerContext:
    return HandlerContext(build_use_cases(MemoryStore(), FakeClock(datetime(2023, 10, 2, 9, tzinfo=UTC))), Texts())


def work_done(ctx: HandlerContext) -> None:
    """Wait for the work queued after the ack (ctx.work's threads) to finish."""
    ctx.work.shutdown(wait=True)


def new_ack() -> Ack:
    return Ack()  # type: ignore[no-untyped-call]


def said(ack: Ack) -> object:
    """What the ack answered Slack (None: not acked yet)."""
    if ack.response is None:
        return None
    return json.loads(ack.response.body) if ack.response.body else {}


def test_the_ack_comes_before_the_work(ctx: HandlerContext) -> None:
    ack = new_ack()
    seen_by_work: list[object] = []

    ack_then(ctx, ack, {"type": "block_actions"}, lambda: seen_by_work.append(said(ack)))
    work_done(ctx)

    assert seen_by_work == [{}]


def test_the_work_runs_on_its_own_threads_so_the_listener_returns_with_the_ack(ctx: HandlerContext) -> None:
    ack, started = new_ack(), threading.Event()
    threads: list[str] = []

    def work() -> None:
        started.wait(5)
        threads.append(threading.current_thread().name)

    ack_then(ctx, ack, {"type": "block_actions"}, work)
    assert said(ack) == {} and threads == []  # returned with the ack, the work still waiting
    started.set()
    work_done(ctx)

    assert len(threads) == 1 and threads[0] != threading.current_thread().name


def test_a_refusal_after_the_ack_is_told_not_raised(ctx: HandlerContext) -> None:
    told: list[str] = []

    def respond(**message: Any) -> None:
        told.append(str(message["text"]))

    def work() -> None:
        raise DomainError(ErrorCode.NOT_COORDINATOR)

    body = {"type": "block_actions", "user": {"id": "U0ANNA"}, "response_url": "https://hooks.slack.com/x"}
    ack_then(ctx, new_ack(), body, work, respond=respond)  # type: ignore[arg-type]
    work_done(ctx)

    assert told == [ctx.texts.error(DomainError(ErrorCode.NOT_COORDINATOR))]


def test_an_event_is_not_acked_again_and_its_work_runs(ctx: HandlerContext) -> None:
    log: list[str] = []

    ack_then(ctx, None, {"type": "message"}, lambda: log.append("work"))
    work_done(ctx)

    assert log == ["work"]


def test_a_submission_acks_with_its_reply_and_only_a_closing_reply_has_work_after_it(ctx: HandlerContext) -> None:
    log: list[str] = []
    replies = [refuse({"title": "Fyll i en rubrik."}), show({"type": "modal"}), close(lambda: log.append("work"))]

    acks = []
    for reply in replies:
        ack = new_ack()
        ack_then(ctx, ack, {"type": "view_submission"}, reply.then, response=reply.response)
        acks.append(said(ack))
    work_done(ctx)

    assert acks == [
        {"response_action": "errors", "errors": {"title": "Fyll i en rubrik."}},
        {"response_action": "update", "view": {"type": "modal"}},
        {},
    ]
    assert log == ["work"]
