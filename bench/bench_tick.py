"""Reminder tick benchmark: the periodic job (ReminderUseCases.remind) among 100,000 open recipients, 100 due.

The database holds REMISSES sent remisses with RECIPIENTS recipients each (one official each), every
recipient with its full reminder plan as plan_reminders makes it (nudge, 10/5/2 days before, the deadline's
morning, overdue, escalation): the ones due before now are history (sent), the rest planned. DUE
recipients (all the recipients of DUE / RECIPIENTS remisses, spread over the table) have a reminder due at
09:00 today; the clock stands at 09:00:30. Rows are inserted in bulk into the real, migrated tables (with
their indexes), not through the service, to keep the set-up short; the tick then reads them through the
real repository, and the benchmark checks that it sent exactly DUE reminders.

Timed, per run: one tick with the DUE reminders due (it claims, decides, settles and enqueues each), then
TICKS ticks with nothing due (the job's cost every 30 s of the day in every replica). The same is done with a
small table (SMALL remisses) and the ratio tick(large)/tick(small) printed: the cost must follow what is due,
not what exists (target <= 3). Target for a tick with nothing due: <= 50 ms.

Usage: python bench/bench_tick.py [--remisses 10000] [--small 100] [--recipients 10] [--due 100] [--runs 5]
       [--ticks 20] [--database sqlite|postgres|both] [--postgres-url URL] [--explain]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import databases  # noqa: E402 - bench/databases.py: --database and the throwaway databases
from sqlalchemy import Connection, Engine, bindparam, delete, select, text, update  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

from bot.adapters.calendar_se import SwedishCalendar  # noqa: E402
from bot.bootstrap import Core, build_core  # noqa: E402
from bot.core.clock import STOCKHOLM  # noqa: E402
from bot.core.domain.calendar import add_working_days  # noqa: E402
from bot.core.domain.organisation import Directory, Organisation, OrgKind  # noqa: E402
from bot.core.domain.outbox import MessageKind  # noqa: E402
from bot.core.domain.recipient import Recipient  # noqa: E402
from bot.core.domain.reminders import ReminderPolicy, ReminderState, plan_reminders  # noqa: E402
from bot.core.domain.remiss import QuestionKind, Remiss, RemissStatus  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from devtools.clocks import FakeClock  # noqa: E402
from storage import tables as _declared  # noqa: E402, F401 - declares the tables on SQLModel.metadata

TODAY = date(2023, 11, 16)  # a Thursday
NOW = datetime(2023, 11, 16, 9, 0, 30, tzinfo=STOCKHOLM).astimezone(UTC)
COORDINATOR = "U0COORD"
SENDER = "stadskontoret"
TARGET_IDLE_MS = 50.0
TARGET_RATIO = 3.0
CHUNK = 20_000
TABLES = {name: SQLModel.metadata.tables[name] for name in ("remiss", "question", "recipient", "recipient_official")}
REMINDER = SQLModel.metadata.tables["reminder"]
OUTBOX = SQLModel.metadata.tables["outbox_message"]


@dataclass(frozen=True)
class Shape:
    remisses: int
    recipients: int
    due: int

    @property
    def open_recipients(self) -> int:
        return self.remisses * self.recipients


@dataclass
class Loaded:
    """A database filled for one shape, and the keys of its due reminders."""

    core: Core
    clock: FakeClock
    due_keys: list[str]
    reminder_rows: int
    planned_rows: int
    setup_seconds: float


@dataclass(frozen=True)
class RunFigures:
    due_ms: float
    idle_ms: float


# -- the data ------------------------------------------------------------------------------------------------
def org_key(n: int) -> str:
    return f"org-{n:02d}"


def official(n: int) -> str:
    return f"U0OFF{n:02d}"


def directory(recipients: int) -> Directory:
    sender = Organisation(SENDER, "Stadskontoret", "STK", OrgKind.FORVALTNING)
    answering = (
        Organisation(org_key(n), f"Nämnd {n}", f"N{n}", OrgKind.NAMND, contacts=(official(n),))
        for n in range(recipients)
    )
    return Directory((sender, *answering))


class Plans:
    """plan_reminders for each (sent on, deadline) pair, made once: a plan depends on nothing else here."""

    def __init__(self) -> None:
        self.calendar = SwedishCalendar()
        self.policy = ReminderPolicy()
        self._cache: dict[tuple[date, date], list[dict[str, Any]]] = {}
        self._template = Remiss.draft(
            case_number="BENCH-0",
            title="Mall",
            description="",
            sender_key=SENDER,
            coordinators=(COORDINATOR,),
            contact="",
            questions=[("Fråga", QuestionKind.FREE_TEXT)],
            deadline=TODAY + timedelta(days=365),
            created_by=COORDINATOR,
            created_at=NOW - timedelta(days=365),
            today=TODAY - timedelta(days=365),
        )

    def windows(self, i: int, due: bool) -> tuple[date, date]:
        """Remiss i's sent-on day and deadline; a due remiss has its "5 days left" reminder today."""
        if due:
            return add_working_days(self.calendar, TODAY, -20), add_working_days(self.calendar, TODAY, 5)
        sent_on = add_working_days(self.calendar, TODAY, -(1 + i % 30))
        return sent_on, add_working_days(self.calendar, sent_on, 15 + (i * 7) % 60)

    def rows(self, sent_on: date, deadline: date) -> list[dict[str, Any]]:
        key = (sent_on, deadline)
        if key not in self._cache:
            recipient = Recipient("BENCH-0", "o", ("U",), deadline)
            plan = plan_reminders(
                replace(self._template, deadline=deadline),
                recipient,
                sent_on=sent_on,
                policy=self.policy,
                calendar=self.calendar,
                tz=STOCKHOLM,
            )
            self._cache[key] = [
                {
                    "kind": r.kind.value,
                    "audience": r.to,
                    "due_at": r.due_at,
                    "local_date": r.local_date,
                    "deadline": r.deadline,
                    "working_days_left": r.working_days_left,
                }
                for r in plan
            ]
        return self._cache[key]


def case_number(i: int) -> str:
    return f"BENCH-{i:05d}"


def due_remisses(shape: Shape) -> dict[int, int]:
    """Remiss index -> how many of its recipients are due, spread evenly over the table."""
    count = -(-shape.due // shape.recipients)
    if count > shape.remisses:
        raise SystemExit(f"--due {shape.due} needs at least {count} remisses")
    step = shape.remisses // count
    left, chosen = shape.due, {}
    for k in range(count):
        chosen[k * step + step // 2] = min(shape.recipients, left)
        left -= chosen[k * step + step // 2]
    return chosen


def load(connection: Connection, shape: Shape) -> tuple[list[str], int, int]:
    """Insert the remisses, their questions, recipients, officials and reminders; returns the due keys."""
    plans = Plans()
    chosen = due_remisses(shape)
    pending: dict[str, list[dict[str, Any]]] = {name: [] for name in (*TABLES, "reminder")}
    due_keys: list[str] = []
    total = planned = 0

    def flush(final: bool = False) -> None:
        if not final and all(len(rows) < CHUNK for rows in pending.values()):
            return
        # Parents first (the dictionary's order: remiss → question → recipient → official → reminder).
        for name, rows in pending.items():
            if rows:
                connection.execute(REMINDER.insert() if name == "reminder" else TABLES[name].insert(), rows)
                rows.clear()

    recipient_id = 0
    for i in range(shape.remisses):
        sent_on, deadline = plans.windows(i, i in chosen)
        sent_at = datetime.combine(sent_on, datetime.min.time(), STOCKHOLM).replace(hour=10).astimezone(UTC)
        case = case_number(i)
        pending["remiss"].append(
            {
                "id": i + 1,
                "case_number": case,
                "title": f"Remiss {i}",
                "description": "Benchmark",
                "sender_key": SENDER,
                "coordinators": [COORDINATOR],
                "contact": "Mia Idestrom",
                "deadline": deadline,
                "status": RemissStatus.SENT.value,
                "created_by": COORDINATOR,
                "created_at": sent_at - timedelta(hours=1),
                "sent_at": sent_at,
                "closed_at": None,
                "reminder_policy": None,
            }
        )
        pending["question"] += [
            {"remiss_id": i + 1, "number": q, "text": f"Fråga {q}", "kind": QuestionKind.FREE_TEXT.value}
            for q in (1, 2, 3)
        ]
        for n in range(shape.recipients):
            recipient_id += 1
            org = org_key(n)
            pending["recipient"].append({"id": recipient_id, "remiss_id": i + 1, "organisation_key": org})
            pending["recipient_official"].append({"recipient_id": recipient_id, "position": 0, "user_id": official(n)})
            is_due = n < chosen.get(i, 0)
            for template in plans.rows(sent_on, deadline):
                key = f"reminder:{case}:{org}:{template['kind']}:{template['local_date'].isoformat()}"
                today_and_due = is_due and template["local_date"] == TODAY and template["audience"] == "recipient"
                if today_and_due:
                    due_keys.append(key)
                history = template["due_at"] <= NOW and not today_and_due
                planned += not history
                pending["reminder"].append(
                    {
                        **template,
                        "key": key,
                        "case_number": case,
                        "organisation_key": org,
                        "meeting": None,
                        "state": ReminderState.SENT.value if history else ReminderState.PLANNED.value,
                        "reason": "send" if history else "",
                        "decided_at": template["due_at"] + timedelta(seconds=20) if history else None,
                    }
                )
                total += 1
        flush()
    flush(final=True)
    if connection.dialect.name == "postgresql":
        # Explicit ids leave the sequences behind; later inserts must not collide.
        for table in ("remiss", "recipient"):
            connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}"))
    if len(due_keys) != shape.due:
        raise RuntimeError(f"{len(due_keys)} reminders due today, not {shape.due}")
    return due_keys, total, planned


def prepare(url: str, shape: Shape) -> Loaded:
    started = time.perf_counter()
    clock = FakeClock(NOW)
    settings = replace(load_settings({}), database_url=url, coordinators=(COORDINATOR,))
    core = build_core(settings, clock=clock, migrate=True)
    core.service.directory.replace_directory(directory(shape.recipients))
    engine: Engine = core.engine
    with engine.begin() as connection:
        due_keys, total, planned = load(connection, shape)
    if engine.dialect.name == "postgresql":
        # Autovacuum keeps the statistics current in production; a benchmark can't wait for it. (SQLite is not
        # analysed: nothing in production runs ANALYZE there either.)
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
    return Loaded(core, clock, due_keys, total, planned, time.perf_counter() - started)


def reset(loaded: Loaded) -> None:
    """The due reminders planned again and their messages gone, as before the first run."""
    with loaded.core.engine.begin() as connection:
        connection.execute(
            update(REMINDER)
            .where(REMINDER.c.key.in_(bindparam("keys", expanding=True)))
            .values(state=ReminderState.PLANNED.value, reason="", decided_at=None),
            {"keys": loaded.due_keys},
        )
        connection.execute(delete(OUTBOX).where(OUTBOX.c.kind == MessageKind.REMINDER.value))


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = work()
    return (time.perf_counter() - started) * 1000, result


def run(loaded: Loaded, shape: Shape, ticks: int) -> RunFigures:
    reset(loaded)
    service = loaded.core.service
    due_ms, tick = timed(service.reminding.remind)
    if (tick.claimed, tick.sent) != (shape.due, shape.due):
        raise RuntimeError(f"the tick claimed {tick.claimed} and sent {tick.sent}, not {shape.due}")
    with loaded.core.engine.connect() as connection:
        messages = connection.execute(select(OUTBOX.c.key).where(OUTBOX.c.kind == MessageKind.REMINDER.value)).all()
    if len(messages) != shape.due:
        raise RuntimeError(f"{len(messages)} reminder messages recorded, not {shape.due}")
    idle = []
    for _ in range(ticks):
        ms, tick = timed(service.reminding.remind)
        if tick.claimed:
            raise RuntimeError(f"a tick with nothing due claimed {tick.claimed}")
        idle.append(ms)
    return RunFigures(due_ms, statistics.median(idle))


def explain(loaded: Loaded) -> None:
    """The claim's query plan, as the database would run it now."""
    engine = loaded.core.engine
    if engine.dialect.name == "postgresql":
        statement = (
            "EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM reminder WHERE state = 'planned' AND due_at <= %(now)s "
            "ORDER BY due_at, id LIMIT 200 FOR UPDATE SKIP LOCKED"
        )
        parameters: Any = {"now": NOW}
    else:
        statement = (
            "EXPLAIN QUERY PLAN SELECT * FROM reminder WHERE state = 'planned' AND due_at <= ? "
            "ORDER BY due_at, id LIMIT 200"
        )
        parameters = (NOW.replace(tzinfo=None).isoformat(sep=" "),)
    with engine.begin() as connection:
        rows = connection.exec_driver_sql(statement, parameters).all()
    for row in rows:
        print("    " + " ".join(str(part) for part in row if part is not None))


# -- running it ----------------------------------------------------------------------------------------------


def measure(
    database: str,
    label: str,
    url_context: Callable[[], AbstractContextManager[str]],
    shape: Shape,
    runs: int,
    ticks: int,
    *,
    show_plan: bool,
) -> RunFigures:
    with url_context() as url:
        loaded = prepare(url, shape)
        try:
            print(
                f"{database} {label}: {shape.remisses:,} remisses x {shape.recipients} = "
                f"{shape.open_recipients:,} open recipients, {loaded.reminder_rows:,} reminder rows "
                f"({loaded.planned_rows:,} planned), {shape.due} due; set up in {loaded.setup_seconds:.1f} s",
                flush=True,
            )
            # The digest is offered by the first tick after 08:30 of each working day, once per process: timed
            # on its own, then out of the way of the ticks.
            digest_ms, offered = timed(loaded.core.service.reminding.offer_digest)
            print(f"  the day's digest offer (first tick after 08:30 only): {digest_ms:.1f} ms, {offered} offered")
            if show_plan:
                print("  the claim's plan:")
                explain(loaded)
            results = []
            for number in range(1, runs + 1):
                figures = run(loaded, shape, ticks)
                results.append(figures)
                print(
                    f"  run {number}: tick with {shape.due} due {figures.due_ms:.1f} ms; "
                    f"tick with nothing due, median of {ticks}: {figures.idle_ms:.2f} ms",
                    flush=True,
                )
        finally:
            loaded.core.close()
    median = RunFigures(statistics.median(r.due_ms for r in results), statistics.median(r.idle_ms for r in results))
    verdict = "met" if median.idle_ms <= TARGET_IDLE_MS else "NOT met"
    print(
        f"  median of {runs} runs: nothing due {median.idle_ms:.2f} ms (target <= {TARGET_IDLE_MS:.0f} ms: "
        f"{verdict}); {shape.due} due {median.due_ms:.1f} ms ({median.due_ms / shape.due:.2f} ms per reminder)",
        flush=True,
    )
    return median


def bench(
    database: str,
    url_context: Callable[[], AbstractContextManager[str]],
    args: argparse.Namespace,
) -> None:
    large = Shape(args.remisses, args.recipients, args.due)
    small = Shape(args.small, args.recipients, args.due)
    big = measure(database, "large", url_context, large, args.runs, args.ticks, show_plan=args.explain)
    little = measure(database, "small", url_context, small, args.runs, args.ticks, show_plan=args.explain)
    idle_ratio = big.idle_ms / little.idle_ms
    due_ratio = big.due_ms / little.due_ms
    verdict = "met" if max(idle_ratio, due_ratio) <= TARGET_RATIO else "NOT met"
    print(
        f"{database} ratio tick({large.open_recipients:,})/tick({small.open_recipients:,}): "
        f"nothing due {idle_ratio:.2f}, {args.due} due {due_ratio:.2f} (target <= {TARGET_RATIO:.0f}: {verdict})",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--remisses", type=int, default=10_000, help="remisses in the large table")
    parser.add_argument("--small", type=int, default=100, help="remisses in the small table (the ratio's base)")
    parser.add_argument("--recipients", type=int, default=10, help="recipients per remiss")
    parser.add_argument("--due", type=int, default=100, help="recipients with a reminder due now")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--ticks", type=int, default=20, help="ticks with nothing due timed per run")
    databases.add_arguments(parser)
    parser.add_argument("--explain", action="store_true", help="print the claim's query plan on each table")
    args = parser.parse_args()
    print(
        f"reminder tick (ReminderUseCases.remind, as the scheduler runs it every 30 s): clock at "
        f"{NOW.astimezone(STOCKHOLM):%Y-%m-%d %H:%M:%S} Stockholm, {args.runs} runs"
    )
    for name, database in databases.chosen(args):
        bench(name, database, args)


if __name__ == "__main__":
    main()
