"""Slack listeners: turn Slack payloads into service calls and results into Block Kit. No storage here."""

from __future__ import annotations

from dataclasses import dataclass

from slack_bolt import App

from bot.rendering import Texts
from bot.service import RemissService

# What the app needs from Slack; manifest.json must say exactly this (a test compares them).
SLASH_COMMANDS = ("/remiss",)
BOT_EVENTS = ("app_home_opened",)
BOT_SCOPES = (
    "commands",  # /remiss
    "users:read",  # users.lookupByEmail needs it beside users:read.email
    "users:read.email",  # directory contacts written as e-mail addresses
)


@dataclass(frozen=True)
class HandlerContext:
    """What every listener needs: the use cases and the texts."""

    service: RemissService
    texts: Texts


def register(app: App, ctx: HandlerContext) -> None:
    """Attach every listener group to the app."""
    from handlers import commands, errors, events, middleware

    middleware.register(app, ctx)
    errors.register(app, ctx)
    commands.register(app, ctx)
    events.register(app, ctx)
