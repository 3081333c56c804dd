"""Acknowledgement time: N officials open, draft and submit answers at once over signed HTTP; server time per kind.

The bot is built exactly as `remissbot serve` builds it (`running_sandbox`: waitress, 8 threads, Bolt's WSGI adapter)
against the loopback Slack, and its WSGI app is wrapped in a timing middleware: server time runs from the request
entering the WSGI app to the response leaving it (waitress's queue before the app is not in it; the client-observed
round trip, printed beside it, includes it). A remiss with 4 questions is sent to N organisations, each with its own
official, and the courier delivers every DM first. Then N threads, one per official, each press Svara (open), save a
draft of 4 answers of ~3,000 characters (draft) and submit it (submit); one warm-up official (per replica) goes
first, untimed.

For block actions (open, draft) Bolt acks before the listener works, so their server time is Bolt's own path; the
opening of the form (handlers/answer.py's own form threads), the draft's database transaction and views.update (the
background thread) run after the response, competing with the timed requests. For a view_submission the ack *is*
the response (Bolt waits for the listener's ack), so submit time includes the domain work and the database transaction.

With --separate-process the bot runs as deployed, `remissbot serve` in processes of its own, which time themselves
(Server-Timing). On SQLite, the embedded single-process store, that is one process; on PostgreSQL, HTTP mode's
multi-replica store, --postgres-replicas of them (default 1) behind a round robin in this client. On this 2-core
machine, shared with the clients, the loopback Slack and PostgreSQL, two replicas measured slower than one: the
processes are no longer CPU-bound (each run prints their CPU), the submissions wait on the database.

With --separate-process the loopback Slack, too, runs in a process of its own, as real Slack is a system of its own:
forked once it holds every DM, it is asked for trigger ids and views, and waited on, over a multiprocessing manager.
It checks every view and message as before (its own rules and slack_sdk's models, unchanged). In this client's
process, its HTTP serving and those checks took the GIL from the 50 simulated clients and so inflated the client
round trips and the "form in it" moments they time; figures taken that way (before December 2026) are not comparable
with these. The server-side figures, printed beside them, are measured as before, but not among the same
neighbours: on a 2-core machine the loopback Slack's process now runs beside the bot's and can take a core from it,
where before it only took the clients' GIL. The officials' waits for what the loopback Slack shows are watched by
one thread there (_Watch), not by 50 threads woken at each of its changes.

After the figures, the time from each click until the loopback Slack shows the light modal Svara opens (within the
trigger's 3 s, or not at all) and the form that replaces it, and until the draft is saved (after the ack); and how many
clicks' triggers expired before the light modal opened. Such an official gets a message with Svara, presses it, and
the benchmark goes on: every form must open and every answer be stored.

Each run prints the server's CPU in the burst, and (with --separate-process) also until its work after the burst
(drafts saved, messages refreshed, the courier's lines) is done, so that work done after the ack is not left out
of a comparison; and this client process's CPU in the burst: at about a quarter of one core (December 2026) its
50 threads on one GIL are not what the client round trips wait for.

With --diagnose the app is also instrumented (Bolt's listener pool and the database's write lock are timed) and each
run prints where its requests' server time went; the headline figures come from runs without it.

Usage: python bench/bench_ack.py [--officials 50] [--runs 3] [--database sqlite|postgres|both] [--postgres-url URL]
       [--diagnose] [--separate-process [--postgres-replicas 1]]
Targets (issue 11): server p99 <= 100 ms, client round trip p99 <= 100 ms, the full form in the modal p99 <= 500 ms
(Slack's own limit for an acknowledgement is 3,000 ms).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import multiprocessing
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from multiprocessing.managers import BaseManager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import parse_qs

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import databases  # noqa: E402 - bench/databases.py: --database and the throwaway databases
from sqlalchemy import Engine, event  # noqa: E402

from bot.bootstrap import SLACK_EVENTS_PATH, HttpServer, build_wsgi_app  # noqa: E402
from bot.core.domain.organisation import Directory, Organisation, OrgKind  # noqa: E402
from bot.core.domain.remiss import Position, QuestionKind  # noqa: E402
from bot.core.usecases.results import RemissInput  # noqa: E402
from devtools.demo.forms import answer_form_values, input_blocks, question_number  # noqa: E402
from devtools.demo.scenario import FormAnswer  # noqa: E402
from devtools.ports import free_port  # noqa: E402
from devtools.sandbox import Message, View  # noqa: E402
from devtools.sandbox.driver import AppResponse, HttpTransport, SlackDriver, Transport  # noqa: E402
from devtools.sandbox.fake_slack import FakeSlack, ResponsePost  # noqa: E402
from devtools.sandbox.harness import Sandbox, SandboxUser, running_sandbox  # noqa: E402
from handlers import answer, ids  # noqa: E402
from tests.e2e.servers import wait_until_healthy  # noqa: E402

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

COORDINATOR = "U0COORD"
SENDER = "stadskontoret"
CASE = "STK-2023-137"
KINDS = ("open", "draft", "submit")
QUESTIONS = 4
ANSWER_CHARS = 3_000
TARGET_P99_MS = 100.0
TARGET_FORM_P99_MS = 500.0  # issue 11: the full form shows within half a second of the click
T = TypeVar("T")
WAITRESS_THREADS = 8  # as running_sandbox and `remissbot serve` use
PARAGRAPHS = (
    "Nämnden tillstyrker förslaget om ett långsiktigt och strategiskt områdeslyft i Malmö. ",
    "Trygghetsarbetet, parkförvaltningen och renhållningen samverkar redan i dag i de utpekade områdena, "
    "och ett områdeslyft kan bygga vidare på den samverkan. ",
    "Åtgärderna bör följas upp årligen med mått på trygghet, nedskräpning och skadegörelse. ",
)


# -- the timing middleware -----------------------------------------------------------------------------------
class _TeeInput:
    """wsgi.input that keeps what the app read, so the request can be classified after the clock stops."""

    def __init__(self, inner: Any) -> None:
        self._inner, self.read_bytes = inner, bytearray()

    def read(self, size: int = -1) -> bytes:
        data: bytes = self._inner.read(size)
        self.read_bytes += data
        return data


@dataclass
class Served:
    """One request as the server handled it (time.perf_counter seconds)."""

    kind: str = "other"
    entered: float = 0.0
    left: float = 0.0
    # With --diagnose: when Bolt handed the listener to its thread pool, and when a pool thread started it.
    listener_submitted: float | None = None
    listener_started: float | None = None
    # CPU seconds (this thread's own) in the request thread, and in the listener including work after the ack.
    request_cpu: float = 0.0
    listener_cpu: float = 0.0
    body: bytes = b""

    @property
    def seconds(self) -> float:
        return self.left - self.entered


class _ServedLog:
    """The requests timed so far, recorded from any thread; each classified when taken (off the timed threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._local = threading.local()
        self.served: list[Served] = []

    def _record(self, served: Served) -> None:
        with self._lock:
            self.served.append(served)

    def take(self) -> list[Served]:
        with self._lock:
            taken, self.served = self.served, []
        for served in taken:
            served.kind, served.body = classify(served.body), b""
        return taken


class ServerTimer(_ServedLog):
    """Wraps the production WSGI app; records each request from entering the app to the response leaving it."""

    def __init__(self, app: WSGIApplication) -> None:
        super().__init__()
        self._app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        tee = _TeeInput(environ["wsgi.input"])
        environ["wsgi.input"] = tee
        served = self._local.current = Served()
        cpu = time.thread_time()
        served.entered = time.perf_counter()
        # Bolt's adapter returns the whole body as a list: the response is complete when the call returns.
        body = self._app(environ, start_response)
        served.left = time.perf_counter()
        served.request_cpu = time.thread_time() - cpu
        self._local.current = None
        served.body = bytes(tee.read_bytes)  # classified in take(), off the server's threads
        self._record(served)
        return body

    def current(self) -> Served | None:
        """The request this thread is serving (or running the listener of), if any."""
        return getattr(self._local, "current", None)

    def set_current(self, served: Served | None) -> None:
        self._local.current = served


def classify(body: bytes) -> str:
    """open / draft / submit for the benchmark's interactions, the payload type otherwise."""
    fields = parse_qs(body.decode("utf-8", "replace"))
    if "payload" not in fields:
        return "other"
    payload = json.loads(fields["payload"][0])
    if payload.get("type") == "view_submission":
        return "submit"
    action_id = (payload.get("actions") or [{}])[0].get("action_id")
    return {ids.ANSWER: "open", answer.SAVE_DRAFT: "draft"}.get(action_id, str(payload.get("type")))


class _TimedTransport(_ServedLog):
    """The driver's HTTP transport, timing each round trip as the client (Slack) sees it."""

    def __init__(self, inner: Transport) -> None:
        super().__init__()
        self._inner = inner

    def send(self, body: str, headers: Mapping[str, str]) -> AppResponse:
        started = time.perf_counter()
        response = self._inner.send(body, headers)
        self._local.last = time.perf_counter() - started
        # The app's own measure of its time (bot.bootstrap adds Server-Timing), for a server in another process.
        timing = re.search(r"app;dur=([0-9.]+)", response.headers.get("server-timing", ""))
        if timing is not None:
            # Classified in take(), after the burst: parsing a draft's ~36 kB body here took the clients' GIL
            # from the other officials' round trips.
            self._record(Served(entered=0.0, left=float(timing.group(1)) / 1000, body=body.encode()))
        return response

    @property
    def last(self) -> float:
        return float(self._local.last)


# -- diagnostics (--diagnose): where a request's server time goes ------------------------------------------
class _TimedExecutor(Executor):
    """Bolt's listener thread pool, noting for each request when its listener was queued and when it started."""

    def __init__(self, inner: Executor, timer: ServerTimer) -> None:
        self._inner, self._timer = inner, timer

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        served = self._timer.current()
        if served is not None:
            served.listener_submitted = time.perf_counter()

        def run() -> Any:
            if served is not None:
                served.listener_started = time.perf_counter()
            self._timer.set_current(served)  # so the listener's database waits are put down to its request
            cpu = time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self._timer.set_current(None)
                if served is not None:
                    served.listener_cpu = time.thread_time() - cpu

        return self._inner.submit(run)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._inner.shutdown(wait, cancel_futures=cancel_futures)


@dataclass(frozen=True)
class LockSpan:
    """One write transaction: waiting for the write lock, then holding it until commit or rollback."""

    served: Served | None
    asked: float
    got: float
    released: float


class _LockWatch:
    """Times the write lock of each write transaction from the engine's events: SQLite's BEGIN IMMEDIATE (its one
    write lock), PostgreSQL's first SELECT ... FOR UPDATE (the remiss row the service locks in every change)."""

    def __init__(self, engine: Engine, timer: ServerTimer) -> None:
        self._timer = timer
        self._local = threading.local()
        self._lock = threading.Lock()
        self.spans: list[LockSpan] = []
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)
        event.listen(engine, "commit", self._release)
        event.listen(engine, "rollback", self._release)

    def _before(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        locking = statement.startswith("BEGIN IMMEDIATE") or "FOR UPDATE" in statement
        if locking and getattr(self._local, "got", None) is None:
            self._local.asked = time.perf_counter()

    def _after(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if getattr(self._local, "asked", None) is not None and getattr(self._local, "got", None) is None:
            self._local.got = time.perf_counter()

    def _release(self, conn: Any) -> None:
        asked, got = getattr(self._local, "asked", None), getattr(self._local, "got", None)
        self._local.asked = self._local.got = None
        if asked is not None and got is not None:
            span = LockSpan(self._timer.current(), asked, got, time.perf_counter())
            with self._lock:
                self.spans.append(span)


@dataclass
class Diagnosis:
    """What the instruments saw during the burst."""

    served: list[Served]
    spans: list[LockSpan]
    wall: float
    cpu: float
    pool_workers: int


# -- one run -------------------------------------------------------------------------------------------------
@dataclass
class RunResult:
    """Seconds per interaction kind, on the server and at the client, for the timed officials."""

    server: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    client: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    # After the ack: from sending the click until the official sees the result (the form open; the form saying
    # the draft was saved), as the client sees it through the loopback Slack. Not server time; for judging
    # that the work after the ack is not starved.
    # "open": the light modal Svara opens at once (inside the trigger's 3 s), "form": the form replacing it, both
    # when the loopback Slack took the views.open / views.update; "draft": the form saying the draft was saved.
    shown: dict[str, list[float]] = field(default_factory=lambda: {"open": [], "form": [], "draft": []})
    # Clicks whose trigger expired before the light modal opened: the official got Svara to try again, and did.
    not_opened: int = 0
    warm_up_server: dict[str, float] = field(default_factory=dict)
    wall: float = 0.0
    # With --separate-process: CPU seconds the server processes used during the burst.
    server_cpu: float | None = None
    # The same until the server's work after the burst (drafts saved, messages refreshed, the courier) was done.
    server_cpu_all: float | None = None
    # CPU of this process (the simulated officials' threads, on one GIL) in the burst.
    client_cpu: float = 0.0
    submitted: int = 0
    diagnosis: Diagnosis | None = None


class _Watch:
    """The officials' waits for what the loopback Slack shows, watched by one thread.

    Each change to the loopback Slack wakes everyone waiting in its wait_for; with 50 officials each waiting there,
    every views.open, views.update and chat.update woke 50 client threads, a quarter of the client process's GIL in
    the burst (py-spy), taken from the round trips being timed. Here one thread waits there and looks at every
    official's condition after each change, as wait_for would, and wakes only the officials whose condition came
    true."""

    def __init__(self, fake: FakeSlack) -> None:
        self._fake = fake
        self._lock = threading.Lock()
        self._waiting: dict[int, tuple[Callable[[], Any], list[Any], threading.Event]] = {}
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="bench-watch", daemon=True)
        self._thread.start()

    def wait_for(self, predicate: Callable[[], T | None], timeout: float) -> T:
        """As FakeSlack.wait_for: `predicate()` once truthy, looked at after each change to the loopback Slack."""
        found: list[Any] = []
        event = threading.Event()
        with self._lock:
            self._waiting[id(event)] = (predicate, found, event)
        # A change before the official was listed is seen here; any later one by the watching thread.
        self._look(id(event))
        if not event.wait(timeout):
            with self._lock:
                self._waiting.pop(id(event), None)
            if not found:
                raise TimeoutError("wait_for: the condition did not come true in time")
        return found[0]  # type: ignore[no-any-return]

    def stop(self) -> None:
        self._stopped = True
        self._thread.join(timeout=5)

    def _look(self, key: int) -> None:
        with self._fake._changed:  # the loopback Slack's lock: no change is half seen
            with self._lock:
                waiting = self._waiting.get(key)
            if waiting is None:
                return
            predicate, found, event = waiting
            result = predicate()
            if result:
                with self._lock:
                    if self._waiting.pop(key, None) is None:
                        return
                found.append(result)
                event.set()

    def _run(self) -> None:
        def look_at_everyone() -> bool:
            with self._lock:
                keys = list(self._waiting)
            for key in keys:
                self._look(key)
            return self._stopped

        # FakeSlack.wait_for holds its lock while it looks, and looks after every change (and every 50 ms).
        while not self._stopped:
            with contextlib.suppress(TimeoutError):
                self._fake.wait_for(look_at_everyone, timeout=3600)


class _SlackSide:
    """What the officials ask of the loopback Slack: the driver's reads of it (trigger ids, views, messages, users)
    and their waits for what it shows. With --separate-process it lives in a process of its own (_slack_process)."""

    def __init__(self, fake: FakeSlack) -> None:
        self._fake = fake
        self.identity = fake.identity
        self._watch = _Watch(fake)

    def url(self) -> str:
        return self._fake.url

    def stop(self) -> None:
        self._watch.stop()

    # What devtools.sandbox.driver.SlackDriver reads of the loopback Slack.
    def new_trigger_id(self, user_id: str | None = None, *, age: float = 0.0) -> str:
        return self._fake.new_trigger_id(user_id, age=age)

    def new_response_url(self) -> str:
        return self._fake.new_response_url()

    def channel(self, channel_id: str) -> Any:
        return self._fake.channel(channel_id)

    def user(self, user_id: str) -> Any:
        return self._fake.user(user_id)

    def view(self, view_id: str) -> View | None:
        return self._fake.view(view_id)

    def views_of(self, user_id: str) -> list[View]:
        return self._fake.views_of(user_id)

    def home_of(self, user_id: str) -> View | None:
        return self._fake.home_of(user_id)

    def messages_in(self, channel: str) -> list[Message]:
        return self._fake.messages_in(channel)

    def resolve_submission(self, user_id: str, view_id: str, ack: Mapping[str, Any] | None) -> None:
        self._fake.resolve_submission(user_id, view_id, ack)

    # What an official waits to be shown.
    def response_count(self) -> int:
        return len(self._fake.responses)

    def opened_or_told(self, user: str, ref: str, answered: int) -> View | ResponsePost:
        """The modal the click opened, or the message (to a response_url) saying it could not be."""
        [shown] = self._watch.wait_for(partial(_opened_or_told, self._fake, user, ref, answered), timeout=60)
        return shown

    def opened_at(self, view_id: str) -> float:
        """When the loopback Slack took the views.open that opened the view (its clock: time.monotonic)."""
        return self._call_time("views.open", view_id)

    def form_shown_at(self, view_id: str) -> float:
        """When the loopback Slack took the views.update that put the form into the view."""
        self._watch.wait_for(lambda: _is_form(self._fake.view(view_id)), timeout=60)
        return self._call_time("views.update", view_id)

    def updated(self, view_id: str, old_hash: str) -> View:
        return self._watch.wait_for(lambda: _updated(self._fake.view(view_id), old_hash), timeout=60)

    def _call_time(self, method: str, view_id: str) -> float:
        """When the loopback Slack took the first successful `method` call that opened or updated the view; the
        call is recorded just after the view changes, so it is waited for."""

        def found() -> float | None:
            for call in self._fake.calls_to(method):
                response = call.response if isinstance(call.response, dict) else {}
                if response.get("ok") and (response.get("view") or {}).get("id") == view_id:
                    return call.time
            return None

        return self._watch.wait_for(found, timeout=60)


class _SlackManager(BaseManager):
    """Serves the _SlackSide of the loopback Slack's own process to the officials' threads (one connection each)."""


# The loopback Slack that _slack_process forks into a process of its own, and its side there.
_FORKED: dict[str, Any] = {}


def _forked_side() -> _SlackSide:
    """In the loopback Slack's own process: the parent's FakeSlack as forked (every user, DM and message the
    courier delivered), served on a port of its own; the parent's listening socket is closed here."""
    if "side" not in _FORKED:
        fake: FakeSlack = _FORKED["fake"]
        inherited = fake._server
        if inherited is not None:
            inherited.server_close()
        fake._server = None
        _FORKED["side"] = _SlackSide(fake.start())
    side: _SlackSide = _FORKED["side"]
    return side


_SlackManager.register("side", callable=_forked_side)


class _RemoteSide:
    """The _SlackSide of another process, as the driver and the officials use it; its identity and users, which
    don't change during a run, are read once."""

    def __init__(self, side: Any, identity: Any) -> None:
        self._side, self.identity = side, identity
        self._users: dict[str, Any] = {}

    def user(self, user_id: str) -> Any:
        if user_id not in self._users:
            self._users[user_id] = self._side.user(user_id)
        return self._users[user_id]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._side, name)


@contextmanager
def _slack_process(fake: FakeSlack) -> Iterator[Any]:
    """The loopback Slack in a process of its own, forked with everything it holds, as Slack is a system of its own:
    its checks of every view and message (slack_sdk's models among them) and its HTTP serving no longer share the
    simulated clients' GIL, where they inflated the round trips the clients time and the moments they see."""
    _FORKED.clear()
    _FORKED["fake"] = fake
    manager = _SlackManager(ctx=multiprocessing.get_context("fork"))
    manager.start()
    try:
        side = manager.side()  # type: ignore[attr-defined]
        yield _RemoteSide(side, fake.identity)
        side.stop()
    finally:
        manager.shutdown()
        _FORKED.clear()


def official_id(number: int) -> str:
    return f"U1{number:05d}"


def answer_text(official: int, question: int) -> str:
    """About 3,000 characters of Swedish prose in paragraphs, different per official and question."""
    parts: list[str] = []
    i = official + question
    while sum(map(len, parts)) < ANSWER_CHARS:
        parts.append(PARAGRAPHS[i % len(PARAGRAPHS)] + ("\n\n" if i % 4 == 3 else ""))
        i += 1
    return "".join(parts)[: ANSWER_CHARS - 1] + "."


def form_state(view: View, official: int, meeting_date: str) -> dict[str, Any]:
    """`view.state.values` as Slack's client sends it for a filled-in form: every answer ~3,000 characters,
    tillstyrker everywhere, an yttrande with its meeting date and paragraph."""
    numbers = [question_number(b["block_id"]) for b in input_blocks(view) if b["block_id"].startswith("answer_")]
    entered = FormAnswer(
        answers={n: answer_text(official, n) for n in numbers},
        positions=dict.fromkeys(numbers, Position.TILLSTYRKER),
        meeting_date=date.fromisoformat(meeting_date),
        paragraph="§ 145",
        decided_by="Förvaltningsdirektören",
    )
    return answer_form_values(view, entered)


def send_remiss(box: Sandbox, officials: int) -> None:
    """A remiss with 4 questions to `officials` organisations (one official each), every DM delivered."""
    service = box.core.service
    organisations = [
        Organisation(f"org-{i:05d}", f"Nämnd {i}", f"N{i}", OrgKind.NAMND, contacts=(official_id(i),))
        for i in range(officials)
    ]
    service.directory.replace_directory(
        Directory((*organisations, Organisation(SENDER, "Stadskontoret", "STK", OrgKind.FORVALTNING)))
    )
    coordinator = service.actor(COORDINATOR)
    service.drafting.create_draft(
        coordinator,
        RemissInput(
            case_number=CASE,
            title="Uppdrag budget 2023 - Definiera och starta ett områdeslyft",
            questions=[(f"Fråga {n} om områdeslyftet?", QuestionKind.FREE_TEXT) for n in range(1, QUESTIONS + 1)],
            deadline=service.today() + timedelta(days=30),
            recipient_keys=[o.key for o in organisations],
        ),
    )
    service.drafting.send(coordinator, CASE)
    box.courier.drain(timeout=120)


def remiss_message(box: Sandbox, user: str) -> Message:
    return _remiss_message_in(box.fake.messages_in(user), user)


def _remiss_message_in(messages: Iterable[Message], user: str) -> Message:
    for message in messages:
        if message.thread_ts is None and ids.ANSWER in json.dumps(message.blocks):
            return message
    raise LookupError(f"{user} has no remiss message")


class _Official:
    """One official's three interactions, each checked, with the client's round trips recorded."""

    def __init__(
        self, box: Sandbox, driver: SlackDriver, transport: _TimedTransport, slack: _SlackSide, number: int
    ) -> None:
        self.box, self.driver, self.transport, self.slack, self.number = box, driver, transport, slack, number
        self.user = official_id(number)
        self.client: dict[str, float] = {}
        self.shown: dict[str, float] = {}
        self.not_opened = 0
        self.meeting_date = (box.core.service.today() - timedelta(days=3)).isoformat()

    def run(self) -> None:
        view = self._open_form(_remiss_message_in(self.slack.messages_in(self.user), self.user))
        values, before = form_state(view, self.number, self.meeting_date), view.hash
        clicked = time.perf_counter()
        response = self.driver.block_action(self.user, answer.SAVE_DRAFT, view_id=view.id, state_values=values)
        self._expect_ok("draft", response)
        # The official sees "Utkastet sparades" before submitting: wait for the form to be updated (its hash
        # changes).
        view = self.slack.updated(view.id, before)
        self.shown["draft"] = time.perf_counter() - clicked
        response = self.driver.view_submission(self.user, form_state(view, self.number, self.meeting_date))
        self._expect_ok("submit", response)
        if response.json() is not None:
            raise RuntimeError(f"{self.user}'s answer was refused: {response.json()}")

    def _open_form(self, message: Message) -> View:
        """Press Svara until the form opens: the light modal at once, then the form in it. A click whose trigger
        expired gets a message with Svara instead; it is counted and pressed, as the official would."""
        slack, ref = self.slack, ids.RecipientRef(CASE, f"org-{self.number:05d}").encode()
        for _ in range(5):
            clicked, answered = time.monotonic(), slack.response_count()
            self._expect_ok("open", self.driver.block_action(self.user, ids.ANSWER, message=message))
            shown = slack.opened_or_told(self.user, ref, answered)
            if isinstance(shown, View):
                # The loopback Slack's clock is time.monotonic, in whichever process it runs.
                self.shown["open"] = slack.opened_at(shown.id) - clicked
                self.shown["form"] = slack.form_shown_at(shown.id) - clicked
                form = slack.view(shown.id)
                if form is None:
                    raise RuntimeError(f"{self.user}: the form {shown.id} is gone")
                return form
            self.not_opened += 1
            # The message is ephemeral (posted to a response_url): its Svara is pressed where it was shown.
            text, blocks = str(shown.payload["text"]), shown.payload["blocks"]
            message = Message(message.channel, f"{time.time():.6f}", text, blocks, ephemeral_to=self.user)
        raise RuntimeError(f"{self.user}: the form did not open in five tries")

    def _expect_ok(self, kind: str, response: AppResponse) -> None:
        self.client[kind] = self.transport.last
        if response.status != 200:
            raise RuntimeError(f"{self.user} {kind}: HTTP {response.status} {response.body[:200]}")


def _opened_or_told(fake: FakeSlack, user: str, ref: str, answered: int) -> list[View | ResponsePost]:
    """The modal the user's click opened, or the message (to a response_url) that it could not be; or nothing yet."""
    told = [r for r in fake.responses[answered:] if ref in json.dumps(r.payload.get("blocks"))]
    shown: list[View | ResponsePost] = [*fake.views_of(user), *told]
    return shown[:1]


def _is_form(view: View | None) -> bool | None:
    return (view is not None and view.callback_id == ids.ANSWER_VIEW) or None


def _updated(view: View | None, old_hash: str) -> View | None:
    return view if view is not None and view.hash != old_hash else None


@contextmanager
def _own_processes(box: Sandbox, database_url: str, replicas: int, slack_url: str) -> Iterator[list[tuple[str, int]]]:
    """`remissbot serve` in processes of their own on the sandbox's database and the loopback Slack at `slack_url`,
    as deployed: the simulated clients and Slack then don't share the bot's GIL. Yields their /slack/events URLs
    and pids."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": box.fake.identity.bot_token,
        "SLACK_SIGNING_SECRET": box.signing_secret,
        "SLACK_API_URL": slack_url,
        "REMISSBOT_COORDINATORS": COORDINATOR,
    }
    servers: list[tuple[str, subprocess.Popen[bytes], Any]] = []
    try:
        for _ in range(replicas):
            port = free_port()
            command = [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
            errors = tempfile.TemporaryFile()  # noqa: SIM115 - closed below, after the process
            process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)
            servers.append((f"http://127.0.0.1:{port}", process, errors))
        for base, process, errors in servers:
            wait_until_healthy(base, process, errors)
        yield [(base + SLACK_EVENTS_PATH, process.pid) for base, process, _ in servers]
    finally:
        for _, process, _ in servers:
            process.terminate()
        for _, process, errors in servers:
            process.wait(timeout=30)
            errors.close()


def _cpu_seconds(pids: Iterable[int]) -> float | None:
    """User and system CPU the processes have used so far (Linux /proc), None where that can't be read."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime and stime
    return total


def _quiet_cpu_seconds(
    pids: Iterable[int], *, quiet: float = 0.01, every: float = 0.25, most: float = 10.0
) -> float | None:
    """_cpu_seconds once the processes have gone quiet (less than `quiet` s of CPU in `every` s), or after `most` s."""
    before, waited = _cpu_seconds(pids), 0.0
    while before is not None and waited < most:
        time.sleep(every)
        waited += every
        now = _cpu_seconds(pids)
        if now is None or now - before < quiet:
            return now
        before = now
    return before


class _RoundRobin:
    """A load balancer in front of the replicas: each request to the next one in turn."""

    def __init__(self, transports: Sequence[HttpTransport]) -> None:
        self._transports, self._next, self._lock = list(transports), 0, threading.Lock()

    def send(self, body: str, headers: Mapping[str, str]) -> AppResponse:
        with self._lock:
            transport = self._transports[self._next % len(self._transports)]
            self._next += 1
        return transport.send(body, headers)


def run_once(
    officials: int, database_url: str, *, diagnose: bool = False, separate: bool = False, replicas: int = 1
) -> RunResult:
    """One fresh sandbox on `database_url`; officials number 0..N-1 are timed, numbers N.. warm the app up (one
    per replica: with the round robin, each replica then sees an open, a draft and a submit before the burst)."""
    warm_ups = replicas if separate else 1
    users = [SandboxUser(COORDINATOR, "coord", "Koordinator")]
    users += [SandboxUser(official_id(i), f"handl{i}", f"Handläggare {i}") for i in range(officials + warm_ups)]
    result = RunResult()
    with running_sandbox(database_url=database_url, users=users, coordinators=[COORDINATOR]) as box:
        send_remiss(box, officials + warm_ups)
        timer = ServerTimer(build_wsgi_app(box.core, box.app))
        runner: Any = box.app.listener_runner
        pool = runner.listener_executor
        watch = None
        if diagnose:
            runner.listener_executor = _TimedExecutor(pool, timer)
            watch = _LockWatch(box.core.engine, timer)
        # With --separate-process the loopback Slack runs in a process of its own too, forked now that it holds
        # every DM: as Slack, it is a system of its own, not a sharer of the simulated clients' GIL.
        slack_process: Any = _slack_process(box.fake) if separate else None
        slack: Any = slack_process.__enter__() if slack_process is not None else _SlackSide(box.fake)
        own: Any = _own_processes(box, database_url, replicas, slack.url()) if separate else None
        server = None if separate else HttpServer(timer, host="127.0.0.1", port=0, threads=WAITRESS_THREADS).start()
        try:
            replicas_at = own.__enter__() if own is not None else [(server.url + SLACK_EVENTS_PATH, 0)]  # type: ignore[union-attr]
            pids = [pid for _, pid in replicas_at if pid]
            transport = _TimedTransport(_RoundRobin([HttpTransport(url, timeout=60) for url, _ in replicas_at]))
            driver = SlackDriver(slack, transport, box.signing_secret)
            for warm_up in range(officials, officials + warm_ups):
                _Official(box, driver, transport, slack, warm_up).run()
            _settle(pool)
            warm = transport.take() if separate else timer.take()
            result.warm_up_server = {s.kind: max(w.seconds for w in warm if w.kind == s.kind) for s in warm}
            if watch is not None:
                watch.spans.clear()
            people = [_Official(box, driver, transport, slack, i) for i in range(officials)]
            cpu, started, server_cpu = time.process_time(), time.perf_counter(), _cpu_seconds(pids)
            _run_together([p.run for p in people])
            result.wall = time.perf_counter() - started
            result.client_cpu = time.process_time() - cpu
            server_cpu_after = _cpu_seconds(pids)
            if server_cpu is not None and server_cpu_after is not None and pids:
                result.server_cpu = server_cpu_after - server_cpu
            _settle(pool)
            if separate:
                time.sleep(2)  # the server's own queued after-ack work (drafts, message refreshes)
                server_cpu_done = _quiet_cpu_seconds(pids)
                if server_cpu is not None and server_cpu_done is not None and pids:
                    result.server_cpu_all = server_cpu_done - server_cpu
            cpu = time.process_time() - cpu
        finally:
            if server is not None:
                server.stop()
            if own is not None:
                own.__exit__(None, None, None)
            if slack_process is not None:
                slack_process.__exit__(None, None, None)
            else:
                slack.stop()
        served = transport.take() if separate else timer.take()
        for request in served:
            result.server.setdefault(request.kind, []).append(request.seconds)
        for person in people:
            for kind, seconds in person.client.items():
                result.client[kind].append(seconds)
            for kind, seconds in person.shown.items():
                result.shown[kind].append(seconds)
            result.not_opened += person.not_opened
        if watch is not None:
            workers = int(getattr(pool, "_max_workers", 0))
            result.diagnosis = Diagnosis(served, list(watch.spans), result.wall, cpu, workers)
        # The warm-up officials' answers are counted out.
        result.submitted = box.core.service.queries.overview(CASE).answered - warm_ups
    return result


def _settle(pool: Executor) -> None:
    """Let the listeners' after-ack work (views.update, chat.update) finish before counting or closing."""
    workers = int(getattr(pool, "_max_workers", 1))
    barrier = threading.Barrier(workers + 1)
    # Every pool thread takes one of these only once its earlier work is done.
    futures = [pool.submit(barrier.wait, 60) for _ in range(workers)]
    barrier.wait(60)
    for future in futures:
        future.result()


def _run_together(jobs: Sequence[Callable[[], None]]) -> None:
    """Start every job at the same moment, each in its own thread; re-raise the first failure."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job: Callable[[], None]) -> None:
        barrier.wait()
        try:
            job()
        except BaseException as error:  # reported after all threads end
            errors.append(error)

    threads = [threading.Thread(target=run, args=(job,), daemon=True) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


# -- figures -------------------------------------------------------------------------------------------------
def percentile(values: Sequence[float], p: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class Figures:
    p50: float
    p99: float
    max: float

    @classmethod
    def of(cls, seconds: Sequence[float]) -> Figures:
        ms = [s * 1000 for s in seconds]
        return cls(percentile(ms, 50), percentile(ms, 99), max(ms, default=float("nan")))

    def __str__(self) -> str:
        return f"p50 {self.p50:6.1f} ms  p99 {self.p99:6.1f} ms  max {self.max:6.1f} ms"


def figures(result: RunResult) -> dict[str, tuple[Figures, Figures]]:
    """(server, client) figures per kind and for all kinds together."""
    table = {kind: (Figures.of(result.server[kind]), Figures.of(result.client[kind])) for kind in KINDS}
    every_server = [s for kind in KINDS for s in result.server[kind]]
    every_client = [s for kind in KINDS for s in result.client[kind]]
    table["all"] = (Figures.of(every_server), Figures.of(every_client))
    return table


def median_figures(runs: Sequence[Figures]) -> Figures:
    return Figures(
        statistics.median(f.p50 for f in runs),
        statistics.median(f.p99 for f in runs),
        statistics.median(f.max for f in runs),
    )


def print_diagnosis(diagnosis: Diagnosis) -> None:
    """Each kind's server time cut into Bolt's own path, the wait for a listener thread, and the listener to the
    response (for submit: the work, of which waiting for the write lock); then the write lock's use."""
    print(
        f"  diagnosis: process CPU {diagnosis.cpu:.2f} s in {diagnosis.wall:.2f} s of burst "
        f"({100 * diagnosis.cpu / diagnosis.wall:.0f}% of one core; Python threads share one GIL); "
        f"Bolt's listener pool has {diagnosis.pool_workers} threads"
    )
    waits: dict[int, float] = {}
    for span in diagnosis.spans:
        if span.served is not None and span.asked < span.served.left:
            key = id(span.served)
            waits[key] = waits.get(key, 0.0) + min(span.got, span.served.left) - span.asked
    for kind in KINDS:
        mine = [s for s in diagnosis.served if s.kind == kind and s.listener_started and s.listener_submitted]
        if not mine:
            # The app runs its listeners in the request's thread (process_before_response): no pool to wait for,
            # and the work after the ack runs on the bot's own pools, outside server time.
            request_cpu = Figures.of([s.request_cpu for s in diagnosis.served if s.kind == kind])
            print(f"    {kind:<6} listener in the request thread, no pool; its CPU {request_cpu}")
            continue
        before = Figures.of([_at(s.listener_submitted) - s.entered for s in mine])
        queued = Figures.of([_at(s.listener_started) - _at(s.listener_submitted) for s in mine])
        after = Figures.of([s.left - _at(s.listener_started) for s in mine])
        print(f"    {kind:<6} Bolt before the listener   {before}")
        print(f"    {kind:<6} waiting for a pool thread  {queued}")
        print(f"    {kind:<6} listener start -> response {after}")
        if kind == "submit":
            locked = Figures.of([waits.get(id(s), 0.0) for s in mine])
            print(f"    {kind:<6} of which write-lock wait   {locked}")
        print(f"    {kind:<6} CPU in the request thread  {Figures.of([s.request_cpu for s in mine])}")
        print(f"    {kind:<6} CPU in the listener (all)  {Figures.of([s.listener_cpu for s in mine])}")
    timed = [s for s in diagnosis.served if s.kind in KINDS]
    cpu = sum(s.request_cpu + s.listener_cpu for s in timed)
    print(
        f"    CPU of the timed requests and their listeners: {cpu:.2f} s, {1000 * cpu / max(1, len(timed)):.1f} ms "
        f"per interaction; the rest of the process CPU is the loopback Slack, the simulated clients and waitress"
    )
    spans = diagnosis.spans
    held = sum(s.released - s.got for s in spans)
    print(
        f"    write transactions: {len(spans)}; lock wait {Figures.of([s.got - s.asked for s in spans])}; "
        f"held {Figures.of([s.released - s.got for s in spans])}; held in all {held:.2f} s "
        f"= {100 * held / diagnosis.wall:.0f}% of the burst (one at a time)"
    )


def _at(moment: float | None) -> float:
    if moment is None:
        raise ValueError("not diagnosed")
    return moment


def bench(database: str, url_context: databases.Database, args: argparse.Namespace) -> dict[str, Figures]:
    """Run --runs times and print each run and the medians; returns the median server figures per kind."""
    officials, runs, diagnose, separate = args.officials, args.runs, args.diagnose, args.separate_process
    # SQLite is the embedded single-process store: always one replica.
    replicas = max(1, args.postgres_replicas) if database == "postgres" else 1
    per_run: list[dict[str, tuple[Figures, Figures]]] = []
    shown: list[dict[str, Figures]] = []
    not_opened: list[int] = []
    if separate:
        shape = "one `remissbot serve` process" if replicas == 1 else f"{replicas} `remissbot serve` replicas"
        balancing = "" if replicas == 1 else ", the requests spread round-robin, each timed by the replica serving it"
        print(f"{database}: {shape} on one database{balancing}", flush=True)
    for run in range(1, runs + 1):
        with url_context() as url:
            result = run_once(officials, url, diagnose=diagnose, separate=separate, replicas=replicas)
        if result.submitted != officials:
            raise RuntimeError(f"{database} run {run}: {result.submitted} of {officials} answers stored")
        table = figures(result)
        per_run.append(table)
        shown.append({kind: Figures.of(seconds) for kind, seconds in result.shown.items()})
        warm = ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in result.warm_up_server.items())
        busy = ""
        if result.server_cpu is not None:
            busy = f"; server CPU {result.server_cpu:.2f} s = {100 * result.server_cpu / result.wall:.0f}% of one core"
        if result.server_cpu_all is not None:
            busy += f" ({result.server_cpu_all:.2f} s with its work after the burst)"
        if separate:
            busy += f"; client CPU {result.client_cpu:.2f} s = {100 * result.client_cpu / result.wall:.0f}% of one core"
        print(
            f"{database} run {run}: {officials} officials, {3 * officials} interactions in {result.wall:.2f} s; "
            f"{result.submitted} answers stored; {result.not_opened} forms not opened in time (tried again); "
            f"server p99 all {table['all'][0].p99:.1f} ms (untimed warm-up: {warm}){busy}",
            flush=True,
        )
        not_opened.append(result.not_opened)
        if result.diagnosis is not None:
            print_diagnosis(result.diagnosis)
    print(f"{database}: median of {runs} runs, server time (WSGI app in -> response out):")
    medians: dict[str, Figures] = {}
    client_all: Figures | None = None
    for kind in (*KINDS, "all"):
        server = median_figures([t[kind][0] for t in per_run])
        client = median_figures([t[kind][1] for t in per_run])
        medians[kind] = server
        client_all = client if kind == "all" else client_all
        print(f"  {kind:<6} server {server}   | client round trip {client}")
    print("  after the ack, client side (not server time): from the click until the official sees the result")
    seen: dict[str, Figures] = {}
    for kind, what in (("open", "light modal"), ("form", "form in it"), ("draft", "draft saved")):
        seen[kind] = median_figures([s[kind] for s in shown])
        print(f"  {kind:<6} {what:<11} {seen[kind]}")
    print(
        f"  forms not opened in time (trigger expired; the official got Svara to try again): median "
        f"{statistics.median(not_opened):g} of {officials} (runs: {', '.join(map(str, not_opened))})"
    )
    # Issue 11's three targets, each judged on its own figure: the server's time, the round trip the client sees
    # (waitress's queue included), and the moment the full form shows in the modal.
    assert client_all is not None
    for what, p99, target in (
        ("server p99", medians["all"].p99, TARGET_P99_MS),
        ("client round trip p99", client_all.p99, TARGET_P99_MS),
        ("form in the modal p99", seen["form"].p99, TARGET_FORM_P99_MS),
    ):
        verdict = "met" if p99 <= target else "NOT met (--diagnose shows where the server's time goes)"
        print(f"  target {what} <= {target:.0f} ms (Slack's limit 3000 ms): {p99:.1f} ms, {verdict}", flush=True)
    return medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--officials", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    databases.add_arguments(parser)
    parser.add_argument(
        "--diagnose",
        action="store_true",
        help="also time Bolt's listener pool and the database write lock (instruments the app; not for the figures)",
    )
    parser.add_argument(
        "--separate-process",
        action="store_true",
        help="run the bot as `remissbot serve` in its own process, as deployed (server time from Server-Timing)",
    )
    parser.add_argument(
        "--postgres-replicas",
        type=int,
        default=1,
        help="with --separate-process: this many `serve` replicas on PostgreSQL behind a round robin, as HTTP mode "
        "may be deployed (default 1; SQLite is the embedded single-process store: always one)",
    )
    args = parser.parse_args()
    # waitress warns at every queued request; the queueing shows as client round trip minus server time.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    print(
        f"acknowledgement time: {args.officials} concurrent officials, each open -> draft ({QUESTIONS} answers x "
        f"~{ANSWER_CHARS} characters) -> submit; signed HTTP to waitress ({WAITRESS_THREADS} threads) + Bolt"
    )
    print("  open, draft: block actions; Bolt acks before the listener works, so this is Bolt's path only")
    print("  submit: view_submission; the ack is the response, so this includes the domain work and the transaction")
    for name, database in databases.chosen(args):
        bench(name, database, args)


if __name__ == "__main__":
    main()
