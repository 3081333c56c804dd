"""What the use-case tests share: the STK-2023-137 remiss, the Malmö directory with contacts filled in, a
recording user directory, and the round sent on Monday 2 October 2023 with its reminder walk."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.adapters.calendar_se import SwedishCalendar
from bot.adapters.directory_file import parse_directory, shipped_directory_text
from bot.core.clock import STOCKHOLM
from bot.core.domain.organisation import Directory, Organisation
from bot.core.domain.outbox import MessageKind, OutboxMessage
from bot.core.domain.people import Person
from bot.core.domain.remiss import Answer, Position, ResponseContent, ResponseKind
from bot.core.ports.store import Store
from bot.core.usecases import UseCases, build_use_cases
from bot.core.usecases.results import Actor, RemissInput
from devtools.clocks import FakeClock
from devtools.memory import MemoryStore
from tests.domain.samples import QUESTIONS

COORDINATOR = "UMIA"
START = datetime(2023, 10, 2, 7, 0, tzinfo=UTC)
CASE = "STK-2023-137"
SENT_AT = datetime(2023, 10, 2, 10, 0, tzinfo=STOCKHOLM)
NINE = time(9, 0)
FULL_ROUND = [
    (date(2023, 10, 5), NINE, "nudge_unopened"),
    (date(2023, 11, 16), NINE, "before_deadline"),
    (date(2023, 11, 23), NINE, "before_deadline"),
    (date(2023, 11, 28), NINE, "before_deadline"),
    (date(2023, 11, 30), NINE, "deadline_morning"),
    (date(2023, 12, 1), NINE, "overdue"),
]


class RecordingUsers:
    """A UserDirectory that knows a few e-mail addresses and records every look-up."""

    def __init__(
        self,
        known: dict[str, str],
        groups: dict[str, frozenset[str]] | None = None,
        channels: dict[str, frozenset[str]] | None = None,
        names: dict[str, str] | None = None,
    ) -> None:
        self.known = known
        self.names = names or {}
        self.groups = groups or {}
        self.channels = channels or {}
        self.lookups: list[str] = []

    def lookup_by_email(self, email: str) -> str | None:
        self.lookups.append(email)
        return self.known.get(email)

    def group_members(self, group_id: str) -> frozenset[str]:
        self.lookups.append(group_id)
        return self.groups.get(group_id, frozenset())

    def channel_members(self, channel_id: str) -> frozenset[str]:
        self.lookups.append(channel_id)
        return self.channels.get(channel_id, frozenset())

    def person(self, user_id: str) -> Person | None:
        """Who a user id is: ids starting UBOT are bots, UGONE deactivated, UNOBODY unknown."""
        self.lookups.append(user_id)
        if user_id.startswith("UNOBODY"):
            return None
        bot, gone = user_id.startswith("UBOT"), user_id.startswith("UGONE")
        return Person(user_id, is_bot=bot, deleted=gone, name=self.names.get(user_id, ""))


def directory() -> Directory:
    """The shipped Malmö directory with contacts filled in for three recipients."""
    base = parse_directory(shipped_directory_text())
    contacts = {
        "tekniska-namnden": ("UTN1",),
        "miljonamnden": ("anna.miljo@malmo.se",),
        "mkb": ("UMKB1", "UMKB2"),
    }
    stand_ins = {"tekniska-namnden": ("UTNVICE",)}
    return Directory(
        tuple(
            Organisation(
                key=o.key,
                name=o.name,
                short_name=o.short_name,
                kind=o.kind,
                contacts=contacts.get(o.key, ()),
                stand_ins=stand_ins.get(o.key, ()),
                aliases=o.aliases,
            )
            for o in base
        )
    )


def stk_2023_137(recipients: list[str] | None = None) -> RemissInput:
    return RemissInput(
        case_number="STK-2023-137",
        title="Uppdrag budget 2023 - Definiera och starta ett långsiktigt och strategiskt områdeslyft",
        questions=QUESTIONS,
        deadline=date(2023, 11, 30),
        recipient_keys=recipients or ["mkb", "tekniska-namnden", "miljonamnden", "kulturnamnden"],
        contact="Mia Idestrom",
    )


def coordinator(service: UseCases) -> Actor:
    return service.actor(COORDINATOR)


def sent(service: UseCases) -> None:
    service.drafting.create_draft(coordinator(service), stk_2023_137())
    service.drafting.send(coordinator(service), "STK-2023-137")


def delegation(text: str) -> ResponseContent:
    return ResponseContent(
        kind=ResponseKind.DELEGATION,
        answers=(Answer(1, text, Position.TILLSTYRKER), Answer(4, "Stadsbyggnadsnämnden")),
        decided_by="Förvaltningschef",
    )


def outbox(service: UseCases) -> list[tuple[str, str | None, str | None]]:
    """(kind, organisation, user) of every message recorded for STK-2023-137, in order."""
    with service.store.read() as repo:
        return [(m.kind.value, m.organisation_key, m.to_user) for m in repo.outbox.messages_for("STK-2023-137")]


def fresh(clock: FakeClock, users: RecordingUsers | None = None, store: Store | None = None) -> UseCases:
    """The use cases on an empty store (in memory unless given one) with the directory above; nothing drafted."""
    service = build_use_cases(
        store if store is not None else MemoryStore(), clock, users=users, coordinators=[COORDINATOR]
    )
    service.directory.seed_directory(directory())
    return service


def stk_round(clock: FakeClock, store: Store | None = None) -> UseCases:
    """STK-2023-137 sent at SENT_AT on the Swedish calendar, its reminders planned (in memory unless given a
    store)."""
    service = build_use_cases(
        store if store is not None else MemoryStore(),
        clock,
        users=RecordingUsers({"anna.miljo@malmo.se": "UANNA"}),
        coordinators=[COORDINATOR],
        calendar=SwedishCalendar(),
    )
    service.directory.seed_directory(directory())
    service.drafting.create_draft(coordinator(service), stk_2023_137())
    service.drafting.send(coordinator(service), CASE)
    return service


def walk(service: UseCases, clock: FakeClock, until: datetime, step: timedelta = timedelta(minutes=30)) -> None:
    while clock.now() < until:
        clock.advance(step)
        service.reminding.remind()


def reminders_sent(service: UseCases) -> dict[str, list[tuple[date, time, str]]]:
    """Per recipient (or 'coordinator'): the local day, time and kind of every reminder message recorded."""
    found: dict[str, list[tuple[date, time, str]]] = defaultdict(list)
    with service.store.read() as repo:
        messages: list[OutboxMessage] = repo.outbox.messages_for(CASE)
        plan = {s.key: s for s in repo.reminders.reminders_for(CASE)}
    for m in messages:
        if m.kind is MessageKind.ESCALATION:
            local = m.created_at.astimezone(STOCKHOLM)
            found["coordinator"].append((local.date(), local.time().replace(second=0, microsecond=0), "escalation"))
        elif m.kind is MessageKind.REMINDER:
            scheduled = plan[m.key.rsplit(":", 1)[0]]
            local = scheduled.reminder.due_at.astimezone(STOCKHOLM)
            kind = scheduled.reminder.kind.value
            found[f"{m.organisation_key}:{m.to_user}"].append((local.date(), local.time(), kind))
    return dict(found)


# The STK round as fixtures, for the modules that walk it (imported there by name).


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(SENT_AT)


@pytest.fixture
def service(clock: FakeClock) -> UseCases:
    """STK-2023-137 sent on Monday 2 October 2023 at 10:00, its reminders planned."""
    return stk_round(clock)
