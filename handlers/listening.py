"""One path for every listener: acknowledge Slack at once, then do the work, never raising to Bolt after the ack.

Slack wants every interaction acknowledged within three seconds; what a listener does beyond that (opening a
form, posting, editing a message) runs after the ack, through `ack_then`, which tells the user about a
refusal or a failure in Swedish (handlers/errors.py) instead of raising it. A modal's submission is the one
listener whose ack says something (errors next to the fields, or the next view): its check returns a `Reply`,
the ack carries the reply's response, and the reply's follow-up work takes the same path as every other.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from contextvars import copy_context
from dataclasses import dataclass, field
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from handlers.context import HandlerContext
from handlers.errors import after_ack

Work = Callable[[], None]
# What a listener does after its ack, given what Bolt hands it.
ActionWork = Callable[[dict[str, Any], WebClient, Respond], None]  # the payload, the client, respond
CommandWork = Callable[[dict[str, Any], WebClient, Respond], None]  # the command, the client, respond
ShortcutWork = Callable[[dict[str, Any], WebClient], None]  # the payload, the client
EventWork = Callable[[dict[str, Any], dict[str, Any], WebClient], None]  # the envelope, the event, the client
Matcher = Callable[[dict[str, Any], BoltContext], bool]  # an event and Bolt's context: is it ours?


@dataclass(frozen=True)
class Reply:
    """What a modal's submission answers in its ack, and the work to do after the ack (if any)."""

    response: Mapping[str, Any] = field(default_factory=dict)  # nothing: the modal closes
    then: Work | None = None


SubmitWork = Callable[[dict[str, Any], dict[str, Any], WebClient], Reply]  # the payload, the view, the client


def refuse(errors: Mapping[str, str]) -> Reply:
    """The modal stays open with each message next to its input (block id → message)."""
    return Reply({"response_action": "errors", "errors": dict(errors)})


def show(view: Mapping[str, Any]) -> Reply:
    """The modal shows `view` instead."""
    return Reply({"response_action": "update", "view": view})


def close(then: Work | None = None) -> Reply:
    """The modal closes; `then` runs after the ack."""
    return Reply({}, then)


def close_all(then: Work | None = None) -> Reply:
    """The modal closes and so do the ones under it (a form opened over another); `then` runs after the ack."""
    return Reply({"response_action": "clear"}, then)


def push(view: Mapping[str, Any]) -> Reply:
    """`view` opens over the modal, which stays as it was under it (Slack's back button returns to it)."""
    return Reply({"response_action": "push", "view": view})


def ack_then(
    ctx: HandlerContext,
    ack: Ack | None,
    body: dict[str, Any],
    work: Work | None,
    *,
    response: Mapping[str, Any] | None = None,
    respond: Respond | None = None,
    client: WebClient | None = None,
    executor: Executor | None = None,
    timed: tuple[str, float] | None = None,
) -> None:
    """The path of every listener: ack at once (with `response` for a submission; Bolt acks an event itself,
    then `ack` is None), then `work` through after_ack, so a refusal or failure is told, never raised.
    The work queues on `executor` (the answer form's threads, the one thread of best-effort work) or on ctx.work:
    Bolt runs the listener in the request's thread, and the response leaves once the listener returns.
    `timed` (the listener's kind, when it started by time.perf_counter) is counted as its acknowledgement time."""
    if ack is not None:
        ack(**(response or {}))
    if work is not None:
        # The work takes the request's log context along (request id, team, user, action) to its thread.
        (executor or ctx.work).submit(copy_context().run, after_ack, ctx, body, respond, work, client=client)
    if timed is not None:
        kind, started = timed
        ctx.metrics.acknowledged(kind, time.perf_counter() - started)


def on_action(
    app: App, ctx: HandlerContext, action_id: str, work: ActionWork, *, executor: Executor | None = None
) -> None:
    """A block action (a button, a select, a date picker); `executor` as in ack_then."""
    app.action(action_id)(_responding(ctx, work, "action", executor))


def on_command(app: App, ctx: HandlerContext, name: str, work: CommandWork) -> None:
    """A slash command: acknowledged empty, answered by `work` through `respond`."""
    app.command(name)(_responding(ctx, work, "command"))


def _responding(
    ctx: HandlerContext, work: ActionWork, kind: str, executor: Executor | None = None
) -> Callable[[Ack, dict[str, Any], WebClient, Respond], None]:
    """The listener of an action or a command, whose work answers through `respond` (Bolt's `body` of a slash
    command is the command itself)."""

    def listener(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        started = time.perf_counter()
        ack_then(
            ctx,
            ack,
            body,
            lambda: work(body, client, respond),
            respond=respond,
            client=client,
            executor=executor,
            timed=(kind, started),
        )

    return listener


def on_shortcut(app: App, ctx: HandlerContext, callback_id: str, work: ShortcutWork) -> None:
    """A global shortcut: no channel to answer in, so a failure is told in the user's DM."""

    def listener(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        started = time.perf_counter()
        ack_then(ctx, ack, body, lambda: work(body, client), client=client, timed=("shortcut", started))

    app.shortcut(callback_id)(listener)


def on_view(app: App, ctx: HandlerContext, callback_id: str, submit: SubmitWork) -> None:
    """A modal's submission: `submit` checks it within the ack's three seconds and returns the Reply. What it
    raises goes to Bolt's error handler, which answers a tampered submission next to its first input."""

    def listener(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        started = time.perf_counter()
        reply = submit(body, body["view"], client)
        ack_then(ctx, ack, body, reply.then, response=reply.response, client=client, timed=("view", started))

    app.view(callback_id)(listener)


def on_event(
    app: App, ctx: HandlerContext, event_type: str, work: EventWork, *, matchers: list[Matcher] | None = None
) -> None:
    """An Events API event (Bolt acknowledges it before the listener runs): `work` on what it carries."""

    def listener(body: dict[str, Any], event: dict[str, Any], client: WebClient) -> None:
        started = time.perf_counter()
        ack_then(ctx, None, event, lambda: work(body, event, client), client=client, timed=("event", started))

    app.event(event_type, matchers=matchers)(listener)
