"""`remissbot send` and `remissbot status --drafts`: drafts saved anywhere (Slack, `import --save`), listed and
sent from the command line with the same checks as *Skicka remissen* in Slack; and who owns an imported draft."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from bot.adapters.audit_files import PeopleNames
from bot.adapters.rendering import default_texts
from bot.bootstrap import build_core
from bot.cli.common import EXIT_OK, case_command, cli_actor, open_core, slack_users
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.organisation import is_slack_user_id
from bot.settings import Settings, load_settings

TEMPLATE = "cli/drafts.j2"


def register(commands: Any) -> None:
    """Add `remissbot send` to the parser's subcommands (`status --drafts` and `import --coordinator` are
    options of commands in cases.py, handled here)."""
    case_command(commands, "send", cmd_send)


def draft_owner(settings: Settings, given: str | None) -> str:
    """Who owns a draft saved from the command line: `--coordinator U…`, else the first global coordinator in
    REMISSBOT_COORDINATORS; a refusal (DomainError, in Swedish) when neither is a Slack user id."""
    if given is not None:
        if not is_slack_user_id(given.strip()):
            raise DomainError(ErrorCode.INVALID_DRAFT_OWNER, owner=given)
        return given.strip()
    configured = next((c for c in settings.coordinators if is_slack_user_id(c)), None)
    if configured is None:
        raise DomainError(ErrorCode.NO_DRAFT_OWNER)
    return configured


def cmd_drafts(args: argparse.Namespace, out: TextIO) -> int:
    """`remissbot status --drafts`: every draft not yet sent, who owns it, and what it lacks to be sent."""
    settings = load_settings()
    core = build_core(settings, users=slack_users(settings))  # the owners are named, not shown as Slack ids
    try:
        rows = core.service.queries.drafts()
    finally:
        core.close()
    names = PeopleNames(core.service.shared.users, core.texts)
    out.write(core.texts.part(TEMPLATE, "drafts", rows=rows, names=names) + "\n")
    return EXIT_OK


def cmd_send(args: argparse.Namespace, out: TextIO) -> int:
    """`remissbot send DIARIENUMMER`: mark the draft sent and queue its DMs; the bot delivers them when it runs.
    A refusal (sent already, unknown, incomplete, deadline passed) is one Swedish line and exit 1."""
    core = open_core()
    try:
        report = core.service.drafting.send(cli_actor(), args.case_number)
        directory = core.service.directory.directory()
    finally:
        core.close()
    reachable = [directory.require(r.organisation_key) for r in report.reachable]
    officials = {r.organisation_key: r.officials for r in report.reachable}
    threshold = core.settings.short_window_days
    page = core.texts.part(
        TEMPLATE, "sent", report=report, reachable=reachable, officials=officials, threshold=threshold
    )
    out.write(page + "\n")
    return EXIT_OK


def saved_note(case_number: str, owner: str) -> str:
    """The line after `import --save`: who owns the draft and where to send it from."""
    return default_texts().part(TEMPLATE, "saved", case_number=case_number, owner=owner)
