"""What every listener shares: the use cases, texts and executors (HandlerContext), and what the app asks of Slack."""

from __future__ import annotations

from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from bot.adapters.rendering import Texts
from bot.core.ports.metrics import Metrics, NoMetrics
from bot.core.usecases import UseCases

# What the app needs from Slack; manifest.json must say exactly this (a test compares them).
SLASH_COMMANDS = ("/remiss",)
GLOBAL_SHORTCUTS = ("new_remiss",)
BOT_EVENTS = ("app_home_opened", "message.im")
BOT_SCOPES = (
    "commands",  # /remiss and the "Ny remiss" shortcut
    "chat:write",  # the remiss to each official, the status message, notices
    "im:write",  # conversations.open: the DM's channel id, to find a lost reply and refresh the status message
    "im:history",  # answers written in the remiss's DM thread (message.im), finding a message after a crash
    "channels:history",  # finding the status message in a public coordinators' channel after a lost reply
    "groups:history",  # the same in a private channel
    "users:read",  # users.info: the names of a handed-over colleague and of coordinators; users:read.email needs it
    "users:read.email",  # directory contacts written as e-mail addresses
    "usergroups:read",  # coordinators may be given as a Slack user group
    "channels:read",  # conversations.members: who is in a public registry channel (only they may register)
    "groups:read",  # the same for a private registry channel
    "files:read",  # the formal yttrande attached in the answer form, documents sent to import
    "files:write",  # publishing the summary's Word, HTML and Markdown files
)


# Threads that build the answer form after the ack and put it into the light modal the click opened (or redraw
# it): one form takes ~10 ms of CPU, and with one thread the forms of a burst opened late (p99 1.1–1.6 s); two keep
# it under 1.1. The trigger's 3 s no longer wait for them: the listener opens the light modal itself.
FORM_THREADS = 2


@dataclass(frozen=True)
class HandlerContext:
    """What every listener needs: the use cases, the texts, and where best-effort work after an ack runs.

    Bolt runs each listener in the request's thread, which must answer Slack within 3 seconds: the listener acks
    and queues its work on `work`; the answer form's building queues on `forms`, and best-effort work (recording
    that a form was opened, refreshing the remiss message) on `background`. In a running bot (bot/bootstrap.py)
    `background` gives way to the forms queued or under way on `forms` (bot/adapters/precedence.py).
    """

    service: UseCases
    texts: Texts
    # The composition root passes one thread: such work then queues instead of competing with
    # acknowledgements for the GIL and the database (bench/bench_ack.py measured more as slower).
    background: Executor = field(default_factory=lambda: ThreadPoolExecutor(1, thread_name_prefix="remissbot-after"))
    # Building and opening the answer form after the ack (handlers/answer.py): a few threads of its own, so
    # 50 officials pressing Svara at once don't hold every work thread (bench/bench_ack.py).
    forms: Executor = field(
        default_factory=lambda: ThreadPoolExecutor(FORM_THREADS, thread_name_prefix="remissbot-forms")
    )
    # Every listener's work after its ack (handlers/listening.py): Bolt runs the listener itself in the request's
    # thread (process_before_response), which acks and queues the work here, so the ack leaves at once.
    work: Executor = field(default_factory=lambda: ThreadPoolExecutor(32, thread_name_prefix="remissbot-work"))
    # SLACK_API_URL as configured: the loopback Slack in tests and the demo, None in production. Only then may its
    # host get the bot token for a file; the client's base URL (https://slack.com/api/ by default) never does.
    slack_api_url: str | None = None
    # What the listeners count (how long each took to let Slack's answer go); the composition root passes one.
    metrics: Metrics = field(default_factory=NoMetrics)


def event_id(body: dict[str, Any]) -> str | None:
    """The id Slack gives an event and repeats when it delivers the event again (service.edge.once deduplicates)."""
    found = body.get("event_id") if body.get("type") == "event_callback" else None
    return found if isinstance(found, str) else None
