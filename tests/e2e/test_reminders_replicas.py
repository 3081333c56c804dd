"""Reminders go out exactly once with several bot processes on one PostgreSQL, and survive a restart.

Each replica is a separate OS process (tests/e2e/replica.py) built by the composition root as `remissbot
serve` builds it, posting to one loopback Slack; their time is one FileClock the test moves
(REMISSBOT_FAKE_CLOCK_FILE). On each reminder day the three replicas run the scheduler's job at the same
moments, every 30 seconds from 09:00, as their schedulers would; what reached Slack is then counted by each
message's outbox key (which the courier puts in the message's metadata): every reminder exactly once.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from slack_sdk import WebClient

from bot.bootstrap import Core, build_core, slack_user_directory
from bot.core.clock import STOCKHOLM
from bot.core.domain.organisation import Directory, Organisation, OrgKind
from bot.core.domain.outbox import DeliveryState
from bot.core.domain.reminders import ReminderState
from bot.core.domain.remiss import QuestionKind
from bot.core.usecases.results import RemissInput
from bot.settings import load_settings
from devtools.clocks import FAKE_CLOCK_FILE_ENV, FileClock
from devtools.sandbox import FakeSlack

pytestmark = pytest.mark.postgres

REPO = Path(__file__).resolve().parents[2]
CASE = "STK-2023-137"
COORDINATOR = "U0MIA"
SENDER = "stadskontoret"
DEADLINE = date(2023, 11, 30)  # a Thursday; sent Monday 2 October
SENT_AT = datetime(2023, 10, 2, 10, 0, tzinfo=STOCKHOLM)
START_TIMEOUT = 90.0
TICK_TIMEOUT = 60.0

# STK-2023-137's reminders with the default policy (tests/service/test_reminding.py walks them in one process).
NUDGE = (date(2023, 10, 5), "nudge_unopened")
BEFORE = [(date(2023, 11, 16), "before_deadline"), (date(2023, 11, 23), "before_deadline")]
LAST = [(date(2023, 11, 28), "before_deadline"), (DEADLINE, "deadline_morning"), (date(2023, 12, 1), "overdue")]
FULL_ROUND = [NUDGE, *BEFORE, *LAST]
ESCALATION_DAY = date(2023, 12, 4)


def org_key(n: int) -> str:
    return f"namnd-{n:02d}"


def official(n: int) -> str:
    return f"U0OFF{n:02d}"


# -- the replicas --------------------------------------------------------------------------------------------
class Replica:
    """`python -m tests.e2e.replica`: a bot process that runs the reminder job and its courier when told."""

    def __init__(self, name: str, env: dict[str, str], log: Path) -> None:
        self.name = name
        self.log = log
        self._log_file = log.open("w", encoding="utf-8")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.e2e.replica"],
            cwd=REPO,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log_file,
            text=True,
            bufsize=1,
        )
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, name=f"{name}-stdout", daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line.strip())
        self._lines.put(None)

    def expect(self, wanted: str, timeout: float) -> None:
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            line = f"nothing within {timeout:.0f} s"
        if line != wanted:
            raise AssertionError(f"{self.name} answered {line!r}, not {wanted!r}; its log:\n{self.tail()}")

    def send(self, command: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()

    def tail(self, lines: int = 40) -> str:
        self._log_file.flush()
        return "\n".join(self.log.read_text(encoding="utf-8").splitlines()[-lines:])

    def kill(self) -> None:
        """Stopped hard, as by a crash or a node going away: no chance to finish anything."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)
        self._log_file.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                self.send("quit")
                self.process.wait(timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait(timeout=30)
        self._log_file.close()


@contextmanager
def replicas(count: int, env: dict[str, str], logs: Path, name: str = "replica") -> Iterator[list[Replica]]:
    """`count` replicas started side by side, each ready (core built, schema checked) before it is used."""
    started: list[Replica] = []
    try:
        for i in range(count):
            started.append(Replica(f"{name}-{i + 1}", env, logs / f"{name}-{i + 1}.log"))
        for replica in started:
            replica.expect("ready", START_TIMEOUT)
        yield started
    finally:
        for replica in started:
            replica.stop()


def tick(running: Sequence[Replica]) -> None:
    """Every replica runs the job at once, then each waits for the others (as concurrent timers would)."""
    for replica in running:
        replica.send("tick")
    for replica in running:
        replica.expect("done", TICK_TIMEOUT)


def day_at(clock: FileClock, running: Sequence[Replica], day: date, start: time, ticks: int = 6) -> None:
    """The replicas' scheduler on `day` from `start`: a tick every 30 seconds."""
    moment = datetime.combine(day, start, tzinfo=STOCKHOLM)
    for n in range(ticks):
        clock.set(moment + timedelta(seconds=30 * n))
        tick(running)


# -- the world: a loopback Slack, a schema, the clock, the remiss ------------------------------------------
class World:
    def __init__(self, fake: FakeSlack, core: Core, clock: FileClock, env: dict[str, str], logs: Path) -> None:
        self.fake, self.core, self.clock, self.env, self.logs = fake, core, clock, env, logs

    def delivered(self) -> Counter[str]:
        """Outbox keys of every message Slack accepted (chat.postMessage answered ok), how many times each."""
        keys: Counter[str] = Counter()
        for call in self.fake.calls_to("chat.postMessage"):
            response: Any = call.response
            if isinstance(response, dict) and response.get("ok"):
                keys[call.params["metadata"]["event_payload"]["key"]] += 1
        return keys

    def reminder_dms(self) -> dict[str, list[tuple[date, str]]]:
        """Per official: the day and kind of each reminder DM that reached their DM channel."""
        found: dict[str, list[tuple[date, str]]] = defaultdict(list)
        for call in self.fake.calls_to("chat.postMessage"):
            response: Any = call.response
            key = call.params["metadata"]["event_payload"]["key"]
            if not (isinstance(response, dict) and response.get("ok") and key.startswith("reminder:")):
                continue
            _, case, _org, kind, day, user = key.split(":")
            assert case == CASE
            assert response["channel"] == self.fake.dm_channel_of(user), key
            found[user].append((date.fromisoformat(day), kind))
        return {user: sorted(days) for user, days in found.items()}

    def send_remiss(self, recipients: int) -> None:
        service = self.core.service
        sender = Organisation(SENDER, "Stadskontoret", "STK", OrgKind.FORVALTNING)
        organisations = [
            Organisation(org_key(n), f"Nämnd {n}", f"N{n}", OrgKind.NAMND, contacts=(official(n),))
            for n in range(1, recipients + 1)
        ]
        service.directory.replace_directory(Directory((sender, *organisations)))
        data = RemissInput(
            case_number=CASE,
            title="Uppdrag budget 2023 – områdeslyft",
            questions=[("Hur ser ni på förslaget?", QuestionKind.FREE_TEXT), ("Risker?", QuestionKind.FREE_TEXT)],
            deadline=DEADLINE,
            recipient_keys=[o.key for o in organisations],
        )
        coordinator = service.actor(COORDINATOR)
        service.drafting.create_draft(coordinator, data)
        service.drafting.send(coordinator, CASE)


@pytest.fixture
def world(fresh_postgres_url: str, tmp_path: Path) -> Iterator[World]:
    """A fresh PostgreSQL schema (CI fails rather than skips without one), the loopback Slack and the clock.

    The test process has a core of its own on the same schema and clock: it does what people do in Slack
    (send the remiss, open it, decline) and reads the database; it never runs the job or sends anything.
    """
    clock = FileClock(tmp_path / "clock")
    clock.set(SENT_AT)
    with ExitStack() as stack:
        fake = stack.enter_context(FakeSlack())
        fake.add_user(COORDINATOR, "mia", "Mia Idestrom")
        for n in range(1, 41):
            fake.add_user(official(n), f"handl{n}", f"Handläggare {n}")
        token = fake.identity.bot_token
        settings = replace(
            load_settings({}),
            database_url=fresh_postgres_url,
            coordinators=(COORDINATOR,),
            slack_bot_token=token,
            slack_api_url=fake.url,
        )
        client = WebClient(token=token, base_url=fake.url)
        core = build_core(settings, clock=clock, users=slack_user_directory(client), migrate=True)
        stack.callback(core.close)
        inherited = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "REMISSBOT_", "DATABASE_"))}
        env = {
            **inherited,
            "DATABASE_URL": fresh_postgres_url,
            "SLACK_BOT_TOKEN": token,
            "SLACK_API_URL": fake.url,
            "REMISSBOT_COORDINATORS": COORDINATOR,
            FAKE_CLOCK_FILE_ENV: str(clock.path),
        }
        yield World(fake, core, clock, env, tmp_path)
        # The replicas run with the manifest's scopes, as in Slack: none of their calls may need another.
        assert fake.scope_refusals == []


# -- exactly once with three replicas ------------------------------------------------------------------------
RECIPIENTS = 20
OPENED = range(1, 6)  # opened the remiss before the nudge: no nudge
DECLINED = range(6, 9)  # declined on 20 November: nothing after the 16 November reminder


def expected_round(n: int) -> list[tuple[date, str]]:
    if n in OPENED:
        return [r for r in FULL_ROUND if r != NUDGE]
    if n in DECLINED:
        return [NUDGE, BEFORE[0]]
    return list(FULL_ROUND)


def test_three_replicas_send_every_reminder_exactly_once_day_after_day(world: World) -> None:
    world.send_remiss(RECIPIENTS)
    service = world.core.service
    expected = {official(n): expected_round(n) for n in range(1, RECIPIENTS + 1)}
    days = sorted({d for rounds in expected.values() for d, _ in rounds} | {ESCALATION_DAY})

    with replicas(3, world.env, world.logs) as running:
        # The remiss itself goes out from the replicas' couriers.
        day_at(world.clock, running, SENT_AT.date(), SENT_AT.time(), ticks=2)
        world.clock.set(datetime(2023, 10, 3, 11, 0, tzinfo=STOCKHOLM))
        for n in OPENED:
            service.answering.record_opened(service.actor(official(n)), CASE, org_key(n))
        for day in days:
            if day == date(2023, 11, 23):
                world.clock.set(datetime(2023, 11, 20, 14, 0, tzinfo=STOCKHOLM))
                for n in DECLINED:
                    service.answering.decline(service.actor(official(n)), CASE, org_key(n), "Berörs inte")
            day_at(world.clock, running, day, time(9, 0))
            # What is due by this day arrived, and nothing later than it (each on its own day).
            so_far = {user: [r for r in rounds if r[0] <= day] for user, rounds in expected.items()}
            assert world.reminder_dms() == {user: rounds for user, rounds in so_far.items() if rounds}, day

    delivered = world.delivered()
    duplicated = {key: times for key, times in delivered.items() if times > 1}
    assert duplicated == {}
    assert world.reminder_dms() == expected
    # remiss:{case}:{organisation}:{user}:{round}
    remiss_dms = sorted(key.split(":")[3] for key in delivered if key.startswith("remiss:"))
    assert remiss_dms == sorted(expected)
    # One escalation to the coordinator, a digest on each working day visited that it says something new, each once.
    escalations = [key for key in delivered if key.startswith("escalation:")]
    assert escalations == [f"escalation:{CASE}:{ESCALATION_DAY.isoformat()}"]
    digest_days = sorted(key.split(":")[1] for key in delivered if key.startswith("digest:"))
    # One digest on each later day the replicas ran at 08:30 or after and it had something new to say; none on
    # the day of sending, none on 16 November (nothing it shows changed since 5 October, the deadline not near).
    new_to_say = [d for d in days if d not in (SENT_AT.date(), date(2023, 11, 16))]
    assert digest_days == [d.isoformat() for d in new_to_say]
    # None lost: everything recorded was sent, and every reminder up to today was settled.
    with world.core.store.read() as repo:
        messages = repo.outbox.messages_for(CASE)
        reminders = repo.reminders.reminders_for(CASE)
    assert {m.state for m in messages} == {DeliveryState.SENT}
    assert {m.key for m in messages} <= set(delivered)
    settled = [r for r in reminders if r.reminder.local_date <= ESCALATION_DAY]
    assert ReminderState.PLANNED not in {r.state for r in settled}
    sent = Counter(r.reminder.to for r in settled if r.state is ReminderState.SENT)
    # One escalation row per late recipient, all in the coordinator's one message.
    assert sent == {"recipient": sum(len(rounds) for rounds in expected.values()), "coordinator": 17}


# -- a restart with reminders pending ------------------------------------------------------------------------
def test_after_a_restart_the_days_reminders_go_late_and_missed_days_are_skipped_not_sent(world: World) -> None:
    recipients = 4
    world.send_remiss(recipients)
    users = [official(n) for n in range(1, recipients + 1)]
    with replicas(1, world.env, world.logs, "first") as running:
        day_at(world.clock, running, SENT_AT.date(), SENT_AT.time(), ticks=1)
        day_at(world.clock, running, NUDGE[0], time(9, 0), ticks=2)
        # 08:50 on 16 November: nothing due yet; then the process is gone before 09:00.
        day_at(world.clock, running, date(2023, 11, 16), time(8, 50), ticks=1)
        [first] = running
        first.kill()
    assert world.reminder_dms() == {user: [NUDGE] for user in users}

    late = datetime(2023, 11, 16, 14, 30, tzinfo=STOCKHOLM)
    world.clock.set(late)
    with replicas(1, world.env, world.logs, "second") as running:
        tick(running)
        # Sent late the same working day, once.
        assert world.reminder_dms() == {user: [NUDGE, BEFORE[0]] for user in users}
        # Then down from the afternoon of 22 November until Friday the 24th: the 23rd's reminders are past.
        world.clock.set(datetime(2023, 11, 22, 16, 0, tzinfo=STOCKHOLM))
        tick(running)
        [second] = running
        second.kill()

    world.clock.set(datetime(2023, 11, 24, 10, 0, tzinfo=STOCKHOLM))
    with replicas(1, world.env, world.logs, "third") as running:
        tick(running)
        assert world.reminder_dms() == {user: [NUDGE, BEFORE[0]] for user in users}
        # And the round carries on as planned.
        day_at(world.clock, running, date(2023, 11, 28), time(9, 0), ticks=2)

    assert world.reminder_dms() == {user: [NUDGE, BEFORE[0], LAST[0]] for user in users}
    assert {key: n for key, n in world.delivered().items() if n > 1} == {}
    with world.core.store.read() as repo:
        by_day: dict[date, list[tuple[ReminderState, str, datetime | None]]] = defaultdict(list)
        for r in repo.reminders.reminders_for(CASE):
            by_day[r.reminder.local_date].append((r.state, r.reason, r.decided_at))
    assert by_day[date(2023, 11, 16)] == [(ReminderState.SENT, "send", late)] * recipients
    skipped_at = datetime(2023, 11, 24, 10, 0, tzinfo=STOCKHOLM)
    assert by_day[date(2023, 11, 23)] == [(ReminderState.SKIPPED, "skip_missed", skipped_at)] * recipients
