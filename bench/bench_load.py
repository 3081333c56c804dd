"""Load as deployed: two `remissbot serve` replicas on PostgreSQL, 200 officials answering within 60 seconds.

Each run makes a scratch database on the PostgreSQL server (`remissbot_load` by default: dropped and created
again, and dropped at the end), migrates it with `remissbot db upgrade`, and seeds it through the use cases with a
sent remiss of 4 questions to N organisations, one official each, every DM delivered by the loopback Slack (which
runs in this process and is where the replicas make their outbound Web API calls, SLACK_API_URL). Then it starts
`remissbot serve` replicas as processes of their own (real HTTP, waitress, 8 threads each), and N officials
arrive spread over the window (seeded random start times; a think time between steps): each presses Svara
(block_actions; the bot opens the form with views.open), saves a draft of 4 answers of ~3,000 characters (waits
until the form says it was saved) and submits it (view_submission). Every request is signed with the signing
secret as Slack signs it. A request that fails (5xx, or no answer) is counted and pressed again, as the official
would, at most three times.

The round robin: by default the client round-robins over the replicas' ports itself (every request to the next
one, so one official's open, draft and submit usually land on different replicas), which adds no hop. With
--balancer nginx the requests go through nginx (`upstream` round robin, keep-alive to the replicas), started here
with its own config if `nginx` is on PATH; --balancer both measures both.

Afterwards the database is read directly: each official's answer must be stored exactly once, with the text
they typed (lost or duplicated answers are counted). Each replica's CPU seconds during the load and its peak RSS
(VmHWM) come from /proc; so do the PostgreSQL backends' CPU. Each replica's stderr is scanned for tracebacks and
errors, and pg_stat_database for deadlocks and rollbacks. The load average is printed before and after each run:
the machine may be shared.

Usage: python bench/bench_load.py [--officials 200] [--window 60] [--think 2] [--runs 3] [--replicas 2]
       [--balancer client|nginx|both] [--server-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
       [--database remissbot_load] [--seed 1] [--slack-limits] [--status-edit-seconds 10]
       --status-edit-seconds is the replicas' REMISSBOT_STATUS_EDIT_SECONDS (0: the status message edited every
       courier round); the report says how soon after the load it counted every stored answer.
       --slack-limits makes the loopback Slack answer 429 past Slack's published tiers (off by default: the
       figures are the bot's, not Slack's); the Web API calls made during the load are printed either way.
       --window 0 starts every official at once without think time (a burst, as bench_ack.py does).
Targets: 0 responses 5xx, client-observed p99 <= 300 ms, 0 answers lost or duplicated. Linux only (/proc).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import IO, Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench_ack import (  # noqa: E402 - the acknowledgement benchmark's remiss, forms and answers
    CASE,
    COORDINATOR,
    QUESTIONS,
    _is_form,
    _opened_or_told,
    _updated,
    answer_text,
    form_state,
    official_id,
    percentile,
    remiss_message,
    send_remiss,
)
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.pool import NullPool  # noqa: E402

from bot.bootstrap import SLACK_EVENTS_PATH  # noqa: E402
from devtools.ports import free_port  # noqa: E402
from devtools.sandbox import Message, View  # noqa: E402
from devtools.sandbox.driver import AppResponse, HttpTransport, SlackDriver  # noqa: E402
from devtools.sandbox.harness import Sandbox, SandboxUser, running_sandbox  # noqa: E402
from handlers import answer, ids  # noqa: E402
from tests.e2e.servers import wait_until_healthy  # noqa: E402
from tests.scratch_database import scratch_database  # noqa: E402

DEFAULT_SERVER_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DEFAULT_DATABASE = "remissbot_load"
KINDS = ("open", "draft", "submit")
TRIES = 3
TARGET_P99_MS = 300.0
REPRESS_SECONDS = 3.0  # an official told to try again reads that first


# -- the database ---------------------------------------------------------------------------------------------
def upgrade(database_url: str) -> None:
    """`remissbot db upgrade`, as a deployment runs it before starting the replicas."""
    env = {**os.environ, "DATABASE_URL": database_url}
    command = [sys.executable, "-m", "bot.cli", "db", "upgrade"]
    subprocess.run(command, env=env, check=True, cwd=REPO, stdout=subprocess.DEVNULL)


@dataclass
class Stored:
    """What the database holds after the load, per official."""

    correct: int = 0
    # Answers the bot took (200 to the submission) and did not store; officials who never got as far as a
    # submission (their form never opened: the client gave up) are `unsent`, not lost.
    lost: list[str] = field(default_factory=list)
    unsent: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    wrong_text: list[str] = field(default_factory=list)


def check_answers(database_url: str, officials: int, submitted: set[str]) -> Stored:
    """Every official's answer stored exactly once (one response version), with each question's text as typed."""
    engine = create_engine(database_url, poolclass=NullPool)
    query = text(
        "SELECT r.organisation_key, v.answers FROM recipient r JOIN remiss m ON m.id = r.remiss_id "
        "LEFT JOIN response_version v ON v.recipient_id = r.id WHERE m.case_number = :case"
    )
    versions: dict[str, list[Any]] = {}
    try:
        with engine.connect() as connection:
            for key, answers in connection.execute(query, {"case": CASE}):
                versions.setdefault(key, [])
                if answers is not None:
                    versions[key].append(answers if isinstance(answers, list) else json.loads(answers))
    finally:
        engine.dispose()
    stored = Stored()
    for number in range(officials):
        mine = versions.get(f"org-{number:05d}", [])
        if not mine:
            (stored.lost if official_id(number) in submitted else stored.unsent).append(official_id(number))
        elif len(mine) > 1:
            stored.duplicated.append(official_id(number))
        elif {a["question_number"]: a["text"] for a in mine[0]} != {
            n: answer_text(number, n) for n in range(1, QUESTIONS + 1)
        }:
            stored.wrong_text.append(official_id(number))
        else:
            stored.correct += 1
    return stored


def query(database_url: str, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    """The rows `sql` gives, on a connection of its own (not one of the replicas')."""
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql), params)]
    finally:
        engine.dispose()


def database_stats(database_url: str, name: str) -> tuple[int, int, int]:
    """(commits, rollbacks, deadlocks) so far in the database, from pg_stat_database."""
    sql = "SELECT xact_commit, xact_rollback, deadlocks FROM pg_stat_database WHERE datname = :name"
    [row] = query(database_url, sql, name=name)
    return int(row[0]), int(row[1]), int(row[2])


def backend_pids(database_url: str, name: str) -> list[int]:
    sql = "SELECT pid FROM pg_stat_activity WHERE datname = :name AND pid <> pg_backend_pid()"
    return [int(r[0]) for r in query(database_url, sql, name=name)]


# -- processes ------------------------------------------------------------------------------------------------
def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds the process has used (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set size so far (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc status")


@dataclass
class Replica:
    base: str
    process: subprocess.Popen[bytes]
    errors: IO[bytes]

    @property
    def url(self) -> str:
        return self.base + SLACK_EVENTS_PATH

    def said(self) -> str:
        self.errors.flush()
        self.errors.seek(0)
        return self.errors.read().decode(errors="replace")


@contextmanager
def serve_replicas(
    box: Sandbox, database_url: str, count: int, status_edit_seconds: int = 10
) -> Iterator[list[Replica]]:
    """`remissbot serve` processes on the database and the loopback Slack, as deployed; stopped afterwards."""
    env = {
        **os.environ,
        "REMISSBOT_STATUS_EDIT_SECONDS": str(status_edit_seconds),
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": box.fake.identity.bot_token,
        "SLACK_SIGNING_SECRET": box.signing_secret,
        "SLACK_API_URL": box.fake.url,
        "REMISSBOT_COORDINATORS": COORDINATOR,
    }
    replicas: list[Replica] = []
    try:
        for _ in range(count):
            port = free_port()
            command = [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
            errors = tempfile.TemporaryFile()  # noqa: SIM115 - closed below, after the process
            process = subprocess.Popen(command, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=errors)
            replicas.append(Replica(f"http://127.0.0.1:{port}", process, errors))
        for replica in replicas:
            wait_until_healthy(replica.base, replica.process, replica.errors)
        yield replicas
    finally:
        for replica in replicas:
            replica.process.terminate()
        for replica in replicas:
            replica.process.wait(timeout=30)
            replica.errors.close()


NGINX_CONF = """\
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    upstream remissbot {{
{servers}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 1m;
        client_body_buffer_size 1m;  # kept in memory: the workers (nobody) can't write this folder
        location / {{
            proxy_pass http://remissbot;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_next_upstream off;
        }}
    }}
}}
"""


@contextmanager
def nginx_in_front(replicas: Sequence[Replica]) -> Iterator[str]:
    """nginx round-robining over the replicas (no retry on another replica: a 5xx stays a 5xx); its base URL."""
    binary = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if binary is None:
        raise RuntimeError("nginx is not installed (apt-get install nginx-light), use --balancer client")
    with tempfile.TemporaryDirectory(prefix="bench-load-nginx-") as folder:
        port = free_port()
        servers = "\n".join(f"        server {r.base.removeprefix('http://')};" for r in replicas)
        conf = Path(folder) / "nginx.conf"
        conf.write_text(NGINX_CONF.format(folder=folder, servers=servers, port=port))
        process = subprocess.Popen([binary, "-p", folder, "-c", str(conf)], stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_healthy(base, process)
            yield base
        finally:
            process.send_signal(signal.SIGQUIT)  # graceful
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# -- the client -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Request:
    kind: str
    status: int  # 0: no answer (connection refused, reset or timed out)
    seconds: float  # client-observed round trip
    server_ms: float | None  # the replica's own time (Server-Timing)
    target: int  # which replica (client round robin) or 0 (nginx)


class RecordingRoundRobin:
    """Sends each request to the next target in turn; records every round trip with its kind and status."""

    def __init__(self, urls: Sequence[str]) -> None:
        self._targets = [HttpTransport(url, timeout=30) for url in urls]
        self._next = 0
        self._lock = threading.Lock()
        self._local = threading.local()
        self.requests: list[Request] = []

    def expect(self, kind: str) -> None:
        """The kind of this thread's next request."""
        self._local.kind = kind

    def send(self, body: str, headers: Mapping[str, str]) -> AppResponse:
        with self._lock:
            target = self._next % len(self._targets)
            self._next += 1
        started = time.perf_counter()
        try:
            response = self._targets[target].send(body, headers)
        except OSError as error:
            response = AppResponse(0, {}, str(error))
        seconds = time.perf_counter() - started
        timing = re.search(r"app;dur=([0-9.]+)", response.headers.get("server-timing", ""))
        server_ms = float(timing.group(1)) if timing else None
        request = Request(getattr(self._local, "kind", "other"), response.status, seconds, server_ms, target)
        with self._lock:
            self.requests.append(request)
        return response


class Failed(Exception):
    """A step got no 200 in its tries."""


class LoadOfficial:
    """One official: arrives at `start`, opens the form, drafts, submits, with a think time between."""

    def __init__(self, box: Sandbox, driver: SlackDriver, client: RecordingRoundRobin, number: int) -> None:
        self.box, self.driver, self.client, self.number = box, driver, client, number
        self.user = official_id(number)
        self.meeting_date = (box.core.service.today() - timedelta(days=3)).isoformat()
        self.not_opened = 0
        self.submitted_at: float | None = None
        self.failure: str | None = None

    def run(self, start: float, thinks: tuple[float, float]) -> None:
        try:
            time.sleep(max(0.0, start - time.perf_counter()))
            self._answer(thinks)
        except Exception as error:  # counted and reported after the run; the others go on
            self.failure = f"{self.user}: {error}"

    def _answer(self, thinks: tuple[float, float]) -> None:
        fake = self.box.fake
        view = self._open_form(remiss_message(self.box, self.user))
        time.sleep(thinks[0])
        values, before = form_state(view, self.number, self.meeting_date), view.hash
        told = len(fake.messages_in(self.user))
        self._step("draft", partial(self.driver.block_action, self.user, answer.SAVE_DRAFT, view_id=view.id))(
            state_values=values
        )
        # The official sees "Utkastet sparades" before going on (the fake updates its View in place), or, when
        # Slack would not redraw the form, is told so in the DM and goes on with the form as it is.
        shown = view

        def saved() -> View | None:
            told_in_dm = len(fake.messages_in(self.user)) > told
            return _updated(fake.view(shown.id), before) or (shown if told_in_dm else None)

        view = fake.wait_for(saved, timeout=60)
        time.sleep(thinks[1])
        response = self._step("submit", self.driver.view_submission)(
            self.user, form_state(view, self.number, self.meeting_date)
        )
        if response.json() is not None:
            raise Failed(f"the answer was refused: {response.json()}")
        self.submitted_at = time.perf_counter()

    def _step(self, kind: str, send: Any) -> Any:
        def tried(*args: Any, **kwargs: Any) -> AppResponse:
            for _ in range(TRIES):
                self.client.expect(kind)
                response: AppResponse = send(*args, **kwargs)
                if response.status == 200:
                    return response
                if 0 < response.status < 500:
                    raise Failed(f"{kind}: HTTP {response.status} {response.body[:200]}")
            raise Failed(f"{kind}: no 200 in {TRIES} tries (last {response.status} {response.body[:200]})")

        return tried

    def _open_form(self, message: Message) -> View:
        """Press Svara until the form opens; a click whose trigger expired gets a message with Svara, pressed."""
        fake, ref = self.box.fake, ids.RecipientRef(CASE, f"org-{self.number:05d}").encode()
        for _ in range(5):
            answered = len(fake.responses)
            self._step("open", self.driver.block_action)(self.user, ids.ANSWER, message=message)
            [shown] = fake.wait_for(partial(_opened_or_told, fake, self.user, ref, answered), timeout=60)
            if isinstance(shown, View):
                fake.wait_for(partial(_is_form, shown), timeout=60)
                return shown
            self.not_opened += 1
            time.sleep(REPRESS_SECONDS)  # reads "try again" and presses Svara again
            text_, blocks = str(shown.payload["text"]), shown.payload["blocks"]
            message = Message(message.channel, f"{time.time():.6f}", text_, blocks, ephemeral_to=self.user)
        raise Failed("the form did not open in five tries")


# -- one run --------------------------------------------------------------------------------------------------
@dataclass
class ProcessFigures:
    cpu_load: float  # CPU seconds during the load
    cpu_total: float  # CPU seconds since it started
    peak_rss_mb: float
    tracebacks: int
    error_lines: int
    warnings: int
    first_traceback: str


@dataclass
class RunResult:
    requests: list[Request]
    stored: Stored
    failures: list[str]
    not_opened: int
    wall: float
    last_submit: float
    replicas: list[ProcessFigures]
    postgres_cpu: float
    bench_cpu: float
    rollbacks: int
    deadlocks: int
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]
    sample_errors: list[str]
    slack_calls: dict[str, tuple[int, int]]  # method -> (calls, answered 429) during the load
    most_edits: int  # chat.update calls to one message (the coordinator's status message, as it turns out)
    # Seconds after the load ended until the status message counted every stored answer; None: not within
    # REMISSBOT_STATUS_EDIT_SECONDS + 10 s (its last change lost, which must never happen).
    status_final_after: float | None = None


def schedule(officials: int, window: float, think: float, seed: int) -> list[tuple[float, tuple[float, float]]]:
    """Each official's start (seconds after the load begins) and two think times, so the last submit lands
    within the window; a window of 0 starts everyone at once with no think time."""
    if window <= 0:
        return [(0.0, (0.0, 0.0))] * officials
    rng = random.Random(seed)
    thinks = [(rng.uniform(0.5, 1.5) * think, rng.uniform(0.5, 1.5) * think) for _ in range(officials)]
    latest = max(0.0, window - 3 * think - 2.0)  # two think times at most, and the three requests themselves
    return [(rng.uniform(0.0, latest), pair) for pair in thinks]


def run_once(args: argparse.Namespace, balancer: str, seed: int) -> RunResult:
    warm_ups = args.replicas
    users = [SandboxUser(COORDINATOR, "coord", "Koordinator")]
    everyone = args.officials + warm_ups
    users += [SandboxUser(official_id(i), f"handl{i}", f"Handläggare {i}") for i in range(everyone)]
    with ExitStack() as stack:
        url = stack.enter_context(scratch_database(args.server_url, args.database))
        upgrade(url)
        box = stack.enter_context(running_sandbox(database_url=url, users=users, coordinators=[COORDINATOR]))
        send_remiss(box, everyone)
        if args.slack_limits:
            box.fake.set_rate_limits()  # Slack's published tiers, from here on (the seeding's DMs are sent)
        replicas = stack.enter_context(serve_replicas(box, url, args.replicas, args.status_edit_seconds))
        if balancer == "nginx":
            targets = [stack.enter_context(nginx_in_front(replicas)) + SLACK_EVENTS_PATH]
        else:
            targets = [r.url for r in replicas]
        client = RecordingRoundRobin(targets)
        driver = SlackDriver(box.fake, client, box.signing_secret)
        # One warm-up official per replica, untimed: each replica has then served an open, a draft and a submit.
        for number in range(args.officials, everyone):
            warm = LoadOfficial(box, driver, client, number)
            warm.run(0.0, (0.0, 0.0))
            if warm.failure:
                raise RuntimeError(f"warm-up failed: {warm.failure}")
        time.sleep(1.0)
        client.requests.clear()
        calls_before = len(box.fake.calls)
        pids = [r.process.pid for r in replicas]
        stats_before = database_stats(url, args.database)
        backends_before = {pid: cpu_seconds(pid) for pid in backend_pids(url, args.database)}
        cpu_before = [cpu_seconds(pid) for pid in pids]
        bench_before = time.process_time()
        load_before = os.getloadavg()
        people = [LoadOfficial(box, driver, client, i) for i in range(args.officials)]
        plan = schedule(args.officials, args.window, args.think, seed)
        started = time.perf_counter()
        threads = [
            threading.Thread(target=person.run, args=(started + at, thinks), daemon=True)
            for person, (at, thinks) in zip(people, plan, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
        load_ended = time.monotonic()
        time.sleep(2.0)  # the replicas' after-ack work (draft saves, message refreshes) winds down
        cpu_after = [cpu_seconds(pid) for pid in pids]
        backends_after = {pid: cpu_seconds(pid) for pid in backend_pids(url, args.database)}
        postgres_cpu = sum(cpu - backends_before.get(pid, 0.0) for pid, cpu in backends_after.items())
        bench_cpu = time.process_time() - bench_before
        load_after = os.getloadavg()
        stats_after = database_stats(url, args.database)
        figures = []
        sample_errors: list[str] = []
        slack_calls: dict[str, tuple[int, int]] = {}
        edits: dict[tuple[str, str], int] = {}
        for call in box.fake.calls[calls_before:]:
            if call.method == "chat.update":
                where = (str(call.params.get("channel")), str(call.params.get("ts")))
                edits[where] = edits.get(where, 0) + 1
            made, limited = slack_calls.get(call.method, (0, 0))
            slack_calls[call.method] = (made + 1, limited + (call.status == 429))
        for replica, before, after in zip(replicas, cpu_before, cpu_after, strict=True):
            said = replica.said()
            errors = [line for line in said.splitlines() if re.search(r"\b(ERROR|CRITICAL|Exception)\b", line)]
            warnings = [line for line in said.splitlines() if " WARNING " in line]
            sample_errors += (
                errors[:3] + sorted({re.sub(r"[0-9]", "#", w.split(" WARNING ", 1)[1]) for w in warnings})[:3]
            )
            figures.append(
                ProcessFigures(
                    after - before,
                    after,
                    peak_rss_mb(replica.process.pid),
                    said.count("Traceback"),
                    len(errors),
                    len(warnings),
                    _first_traceback(said),
                )
            )
        stored = check_answers(url, args.officials, {p.user for p in people if p.submitted_at is not None})
        answered = warm_ups + stored.correct + len(stored.duplicated) + len(stored.wrong_text)
        status_final_after = _status_shows(
            box, calls_before, f"{answered} av {everyone} har svarat", load_ended, args.status_edit_seconds + 10.0
        )
        submits = [p.submitted_at - started for p in people if p.submitted_at is not None]
        return RunResult(
            requests=list(client.requests),
            stored=stored,
            failures=[p.failure for p in people if p.failure],
            not_opened=sum(p.not_opened for p in people),
            wall=wall,
            last_submit=max(submits, default=float("nan")),
            replicas=figures,
            postgres_cpu=postgres_cpu,
            bench_cpu=bench_cpu,
            rollbacks=stats_after[1] - stats_before[1],
            deadlocks=stats_after[2] - stats_before[2],
            load_before=load_before,
            load_after=load_after,
            sample_errors=sample_errors,
            slack_calls=slack_calls,
            most_edits=max(edits.values(), default=0),
            status_final_after=status_final_after,
        )
    raise AssertionError("unreachable")


def _status_shows(box: Sandbox, calls_before: int, said: str, since: float, patience: float) -> float | None:
    """Wait (at most `patience` seconds from now) for a status-message edit saying `said` (how many answered);
    seconds from `since` (time.monotonic, as the loopback Slack's calls are timed) to that edit, or None."""
    deadline = time.monotonic() + patience
    while True:
        calls = box.fake.calls[calls_before:]
        shown = [c.time for c in calls if c.method == "chat.update" and said in str(c.params.get("text"))]
        if shown:
            return max(0.0, shown[0] - since)
        if time.monotonic() > deadline:
            return None
        time.sleep(0.25)


def _first_traceback(said: str) -> str:
    start = said.find("Traceback")
    if start < 0:
        return ""
    lines = said[start:].splitlines()
    end = next((i for i, line in enumerate(lines[1:], 1) if not line.startswith((" ", "Traceback"))), len(lines))
    return "\n".join(lines[: end + 1])


# -- figures --------------------------------------------------------------------------------------------------
def ms(values: Sequence[float], p: float) -> float:
    return percentile([v * 1000 for v in values], p)


def summarise(result: RunResult) -> dict[str, float]:
    """The run's headline figures."""
    requests = result.requests
    row: dict[str, float] = {
        "requests": len(requests),
        "5xx": sum(1 for r in requests if r.status >= 500),
        "no answer": sum(1 for r in requests if r.status == 0),
        "p50": ms([r.seconds for r in requests], 50),
        "p99": ms([r.seconds for r in requests], 99),
        "max": ms([r.seconds for r in requests], 100),
        "lost": len(result.stored.lost),
        "duplicated": len(result.stored.duplicated),
        "wrong text": len(result.stored.wrong_text),
        "never submitted": len(result.stored.unsent),
    }
    for kind in KINDS:
        mine = [r.seconds for r in requests if r.kind == kind]
        row[f"{kind} p50"], row[f"{kind} p99"] = ms(mine, 50), ms(mine, 99)
        served = [r.server_ms / 1000 for r in requests if r.kind == kind and r.server_ms is not None]
        row[f"{kind} server p99"] = ms(served, 99)
    return row


def print_run(label: str, run: int, result: RunResult, row: dict[str, float]) -> None:
    lb, la = result.load_before, result.load_after
    print(
        f"{label} run {run}: {int(row['requests'])} requests in {result.wall:.1f} s (last submit at "
        f"{result.last_submit:.1f} s); 5xx {int(row['5xx'])}, no answer {int(row['no answer'])}; client p50 "
        f"{row['p50']:.1f} ms p99 {row['p99']:.1f} ms max {row['max']:.1f} ms; stored correctly "
        f"{result.stored.correct}, lost {len(result.stored.lost)}, duplicated {len(result.stored.duplicated)}, "
        f"wrong text {len(result.stored.wrong_text)}, never submitted (the client gave up) "
        f"{len(result.stored.unsent)}; forms not opened in time {result.not_opened}; "
        f"load average {lb[0]:.2f} before, {la[0]:.2f} after",
        flush=True,
    )
    for kind in KINDS:
        print(
            f"    {kind:<6} client p50 {row[f'{kind} p50']:6.1f} ms p99 {row[f'{kind} p99']:6.1f} ms | server p99 "
            f"{row[f'{kind} server p99']:6.1f} ms"
        )
    for number, replica in enumerate(result.replicas, start=1):
        print(
            f"    replica {number}: CPU {replica.cpu_load:.2f} s during the load ({replica.cpu_total:.2f} s since "
            f"start), peak RSS {replica.peak_rss_mb:.1f} MB, tracebacks {replica.tracebacks}, error lines "
            f"{replica.error_lines}, warnings {replica.warnings}"
        )
    print(
        f"    PostgreSQL backends CPU {result.postgres_cpu:.2f} s; this process (clients + loopback Slack) CPU "
        f"{result.bench_cpu:.2f} s; transactions rolled back {result.rollbacks}, deadlocks {result.deadlocks}"
    )
    calls = ", ".join(
        f"{m} {n}" + (f" ({limited} answered 429)" if limited else "")
        for m, (n, limited) in sorted(result.slack_calls.items())
    )
    print(
        f"    Slack Web API calls during the load: {calls}; most chat.update calls to one message {result.most_edits}"
    )
    final = result.status_final_after
    print(
        "    the status message counted every stored answer "
        + (f"{final:.1f} s after the load ended" if final is not None else "NEVER (its last change was lost)")
    )
    for line in result.sample_errors:
        print(f"    stderr: {line[:300]}")
    for number, replica in enumerate(result.replicas, start=1):
        if replica.first_traceback:
            print(
                f"    replica {number}'s first traceback:\n"
                + textwrap.indent(replica.first_traceback[-3000:], "      ")
            )
    for failure in result.failures[:5]:
        print(f"    failed: {failure[:300]}")
    if result.stored.lost or result.stored.duplicated or result.stored.wrong_text:
        print(f"    lost {result.stored.lost[:10]} duplicated {result.stored.duplicated[:10]}")


def bench(args: argparse.Namespace, balancer: str) -> dict[str, float]:
    label = f"{args.replicas} replicas, {'nginx' if balancer == 'nginx' else 'client round robin'}"
    rows: list[dict[str, float]] = []
    cpu: list[list[float]] = []
    rss: list[list[float]] = []
    for run in range(1, args.runs + 1):
        result = run_once(args, balancer, args.seed + run)
        row = summarise(result)
        print_run(label, run, result, row)
        rows.append(row)
        cpu.append([r.cpu_load for r in result.replicas])
        rss.append([r.peak_rss_mb for r in result.replicas])
    median = {key: statistics.median(r[key] for r in rows) for key in rows[0]}
    print(f"{label}: median of {args.runs} runs")
    print(
        f"  5xx {median['5xx']:g} (goal 0); client p50 {median['p50']:.1f} ms, p99 {median['p99']:.1f} ms "
        f"(goal <= {TARGET_P99_MS:.0f}); lost {median['lost']:g}, duplicated {median['duplicated']:g}, wrong text "
        f"{median['wrong text']:g} (goal 0), never submitted {median['never submitted']:g}; worst run: 5xx "
        f"{max(r['5xx'] for r in rows):g}, lost "
        f"{max(r['lost'] for r in rows):g}, duplicated {max(r['duplicated'] for r in rows):g}"
    )
    for number in range(args.replicas):
        print(
            f"  replica {number + 1}: CPU {statistics.median(c[number] for c in cpu):.2f} s during the load, peak "
            f"RSS {statistics.median(r[number] for r in rss):.1f} MB"
        )
    every = median["lost"] + median["duplicated"] + median["wrong text"] + median["never submitted"] == 0
    met = median["5xx"] == 0 and median["p99"] <= TARGET_P99_MS and every
    print(f"  targets {'met' if met else 'NOT met'}", flush=True)
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--officials", type=int, default=200)
    parser.add_argument("--window", type=float, default=60.0, help="seconds over which they answer (0: a burst)")
    parser.add_argument("--think", type=float, default=2.0, help="mean seconds between an official's steps")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--balancer", choices=("client", "nginx", "both"), default="client")
    parser.add_argument("--server-url", default=DEFAULT_SERVER_URL, help="the PostgreSQL server (any database)")
    parser.add_argument("--database", default=DEFAULT_DATABASE, help="the scratch database (dropped and created)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--status-edit-seconds",
        type=int,
        default=10,
        help="REMISSBOT_STATUS_EDIT_SECONDS of the replicas (10, as deployed; 0: an edit per courier round)",
    )
    parser.add_argument(
        "--slack-limits",
        action="store_true",
        help="the loopback Slack enforces Slack's published rate limits (tiers) during the load; off by default",
    )
    args = parser.parse_args()
    print(
        f"load as deployed: {args.replicas} `remissbot serve` replicas on PostgreSQL ({args.database}), "
        f"{args.officials} officials within {args.window:g} s, each open -> draft ({QUESTIONS} answers x ~3,000 "
        f"characters) -> submit, signed HTTP; status message edited at most every {args.status_edit_seconds} s; "
        f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    for balancer in ("client", "nginx") if args.balancer == "both" else (args.balancer,):
        bench(args, balancer)


if __name__ == "__main__":
    main()
