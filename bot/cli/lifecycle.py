"""`remissbot close`, `reopen` and `withdraw`: avsluta, återöppna and återkalla a remiss from the command line,
acting as the operator (trusted like a coordinator), with the same rules and messages as in Slack."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any, TextIO

from bot.cli.common import EXIT_OK, case_command, cli_actor, help_text, open_core, says
from bot.core.domain.remiss import Remiss, RemissStatus
from bot.core.usecases import UseCases


def register(commands: Any) -> None:
    """Add this module's commands to the `remissbot` parser's subcommands."""
    case_command(commands, "close", cmd_close)
    case_command(commands, "reopen", cmd_reopen)
    withdraw = case_command(commands, "withdraw", cmd_withdraw)
    withdraw.add_argument("--reason", required=True, help=help_text("withdraw_reason"))


def cmd_close(args: argparse.Namespace, out: TextIO) -> int:
    return _act(out, "remiss_closed", lambda service: service.lifecycle.close(cli_actor(), args.case_number))


def cmd_reopen(args: argparse.Namespace, out: TextIO) -> int:
    return _act(out, "remiss_reopened", lambda service: service.lifecycle.reopen(cli_actor(), args.case_number))


def _act(out: TextIO, said: str, act: Callable[[UseCases], Remiss]) -> int:
    """Close or reopen through the use cases, then say so with the remiss's case number and title."""
    core = open_core()
    try:
        remiss = act(core.service)
    finally:
        core.close()
    out.write(says(said, case_number=remiss.case_number, title=remiss.title) + "\n")
    return EXIT_OK


def cmd_withdraw(args: argparse.Namespace, out: TextIO) -> int:
    core = open_core()
    try:
        was_draft = core.service.queries.overview(args.case_number).remiss.status is RemissStatus.DRAFT
        remiss = core.service.lifecycle.withdraw(cli_actor(), args.case_number, args.reason)
    finally:
        core.close()
    out.write(says("remiss_withdrawn", case_number=remiss.case_number, title=remiss.title, was_draft=was_draft) + "\n")
    return EXIT_OK
