"""The /remiss slash command: acknowledged at once, answered with an ephemeral message."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, Respond
from slack_sdk import WebClient

from handlers import blocks, people, statistics
from handlers.context import SLASH_COMMANDS, HandlerContext
from handlers.create.listeners import open_new_form
from handlers.listening import on_command
from handlers.meetings import open_meetings_form

HELP_WORDS = {"", "hjälp", "help", "?"}
MEETING_WORDS = {"sammanträden", "sammanträde", "nämnd", "möten"}
STATISTICS_WORDS = {"statistik", "svarshistorik"}


def remiss_command(
    ctx: HandlerContext, command: dict[str, Any], respond: Respond, client: WebClient | None = None
) -> None:
    """Dispatch `/remiss <subcommand> [args]`; unknown words get help, not an error."""
    word, _, rest = str(command.get("text", "")).strip().partition(" ")
    word = word.lower()
    if word == "ny" and client is not None:
        # The form opens with the command's trigger, which expires 3 s after the user pressed enter.
        open_new_form(ctx, client, str(command["trigger_id"]), str(command["user_id"]), respond, rest.strip())
        return
    if word in MEETING_WORDS and client is not None:
        trigger_id = str(command["trigger_id"])
        open_meetings_form(ctx, client, trigger_id, str(command["user_id"]), rest.strip(), respond)
        return
    if word in HELP_WORDS:
        text, body = blocks.help_message(ctx.texts)
    elif word in people.AWAY_WORDS or word in people.BACK_WORDS:
        text = people.away_command(ctx, str(command["user_id"]), word, rest)
        body = [blocks.section(text)]
    elif word == "status":
        case_number = rest.strip()
        actor = ctx.service.actor(str(command["user_id"]))
        if case_number:
            text, body = blocks.remiss_status_message(ctx.texts, ctx.service.queries.overview(case_number))
        else:  # a coordinator scoped to some offices sees theirs
            text, body = blocks.status_message(ctx.texts, ctx.service.queries.open_remisses(actor))
    elif word in STATISTICS_WORDS:  # for coordinators: the App Home's Svarshistorik, with Skicka diagram
        report = ctx.service.queries.answer_statistics(ctx.service.actor(str(command["user_id"])))
        body = statistics.home_statistics(ctx.texts, report)[1:]
        text = ctx.texts.part(statistics.TEMPLATE, "header")
    else:
        text = ctx.texts.render("slack/unknown_command.j2", word=word)
        body = [blocks.section(text), *blocks.help_message(ctx.texts)[1]]
    respond(text=text, blocks=body, response_type="ephemeral")


def register(app: App, ctx: HandlerContext) -> None:
    on_command(
        app, ctx, SLASH_COMMANDS[0], lambda command, client, respond: remiss_command(ctx, command, respond, client)
    )
