"""`remissbot add-recipient` and `remissbot resend`: a remissinstans added to a sent remiss, or the remiss sent
again to an organisation whose contacts changed or were missing (what `remissbot orgs load` offers)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from bot.adapters.dates import parse_swedish_date
from bot.adapters.rendering import Texts
from bot.bootstrap import Core, build_core, slack_user_directory
from bot.cli.common import EXIT_CONFIG, EXIT_OK, Refused, case_command, cli_actor, help_text
from bot.core.domain.reaching import ResendOffer
from bot.core.ports.users import UserDirectory
from bot.settings import Settings, load_settings


def register(commands: Any) -> None:
    """Add this module's commands to the `remissbot` parser's subcommands."""
    add = case_command(commands, "add-recipient", cmd_add_recipient, "add_recipient")
    add.add_argument("organisation", help=help_text("organisation_key"))
    add.add_argument("--deadline", help=help_text("add_recipient_deadline"))
    resend = case_command(commands, "resend", cmd_resend)
    resend.add_argument("organisation", help=help_text("organisation_key"))


def _core() -> Core:
    """The core, with Slack's user look-up when a bot token is set (the directory's e-mail contacts)."""
    settings = load_settings()
    return build_core(settings, users=_users(settings))


def _users(settings: Settings) -> UserDirectory | None:
    if not settings.slack_bot_token:
        return None
    from slack_sdk import WebClient

    client = WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url or WebClient.BASE_URL)
    return slack_user_directory(client)


def _text(core: Core, name: str, **values: object) -> str:
    return core.texts.part("cli/recipients.j2", name, **values)


def cmd_add_recipient(args: argparse.Namespace, out: TextIO) -> int:
    core = _core()
    try:
        deadline = None
        if args.deadline:
            deadline = parse_swedish_date(args.deadline, today=core.service.today(), tz=core.settings.timezone)
            if deadline is None:
                raise Refused(_text(core, "deadline_unparseable", text=args.deadline))
        added = core.service.recipients.add_recipient(cli_actor(), args.case_number, args.organisation, deadline)
        window = added.window
        warn = window.short or window.spans_christmas or window.spans_summer
        out.write(
            _text(
                core, "added", added=added, window=window if warn else None, threshold=core.settings.short_window_days
            )
            + "\n"
        )
    except Refused as refused:
        print(f"remissbot: {refused}", file=sys.stderr)
        return EXIT_CONFIG
    finally:
        core.close()
    return EXIT_OK


def cmd_resend(args: argparse.Namespace, out: TextIO) -> int:
    core = _core()
    try:
        again = core.service.recipients.resend(cli_actor(), args.case_number, args.organisation)
    finally:
        core.close()
    out.write(_text(core, "resent", again=again) + "\n")
    return EXIT_OK


def offers_text(texts: Texts, offers: Sequence[ResendOffer]) -> str:
    """What `remissbot orgs load` says about the open remisses the new directory gives contacts to."""
    return texts.part("cli/recipients.j2", "offers", offers=list(offers))
