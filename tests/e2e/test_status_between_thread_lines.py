"""The status message is not starved by its own thread lines: a courier round that posts many lines in one
channel (each paced at about one a second) looks at the status message between them, so an answer that comes
in mid-round shows as soon as the edit interval allows, not after the round (bench_load: two edits a minute)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from slack_sdk import WebClient

from bot.adapters.pace import LocalSendBudget
from bot.core.domain.organisation import Directory, Organisation, OrgKind
from bot.core.domain.remiss import Answer, QuestionKind, ResponseContent, ResponseKind
from bot.core.usecases.results import RemissInput
from devtools.clocks import FakeClock
from devtools.sandbox.harness import Sandbox, SandboxUser, running_sandbox
from handlers.outbound.courier import Courier
from tests.e2e.conftest import COORDINATOR, USERS

CASE = "STK-2023-137"
ORGANISATIONS = 6
INTERVAL = 10
CONTENT = ResponseContent(ResponseKind.DELEGATION, (Answer(1, "Vi tillstyrker."),), decided_by="Förvaltningschef")


def official(number: int) -> SandboxUser:
    return SandboxUser(f"U3{number:05d}", f"t{number}", f"Handläggare {number}")


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


class AnswerArrivesMidRound(LocalSendBudget):
    """A fast budget whose 2nd slot in the status message's channel takes the edit interval (as a round of
    paced thread lines does), during which one more official answers."""

    def __init__(self, box: Sandbox, clock: FakeClock, channel: str) -> None:
        super().__init__(500)
        self.box, self.clock, self.channel, self.slots = box, clock, channel, 0

    def acquire(self, channel: str | None = None) -> None:
        if channel == self.channel:
            self.slots += 1
            if self.slots == 2:
                service = self.box.core.service
                last = ORGANISATIONS - 1
                service.answering.submit(service.actor(official(last).id), CASE, f"org-{last:02d}", CONTENT)
                self.clock.advance(timedelta(seconds=INTERVAL))
        super().acquire(channel)


def test_an_answer_during_a_round_of_thread_lines_shows_before_the_round_ends(
    sandbox: Sandbox, clock: FakeClock
) -> None:
    service = sandbox.core.service
    client = WebClient(token=sandbox.fake.identity.bot_token, base_url=sandbox.fake.url)
    Courier(service, client, sandbox.core.texts, batch=100, messages_per_second=500).drain()
    clock.advance(timedelta(minutes=5))  # a quiet spell after sending
    status = next(m for m in sandbox.fake.messages_in(COORDINATOR) if m.thread_ts in (None, m.ts))
    for n in range(ORGANISATIONS - 1):
        service.answering.submit(service.actor(official(n).id), CASE, f"org-{n:02d}", CONTENT)
    courier = Courier(
        service, client, sandbox.core.texts, batch=100, budget=AnswerArrivesMidRound(sandbox, clock, COORDINATOR)
    )

    before = len(sandbox.fake.calls)
    courier.run_once()  # the status message, then the five answers' thread lines; the sixth answer mid-round

    calls = sandbox.fake.calls[before:]
    lines = [
        n
        for n, c in enumerate(calls)
        if c.method == "chat.postMessage" and c.params.get("thread_ts") == status.ts and c.status == 200
    ]
    edits = [
        (n, str(c.params.get("text")))
        for n, c in enumerate(calls)
        if c.method == "chat.update" and c.params.get("ts") == status.ts
    ]
    assert len(lines) == ORGANISATIONS - 1  # the sixth answer's line waits for the next round
    assert [text.split("\n\n")[1].split(" har svarat")[0] for _, text in edits] == ["5 av 6", "6 av 6"]
    assert edits[-1][0] < lines[-1]  # the new count showed while thread lines were still going out
