"""`remissbot archive`: a closed remiss as an E-ARK SIP archive package."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from bot.cli.common import case_command, help_text, open_core


def register(commands: Any) -> None:
    """Add this module's commands to the `remissbot` parser's subcommands."""
    archive = case_command(commands, "archive", cmd_archive)
    archive.add_argument("--out", type=Path, required=True, help=help_text("archive_out"))
    archive.add_argument("--zip", action="store_true", help=help_text("archive_zip"))


def cmd_archive(args: argparse.Namespace, out: TextIO) -> int:
    """Write the package as a folder named after the diarienummer in --out."""
    from bot.adapters.archive import archive_command

    core = open_core()
    try:
        return archive_command(core.service, core.texts, args.case_number, args.out, out, sys.stderr, as_zip=args.zip)
    finally:
        core.close()
