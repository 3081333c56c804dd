"""`remissbot audit DIARIENUMMER [--json|--csv]`: a remiss's audit trail, readable: every entry with when, who
(name and id), what, and its details."""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from bot.adapters.audit_files import audit_csv, audit_json, audit_rows
from bot.adapters.rendering import default_texts
from bot.bootstrap import build_core
from bot.cli.common import EXIT_CONFIG, EXIT_OK, slack_users, write_bytes
from bot.core.domain.errors import DomainError, ErrorCode
from bot.settings import load_settings

_TEMPLATE = "audit/cli.j2"


def _says(name: str, /, **params: object) -> str:
    return default_texts().part(_TEMPLATE, name, **params)


def register(commands: Any) -> None:
    """Add `audit` to the `remissbot` parser's subcommands."""
    audit = commands.add_parser("audit", help=_says("help"))
    audit.add_argument("case_number", help=_says("help_case_number"))
    formats = audit.add_mutually_exclusive_group()
    formats.add_argument("--json", action="store_true", help=_says("help_json"))
    formats.add_argument("--csv", action="store_true", help=_says("help_csv"))
    audit.set_defaults(handler=cmd_audit)


def cmd_audit(args: argparse.Namespace, out: TextIO) -> int:
    """The list (default), or the same rows as JSON or CSV on standard output (redirect it to a file)."""
    settings = load_settings()
    core = build_core(settings, users=slack_users(settings))
    try:
        try:
            trail = core.service.queries.audit_record(args.case_number)
            rows = audit_rows(core.service, core.texts, trail.remiss.case_number)
        except DomainError as error:
            if error.code is not ErrorCode.UNKNOWN_REMISS:
                raise
            print(f"remissbot: {_says('unknown_case', case_number=args.case_number)}", file=sys.stderr)
            return EXIT_CONFIG
    finally:
        core.close()
    if args.json or args.csv:
        write_bytes(out, audit_json(rows) if args.json else audit_csv(rows))
        return EXIT_OK
    out.write(core.texts.part(_TEMPLATE, "listing", remiss=trail.remiss, rows=rows) + "\n")
    return EXIT_OK
