"""`remissbot run`, `serve`, `health`, `db` and `demo`: starting the bot and checking what it needs."""

from __future__ import annotations

import argparse
import errno
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from bot.adapters.rendering import default_texts
from bot.adapters.version import remissbot_version
from bot.cli.common import (
    EXIT_OK,
    CannotStart,
    Sleep,
    help_text,
    open_core,
    says,
)
from bot.settings import Settings, load_settings

if TYPE_CHECKING:
    from bot.bootstrap import Core

log = logging.getLogger("remissbot")

# Waits between tries to reach Slack's auth.test at start: about 15 s in all, then exit 2.
SLACK_RETRY_DELAYS = (1, 2, 4, 8)


def register(commands: Any) -> None:
    """Add this module's commands to the `remissbot` parser's subcommands."""
    run = commands.add_parser("run", help=help_text("run"))
    # Read as text and checked by the command, so that a wrong value gets a Swedish line, not argparse's English.
    run.add_argument("--health-port", default=None, metavar="PORT", help=help_text("run_health_port"))
    run.add_argument("--health-host", default="0.0.0.0", help=help_text("run_health_host"))  # noqa: S104 - a server
    run.set_defaults(handler=cmd_run)
    serve = commands.add_parser("serve", help=help_text("serve"))
    serve.add_argument("--host", default="0.0.0.0", help=help_text("serve_host"))  # noqa: S104 - a server
    serve.add_argument("--port", type=int, default=None, help=help_text("serve_port"))
    serve.add_argument("--threads", type=int, default=8, help=help_text("serve_threads"))
    serve.set_defaults(handler=cmd_serve)
    demo = commands.add_parser("demo", help=help_text("demo"))
    demo.add_argument("--dir", type=Path, default=None, help=help_text("demo_dir"))
    demo.set_defaults(handler=cmd_demo)
    health = commands.add_parser("health", help=help_text("health"))
    health.set_defaults(handler=cmd_health)
    db = commands.add_parser("db", help=help_text("db")).add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help=help_text("db_upgrade")).set_defaults(handler=cmd_db_upgrade)
    db.add_parser("status", help=help_text("db_status")).set_defaults(handler=cmd_db_status)


def cmd_health(args: argparse.Namespace, out: TextIO) -> int:
    """Check what the bot needs, without Slack credentials: exit 0 only if everything answers."""
    from storage.migrate import current_revision, head_revision

    settings = load_settings()
    core = open_core(migrate=False)
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
            version=remissbot_version(),
            database=_redacted(settings.database_url),
            database_ok=True,
            database_error="",
            schema=says("schema_state", revision=revision, head=head),
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
    return says("slack_state", socket_mode=socket_mode, http_mode=http_mode)


def _redacted(url: str) -> str:
    """The database URL without its password."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return says("invalid_database_url")


def cmd_db_upgrade(args: argparse.Namespace, out: TextIO) -> int:
    from storage.migrate import current_revision

    core = open_core(migrate=True)
    try:
        out.write(says("schema_upgraded", revision=current_revision(core.engine)) + "\n")
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
    out.write(says("db_status", current=current, head=head) + "\n")
    return EXIT_OK


def cmd_run(args: argparse.Namespace, out: TextIO) -> int:
    """Socket Mode: one process holds a WebSocket to Slack; no public URL needed. With --health-port, a small HTTP
    server answers /healthz and /metrics (serve's own), up before the connection to Slack is."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler
    from slack_sdk.errors import SlackApiError

    from bot.bootstrap import running_bot

    settings = load_settings()
    bot_token, app_token = settings.require_socket_mode()
    health_port = None if args.health_port is None else _port_number(args.health_port)
    _wait_for_slack(settings, bot_token, args.sleep)
    # Socket Mode needs no signing secret; Bolt still wants one, and it is never checked on this path.
    with (
        running_bot(settings, token=bot_token, signing_secret=settings.slack_signing_secret or "-") as (core, app),
        _health_server(core, args.health_host, health_port),
    ):
        log.info("%s", says("starting_socket_mode", version=remissbot_version()))
        try:
            SocketModeHandler(app, app_token).start()  # type: ignore[no-untyped-call]
        except SlackApiError as error:  # apps.connections.open refused: a wrong or revoked app token
            refused = default_texts().part("cli/serve.j2", "socket_mode_refused", error=error.response.get("error"))
            raise CannotStart(refused) from None
    return EXIT_OK


def _port_number(text: str) -> int:
    """A TCP port to listen on, 1–65535, or CannotStart saying what to give instead."""
    value = text.strip()
    if not (value.isascii() and value.isdigit() and 1 <= int(value) <= 65535):
        raise CannotStart(default_texts().part("cli/serve.j2", "health_port_invalid", value=text))
    return int(value)


@contextmanager
def _health_server(core: Core, host: str, port: int | None) -> Iterator[None]:
    """/healthz and /metrics on their own port while Socket Mode runs (nothing without a port)."""
    from bot.bootstrap import HttpServer, build_wsgi_app

    if port is None:
        yield
        return
    texts = default_texts()
    try:
        server = HttpServer(build_wsgi_app(core, None), host=host, port=port, threads=2)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise CannotStart(texts.part("cli/serve.j2", "health_port_taken", host=host, port=port)) from None
        reason = error.strerror or str(error)
        raise CannotStart(
            texts.part("cli/serve.j2", "health_port_unusable", host=host, port=port, reason=reason)
        ) from None
    server.start()
    log.info("%s", says("health_listening", host=host, port=port))
    try:
        yield
    finally:
        server.stop()


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
            raise CannotStart(default_texts().part("cli/serve.j2", "port_taken", host=args.host, port=port)) from None
        log.info("%s", says("listening", version=remissbot_version(), host=args.host, port=port))
        server.serve_forever()
    return EXIT_OK


def _wait_for_slack(settings: Settings, token: str, sleep: Sleep) -> None:
    """Slack's auth.test answers (whatever it says: the app's own start reports a refusal), or CannotStart
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
                raise CannotStart(unreachable) from None
            log.warning(texts.part("cli/serve.j2", "slack_retry", url=url, reason=reason, seconds=delay))
            sleep(delay)


def cmd_demo(args: argparse.Namespace, out: TextIO) -> int:
    from devtools.demo import run_demo

    return run_demo(out, directory=args.dir, env=os.environ)
