"""The `remissbot` command: run the bot, manage the directory and the database, show status.

Each module here adds its commands to the parser (`register`); this one parses and runs the chosen command.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import TextIO

from bot.adapters.logs import configure_logging, log_context, new_request_id
from bot.adapters.rendering import default_texts
from bot.adapters.version import remissbot_version
from bot.cli import archive, audit, backup, cases, drafts, lifecycle, recipients, reminders, server, statistics
from bot.cli.common import (
    EXIT_CONFIG,
    EXIT_FAILED,
    EXIT_OK,
    CannotStart,
    Sleep,
    help_text,
    says,
)
from bot.core.domain.errors import DomainError
from bot.core.ports.store import StoreUnavailable
from bot.settings import SettingsError, log_format, secret_values

log = logging.getLogger("remissbot")


def main(argv: Sequence[str] | None = None, *, sleep: Sleep = time.sleep) -> int:
    """Entry point of the console script; returns the exit code. `sleep` waits between tries to reach Slack."""
    args = _parser().parse_args(argv)
    args.sleep = sleep
    handler: Callable[[argparse.Namespace, TextIO], int] = args.handler
    try:
        level = logging.DEBUG if args.debug else logging.INFO if args.command in ("run", "serve") else logging.WARNING
        configure_logging(
            log_format(os.environ), level=level, secret_values=secret_values(os.environ), unless_configured=True
        )
        with log_context(**_what_it_does(args)):
            return handler(args, sys.stdout)
    except (SettingsError, StoreUnavailable, CannotStart) as exc:
        print(f"remissbot: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except DomainError as exc:
        print(f"remissbot: {default_texts().error(exc)}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return EXIT_OK
    except Exception:
        if args.debug:
            raise
        log.debug("unexpected error", exc_info=True)
        print(f"remissbot: {says('unexpected_error')}", file=sys.stderr)
        return EXIT_FAILED


def _what_it_does(args: argparse.Namespace) -> dict[str, str | None]:
    """What the command's log lines are about: the command (with its subcommand), who ran it, the remiss."""
    words = [args.command, *(str(v) for k, v in vars(args).items() if k.endswith("_command") and v)]
    return {
        "request_id": new_request_id(),
        "action": "cli." + ".".join(words),
        "user": f"cli:{_operator()}",
        "diarienummer": getattr(args, "case_number", None),
    }


def _operator() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in this environment (a container without a passwd entry)
        return "unknown"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="remissbot", description=help_text("description"), allow_abbrev=False)
    parser.add_argument("--debug", action="store_true", help=help_text("debug"))
    parser.add_argument("--version", action="version", version=f"remissbot {remissbot_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar=help_text("command_metavar"))
    for module in (server, cases, reminders, drafts, recipients, audit, lifecycle, archive, backup, statistics):
        module.register(commands)
    return parser
