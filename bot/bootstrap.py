"""The composition root: settings → engine → store → service → Bolt app → HTTP server or Socket Mode."""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.adapters.calendar_se import SwedishCalendar
from bot.adapters.directory_file import shipped_directory
from bot.adapters.precedence import Precedence, Unwatched, Watched
from bot.adapters.rendering import Texts, default_texts
from bot.core.clock import Clock, SystemClock
from bot.core.ports.metrics import NoMetrics
from bot.core.ports.pace import SendBudget
from bot.core.ports.store import Store, StoreUnavailable
from bot.core.ports.users import UserDirectory
from bot.core.usecases import UseCases, build_use_cases
from bot.settings import Settings

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

    from slack_bolt import App
    from slack_sdk import WebClient
    from sqlalchemy.engine import Engine

    from bot.adapters.metrics import PrometheusMetrics

log = logging.getLogger(__name__)

SLACK_EVENTS_PATH = "/slack/events"
# Threads for every listener's work after its ack (handlers/listening.py).
WORK_THREADS = 32
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"


@dataclass
class Core:
    """Everything below Slack: built once per process, shared by every listener thread."""

    settings: Settings
    engine: Engine
    store: Store
    service: UseCases
    texts: Texts
    clock: Clock
    executors: list[Executor] = field(default_factory=list)
    # This process's metrics (bot/adapters/metrics.py), served on /metrics; None: nothing is counted.
    metrics: PrometheusMetrics | None = None
    # Answer forms on their way, which the listeners' best-effort work and the courier's rounds give way to.
    precedence: Precedence = field(default_factory=Precedence)

    def close(self) -> None:
        """Let work already accepted finish (it may write), then close the database."""
        for executor in self.executors:
            executor.shutdown(wait=True)
        self.engine.dispose()


def build_core(
    settings: Settings,
    *,
    clock: Clock | None = None,
    users: UserDirectory | None = None,
    migrate: bool | None = None,
    engine: Engine | None = None,
) -> Core:
    """Open the database, bring its schema up to date (or refuse), and build the service on it.

    An embedded SQLite database is migrated automatically (one process owns it); a shared PostgreSQL is
    only migrated when asked (`remissbot db upgrade` or REMISSBOT_AUTO_MIGRATE), so replicas never race.

    `engine`, when given, is one storage.make_engine made for settings.database_url, used instead of a new one:
    the tests build hundreds of cores on one database, and SQLAlchemy compiles each statement once per engine.
    Core.close() disposes it as it would its own (the pooled connections are closed; it opens new ones when
    used again).
    """
    from bot.adapters.metrics import MeasuredStore, PrometheusMetrics
    from storage import SqlStore, ensure_schema, make_engine

    if engine is None:
        _prepare_sqlite_directory(settings.database_url)
        engine = make_engine(settings.database_url)
    try:
        auto = migrate if migrate is not None else settings.auto_migrate or engine.dialect.name == "sqlite"
        ensure_schema(engine, auto_upgrade=auto)
        store = SqlStore(engine)
        metrics = PrometheusMetrics()
        service = build_use_cases(
            MeasuredStore(store, metrics),  # the use cases' database errors are counted
            clock or SystemClock(),
            users=users,
            coordinators=settings.coordinators,
            coordinator_group=settings.coordinator_group,
            sender_key=settings.sender_key,
            offices=settings.offices,
            scoped_coordinators=settings.scoped_coordinators,
            tz=settings.timezone,
            status_channel=settings.status_channel,
            calendar=SwedishCalendar(),
            reminder_policy=settings.reminder_policy,
            short_window_days=settings.short_window_days,
            digest_at=settings.digest_at,
            digest_deadline_days=settings.digest_deadline_days,
            final_answer_grace_days=settings.final_answer_grace_days,
            auto_close_working_days=settings.auto_close_working_days,
            status_edit_interval=timedelta(seconds=settings.status_edit_seconds),
        )
        service.shared.metrics = metrics
        metrics.watch(service.queries.gauges)
        if service.directory.seed_directory(shipped_directory()):
            log.info("Stored the shipped Malmö directory")
        unknown = [office for office in settings.offices if office not in service.directory.directory()]
        if unknown:  # a remiss can't be sent from them until a directory that lists them is loaded
            log.warning("Sending offices missing from the organisation directory: %s", ", ".join(unknown))
    except Exception:
        engine.dispose()
        raise
    texts = Texts(settings.timezone, service.clock)
    core = Core(settings, engine, store, service, texts, service.clock, metrics=metrics)
    if settings.archive_dir is not None:
        service.lifecycle.on_closed.append(lambda case_number: _archive(core, case_number))
    return core


def _archive(core: Core, case_number: str) -> None:
    """Closing a remiss writes its archive package (E-ARK SIP) to REMISSBOT_ARCHIVE_DIR. Loaded when first
    needed: the PDF renderer is heavy, and most processes never close a remiss."""
    from bot.adapters.archive import archive_when_closed

    if core.settings.archive_dir is not None:
        written = archive_when_closed(core.service, core.texts, case_number, core.settings.archive_dir)
        if written is not None:
            log.info("Wrote the archive package of %s to %s", case_number, written)


def _prepare_sqlite_directory(url: str) -> None:
    """The default database lives in the user's data directory, which may not exist yet."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and url != prefix + ":memory:":
        path = Path(url[len(prefix) :])
        if not path.parent.exists():
            try:
                path.parent.mkdir(parents=True)
            except OSError as exc:
                why = default_texts().part(
                    "errors/database.j2", "cannot_create_directory", directory=path.parent, reason=exc.strerror
                )
                raise StoreUnavailable(why) from exc


def build_slack_app(
    core: Core, *, token: str, signing_secret: str, client: WebClient | None = None, threads_started: bool = False
) -> App:
    """The Bolt app with every listener registered. `client` points it elsewhere (the loopback Slack).
    `threads_started`: every thread of the listeners' pools is started now, before the first request (see
    `start_threads`); a process that serves Slack does so, tests that build hundreds of apps need not."""
    from slack_bolt import App
    from slack_sdk import WebClient

    from handlers import register
    from handlers.context import FORM_THREADS, HandlerContext

    if client is None:
        base_url = core.settings.slack_api_url or WebClient.BASE_URL
        client = WebClient(token=token, base_url=base_url)
    # The client carries the token; Bolt copies its settings into the client each listener gets. Bolt's
    # default pool has 5 threads and an ack waits for a free one: with waitress's 8 request threads and
    # slow work after acks, clicks queued for seconds (bench/bench_ack.py).
    # Bolt runs each listener in the request's own thread (process_before_response): the listener acks and queues
    # its work on `work` (handlers/listening.py), so the response leaves as soon as the ack is made. Otherwise Bolt
    # hands the listener to a pool and the request thread polls for the ack every 10 ms (bench/bench_ack.py).
    work = ThreadPoolExecutor(max_workers=WORK_THREADS, thread_name_prefix="remissbot-work")
    # Best-effort work after an ack (see HandlerContext): one thread, so it queues rather than competes.
    background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="remissbot-after")
    forms = ThreadPoolExecutor(max_workers=FORM_THREADS, thread_name_prefix="remissbot-forms")
    # Shut down with the core, in this order: work may open forms, and a form finishing may queue background work.
    core.executors += [work, forms, background]
    if threads_started:
        for pool, threads in ((work, WORK_THREADS), (forms, FORM_THREADS), (background, 1)):
            start_threads(pool, threads)
    # Named, so Bolt does not name it after its caller with inspect.stack() (reads the source of every frame:
    # a tenth of a second or more per app, which the tests and the demo build hundreds of times).
    # Its own logger, whose level comes from "slack_bolt" (bot/adapters/logs.py holds that at INFO): without one,
    # Bolt sets its loggers to the root's level, and at DEBUG logs each ack's body.
    app = App(
        name="remissbot",
        signing_secret=signing_secret,
        client=client,
        process_before_response=True,
        logger=logging.getLogger("slack_bolt.App"),
    )
    context = HandlerContext(
        service=core.service,
        texts=core.texts,
        # The forms are what officials wait to see; best-effort work after an ack gives way to them.
        background=Unwatched(background, core.precedence),
        forms=Watched(forms, core.precedence),
        work=work,
        slack_api_url=core.settings.slack_api_url,
        metrics=core.metrics or NoMetrics(),
    )
    register(app, context)
    return app


def start_threads(pool: Executor, threads: int) -> None:
    """Start `threads` threads of `pool` now. A ThreadPoolExecutor starts a thread when a task finds none idle, and
    the submitter waits until the new thread runs: in the first burst of clicks after a start, each of the first 30
    or so acks waited there, between its ack and its response, for a thread to start among the others holding the
    GIL (bench/bench_ack.py)."""
    gate = threading.Barrier(threads + 1)
    # Each task holds its thread until all are there, so every submit finds no idle thread and starts one.
    waiting = [pool.submit(gate.wait, 10) for _ in range(threads)]
    gate.wait(10)
    for task in waiting:
        task.result()


@contextmanager
def running_bot(settings: Settings, *, token: str, signing_secret: str) -> Iterator[tuple[Core, App]]:
    """A bot process apart from its connection to Slack: core, Bolt app, the scheduler's jobs and the courier
    that sends the outbox; all stopped again, in reverse order, when the connection ends."""
    from slack_sdk import WebClient

    from bot.adapters.scheduling import build_scheduler
    from handlers.outbound.courier import Courier

    client = WebClient(token=token, base_url=settings.slack_api_url or WebClient.BASE_URL)
    core = build_core(settings, users=slack_user_directory(client))
    try:
        # What the listeners and the courier say to Slack, compiled before the first request rather than in it.
        core.texts.compile_templates("slack")
        app = build_slack_app(core, token=token, signing_secret=signing_secret, client=client, threads_started=True)
        scheduler = build_scheduler(core.service, core.settings.timezone)
        scheduler.start()
        courier = Courier(
            core.service,
            client,
            core.texts,
            metrics=core.metrics,
            budget=send_budget(core, token),
            precedence=core.precedence,
        ).start()
        try:
            yield core, app
        finally:
            courier.stop()
            scheduler.shutdown(wait=False)
    finally:
        core.close()


def send_budget(core: Core, token: str, messages_per_second: float | None = None, *, burst: int = 2) -> SendBudget:
    """How fast this process may post to Slack: on PostgreSQL one budget that every replica shares (a row per
    workspace and per channel, storage/pace.py), else this process's own (SQLite means one process).

    The workspace is named by a digest of the bot token: the replicas of one app in one workspace share the
    token, as they share Slack's limits, and the token itself never reaches the database.
    """
    from bot.adapters.pace import CHANNEL_INTERVAL, LocalSendBudget
    from handlers.outbound.courier import DEFAULT_RATE

    rate = messages_per_second or DEFAULT_RATE
    if core.engine.dialect.name == "postgresql":
        from storage.pace import PostgresSendBudget

        workspace = hashlib.sha256(token.encode()).hexdigest()[:16]
        return PostgresSendBudget(core.engine, workspace, rate, burst=burst, channel_interval=CHANNEL_INTERVAL)
    return LocalSendBudget(rate, burst=burst, channel_interval=CHANNEL_INTERVAL)


def slack_user_directory(client: WebClient) -> UserDirectory:
    from bot.adapters.slack_users import SlackUserDirectory

    return SlackUserDirectory(client)


def build_wsgi_app(core: Core, app: App | None, *, now: Callable[[], float] = time.time) -> WSGIApplication:
    """HTTP mode: Slack's requests on /slack/events, checked by bot.adapters.http_edge before Bolt sees them; health
    on /healthz; metrics on /metrics; 404 for anything else. Without `app` (Socket Mode's health port,
    `remissbot run --health-port`) only /healthz and /metrics answer. Every response is counted by status.

    `now` is the wall clock the signature's timestamp is compared with: Slack signs with real time, while
    the core's clock is business time that tests and the demo move by days.
    """
    from bot.adapters.http_edge import SlackEdge
    from bot.adapters.logs import fresh_context, request_id_from

    slack = SlackEdge(app, core.settings.slack_signing_secret or "", now=now) if app is not None else None
    metrics = core.metrics

    def wsgi(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        # One request id per request (the proxy's X-Request-Id when it sends one), for every line it logs;
        # the header carries it on to the Slack edge's middleware (handlers/middleware.py).
        request_id = request_id_from(environ.get("HTTP_X_REQUEST_ID"))
        environ["HTTP_X_REQUEST_ID"] = request_id
        with fresh_context(request_id=request_id):
            return serve(environ, start_response)

    def serve(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO"), environ.get("REQUEST_METHOD")
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            return _health(core, start_response)
        if path == METRICS_PATH and method in ("GET", "HEAD") and metrics is not None:
            body, content_type = metrics.exposition()
            start_response("200 OK", [("Content-Type", content_type), ("Content-Length", str(len(body)))])
            return [body]
        if path != SLACK_EVENTS_PATH or method != "POST" or slack is None:
            start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", "9")])
            return [b"Not Found"]
        started = time.perf_counter()

        def timed(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            # Server-Timing: how long the app took, for a load balancer's logs and the benchmarks.
            elapsed = (time.perf_counter() - started) * 1000
            return start_response(status, [*headers, ("Server-Timing", f"app;dur={elapsed:.1f}")], exc_info)

        return slack(environ, timed)

    return wsgi if metrics is None else _counted(wsgi, metrics)


def _counted(wsgi: WSGIApplication, metrics: PrometheusMetrics) -> WSGIApplication:
    """`wsgi`, with each response counted by path and status (a 5xx alert reads them)."""

    def counted(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = str(environ.get("PATH_INFO") or "")
        answered = False

        def counting(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            nonlocal answered
            if not answered:
                answered = True
                metrics.http_response(path, int(status.split(" ", 1)[0]))
            return start_response(status, headers) if exc_info is None else start_response(status, headers, exc_info)

        try:
            return wsgi(environ, counting)
        except Exception:
            if not answered:  # waitress answers 500 for an application that raised
                metrics.http_response(path, 500)
            raise

    return counted


class HttpServer:
    """The production WSGI server (waitress), also started on a loopback port by the demo and the tests."""

    def __init__(self, wsgi: WSGIApplication, *, host: str, port: int, threads: int = 8) -> None:
        from waitress.server import BaseWSGIServer, create_server

        from bot.adapters.http_edge import MAX_BODY_BYTES

        # waitress answers 413 itself from Content-Length, or as a chunked body passes the cap, without
        # reading the rest; its limit refuses a body *of* the size given, hence the + 1.
        server = create_server(
            wsgi, host=host, port=port, threads=threads, ident="remissbot", max_request_body_size=MAX_BODY_BYTES + 1
        )
        if not isinstance(server, BaseWSGIServer):  # one host and port give one server, never several
            raise TypeError(f"unexpected waitress server {type(server).__name__}")
        # waitress's type stubs lack effective_host/effective_port/_map, which are public enough here.
        self._server: Any = server
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self._server.effective_host}:{self._server.effective_port}"

    def serve_forever(self) -> None:
        self._server.run()

    def start(self) -> HttpServer:
        """Serve from a daemon thread (demo and tests)."""
        self._thread = threading.Thread(target=self._server.run, name="remissbot-http", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Close every socket from inside waitress's own loop (closing them from here races its select)."""
        server = self._server

        def close_all() -> None:
            for channel in list(server._map.values()):
                channel.close()

        if self._thread is not None and self._thread.is_alive():
            try:
                server.trigger.pull_trigger(close_all)
            except OSError:
                # The loop already lost its trigger and is ending on its own (seen under heavy load).
                close_all()
            self._thread.join(timeout=5)
        else:
            server.close()
        server.task_dispatcher.shutdown()


def health(core: Core) -> tuple[bool, dict[str, str]]:
    """Whether this process can do its work: the database answers and its schema is the one this code needs.
    The one rule behind /healthz, in `serve` and on `run --health-port`; with what it found, for the body."""
    from storage.migrate import schema_problem

    try:
        core.store.check()
        problem = schema_problem(core.engine)
    except StoreUnavailable as exc:
        return False, {"status": "unavailable", "database": str(exc)}
    if problem is not None:
        return False, {"status": "unavailable", "database": "ok", "schema": problem}
    return True, {"status": "ok", "database": "ok", "schema": "ok"}


def _health(core: Core, start_response: Callable[..., Any]) -> list[bytes]:
    """200 when the database answers with the schema this code needs, 503 otherwise: a load balancer takes the
    replica out."""
    ok, body = health(core)
    status = "200 OK" if ok else "503 Service Unavailable"
    payload = json.dumps(body, ensure_ascii=False).encode()
    start_response(status, [("Content-Type", "application/json; charset=utf-8"), ("Content-Length", str(len(payload)))])
    return [payload]
