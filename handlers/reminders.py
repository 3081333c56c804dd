"""Listeners for reminders: registered from handlers/__init__.py."""

from __future__ import annotations

from slack_bolt import App

from handlers import HandlerContext


def register(app: App, ctx: HandlerContext) -> None:
    """Attach this module's listeners."""
