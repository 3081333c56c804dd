"""Sending a remiss through the outbox and the courier: everyone reached once, the status kept in one message."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.core.domain.remiss import Answer, DocumentLink, QuestionKind, ResponseContent, ResponseKind
from bot.core.usecases.results import RemissInput
from devtools.clocks import FakeClock
from devtools.sandbox.harness import Sandbox, SandboxUser, running_sandbox
from handlers.outbound.courier import Courier
from tests.e2e.conftest import COORDINATOR, USERS, load_directory

OFFICIALS = {
    "tekniska-namnden": SandboxUser("U0TN", "tn", "Tove Nilsson", "tove.nilsson@malmo.se"),
    "miljonamnden": SandboxUser("U0MN", "mn", "Mats Nord", "mats.nord@malmo.se"),
    "kulturnamnden": SandboxUser("U0KN", "kn", "Karin Ek", "karin.ek@malmo.se"),
    "mkb": SandboxUser("U0MKB", "mkb", "Mona Berg", "mona.berg@malmo.se"),
}
GONE = SandboxUser("U0GONE", "gone", "Göran Slutat", "goran.slutat@malmo.se", deleted=True)
CASE = "STK-2023-137"


@pytest.fixture
def sandbox(database_url: str, database_engine: Engine, clock: FakeClock) -> Iterator[Sandbox]:
    users = [*USERS, *OFFICIALS.values(), GONE]
    with running_sandbox(
        database_url=database_url, engine=database_engine, users=users, coordinators=[COORDINATOR], clock=clock
    ) as box:
        contacts = {key: (user.email or "",) for key, user in OFFICIALS.items()}
        contacts["servicenamnden"] = (GONE.id,)
        load_directory(box, contacts)
        yield box


def send(box: Sandbox, recipients: list[str]) -> None:
    service = box.core.service
    data = RemissInput(
        case_number=CASE,
        title="Områdeslyft",
        questions=[("Vilka processer passar in?", QuestionKind.FREE_TEXT)],
        deadline=date(2023, 11, 30),
        recipient_keys=recipients,
    )
    service.drafting.create_draft(service.actor(COORDINATOR), data)
    service.drafting.send(service.actor(COORDINATOR), CASE)


def top_level(box: Sandbox, user: str) -> list[Any]:
    return [m for m in box.fake.messages_in(user) if m.thread_ts in (None, m.ts)]


def thread_texts(box: Sandbox, user: str) -> list[str]:
    status = top_level(box, user)[0]
    return [m.text for m in box.fake.messages_in(user) if m.thread_ts == status.ts and m.ts != status.ts]


def remiss_dms(box: Sandbox, user: str) -> list[Any]:
    return [m for m in box.fake.messages_in(user) if (m.metadata or {}).get("event_type") == "remissbot_outbox"]


def answer(box: Sandbox, key: str) -> None:
    service = box.core.service
    content = ResponseContent(ResponseKind.DELEGATION, (Answer(1, "Vi tillstyrker."),), decided_by="Förvaltningschef")
    service.answering.submit(service.actor(OFFICIALS[key].id), CASE, key, content)


def test_every_reachable_official_gets_the_remiss_once_with_its_buttons(sandbox: Sandbox) -> None:
    send(sandbox, list(OFFICIALS))
    sandbox.courier.drain()
    for user in OFFICIALS.values():
        dms = remiss_dms(sandbox, user.id)
        assert len(dms) == 1, user
        actions = [b for b in dms[0].blocks or [] if b["type"] == "actions"]
        assert [e["text"]["text"] for e in actions[0]["elements"]] == [
            "Svara",
            "Svara här i chatten",
            "Avstå",
            "Lämna över",
            "Begär anstånd",
        ]
    assert sandbox.fake.warnings == []


def test_the_status_message_is_edited_in_place_and_events_go_in_its_thread(sandbox: Sandbox) -> None:
    send(sandbox, list(OFFICIALS))
    sandbox.courier.drain()
    assert len(top_level(sandbox, COORDINATOR)) == 1
    answer(sandbox, "mkb")
    answer(sandbox, "kulturnamnden")
    sandbox.courier.drain()
    status = top_level(sandbox, COORDINATOR)
    assert len(status) == 1
    assert "2 av 4 har svarat, 2 har inte öppnat; sista svarsdatum torsdag 30 november" in status[0].text
    assert sandbox.fake.calls_to("chat.update")
    thread = thread_texts(sandbox, COORDINATOR)
    assert thread[0] == ":outbox_tray: Remissen skickades till 4 remissinstanser."
    assert "*MKB* har svarat (via delegation)." in thread[1]
    assert "*Kulturnämnden* har svarat (via delegation)." in thread[2]


def test_recipients_that_cannot_be_reached_are_named_and_the_rest_go_out(sandbox: Sandbox) -> None:
    send(sandbox, [*OFFICIALS, "servicenamnden", "fritidsnamnden"])
    sandbox.courier.drain()
    thread = "\n".join(thread_texts(sandbox, COORDINATOR))
    # No contact in the directory at all:
    assert "*Fritidsnämnden* kunde inte nås: katalogen har ingen kontaktperson" in thread
    # A contact whose Slack account is deactivated:
    assert "*Servicenämnden* kunde inte nås: Slack svarade «is_archived» för <@U0GONE>" in thread
    assert all(len(remiss_dms(sandbox, u.id)) == 1 for u in OFFICIALS.values())


def test_a_storm_of_429s_and_server_errors_loses_nothing_and_sends_nothing_twice(sandbox: Sandbox) -> None:
    send(sandbox, list(OFFICIALS))
    sandbox.fake.inject("chat.postMessage", status=429, retry_after=1, times=3)
    sandbox.fake.inject("chat.postMessage", status=503, times=2)
    sandbox.fake.inject("chat.postMessage", status=500, html=True, times=1)
    # Backoff after 5xx is real time (5 s, 10 s …); let the clock used for due times move with each round.
    clock = sandbox.core.clock
    assert isinstance(clock, FakeClock)
    for _ in range(40):
        sandbox.courier.drain(timeout=10)
        if all(len(remiss_dms(sandbox, u.id)) == 1 for u in OFFICIALS.values()):
            break
        clock.advance(timedelta(seconds=30))
    assert all(len(remiss_dms(sandbox, u.id)) == 1 for u in OFFICIALS.values())
    statuses = [c.status for c in sandbox.fake.calls_to("chat.postMessage")]
    assert statuses.count(429) == 3
    assert statuses.count(503) + statuses.count(500) == 3


def test_messages_slack_took_before_their_replies_were_lost_are_not_sent_again(sandbox: Sandbox) -> None:
    send(sandbox, ["mkb"])
    # Slack posts the status message and the DM, but its answers come too late for the client: to us the
    # outcome is unknown.
    sandbox.fake.inject("chat.postMessage", late_reply=3, times=2)
    impatient = Courier(
        sandbox.core.service,
        WebClient(token=sandbox.fake.identity.bot_token, base_url=sandbox.fake.url, timeout=1),
        sandbox.core.texts,
        messages_per_second=50,
    )
    impatient.run_once()
    impatient.run_once()
    assert len(top_level(sandbox, COORDINATOR)) == 1
    assert len(remiss_dms(sandbox, OFFICIALS["mkb"].id)) == 1
    clock = sandbox.core.clock
    assert isinstance(clock, FakeClock)
    clock.advance(timedelta(minutes=1))
    sandbox.courier.drain()
    assert len(top_level(sandbox, COORDINATOR)) == 1
    assert len(remiss_dms(sandbox, OFFICIALS["mkb"].id)) == 1
    assert thread_texts(sandbox, COORDINATOR) == [":outbox_tray: Remissen skickades till 1 remissinstanser."]
    assert sandbox.fake.calls_to("conversations.history")


def test_messages_claimed_by_a_process_that_died_are_sent_once_after_its_lease(sandbox: Sandbox) -> None:
    send(sandbox, list(OFFICIALS))
    claimed = sandbox.core.service.delivery.claim_outgoing(limit=100)  # a process claims everything, then dies
    assert len(claimed) >= len(OFFICIALS)
    sandbox.courier.drain()
    assert all(remiss_dms(sandbox, u.id) == [] for u in OFFICIALS.values())
    clock = sandbox.core.clock
    assert isinstance(clock, FakeClock)
    clock.advance(timedelta(seconds=61))
    sandbox.courier.drain()
    assert all(len(remiss_dms(sandbox, u.id)) == 1 for u in OFFICIALS.values())


def test_a_remiss_of_angle_brackets_ampersands_and_many_documents_reaches_slack_cut_whole_and_counted(
    sandbox: Sandbox,
) -> None:
    service = sandbox.core.service
    documents = [
        DocumentLink(
            f"Bilaga {i}: <utkast> & \x1b[31mkommentarer\x07 " + "&" * 40, f"https://malmo.se/b{i}.pdf?a=1&b=2"
        )
        for i in range(40)
    ]
    data = RemissInput(
        case_number=CASE,
        title="Områdeslyft <!channel> & \x1b]0;kapad\x07\x85",
        description="Kostnad < 2 mnkr & > 1 mnkr\x1b[2J. " * 200,
        questions=[("Vilka processer passar in? <&>\x01", QuestionKind.FREE_TEXT)],
        deadline=date(2023, 11, 30),
        recipient_keys=["mkb"],
        documents=documents,
    )
    service.drafting.create_draft(service.actor(COORDINATOR), data)
    service.drafting.send(service.actor(COORDINATOR), CASE)
    sandbox.courier.drain()

    dm = remiss_dms(sandbox, OFFICIALS["mkb"].id)[0]
    texts = [dm.text, *(b["text"]["text"] for b in dm.blocks or [] if "text" in b)]
    assert all(not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", t) for t in texts)
    assert all(whole_entities_and_links(t) for t in texts)
    description = next(t for t in texts if t.startswith("Kostnad &lt; 2 mnkr"))
    assert re.search(
        r"… _\(ytterligare \d[\d\u00a0]* tecken visas inte; hela texten finns i handlingarna\)_$", description
    )
    listed = next(t for t in texts if t.startswith("*Handlingar*"))
    shown = listed.count("<https://malmo.se/")
    assert 0 < shown < 40 and listed.endswith(f"… och {40 - shown} dokument till.")
    assert "&lt;!channel&gt; &amp;" in dm.text
    assert sandbox.fake.warnings == []


def whole_entities_and_links(text: str) -> bool:
    rest = re.sub(r"&(?:amp|lt|gt);|<[^<>]*>", "", text)
    return not any(c in rest for c in "&<>")
