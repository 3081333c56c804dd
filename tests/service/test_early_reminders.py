"""The opt-in reminder policy through the use cases: after a generated history of 40 remisses over three years,
each organisation late (or silent) in its last two gets its first reminder of the next remiss three working days
earlier, marked why; the others get the usual plan, and with the setting off nobody's plan changes."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

import pytest

from bot.adapters.calendar_se import SwedishCalendar
from bot.core.clock import STOCKHOLM
from bot.core.domain.calendar import add_working_days, working_day_on_or_before
from bot.core.domain.reminders import EARLIER_LATE_HISTORY, ReminderKind, ReminderPolicy
from bot.core.domain.remiss import Answer, Position, ResponseContent, ResponseKind
from bot.core.usecases import UseCases, build_use_cases
from bot.core.usecases.results import RemissInput
from devtools.clocks import FakeClock
from devtools.memory import MemoryStore
from tests.domain.samples import QUESTIONS
from tests.service.support import COORDINATOR, RecordingUsers, delegation, directory

CALENDAR = SwedishCalendar()
OFFICIALS = {"tekniska-namnden": "UTN1", "miljonamnden": "UANNA", "mkb": "UMKB1"}
FIRST_SENT = date(2021, 1, 11)
HISTORY = 40
NEXT = "STK-2024-999"


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=STOCKHOLM)


def build(clock: FakeClock, policy: ReminderPolicy) -> UseCases:
    service = build_use_cases(
        MemoryStore(),
        clock,
        users=RecordingUsers({"anna.miljo@malmo.se": "UANNA"}),
        coordinators=[COORDINATOR],
        calendar=CALENDAR,
        reminder_policy=policy,
    )
    service.directory.seed_directory(directory())
    return service


def send(service: UseCases, case: str, deadline: date) -> None:
    mia = service.actor(COORDINATOR)
    service.drafting.create_draft(mia, RemissInput(case, f"Remiss {case}", QUESTIONS, deadline, list(OFFICIALS)))
    service.drafting.send(mia, case)


def generated_history(service: UseCases, clock: FakeClock, seed: int) -> dict[str, list[str]]:
    """40 remisses, one every 27 days from January 2021 (three years), each answered by each organisation on
    time (an yttrande two days before the deadline, or a decline), late (three days after) or not at all; every
    remiss closed a week after its deadline. Returns each organisation's outcomes in order."""
    rng = random.Random(seed)
    outcomes: dict[str, list[str]] = {key: [] for key in OFFICIALS}
    for n in range(HISTORY):
        sent_on = FIRST_SENT + timedelta(days=27 * n)
        deadline = sent_on + timedelta(days=18)
        case = f"STK-{sent_on.year}-{n + 1:03d}"
        clock.set(at(sent_on))
        send(service, case, deadline)
        chosen = {key: rng.choice(["on_time", "declined", "late", "none"]) for key in OFFICIALS}
        for key, outcome in chosen.items():
            outcomes[key].append(outcome)
        clock.set(at(deadline - timedelta(days=2)))
        for key in (k for k, o in chosen.items() if o in ("on_time", "declined")):
            actor = service.actor(OFFICIALS[key])
            if chosen[key] == "declined":
                service.answering.decline(actor, case, key, "Inga synpunkter.")
            else:
                service.answering.submit(actor, case, key, delegation("Ja."))
        clock.set(at(deadline + timedelta(days=3)))
        for key in (k for k, o in chosen.items() if o == "late"):
            service.answering.submit(service.actor(OFFICIALS[key]), case, key, delegation("Sent, men ja."))
        clock.set(at(deadline + timedelta(days=7)))
        service.lifecycle.close(service.actor(COORDINATOR), case)
    return outcomes


def first_reminders(service: UseCases) -> dict[str, tuple[date, int, str]]:
    """Each organisation's first "days left" reminder of the next remiss: its day, working days left and why."""
    first: dict[str, tuple[date, int, str]] = {}
    for row in service.reminding.reminder_plan(NEXT):
        planned = row.scheduled.reminder
        if planned.kind is ReminderKind.BEFORE_DEADLINE and row.organisation.key not in first:
            first[row.organisation.key] = (planned.local_date, planned.working_days_left, planned.because)
    return first


@pytest.mark.parametrize("seed", [7, 8])
def test_after_a_generated_history_the_often_late_get_their_first_reminder_three_working_days_earlier(
    seed: int,
) -> None:
    clock = FakeClock(at(FIRST_SENT))
    service = build(clock, ReminderPolicy(earlier_for_late=3))
    outcomes = generated_history(service, clock, seed)

    sent_on = date(2024, 2, 5)
    deadline = date(2024, 4, 12)
    clock.set(at(sent_on))
    send(service, NEXT, deadline)

    last_day = working_day_on_or_before(CALENDAR, deadline)
    usual = (add_working_days(CALENDAR, last_day, -10), 10, "")
    earlier = (add_working_days(CALENDAR, last_day, -13), 13, EARLIER_LATE_HISTORY)
    often_late = {key for key, seen in outcomes.items() if all(o in ("late", "none") for o in seen[-2:])}
    assert first_reminders(service) == {key: earlier if key in often_late else usual for key in OFFICIALS}
    assert len(often_late) not in (0, len(OFFICIALS)), "the history gives both kinds of organisation"
    if seed == 8:  # an organisation late only in its very last remiss has no habit yet
        assert outcomes["tekniska-namnden"][-2:] == ["on_time", "late"] and "tekniska-namnden" not in often_late


def test_with_the_setting_off_a_late_history_changes_nobodys_plan() -> None:
    clock = FakeClock(at(FIRST_SENT))
    service = build(clock, ReminderPolicy())
    outcomes = generated_history(service, clock, 7)
    assert any(all(o in ("late", "none") for o in seen[-2:]) for seen in outcomes.values())
    clock.set(at(date(2024, 2, 5)))
    send(service, NEXT, date(2024, 4, 12))
    assert {why for _, _, why in first_reminders(service).values()} == {""}
    assert {left for _, left, _ in first_reminders(service).values()} == {10}


def test_a_deadline_moved_later_replans_the_earlier_reminder_against_the_new_one() -> None:
    """Replanning (here: a new deadline for everyone) asks the history again, so the earlier reminder stays
    earlier, counted from the new deadline."""
    clock = FakeClock(at(FIRST_SENT))
    service = build(clock, ReminderPolicy(earlier_for_late=3))
    for n, sent_on in enumerate((date(2023, 1, 9), date(2023, 3, 6)), start=1):
        clock.set(at(sent_on))
        send(service, f"STK-2023-00{n}", sent_on + timedelta(days=18))  # nobody answers either
        clock.set(at(sent_on + timedelta(days=25)))
        service.lifecycle.close(service.actor(COORDINATOR), f"STK-2023-00{n}")
    clock.set(at(date(2024, 2, 5)))
    send(service, NEXT, date(2024, 4, 12))
    assert {why for _, _, why in first_reminders(service).values()} == {EARLIER_LATE_HISTORY}

    service.deadlines.change_deadline(service.actor(COORDINATOR), NEXT, date(2024, 4, 26))
    last_day = working_day_on_or_before(CALENDAR, date(2024, 4, 26))
    expected = (add_working_days(CALENDAR, last_day, -13), 13, EARLIER_LATE_HISTORY)
    assert first_reminders_planned(service) == dict.fromkeys(OFFICIALS, expected)


def test_late_is_what_the_statistics_say_a_final_answer_after_a_preliminary_one_in_time_is_late() -> None:
    """In two earlier remisses Tekniska nämnden sent a preliminary answer two days before the deadline and its
    board's yttrande three days after it; Miljönämnden declined three days after it. The statistics count
    the first late and the second declined, and so does the reminder policy: only Tekniska nämnden's first
    reminder comes earlier (MKB's plan is usual: it answered in time)."""
    clock = FakeClock(at(FIRST_SENT))
    service = build(clock, ReminderPolicy(earlier_for_late=3))
    for n, sent_on in enumerate((date(2023, 1, 9), date(2023, 3, 6)), start=1):
        case, deadline = f"STK-2023-00{n}", sent_on + timedelta(days=18)
        clock.set(at(sent_on))
        send(service, case, deadline)
        clock.set(at(deadline - timedelta(days=2)))
        tekniska = service.actor(OFFICIALS["tekniska-namnden"])
        first = ResponseContent(
            ResponseKind.PRELIMINARY,
            (Answer(1, "Preliminärt: vi tillstyrker.", Position.TILLSTYRKER),),
            planned_board_date=deadline + timedelta(days=3),
        )
        service.answering.submit(tekniska, case, "tekniska-namnden", first)
        service.answering.submit(service.actor(OFFICIALS["mkb"]), case, "mkb", delegation("Ja."))
        clock.set(at(deadline + timedelta(days=3)))
        answers = (Answer(1, "Nämnden tillstyrker.", Position.TILLSTYRKER),)
        board = ResponseContent(
            ResponseKind.YTTRANDE, answers, meeting_date=deadline + timedelta(days=3), paragraph="§ 12"
        )
        service.answering.submit(tekniska, case, "tekniska-namnden", board)
        service.answering.decline(service.actor(OFFICIALS["miljonamnden"]), case, "miljonamnden", "Berör inte oss.")
        clock.set(at(deadline + timedelta(days=7)))
        service.lifecycle.close(service.actor(COORDINATOR), case)

    clock.set(at(date(2024, 2, 5)))
    counted = {o.organisation_key: o.total for o in service.queries.answer_statistics(None).statistics.organisations}
    assert (counted["tekniska-namnden"].late, counted["miljonamnden"].declined, counted["mkb"].on_time) == (2, 2, 2)
    send(service, NEXT, date(2024, 4, 12))
    assert {key: why for key, (_, _, why) in first_reminders(service).items()} == {
        "tekniska-namnden": EARLIER_LATE_HISTORY,
        "miljonamnden": "",
        "mkb": "",
    }


def first_reminders_planned(service: UseCases) -> dict[str, tuple[date, int, str]]:
    """As first_reminders, among the reminders still planned (a replan cancels the old ones)."""
    first: dict[str, tuple[date, int, str]] = {}
    for row in service.reminding.reminder_plan(NEXT):
        planned, state = row.scheduled.reminder, row.scheduled.state
        if (
            planned.kind is ReminderKind.BEFORE_DEADLINE
            and state.value == "planned"
            and row.organisation.key not in first
        ):
            first[row.organisation.key] = (planned.local_date, planned.working_days_left, planned.because)
    return first
