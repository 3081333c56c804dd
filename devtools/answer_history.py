"""A generated answer history: 40 remisses over three years (2023–2025) to Malmö's boards and companies, each
organisation with a known fate per remiss, played through the use cases on a fake clock (as officials and
coordinators would: send, ask for and grant anstånd, answer, decline, close).

What `remissbot statistik` and the App Home's Svarshistorik are tested and shown with; `plan()` says what every
figure must be, so a test can check each one against what the use cases stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta

from bot.adapters.calendar_se import SwedishCalendar
from bot.adapters.directory_file import parse_directory, shipped_directory_text
from bot.core.clock import STOCKHOLM
from bot.core.domain.calendar import add_working_days, working_day_on_or_after
from bot.core.domain.organisation import Directory, Organisation
from bot.core.domain.remiss import Answer, Position, QuestionKind, ResponseContent, ResponseKind
from bot.core.domain.statistics import Outcome
from bot.core.ports.store import Store
from bot.core.usecases import UseCases, build_use_cases
from bot.core.usecases.results import RemissInput
from devtools.clocks import FakeClock
from devtools.memory import MemoryStore

COORDINATOR = "UMIA"
REMISSES = 40
PER_REMISS = 10  # recipients per remiss, rotating through the 15 organisations
WINDOW = 20  # working days from sending to the deadline
EXTRA = 10  # working days of anstånd asked for
# The day the statistics are read: the last remisses are still open (pending, or no answer yet after the deadline).
TODAY = date(2025, 12, 10)
# Each organisation's habits, cycled over the remisses it gets: (outcome, working days before the deadline for
# answers, negative after it), and whether it asks for anstånd (granted or refused) on the nth remiss.
HABITS: dict[str, tuple[tuple[Outcome, int], ...]] = {
    "tekniska-namnden": ((Outcome.ON_TIME, 3), (Outcome.ON_TIME, 1), (Outcome.LATE, -2)),
    "miljonamnden": ((Outcome.ON_TIME, 5), (Outcome.ON_TIME, 0)),
    "funktionsstodsnamnden": ((Outcome.LATE, -4), (Outcome.LATE, -1), (Outcome.ON_TIME, 2)),
    "forskolenamnden": ((Outcome.DECLINED, 0), (Outcome.ON_TIME, 4)),
    "grundskolenamnden": ((Outcome.ON_TIME, 2), (Outcome.NO_ANSWER, 0)),
    "gymnasie-och-vuxenutbildningsnamnden": ((Outcome.PRELIMINARY, 1), (Outcome.ON_TIME, 6), (Outcome.LATE, -3)),
    "halsa-vard-och-omsorgsnamnden": ((Outcome.LATE, -6), (Outcome.ON_TIME, 1)),
    "arbetsmarknads-och-socialnamnden": ((Outcome.ON_TIME, 0), (Outcome.DECLINED, 0), (Outcome.ON_TIME, 7)),
    "fritidsnamnden": ((Outcome.DECLINED, 0),),
    "kulturnamnden": ((Outcome.ON_TIME, 10), (Outcome.ON_TIME, 8)),
    "servicenamnden": ((Outcome.NO_ANSWER, 0), (Outcome.LATE, -1)),
    "stadsbyggnadsnamnden": ((Outcome.PRELIMINARY, 2), (Outcome.LATE, -5), (Outcome.ON_TIME, 3)),
    "mkb": ((Outcome.ON_TIME, 4),),
    "parkering-malmo": ((Outcome.ON_TIME, 2), (Outcome.DECLINED, 0), (Outcome.NO_ANSWER, 0)),
    "parkeringsovervakning": ((Outcome.LATE, -2), (Outcome.ON_TIME, 0)),
}
# Who asks for anstånd on every nth remiss it gets, and whether the coordinator grants it.
ASKS: dict[str, tuple[int, bool]] = {
    "halsa-vard-och-omsorgsnamnden": (2, True),
    "stadsbyggnadsnamnden": (3, True),
    "funktionsstodsnamnden": (4, False),
}
# Remisses with this index or later stay open; the others are closed after their last deadline.
OPEN_FROM = 38
# One action of the play: what it does, returning the latest deadline or answer date it leaves (date.min: none).
Step = Callable[[UseCases], date]


@dataclass(frozen=True)
class Fate:
    """What one organisation does with one remiss."""

    organisation_key: str
    outcome: Outcome
    days_before: int = 0
    asks: bool = False
    granted: bool = False


@dataclass(frozen=True)
class PlannedRemiss:
    case_number: str
    sent_on: date
    deadline: date
    fates: tuple[Fate, ...]
    closes: bool = True

    @property
    def year(self) -> int:
        return self.sent_on.year


@dataclass
class History:
    """The played history: the use cases (on their memory store and fake clock, set to TODAY) and the plan."""

    service: UseCases
    clock: FakeClock
    plan: list[PlannedRemiss] = field(default_factory=list)


def directory() -> Directory:
    """The shipped Malmö directory, every organisation with an official of its own (U + its key)."""
    return Directory(
        tuple(
            Organisation(o.key, o.name, o.short_name, o.kind, contacts=(official(o.key),), aliases=o.aliases)
            for o in parse_directory(shipped_directory_text())
        )
    )


def official(key: str) -> str:
    return "U" + key.replace("-", "").upper()[:18]


def plan() -> list[PlannedRemiss]:
    """The 40 remisses, about one a month from January 2023, each to 10 of the 15 organisations in turn."""
    calendar = SwedishCalendar()
    keys = list(HABITS)
    seen: dict[str, int] = dict.fromkeys(keys, 0)
    planned: list[PlannedRemiss] = []
    for i in range(REMISSES):
        sent_on = working_day_on_or_after(calendar, date(2023, 1, 9) + timedelta(days=27 * i))
        deadline = add_working_days(calendar, sent_on, WINDOW)
        fates: list[Fate] = []
        for j in range(PER_REMISS):
            key = keys[(i * 4 + j) % len(keys)]
            n = seen[key]
            seen[key] += 1
            outcome, days = HABITS[key][n % len(HABITS[key])]
            every, grants = ASKS.get(key, (0, False))
            asks = bool(every) and n % every == every - 1
            fates.append(Fate(key, outcome, days, asks, asks and grants))
        open_ = i >= OPEN_FROM
        if open_:  # still open on TODAY, nobody has answered: pending until the deadline, no answer after it
            waiting = Outcome.PENDING if deadline >= TODAY else Outcome.NO_ANSWER
            fates = [Fate(f.organisation_key, waiting) for f in fates]
        planned.append(PlannedRemiss(f"STK-{sent_on.year}-{100 + i}", sent_on, deadline, tuple(fates), not open_))
    return planned


def build() -> History:
    """Play the plan through the use cases on a memory store; the clock ends at TODAY."""
    clock = FakeClock(datetime(2023, 1, 2, 8, 0, tzinfo=UTC))
    service = build_use_cases(MemoryStore(), clock, coordinators=[COORDINATOR], calendar=SwedishCalendar())
    return History(service, clock, play(service, clock))


def play(service: UseCases, clock: FakeClock) -> list[PlannedRemiss]:
    """Play the plan through `service` (COORDINATOR a coordinator of it, on the Swedish calendar), whose clock
    `clock` is; the directory becomes this module's. The clock ends at TODAY. Returns the plan."""
    service.directory.replace_directory(directory())
    planned = plan()
    for remiss in planned:
        _play(service, clock, remiss)
    # Neither counted: a remiss withdrawn after sending (sent by mistake), and a draft.
    clock.set(_at(date(2025, 11, 3), 9))
    coordinator = service.actor(COORDINATOR)
    keys = [f.organisation_key for f in planned[0].fates]
    service.drafting.create_draft(coordinator, _input("STK-2025-900", date(2025, 12, 15), keys))
    service.drafting.send(coordinator, "STK-2025-900")
    service.lifecycle.withdraw(coordinator, "STK-2025-900", "Skickad av misstag")
    service.drafting.create_draft(coordinator, _input("STK-2025-901", date(2025, 12, 15), keys))
    clock.set(_at(TODAY, 9))
    return planned


def copy_into(source: Store, target: Store) -> None:
    """Store the played history again in `target` (an SQL store), in one transaction, through the store's own
    port: the directory, each remiss with its recipients (their versions and anstånd) and the requests for anstånd.
    Playing it through the use cases on SQLite takes minutes (a transaction per step); this takes a second."""
    with source.read() as repo:
        directory_ = repo.directory.load_directory()
        remisses = repo.remisses.list_remisses()
        recipients = {r.case_number: repo.remisses.list_recipients(r.case_number) for r in remisses}
        requests = {r.case_number: repo.remisses.extension_requests(r.case_number) for r in remisses}
    with target.transaction() as repo:
        repo.directory.replace_directory(directory_)
        for remiss in remisses:
            repo.remisses.add_remiss(replace(remiss, id=None))
            for recipient in recipients[remiss.case_number]:
                repo.remisses.add_recipient(replace(recipient, id=None))
            for request in requests[remiss.case_number]:
                repo.remisses.add_extension_request(replace(request, id=None))


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=STOCKHOLM)


def _input(case_number: str, deadline: date, keys: list[str]) -> RemissInput:
    return RemissInput(
        case_number=case_number,
        title=f"Remiss {case_number} om stadens långsiktiga planering",
        questions=(("Vad anser ni om förslaget?", QuestionKind.POSITION),),
        deadline=deadline,
        recipient_keys=keys,
        contact="Mia Idestrom",
    )


def _play(service: UseCases, clock: FakeClock, remiss: PlannedRemiss) -> None:
    calendar = SwedishCalendar()
    coordinator = service.actor(COORDINATOR)
    case = remiss.case_number
    clock.set(_at(remiss.sent_on, 9))
    service.drafting.create_draft(
        coordinator, _input(case, remiss.deadline, [f.organisation_key for f in remiss.fates])
    )
    service.drafting.send(coordinator, case)
    last = remiss.deadline
    for step_at, step in sorted(_steps(remiss, calendar), key=lambda s: s[0]):
        clock.set(step_at)
        last = max(last, step(service))
    if remiss.closes:
        clock.set(_at(add_working_days(calendar, last, 1), 16))
        service.lifecycle.close(coordinator, case)


def _steps(remiss: PlannedRemiss, calendar: SwedishCalendar) -> Iterator[tuple[datetime, Step]]:
    """Each fate's actions, with when they happen: asking for anstånd two working days after sending (the
    coordinator deciding the next day), then the answer on its day."""
    case = remiss.case_number
    for fate in remiss.fates:
        key, actor_id = fate.organisation_key, official(fate.organisation_key)
        deadline = remiss.deadline
        if fate.asks:
            asked_on = add_working_days(calendar, remiss.sent_on, 2)
            wanted = add_working_days(calendar, remiss.deadline, EXTRA)
            yield _at(asked_on, 10), _ask(case, key, actor_id, wanted, fate.granted, calendar)
            if fate.granted:
                deadline = wanted
        if fate.outcome in (Outcome.NO_ANSWER, Outcome.PENDING):
            continue
        answered_on = add_working_days(calendar, deadline, -fate.days_before)
        yield _at(answered_on, 14), _answer(case, key, actor_id, fate.outcome, deadline)


def _ask(case: str, key: str, actor_id: str, wanted: date, grant: bool, calendar: SwedishCalendar) -> Step:
    def step(service: UseCases) -> date:
        request = service.deadlines.request_extension(service.actor(actor_id), case, key, wanted, "Nämndmöte")
        # The coordinator decides at once (same moment): a later step may move the clock back for another fate.
        service.deadlines.decide_extension(service.actor(COORDINATOR), request.id or 0, grant=grant)
        return wanted if grant else date.min

    return step


def _answer(case: str, key: str, actor_id: str, outcome: Outcome, deadline: date) -> Step:
    def step(service: UseCases) -> date:
        actor = service.actor(actor_id)
        if outcome is Outcome.DECLINED:
            service.answering.decline(actor, case, key, "Berör inte nämndens ansvar")
            return date.min
        answers = (Answer(1, "Nämnden tillstyrker förslaget.", Position.TILLSTYRKER),)
        if outcome is Outcome.PRELIMINARY:
            content = ResponseContent(
                ResponseKind.PRELIMINARY, answers, planned_board_date=deadline + timedelta(days=14)
            )
        else:
            content = ResponseContent(ResponseKind.YTTRANDE, answers, meeting_date=service.today(), paragraph="§ 12")
        service.answering.submit(actor, case, key, content)
        return service.today()

    return step
