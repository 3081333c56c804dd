"""A remiss sent to `count` boards on a fake clock, with the status message edited at most every INTERVAL seconds:
what the tests of the status message under many answers share (test_status_coalescing.py,
test_status_between_thread_lines.py); the shared-pace tests send it with send_to_boards too."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date

from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.core.domain.organisation import Directory, Organisation, OrgKind
from bot.core.domain.remiss import Answer, QuestionKind, ResponseContent, ResponseKind
from bot.core.ports.pace import SendBudget
from bot.core.usecases.results import RemissInput
from devtools.clocks import FakeClock
from devtools.sandbox.harness import Sandbox, SandboxUser, running_sandbox
from handlers.outbound.courier import Courier
from tests.e2e.conftest import COORDINATOR, USERS

CASE = "STK-2023-137"
INTERVAL = 10
CONTENT = ResponseContent(ResponseKind.DELEGATION, (Answer(1, "Vi tillstyrker."),), decided_by="Förvaltningschef")


def official(number: int) -> SandboxUser:
    return SandboxUser(f"U2{number:05d}", f"o{number}", f"Handläggare {number}")


def organisation_key(number: int) -> str:
    return f"org-{number:02d}"


@contextmanager
def sent_to_boards(database_url: str, engine: Engine, clock: FakeClock, count: int) -> Iterator[Sandbox]:
    """The sandbox with CASE sent to `count` boards, each with one official (official(n))."""
    with running_sandbox(
        database_url=database_url,
        engine=engine,
        users=[*USERS, *(official(n) for n in range(count))],
        coordinators=[COORDINATOR],
        clock=clock,
        status_edit_seconds=INTERVAL,
    ) as box:
        send_to_boards(box, [official(n) for n in range(count)])
        yield box


def send_to_boards(box: Sandbox, officials: Sequence[SandboxUser], deadline: date = date(2023, 11, 30)) -> None:
    """CASE sent to one board per official (board n: organisation_key(n), official n its contact); the DMs wait
    in the outbox for a courier."""
    service = box.core.service
    organisations = [
        Organisation(organisation_key(n), f"Nämnd {n}", f"N{n}", OrgKind.NAMND, contacts=(user.id,))
        for n, user in enumerate(officials)
    ]
    sender = Organisation("stadskontoret", "Stadskontoret", "STK", OrgKind.FORVALTNING)
    service.directory.replace_directory(Directory((*organisations, sender)))
    coordinator = service.actor(COORDINATOR)
    service.drafting.create_draft(
        coordinator,
        RemissInput(
            case_number=CASE,
            title="Områdeslyft",
            questions=[("Vilka processer passar in?", QuestionKind.FREE_TEXT)],
            deadline=deadline,
            recipient_keys=[o.key for o in organisations],
        ),
    )
    service.drafting.send(coordinator, CASE)


def answer(box: Sandbox, number: int) -> None:
    service = box.core.service
    service.answering.submit(service.actor(official(number).id), CASE, organisation_key(number), CONTENT)


def fast_courier(box: Sandbox, budget: SendBudget | None = None) -> Courier:
    """A courier faster than the harness's (pacing is not these tests' subject), or paced by `budget`."""
    client = WebClient(token=box.fake.identity.bot_token, base_url=box.fake.url)
    return Courier(box.core.service, client, box.core.texts, batch=100, messages_per_second=500, budget=budget)


def status_ts(box: Sandbox) -> str:
    """The status message: the coordinator's first top-level message."""
    return next(m.ts for m in box.fake.messages_in(COORDINATOR) if m.thread_ts in (None, m.ts))


def answered_counts(texts: list[str]) -> list[str]:
    """ "5 av 6" from each status text."""
    return [text.split("\n\n")[1].split(" har svarat")[0] for text in texts]
