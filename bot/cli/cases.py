"""`remissbot status`, `summary`, `export`, `import` and `orgs`: a remiss's case and the directory."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from bot.adapters.audit_files import PeopleNames
from bot.adapters.directory_file import DirectoryFileError, load_directory_file
from bot.adapters.rendering import default_texts
from bot.bootstrap import Core, build_core
from bot.cli import drafts
from bot.cli.common import EXIT_FAILED, EXIT_OK, case_command, cli_actor, help_text, open_core, slack_users
from bot.cli.recipients import offers_text
from bot.core.domain.errors import DomainError
from bot.core.domain.organisation import OrgKind
from bot.settings import load_settings

if TYPE_CHECKING:
    from bot.adapters.importer import ImportedRemiss


def register(commands: Any) -> None:
    """Add this module's commands to the `remissbot` parser's subcommands."""
    status = commands.add_parser("status", help=help_text("status"))
    status.add_argument("case_number", nargs="?", help=help_text("status_case_number"))
    status.add_argument("--drafts", action="store_true", help=help_text("status_drafts"))
    status.set_defaults(handler=cmd_status)
    summary = case_command(commands, "summary", cmd_summary)
    summary.add_argument(
        "--format",
        dest="formats",
        action="append",
        choices=["docx", "html", "md", "pdf"],
        help=help_text("summary_format"),
    )
    summary.add_argument("--out", type=Path, default=Path("."), help=help_text("summary_out"))
    export = case_command(commands, "export", cmd_export)
    export.add_argument("--out", type=Path, required=True, help=help_text("export_out"))
    importer = commands.add_parser("import", help=help_text("import_document"))
    importer.add_argument("file", type=Path)
    importer.add_argument("--json", action="store_true", help=help_text("import_json"))
    importer.add_argument("--save", action="store_true", help=help_text("import_save"))
    importer.add_argument("--coordinator", metavar="U…", help=help_text("import_coordinator"))
    importer.add_argument("--short-title", metavar="TEXT", help=help_text("import_short_title"))
    importer.set_defaults(handler=cmd_import)
    orgs = commands.add_parser("orgs", help=help_text("orgs")).add_subparsers(dest="orgs_command", required=True)
    orgs.add_parser("list", help=help_text("orgs_list")).set_defaults(handler=cmd_orgs_list)
    load = orgs.add_parser("load", help=help_text("orgs_load"))
    load.add_argument("file", type=Path)
    load.set_defaults(handler=cmd_orgs_load)


def cmd_orgs_list(args: argparse.Namespace, out: TextIO) -> int:
    core = open_core()
    try:
        directory = core.service.directory.directory()
    finally:
        core.close()
    out.write(
        core.texts.render(
            "cli/orgs_list.j2",
            organisations=list(directory),
            count_namnd=len(directory.of_kind(OrgKind.NAMND)),
            count_bolag=len(directory.of_kind(OrgKind.BOLAG)),
            today=core.service.today(),
        )
        + "\n"
    )
    return EXIT_OK


def cmd_orgs_load(args: argparse.Namespace, out: TextIO) -> int:
    texts = default_texts()
    try:
        directory = load_directory_file(args.file)
    except DirectoryFileError as exc:
        problems = [
            {"line": p.line, "field": p.field, "message": texts.message("dir_" + p.code, value=p.value)}
            for p in exc.problems
        ]
        print(texts.render("cli/directory_errors.j2", path=exc.path, problems=problems), file=sys.stderr)
        return EXIT_FAILED
    core = open_core()
    try:
        before = {o.key for o in core.service.directory.directory().active()}
        offers = core.service.directory.replace_directory(directory)
    finally:
        core.close()
    deactivated = sorted(before - {o.key for o in directory})
    out.write(
        texts.render("cli/directory_loaded.j2", path=args.file, count=len(directory), deactivated=deactivated) + "\n"
    )
    if offers:  # the open remisses it gives contacts to: the command that sends to them
        out.write(offers_text(texts, offers) + "\n")
    return EXIT_OK


def cmd_status(args: argparse.Namespace, out: TextIO) -> int:
    if args.drafts:
        return drafts.cmd_drafts(args, out)
    settings = load_settings()
    core = build_core(settings, users=slack_users(settings))  # people are named, not shown as Slack ids
    try:
        overviews = (
            [core.service.queries.overview(args.case_number)]
            if args.case_number
            else core.service.queries.open_remisses()
        )
        # One remiss in detail also says what the registries registered; the list ends with the closed ones.
        registered = core.service.registry.registrations(args.case_number) if args.case_number else []
        closed = [] if args.case_number else core.service.queries.closed_remisses()
    finally:
        core.close()
    counts = [o.count_names for o in overviews]
    detailed = bool(args.case_number)
    page = core.texts.render(
        "cli/status.j2",
        overviews=overviews,
        counts=counts,
        detailed=detailed,
        registered=registered,
        closed=closed,
        names=PeopleNames(core.service.shared.users, core.texts),
    )
    out.write(page + "\n")
    return EXIT_OK


def cmd_summary(args: argparse.Namespace, out: TextIO) -> int:
    """Write the summary files; the completeness check stops it with the reasons if anything is missing."""
    from bot.adapters.summary import summary_command

    settings = load_settings()
    core = build_core(settings, users=slack_users(settings))
    try:
        formats = args.formats or ["docx", "html", "md"]
        return summary_command(core.service, core.texts, args.case_number, formats, args.out, out, sys.stderr)
    finally:
        core.close()


def cmd_export(args: argparse.Namespace, out: TextIO) -> int:
    """The remiss's documents and metadata for the registry, in a folder."""
    from bot.adapters.export import export_command

    core = open_core()
    try:
        return export_command(core.service, core.texts, args.case_number, args.out, out, sys.stderr)
    finally:
        core.close()


def cmd_import(args: argparse.Namespace, out: TextIO) -> int:
    """Read a remiss document; with --save, store it as a draft for the coordinator to review and send."""
    from bot.adapters.importer import run_import

    core = open_core()
    try:
        # A real coordinator owns the draft (its status message and the App Home's Utkast are theirs).
        owner = drafts.draft_owner(core.settings, args.coordinator) if args.save else ""
        saved: list[str] = []
        save = _draft_saver(core, owner, saved, args.short_title or "") if args.save else None
        code = run_import(
            args.file, directory=core.service.directory.directory(), as_json=args.json, out=out, save=save
        )
    finally:
        core.close()
    if saved and code == EXIT_OK and not args.json:
        out.write(drafts.saved_note(saved[0], owner) + "\n")
    return code


def _draft_saver(core: Core, owner: str, saved: list[str], short_title: str) -> Callable[[ImportedRemiss], str]:
    """Store an import as a draft owned by `owner`, acting as the operator at the command line (trusted like a
    coordinator; the audit trail names the operator); its kortrubrik `short_title` when given, else the one the
    document states, else the one suggested from the title."""
    from bot.adapters.importer import SaveRefused
    from bot.core.domain.offices import named_office
    from bot.core.domain.remiss import suggested_question_kind
    from bot.core.usecases.results import RemissInput

    def save(result: ImportedRemiss) -> str:
        if result.case_number is None or result.title is None or result.deadline is None:
            raise SaveRefused(core.texts.message("import_incomplete"))
        data = RemissInput(
            case_number=result.case_number,
            title=result.title,
            questions=[(q, suggested_question_kind(q)) for q in result.questions],
            deadline=result.deadline,
            recipient_keys=[r.organisation.key for r in result.recipients if r.organisation is not None],
            contact=result.contact.name if result.contact else "",
            short_title=short_title or result.short_title or "",
            # The office the document names, when it is a sending office; else the configured default.
            sender_key=named_office(
                result.sender_organisation.key if result.sender_organisation else None,
                core.service.config.sending_offices,
            ),
        )
        try:
            case_number = core.service.drafting.create_draft(cli_actor(), data, owner=owner).case_number
        except DomainError as refused:
            raise SaveRefused(core.texts.error(refused)) from refused
        saved.append(case_number)
        return case_number

    return save
