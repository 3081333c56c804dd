"""The `remissbot` command: run the bot, manage the directory and the database, show status.

Each module here adds its commands to the parser (`register`); this one parses and runs the chosen command.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Callable, Sequence
from typing import TextIO

from bot.adapters.rendering import default_texts
from bot.cli import archive, audit, backup, cases, drafts, lifecycle, recipients, reminders, server, statistics
from bot.cli.common import (
    EXIT_CONFIG,
    EXIT_FAILED,
    EXIT_OK,
    CannotStart,
    Sleep,
    help_text,
    remissbot_version,
    says,
)
from bot.core.domain.errors import DomainError
from bot.core.ports.store import StoreUnavailable
from bot.settings import SettingsError

log = logging.getLogger("remissbot")


def main(argv: Sequence[str] | None = None, *, sleep: Sleep = time.sleep) -> int:
    """Entry point of the console script; returns the exit code. `sleep` waits between tries to reach Slack."""
    args = _parser().parse_args(argv)
    args.sleep = sleep
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.INFO if args.command in ("run", "serve") else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    handler: Callable[[argparse.Namespace, TextIO], int] = args.handler
    try:
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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="remissbot", description=help_text("description"), allow_abbrev=False)
    parser.add_argument("--debug", action="store_true", help=help_text("debug"))
    parser.add_argument("--version", action="version", version=f"remissbot {remissbot_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar=help_text("command_metavar"))
    for module in (server, cases, reminders, drafts, recipients, audit, lifecycle, archive, backup, statistics):
        module.register(commands)
    return parser
