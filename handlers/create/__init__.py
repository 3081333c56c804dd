"""The coordinator creates a remiss: /remiss ny or the shortcut, a form, a preview, a draft, then sending.

codec (what the form holds, private_metadata), views (Block Kit), checks (refusals per field), documents (a
remiss from a file) and listeners (the Bolt listeners, thin)."""

from __future__ import annotations

from slack_bolt import App

from handlers.context import HandlerContext


def register(app: App, ctx: HandlerContext) -> None:
    """Listeners for creating, previewing, editing and sending a remiss."""
    from handlers.create import listeners

    listeners.register(app, ctx)
