"""Slack listeners: turn Slack payloads into service calls and results into Block Kit. No storage here."""

from __future__ import annotations

from slack_bolt import App

from handlers.context import HandlerContext


def register(app: App, ctx: HandlerContext) -> None:
    """Attach every listener group to the app."""
    from handlers import (
        answer,
        answer_in_thread,
        chat,
        commands,
        create,
        errors,
        events,
        extensions,
        history,
        lifecycle,
        meetings,
        middleware,
        payload,
        people,
        recipient_actions,
        recipients,
        registry,
        reminders,
        statistics,
        summary,
    )

    payload.register(app)  # first: every listener and the error handler see the cleaned payload
    # In this order: Bolt runs the first listener that matches, so create's files in the DM (a coordinator's,
    # outside threads) come first, then every other file (answer_in_thread), then chat's catch-all listener.
    groups = (middleware, errors, commands, events, create, answer, answer_in_thread, chat, recipient_actions, summary)
    for group in (
        *groups,
        reminders,
        extensions,
        meetings,
        registry,
        people,
        recipients,
        history,
        lifecycle,
        statistics,
    ):
        group.register(app, ctx)
