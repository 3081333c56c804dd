"""The status message under a burst of answers: edited at most once per REMISSBOT_STATUS_EDIT_SECONDS, at once
after a quiet spell, and always ending on the last answer (bench_load saw it edited 270–390 times a minute)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from slack_sdk import WebClient

from bot.core.domain.organisation import Directory, Organisation, OrgKind
from bot.core.domain.remiss import Answer, QuestionKind, ResponseContent, ResponseKind
from bot.core.usecases.results import RemissInput
from devtools.clocks import FakeClock
from devtools.sandbox.harness import Sandbox, SandboxUser, running_sandbox
from handlers.outbound.courier import Courier
from tests.e2e.conftest import COORDINATOR, USERS

CASE = "STK-2023-137"
ORGANISATIONS = 50
INTERVAL = 10


def official(number: int) -> SandboxUser:
    return SandboxUser(f"U2{number:05d}", f"o{number}", f"Handläggare {number}")


@pytest.fixture
def sandbox(database_url: str, clock: FakeClock) -> Iterator[Sandbox]:
    officials = [official(n) for n in range(ORGANISATIONS)]
    with running_sandbox(
        database_url=database_url,
        users=[*USERS, *officials],
        coordinators=[COORDINATOR],
        clock=clock,
        status_edit_seconds=INTERVAL,
    ) as box:
        service = box.core.service
        organisations = [
            Organisation(f"org-{n:02d}", f"Nämnd {n}", f"N{n}", OrgKind.NAMND, contacts=(official(n).id,))
            for n in range(ORGANISATIONS)
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
                deadline=date(2023, 11, 30),
                recipient_keys=[o.key for o in organisations],
            ),
        )
        service.drafting.send(coordinator, CASE)
        yield box


def status_edits(box: Sandbox) -> list[str]:
    """The texts the status message was edited to, in order (it is the coordinator's first top-level message)."""
    status = next(m for m in box.fake.messages_in(COORDINATOR) if m.thread_ts in (None, m.ts))
    return [str(c.params.get("text")) for c in box.fake.calls_to("chat.update") if c.params.get("ts") == status.ts]


def test_fifty_answers_in_twenty_seconds_edit_the_status_message_at_most_three_times(
    sandbox: Sandbox, clock: FakeClock
) -> None:
    service = sandbox.core.service
    # Faster than the harness's courier: pacing is not this test's subject.
    courier = Courier(
        service,
        WebClient(token=sandbox.fake.identity.bot_token, base_url=sandbox.fake.url),
        sandbox.core.texts,
        batch=100,
        messages_per_second=500,
    )
    courier.drain()
    clock.advance(timedelta(minutes=5))  # a quiet spell after sending
    content = ResponseContent(ResponseKind.DELEGATION, (Answer(1, "Vi tillstyrker."),), decided_by="Förvaltningschef")
    for n in range(ORGANISATIONS):
        service.answering.submit(service.actor(official(n).id), CASE, f"org-{n:02d}", content)
        courier.run_once()  # a courier round after every answer, as a busy courier comes
        clock.advance(timedelta(seconds=0.4))
    # 50 answers in 20 s: the first edit came at once, then one when the interval had passed.
    during = status_edits(sandbox)
    # The last answers wait for the next edit; the courier sleeps no longer than until then (here: now).
    assert service.delivery.until_next_status_edit() == timedelta(0)
    assert courier._wait_seconds() < courier.poll_seconds

    courier.run_once()  # the round after the last interval ran out
    edits = status_edits(sandbox)

    assert [e.split("\n\n")[1].split(" har svarat")[0] for e in during] == ["1 av 50", "26 av 50"]
    assert len(edits) == 3
    assert "50 av 50 har svarat" in edits[-1]
    assert service.delivery.until_next_status_edit() is None  # nothing left to show
    assert courier.run_once() == 0
