"""The use cases, one class per capability, over one shared base; `build_use_cases` wires them.

Outside the core the container is called `service` (ctx.service, core.service): `service.answering.submit(…)`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import time as dt_time
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.core.clock import STOCKHOLM, Clock
from bot.core.domain.calendar import SHORT_WINDOW_WORKING_DAYS, WeekendCalendar, WorkingCalendar
from bot.core.domain.outbox import STATUS_EDIT_INTERVAL
from bot.core.domain.reminders import ReminderPolicy
from bot.core.domain.remiss import FINAL_ANSWER_GRACE_DAYS
from bot.core.ports.store import Store
from bot.core.ports.users import UserDirectory
from bot.core.usecases.answering import AnsweringUseCases
from bot.core.usecases.base import (
    AUTO_CLOSE_WORKING_DAYS,
    DEFAULT_DIGEST_TIME,
    DIGEST_DEADLINE_DAYS,
    Config,
    OnShared,
    Shared,
)
from bot.core.usecases.deadlines import DeadlineUseCases
from bot.core.usecases.delivery import DeliveryUseCases
from bot.core.usecases.directory import DirectoryUseCases
from bot.core.usecases.drafting import DraftingUseCases
from bot.core.usecases.edge import EdgeUseCases
from bot.core.usecases.lifecycle import LifecycleUseCases
from bot.core.usecases.people import PeopleUseCases
from bot.core.usecases.planning import ReminderPlanner
from bot.core.usecases.queries import QueryUseCases
from bot.core.usecases.recipients import RecipientUseCases
from bot.core.usecases.registry import RegistryUseCases
from bot.core.usecases.reminding import ReminderUseCases
from bot.core.usecases.results import Actor

__all__ = ["Config", "UseCases", "build_use_cases"]


@dataclass
class UseCases(OnShared):
    """One of each capability, sharing one base: what the handlers, the CLI, the scheduler and the courier call."""

    shared: Shared
    drafting: DraftingUseCases
    answering: AnsweringUseCases
    deadlines: DeadlineUseCases
    reminding: ReminderUseCases
    directory: DirectoryUseCases
    delivery: DeliveryUseCases
    queries: QueryUseCases
    edge: EdgeUseCases
    registry: RegistryUseCases
    people: PeopleUseCases
    recipients: RecipientUseCases
    lifecycle: LifecycleUseCases

    # What every caller needs whichever capability it uses: who acts, and the clock (OnShared: the time, the
    # store and the settings).
    def actor(self, user_id: str) -> Actor:
        """The acting user, a coordinator if configured so by id or by membership of the coordinators' group."""
        return self.shared.actor(user_id)

    @property
    def clock(self) -> Clock:
        return self.shared.clock

    @property
    def on_outbox(self) -> Callable[[], None]:
        """Called after a commit that recorded messages, so a sender in this process starts at once."""
        return self.shared.on_outbox

    @on_outbox.setter
    def on_outbox(self, wake: Callable[[], None]) -> None:
        self.shared.on_outbox = wake


def build_use_cases(
    store: Store,
    clock: Clock,
    *,
    users: UserDirectory | None = None,
    coordinators: Iterable[str] = (),
    coordinator_group: str | None = None,
    sender_key: str = "stadskontoret",
    offices: Iterable[str] = (),
    scoped_coordinators: Mapping[str, Iterable[str]] | None = None,
    tz: ZoneInfo = STOCKHOLM,
    status_channel: str | None = None,
    calendar: WorkingCalendar | None = None,
    reminder_policy: ReminderPolicy | None = None,
    short_window_days: int = SHORT_WINDOW_WORKING_DAYS,
    digest_at: dt_time = DEFAULT_DIGEST_TIME,
    digest_deadline_days: int = DIGEST_DEADLINE_DAYS,
    final_answer_grace_days: int = FINAL_ANSWER_GRACE_DAYS,
    auto_close_working_days: int = AUTO_CLOSE_WORKING_DAYS,
    status_edit_interval: timedelta = STATUS_EDIT_INTERVAL,
) -> UseCases:
    """Every use case on one store and clock; what the composition root and the tests build."""
    config = Config(
        coordinators=frozenset(coordinators),
        coordinator_group=coordinator_group,
        sender_key=sender_key,
        offices=tuple(offices),
        scoped_coordinators={u: frozenset(o) for u, o in (scoped_coordinators or {}).items()},
        tz=tz,
        status_channel=status_channel,
        calendar=calendar or WeekendCalendar(),
        reminder_policy=reminder_policy or ReminderPolicy(),
        short_window_days=short_window_days,
        digest_at=digest_at,
        digest_deadline_days=digest_deadline_days,
        final_answer_grace_days=final_answer_grace_days,
        auto_close_working_days=auto_close_working_days,
        status_edit_interval=status_edit_interval,
    )
    shared = Shared(store, clock, config, users)
    planner = ReminderPlanner(shared)
    queries = QueryUseCases(shared)
    reminding = ReminderUseCases(shared, planner, queries)
    answering = AnsweringUseCases(shared, planner)
    drafting = DraftingUseCases(shared, planner)
    return UseCases(
        shared=shared,
        drafting=drafting,
        answering=answering,
        deadlines=DeadlineUseCases(shared, planner),
        reminding=reminding,
        directory=DirectoryUseCases(shared, planner),
        delivery=DeliveryUseCases(shared, reminding),
        queries=queries,
        edge=EdgeUseCases(shared),
        registry=RegistryUseCases(shared),
        people=PeopleUseCases(shared, answering),
        recipients=RecipientUseCases(shared, planner, drafting.window_report),
        lifecycle=LifecycleUseCases(shared, planner),
    )
