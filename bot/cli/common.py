"""What every `remissbot` command shares: exit codes, the texts, the core, the operator as actor."""

from __future__ import annotations

import argparse
import getpass
from collections.abc import Callable
from typing import Any, TextIO

from bot.adapters.rendering import default_texts
from bot.bootstrap import Core, build_core, slack_user_directory
from bot.core.ports.users import UserDirectory
from bot.core.usecases.results import Actor
from bot.settings import Settings, load_settings

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_CONFIG = 2

Sleep = Callable[[float], None]
Command = Callable[[argparse.Namespace, TextIO], int]


class CannotStart(Exception):
    """`serve` or `run` cannot start for a reason outside remissbot; the message is the Swedish line to print."""


class Refused(Exception):
    """Bad input to a command; the message is the Swedish line to print (exit 2)."""


def says(name: str, /, **params: object) -> str:
    """The line `name` of templates/cli/messages.j2."""
    return default_texts().part("cli/messages.j2", name, **params)


def help_text(name: str, /, **params: object) -> str:
    """The help text `name` of templates/cli/help.j2."""
    return default_texts().part("cli/help.j2", name, **params)


def case_command(commands: Any, name: str, handler: Command, help_name: str = "") -> argparse.ArgumentParser:
    """`remissbot NAME DIARIENUMMER …`: a command on one remiss, run by `handler`, its help `help_name` of
    templates/cli/help.j2 (NAME's by default). Returns its parser for the command's other arguments."""
    command: argparse.ArgumentParser = commands.add_parser(name, help=help_text(help_name or name))
    command.add_argument("case_number", help=help_text("case_number"))
    command.set_defaults(handler=handler)
    return command


def open_core(*, migrate: bool | None = None) -> Core:
    return build_core(load_settings(), migrate=migrate)


def slack_users(settings: Settings) -> UserDirectory | None:
    """People's names come from Slack when the bot's token is configured; without it the ids are shown."""
    if not settings.slack_bot_token:
        return None
    from slack_sdk import WebClient

    base_url = settings.slack_api_url or WebClient.BASE_URL
    client = WebClient(token=settings.slack_bot_token, base_url=base_url, timeout=10)
    return slack_user_directory(client)


def cli_actor() -> Actor:
    """The operator at the command line, trusted like a coordinator."""
    return Actor(f"cli:{getpass.getuser()}", is_coordinator=True)


def write_bytes(out: TextIO, data: bytes) -> None:
    """Bytes to standard output as they are (a file's UTF-8 with its BOM, say), after any text written before."""
    out.flush()
    binary = getattr(out, "buffer", None)
    if binary is not None:
        binary.write(data)
        binary.flush()
    else:  # a text stream without bytes underneath (a test's capture): the same text
        out.write(data.decode("utf-8"))
