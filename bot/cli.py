"""The `remissbot` command: run the bot, manage the directory and the database, show status."""

from __future__ import annotations

import argparse
import errno
import getpass
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from datetime import time as dt_time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.adapters.directory_file import DirectoryFileError, load_directory_file
from bot.adapters.rendering import default_texts
from bot.bootstrap import Core, build_core
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.organisation import OrgKind
from bot.core.domain.reminders import (
    PlannedReminder,
    ReminderPolicy,
    ReminderState,
    ScheduledReminder,
    policy_overrides,
)
from bot.core.domain.remiss import RemissStatus
from bot.core.ports.store import StoreUnavailable
from bot.core.usecases.results import Actor, RecipientRow, RemissOverview
from bot.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from bot.adapters.importer import ImportedRemiss

log = logging.getLogger("remissbot")

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_CONFIG = 2
# Waits between tries to reach Slack's auth.test at start: about 15 s in all, then exit 2.
SLACK_RETRY_DELAYS = (1, 2, 4, 8)

Sleep = Callable[[float], None]


class _CannotStart(Exception):
    """`serve` or `run` cannot start for a reason outside remissbot; the message is the Swedish line to print."""


def _version() -> str:
    try:
        return version("remissbot")
    except PackageNotFoundError:
        return "dev"


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
    except (SettingsError, StoreUnavailable, _CannotStart) as exc:
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
        print(f"remissbot: {_says('unexpected_error')}", file=sys.stderr)
        return EXIT_FAILED


def _says(name: str, /, **params: object) -> str:
    """The line `name` of templates/cli/messages.j2."""
    return default_texts().part("cli/messages.j2", name, **params)


def _help(name: str, /, **params: object) -> str:
    """The help text `name` of templates/cli/help.j2."""
    return default_texts().part("cli/help.j2", name, **params)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="remissbot", description=_help("description"), allow_abbrev=False)
    parser.add_argument("--debug", action="store_true", help=_help("debug"))
    parser.add_argument("--version", action="version", version=f"remissbot {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar=_help("command_metavar"))

    run = commands.add_parser("run", help=_help("run"))
    run.set_defaults(handler=cmd_run)
    serve = commands.add_parser("serve", help=_help("serve"))
    serve.add_argument("--host", default="0.0.0.0", help=_help("serve_host"))  # noqa: S104 - a server
    serve.add_argument("--port", type=int, default=None, help=_help("serve_port"))
    serve.add_argument("--threads", type=int, default=8, help=_help("serve_threads"))
    serve.set_defaults(handler=cmd_serve)
    demo = commands.add_parser("demo", help=_help("demo"))
    demo.add_argument("--dir", type=Path, default=None, help=_help("demo_dir"))
    demo.set_defaults(handler=cmd_demo)
    health = commands.add_parser("health", help=_help("health"))
    health.set_defaults(handler=cmd_health)
    status = commands.add_parser("status", help=_help("status"))
    status.add_argument("case_number", nargs="?", help=_help("status_case_number"))
    status.set_defaults(handler=cmd_status)

    db = commands.add_parser("db", help=_help("db")).add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help=_help("db_upgrade")).set_defaults(handler=cmd_db_upgrade)
    db.add_parser("status", help=_help("db_status")).set_defaults(handler=cmd_db_status)

    summary = commands.add_parser("summary", help=_help("summary"))
    summary.add_argument("case_number", help=_help("case_number"))
    summary.add_argument(
        "--format",
        dest="formats",
        action="append",
        choices=["docx", "html", "md"],
        help=_help("summary_format"),
    )
    summary.add_argument("--out", type=Path, default=Path("."), help=_help("summary_out"))
    summary.set_defaults(handler=cmd_summary)

    export = commands.add_parser("export", help=_help("export"))
    export.add_argument("case_number", help=_help("case_number"))
    export.add_argument("--out", type=Path, required=True, help=_help("export_out"))
    export.set_defaults(handler=cmd_export)

    importer = commands.add_parser("import", help=_help("import_document"))
    importer.add_argument("file", type=Path)
    importer.add_argument("--json", action="store_true", help=_help("import_json"))
    importer.add_argument("--save", action="store_true", help=_help("import_save"))
    importer.set_defaults(handler=cmd_import)

    reminders = commands.add_parser("reminders", help=_help("reminders"))
    reminder_commands = reminders.add_subparsers(
        dest="reminders_command", required=True, metavar=_help("command_metavar")
    )
    plan = reminder_commands.add_parser("plan", help=_help("reminders_plan"))
    plan.add_argument("case_number", help=_help("case_number"))
    plan.add_argument("--json", action="store_true", help=_help("reminders_plan_json"))
    plan.set_defaults(handler=cmd_reminders_plan)
    policy = reminder_commands.add_parser("policy", help=_help("reminders_policy"))
    policy.add_argument("case_number", help=_help("case_number"))
    policy.add_argument(
        "--set",
        dest="changes",
        metavar=_help("policy_set_metavar"),
        nargs="+",
        action="extend",
        default=[],
        help=_help("policy_set", keys=POLICY_KEYS),
    )
    policy.add_argument("--reset", action="store_true", help=_help("policy_reset"))
    policy.set_defaults(handler=cmd_reminders_policy)

    orgs = commands.add_parser("orgs", help=_help("orgs")).add_subparsers(dest="orgs_command", required=True)
    orgs.add_parser("list", help=_help("orgs_list")).set_defaults(handler=cmd_orgs_list)
    load = orgs.add_parser("load", help=_help("orgs_load"))
    load.add_argument("file", type=Path)
    load.set_defaults(handler=cmd_orgs_load)
    return parser


def _core(*, migrate: bool | None = None) -> Core:
    return build_core(load_settings(), migrate=migrate)


# -- commands --------------------------------------------------------------------------------------------
def cmd_orgs_list(args: argparse.Namespace, out: TextIO) -> int:
    core = _core()
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
    core = _core()
    try:
        before = {o.key for o in core.service.directory.directory().active()}
        core.service.directory.replace_directory(directory)
    finally:
        core.close()
    deactivated = sorted(before - {o.key for o in directory})
    out.write(
        texts.render("cli/directory_loaded.j2", path=args.file, count=len(directory), deactivated=deactivated) + "\n"
    )
    return EXIT_OK


def cmd_status(args: argparse.Namespace, out: TextIO) -> int:
    core = _core()
    try:
        overviews = (
            [core.service.queries.overview(args.case_number)]
            if args.case_number
            else core.service.queries.open_remisses()
        )
        # One remiss in detail also says what the registries registered.
        registered = core.service.registry.registrations(args.case_number) if args.case_number else []
    finally:
        core.close()
    counts = [o.count_names for o in overviews]
    detailed = bool(args.case_number)
    page = core.texts.render(
        "cli/status.j2", overviews=overviews, counts=counts, detailed=detailed, registered=registered
    )
    out.write(page + "\n")
    return EXIT_OK


def cmd_health(args: argparse.Namespace, out: TextIO) -> int:
    """Check what the bot needs, without Slack credentials: exit 0 only if everything answers."""
    from storage.migrate import current_revision, head_revision

    settings = load_settings()
    core = _core(migrate=False)
    try:
        core.store.check()
        revision = current_revision(core.engine)
        organisations = len(core.service.directory.directory().active())
        open_remisses = len(core.service.queries.open_remisses())
    finally:
        core.close()
    head = head_revision()
    out.write(
        core.texts.render(
            "cli/health.j2",
            version=_version(),
            database=_redacted(settings.database_url),
            database_ok=True,
            database_error="",
            schema=_says("schema_state", revision=revision, head=head),
            organisations=organisations,
            open_remisses=open_remisses,
            slack=_slack_state(settings),
        )
        + "\n"
    )
    return EXIT_OK


def _slack_state(settings: Settings) -> str:
    socket_mode = bool(settings.slack_bot_token and settings.slack_app_token)
    http_mode = bool(settings.slack_bot_token and settings.slack_signing_secret)
    return _says("slack_state", socket_mode=socket_mode, http_mode=http_mode)


def _redacted(url: str) -> str:
    """The database URL without its password."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return _says("invalid_database_url")


def cmd_db_upgrade(args: argparse.Namespace, out: TextIO) -> int:
    from storage.migrate import current_revision

    core = _core(migrate=True)
    try:
        out.write(_says("schema_upgraded", revision=current_revision(core.engine)) + "\n")
    finally:
        core.close()
    return EXIT_OK


def cmd_db_status(args: argparse.Namespace, out: TextIO) -> int:
    from storage import make_engine
    from storage.migrate import current_revision, head_revision

    settings = load_settings()
    engine = make_engine(settings.database_url)
    try:
        current = current_revision(engine)
    finally:
        engine.dispose()
    head = head_revision()
    out.write(_says("db_status", current=current, head=head) + "\n")
    return EXIT_OK


def cmd_run(args: argparse.Namespace, out: TextIO) -> int:
    """Socket Mode: one process holds a WebSocket to Slack; no public URL needed."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.bootstrap import running_bot

    settings = load_settings()
    bot_token, app_token = settings.require_socket_mode()
    _wait_for_slack(settings, bot_token, args.sleep)
    # Socket Mode needs no signing secret; Bolt still wants one, and it is never checked on this path.
    with running_bot(settings, token=bot_token, signing_secret=settings.slack_signing_secret or "-") as (_, app):
        log.info("%s", _says("starting_socket_mode", version=_version()))
        SocketModeHandler(app, app_token).start()  # type: ignore[no-untyped-call]
    return EXIT_OK


def cmd_serve(args: argparse.Namespace, out: TextIO) -> int:
    """HTTP mode behind a load balancer: waitress serves Bolt's WSGI adapter and /healthz."""
    from bot.bootstrap import HttpServer, build_wsgi_app, running_bot

    settings = load_settings()
    bot_token, signing_secret = settings.require_http_mode()
    port = args.port or settings.port
    _wait_for_slack(settings, bot_token, args.sleep)
    with running_bot(settings, token=bot_token, signing_secret=signing_secret) as (core, app):
        try:
            server = HttpServer(build_wsgi_app(core, app), host=args.host, port=port, threads=args.threads)
        except OSError as error:
            if error.errno != errno.EADDRINUSE:
                raise
            raise _CannotStart(default_texts().part("cli/serve.j2", "port_taken", host=args.host, port=port)) from None
        log.info("%s", _says("listening", version=_version(), host=args.host, port=port))
        server.serve_forever()
    return EXIT_OK


def _wait_for_slack(settings: Settings, token: str, sleep: Sleep) -> None:
    """Slack's auth.test answers (whatever it says: the app's own start reports a refusal), or _CannotStart
    after a few tries with growing waits; a network that is still coming up is given some seconds."""
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    url = settings.slack_api_url or WebClient.BASE_URL
    client = WebClient(token=token, base_url=url, timeout=10, retry_handlers=[])  # our own tries below
    texts = default_texts()
    for attempt, delay in enumerate([*SLACK_RETRY_DELAYS, None], start=1):
        try:
            client.auth_test()
            return
        except SlackApiError:
            return
        except OSError as error:  # refused, unresolvable, timed out (urllib's URLError is an OSError)
            reason = str(getattr(error, "reason", None) or error)
            if delay is None:
                unreachable = texts.part("cli/serve.j2", "slack_unreachable", url=url, attempts=attempt, reason=reason)
                raise _CannotStart(unreachable) from None
            log.warning(texts.part("cli/serve.j2", "slack_retry", url=url, reason=reason, seconds=delay))
            sleep(delay)


def cmd_summary(args: argparse.Namespace, out: TextIO) -> int:
    """Write the summary files; the completeness check stops it with the reasons if anything is missing."""
    from bot.adapters.summary import summary_command

    core = _core()
    try:
        formats = args.formats or ["docx", "html", "md"]
        return summary_command(core.service, core.texts, args.case_number, formats, args.out, out, sys.stderr)
    finally:
        core.close()


def cmd_export(args: argparse.Namespace, out: TextIO) -> int:
    """The remiss's documents and metadata for the registry, in a folder."""
    from bot.adapters.export import export_command

    core = _core()
    try:
        return export_command(core.service, core.texts, args.case_number, args.out, out, sys.stderr)
    finally:
        core.close()


def cmd_import(args: argparse.Namespace, out: TextIO) -> int:
    """Read a remiss document; with --save, store it as a draft for the coordinator to review and send."""
    from bot.adapters.importer import run_import

    core = _core()
    try:
        save = _draft_saver(core) if args.save else None
        return run_import(
            args.file, directory=core.service.directory.directory(), as_json=args.json, out=out, save=save
        )
    finally:
        core.close()


def _draft_saver(core: Core) -> Callable[[ImportedRemiss], str]:
    """Store an import as a draft, acting as the operator at the command line (trusted like a coordinator)."""
    from bot.adapters.importer import SaveRefused
    from bot.core.domain.remiss import suggested_question_kind
    from bot.core.usecases.results import Actor, RemissInput

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
        )
        try:
            return core.service.drafting.create_draft(
                Actor(f"cli:{getpass.getuser()}", is_coordinator=True), data
            ).case_number
        except DomainError as refused:
            raise SaveRefused(core.texts.error(refused)) from refused

    return save


# -- reminders ------------------------------------------------------------------------------------------
# The settings a remiss can have of its own, as bot.core.domain.reminders.policy_with reads them.
POLICY_KEYS = (
    "send_at",
    "before_deadline",
    "on_deadline_morning",
    "nudge_unopened_after",
    "before_submission",
    "overdue_after",
    "escalate_after",
    "office_hours",
)
_OFF_WORDS = ("av", "off", "nej", "no", "false", "0")
_ON_WORDS = ("ja", "på", "on", "yes", "true", "1")


class _Refused(Exception):
    """Bad input to a reminders command; the message is the Swedish line to print."""


def _reminder_text(core: Core, part: str, **extra: object) -> str:
    return core.texts.part("cli/reminder_messages.j2", part, **extra)


def _refuse_unknown(core: Core, error: DomainError) -> _Refused:
    if error.code is ErrorCode.UNKNOWN_REMISS:
        return _Refused(_reminder_text(core, "unknown_case", case_number=error.params.get("case_number", "")))
    return _Refused(core.texts.error(error))


def cmd_reminders_plan(args: argparse.Namespace, out: TextIO) -> int:
    """Every reminder of one remiss, planned or settled, recipient by recipient in directory order."""
    core = _core()
    try:
        try:
            overview = core.service.queries.overview(args.case_number)
            rows = core.service.reminding.reminder_plan(overview.remiss.case_number)
        except DomainError as error:
            raise _refuse_unknown(core, error) from error
    except _Refused as refused:
        print(f"remissbot: {refused}", file=sys.stderr)
        return EXIT_CONFIG
    finally:
        core.close()
    tz = core.service.config.tz
    by_organisation: dict[str, list[ScheduledReminder]] = {}
    for row in rows:
        by_organisation.setdefault(row.organisation.key, []).append(row.scheduled)
    recipients = [
        _PlanRecipient(r, [_PlanLine.of(s, tz) for s in by_organisation.get(r.organisation.key, [])])
        for r in overview.rows
    ]
    if args.json:
        out.write(json.dumps(_plan_json(overview, recipients, tz), ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    out.write(
        core.texts.render("cli/reminder_plan.j2", remiss=overview.remiss, recipients=recipients, timezone=str(tz))
        + "\n"
    )
    return EXIT_OK


@dataclass(frozen=True)
class _PlanLine:
    """One reminder as the plan shows it: its local time, and when it was settled if that was later."""

    scheduled: ScheduledReminder
    local: datetime
    decided: datetime | None
    late: datetime | None  # sent or skipped a minute or more after its time (after an outage)

    @property
    def reminder(self) -> PlannedReminder:
        return self.scheduled.reminder

    @classmethod
    def of(cls, scheduled: ScheduledReminder, tz: tzinfo) -> _PlanLine:
        due = scheduled.reminder.due_at
        decided = scheduled.decided_at.astimezone(tz) if scheduled.decided_at is not None else None
        settled = scheduled.state in (ReminderState.SENT, ReminderState.SKIPPED)
        late = decided if decided is not None and settled and decided - due >= timedelta(minutes=1) else None
        return cls(scheduled, due.astimezone(tz), decided, late)


@dataclass(frozen=True)
class _PlanRecipient:
    row: RecipientRow
    reminders: list[_PlanLine]


def _plan_json(overview: RemissOverview, recipients: list[_PlanRecipient], tz: tzinfo) -> dict[str, object]:
    """The plan for machines: ISO times with their UTC offset, English enum values, stable keys."""
    remiss = overview.remiss

    def reminder(line: _PlanLine) -> dict[str, object]:
        planned, scheduled = line.reminder, line.scheduled
        return {
            "key": planned.key,
            "kind": planned.kind.value,
            "to": planned.to,
            "due_at": line.local.isoformat(),
            "local_date": planned.local_date.isoformat(),
            "working_days_left": planned.working_days_left,
            "deadline": planned.deadline.isoformat(),
            "state": scheduled.state.value,
            # Why it was skipped (a Decision value) or cancelled ("replanned", "snoozed").
            "reason": scheduled.reason if scheduled.reason and scheduled.state is not ReminderState.SENT else None,
            "decided_at": line.decided.isoformat() if line.decided is not None else None,
        }

    return {
        "case_number": remiss.case_number,
        "title": remiss.title,
        "status": remiss.status.value,
        "deadline": remiss.deadline.isoformat(),
        "timezone": str(tz),
        "recipients": [
            {
                "organisation": entry.row.organisation.key,
                "name": entry.row.organisation.name,
                "deadline": entry.row.recipient.deadline.isoformat(),
                "status": entry.row.status.value,
                "reminders": [reminder(line) for line in entry.reminders],
            }
            for entry in recipients
        ],
    }


def cmd_reminders_policy(args: argparse.Namespace, out: TextIO) -> int:
    """Show a remiss's reminder settings; --set changes some of them, --reset goes back to the global ones."""
    core = _core()
    try:
        return _reminders_policy(core, args, out)
    except _Refused as refused:
        print(f"remissbot: {refused}", file=sys.stderr)
        return EXIT_CONFIG
    finally:
        core.close()


def _reminders_policy(core: Core, args: argparse.Namespace, out: TextIO) -> int:
    service = core.service
    try:
        remiss = service.queries.overview(args.case_number).remiss
        current = service.reminding.reminder_policy_for(remiss.case_number)
    except DomainError as error:
        raise _refuse_unknown(core, error) from error
    changed = bool(args.changes or args.reset)
    if changed:
        overrides = {} if args.reset else policy_overrides(current, service.config.reminder_policy)
        for change in args.changes:
            key, value = _policy_change(core, change)
            overrides[key] = value
        _check_hours(core, service.config.reminder_policy, overrides)
        try:
            service.reminding.set_reminder_policy(_cli_actor(), remiss.case_number, overrides or None)
        except DomainError as error:
            raise _Refused(core.texts.error(error)) from error
        current = service.reminding.reminder_policy_for(remiss.case_number)
    own = policy_overrides(current, service.config.reminder_policy)
    out.write(
        core.texts.render(
            "cli/reminder_policy.j2",
            remiss=remiss,
            policy=current,
            own=own,
            keys=POLICY_KEYS,
            changed=changed,
            replanned=changed and remiss.status is RemissStatus.SENT,
        )
        + "\n"
    )
    return EXIT_OK


def _cli_actor() -> Actor:
    """The operator at the command line, trusted like a coordinator (as `import --save` is)."""
    return Actor(f"cli:{getpass.getuser()}", is_coordinator=True)


def _policy_change(core: Core, text: str) -> tuple[str, object]:
    """One `key=value` of --set, in the stored form policy_with reads; its own checks say the rest."""
    key, equals, raw = text.partition("=")
    key, raw = key.strip(), raw.strip()
    if not equals:
        raise _Refused(_reminder_text(core, "not_key_value", text=text, keys=POLICY_KEYS))
    if key not in POLICY_KEYS:
        raise _Refused(_reminder_text(core, "unknown_key", key=key, keys=POLICY_KEYS))
    word = raw.lower()
    if key in ("nudge_unopened_after", "before_submission", "overdue_after", "escalate_after"):
        return key, None if word in _OFF_WORDS else int(raw) if raw.isdigit() else raw
    if key == "before_deadline":
        if word in _OFF_WORDS:
            return key, []
        return key, [int(p) if p.strip().isdigit() else p.strip() for p in raw.split(",")]
    if key == "on_deadline_morning":
        if word not in _ON_WORDS + _OFF_WORDS:
            raise _Refused(_reminder_text(core, "not_yes_no", key=key, value=raw))
        return key, word in _ON_WORDS
    if key == "send_at":
        return key, _clock_text(core, key, raw)
    start, dash, end = raw.replace("–", "-").partition("-")
    if not dash:
        raise _Refused(_reminder_text(core, "not_hours", key=key, value=raw))
    return key, [_clock_text(core, key, start), _clock_text(core, key, end)]


def _clock_text(core: Core, key: str, text: str) -> str:
    """ "9:30", "09.30" → "09:30"."""
    hours, sep, minutes = text.strip().replace(".", ":").partition(":")
    if not (sep and hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise _Refused(_reminder_text(core, "not_clock", key=key, value=text.strip()))
    clock = dt_time.fromisoformat(f"{int(hours):02d}:{minutes}") if int(hours) < 24 and int(minutes) < 60 else None
    if clock is None:
        raise _Refused(_reminder_text(core, "not_clock", key=key, value=text.strip()))
    return clock.strftime("%H:%M")


def _check_hours(core: Core, base: ReminderPolicy, overrides: dict[str, object]) -> None:
    """Reminders go within office hours: refused here in Swedish, before the policy refuses it in English."""
    send_at = dt_time.fromisoformat(str(overrides["send_at"])) if "send_at" in overrides else base.send_at
    hours = overrides.get("office_hours")
    start, end = (
        (dt_time.fromisoformat(str(hours[0])), dt_time.fromisoformat(str(hours[1])))
        if isinstance(hours, list)
        else base.office_hours
    )
    if not start < end:
        raise _Refused(_reminder_text(core, "hours_backwards", start=start, end=end))
    if not start <= send_at < end:
        raise _Refused(_reminder_text(core, "outside_hours", send_at=send_at, start=start, end=end))


def cmd_demo(args: argparse.Namespace, out: TextIO) -> int:
    from devtools.demo import run_demo

    return run_demo(out, directory=args.dir, env=os.environ)


if __name__ == "__main__":
    sys.exit(main())
