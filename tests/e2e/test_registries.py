"""The registries on both sides, end to end: on sending, each recipient's registry gets a copy of the remiss
with Registrerad, which records their diarienummer; each submitted answer reaches stadskontoret's registry
channel, whose Registrerad records the document number. Once each, and only by the registry's own people."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from sqlalchemy import Engine

from bot.core.domain.audit import AuditAction
from bot.core.domain.registry import RegistryItem, RegistrySubject
from devtools.clocks import FakeClock
from devtools.sandbox import Message
from devtools.sandbox.harness import Sandbox, SandboxUser, running_sandbox
from devtools.sandbox.screen import nested
from handlers import ids
from handlers.registry_blocks import NUMBER_BLOCK
from tests.e2e.conftest import COORDINATOR, USERS, load_directory, send_as_coordinator
from tests.e2e.test_answer import (
    CASE,
    OFFICIAL,
    ORG,
    QUESTIONS,
    filled,
    press_answer,
    remiss_message,
    submit,
    thread_lines,
)
from tests.e2e.test_answer_documents import YTTRANDE, shown

THEIR_REGISTRATOR = "U0REGTN"
THEIR_OTHER_REGISTRATOR = "U0REGTN2"
OUR_REGISTRATOR = "U0REGSTK"
OUR_REGISTRY = "C0REGSTK"
OUTSIDER = "U0BERTIL"
REGISTRY_USERS = [
    SandboxUser(THEIR_REGISTRATOR, "reg.tn", "Registrator TN", "registrator.tn@malmo.se"),
    SandboxUser(THEIR_OTHER_REGISTRATOR, "reg.tn2", "Registrator TN 2", "registrator2.tn@malmo.se"),
    SandboxUser(OUR_REGISTRATOR, "reg.stk", "Registrator STK", "registrator.stk@malmo.se"),
]


@pytest.fixture
def sandbox(database_url: str, database_engine: Engine, clock: FakeClock) -> Iterator[Sandbox]:
    users = [*USERS, *REGISTRY_USERS]
    with running_sandbox(
        database_url=database_url, engine=database_engine, users=users, coordinators=[COORDINATOR], clock=clock
    ) as box:
        box.fake.add_channel(OUR_REGISTRY, "registratur-stk", is_private=True, members=[OUR_REGISTRATOR])
        registries = {ORG: (THEIR_REGISTRATOR, THEIR_OTHER_REGISTRATOR), "stadskontoret": (OUR_REGISTRY,)}
        load_directory(box, {ORG: (OFFICIAL,)}, lambda o: replace(o, registry=registries.get(o.key, ())))
        send_as_coordinator(box, "Områdeslyft", QUESTIONS, [ORG])
        box.courier.drain()
        yield box
        assert box.fake.scope_refusals == [], "manifest.json lacks a scope the app uses"


def copy_in(box: Sandbox, place: str) -> Message:
    """The newest message with Registrerad (or that had it) in a registrator's DM or the registry channel."""
    found = [m for m in box.fake.messages_in(place) if "registrera" in m.text]
    assert found, f"no registry copy in {place}"
    return found[-1]


def has_register_button(message: Message) -> bool:
    return any(e.get("action_id") == ids.REGISTER for e in nested(message.blocks))


def press_register(box: Sandbox, user: str, message: Message) -> None:
    assert box.driver.block_action(user, ids.REGISTER, message=message).status == 200


def register_form_of(box: Sandbox, user: str) -> str:
    view = box.fake.wait_for(lambda: next((v for v in box.fake.views_of(user)), None))
    assert NUMBER_BLOCK in str(view.payload["blocks"])
    return view.id


def enter_number(number: str) -> dict[str, object]:
    return {NUMBER_BLOCK: {NUMBER_BLOCK: {"type": "plain_text_input", "value": number}}}


def told(box: Sandbox, wanted: str) -> str:
    return box.fake.wait_for(
        lambda: next((str(r.payload["text"]) for r in box.fake.responses if wanted in str(r.payload.get("text"))), None)
    )


def registered(box: Sandbox) -> list[tuple[RegistryItem, str, str]]:
    return [(r.item, r.number, r.registered_by) for r in box.core.service.registry.registrations(CASE)]


def test_the_recipients_registry_gets_the_remiss_and_registrerad_records_their_diarienummer(sandbox: Sandbox) -> None:
    copy = copy_in(sandbox, THEIR_REGISTRATOR)
    assert "Remiss att registrera* för Tekniska nämnden" in copy.text and CASE in copy.text
    assert has_register_button(copy) and has_register_button(copy_in(sandbox, THEIR_OTHER_REGISTRATOR))
    # The official's DM says their registry was told.
    assert "er registratur har också fått remissen" in str(remiss_message(sandbox).blocks)

    press_register(sandbox, THEIR_REGISTRATOR, copy)
    form = register_form_of(sandbox, THEIR_REGISTRATOR)
    assert sandbox.driver.view_submission(THEIR_REGISTRATOR, enter_number(" TN-2023-512 "), view_id=form).json() is None

    item = RegistryItem(RegistrySubject.REMISS, CASE, ORG)
    assert registered(sandbox) == [(item, "TN-2023-512", THEIR_REGISTRATOR)]
    updated = sandbox.fake.wait_for(
        lambda: next((m for m in [copy_in(sandbox, THEIR_REGISTRATOR)] if not has_register_button(m)), None)
    )
    assert f"Registrerad av <@{THEIR_REGISTRATOR}>" in str(updated.blocks) and "TN-2023-512" in str(updated.blocks)
    [entry] = [e for e in sandbox.core.service.queries.audit_trail(CASE) if e.action is AuditAction.REGISTERED]
    assert (entry.actor, entry.details_dict["number"], entry.details_dict["subject"]) == (
        THEIR_REGISTRATOR,
        "TN-2023-512",
        "remiss",
    )
    sandbox.courier.drain()
    assert "deras registratur registrerade remissen med diarienummer TN-2023-512" in thread_lines(sandbox)


def test_registrerad_pressed_twice_is_recorded_once_and_the_second_is_told_by_whom(sandbox: Sandbox) -> None:
    first, second = copy_in(sandbox, THEIR_REGISTRATOR), copy_in(sandbox, THEIR_OTHER_REGISTRATOR)
    # Both open the form before either saves.
    press_register(sandbox, THEIR_REGISTRATOR, first)
    form = register_form_of(sandbox, THEIR_REGISTRATOR)
    press_register(sandbox, THEIR_OTHER_REGISTRATOR, second)
    other_form = register_form_of(sandbox, THEIR_OTHER_REGISTRATOR)
    assert sandbox.driver.view_submission(THEIR_REGISTRATOR, enter_number("TN-2023-512"), view_id=form).json() is None

    refused = sandbox.driver.view_submission(THEIR_OTHER_REGISTRATOR, enter_number("TN-2023-999"), view_id=other_form)
    assert "redan registrerat" in refused.json()["errors"][NUMBER_BLOCK]
    assert f"<@{THEIR_REGISTRATOR}>" in refused.json()["errors"][NUMBER_BLOCK]
    # Pressed again on the copy still showing the button: told at once, no form.
    sandbox.fake.close_views(THEIR_OTHER_REGISTRATOR, other_form, all_views=True)
    press_register(sandbox, THEIR_OTHER_REGISTRATOR, second)
    assert "TN-2023-512" in told(sandbox, "redan registrerat")
    assert [number for _, number, _ in registered(sandbox)] == ["TN-2023-512"]
    assert len([e for e in sandbox.core.service.queries.audit_trail(CASE) if e.action is AuditAction.REGISTERED]) == 1


def test_the_answer_reaches_stadskontorets_registry_and_registrerad_records_the_document_number(
    sandbox: Sandbox,
) -> None:
    form = press_answer(sandbox, remiss_message(sandbox))
    file = sandbox.fake.add_file("Yttrande TN.pdf", YTTRANDE)
    values = filled(
        form,
        answers={1: "Vi tillstyrker."},
        meeting_date="2023-11-23",
        paragraph="123",
        their_case_number="TN-2023-512",
        files=[file.to_slack()],
    )
    # The file is fetched and stored after the ack; the modal then says the answer is in.
    assert submit(sandbox, values)["response_action"] == "update"
    shown(sandbox, form.id, "Svaret är inskickat")
    sandbox.courier.drain()

    incoming = copy_in(sandbox, OUR_REGISTRY)
    assert "Inkommet remissvar att registrera* från Tekniska nämnden" in incoming.text
    assert "deras dnr TN-2023-512; beslut nämnden torsdag 23 november § 123" in incoming.text
    assert "Yttrande TN.pdf" in incoming.text

    press_register(sandbox, OUR_REGISTRATOR, incoming)
    form_id = register_form_of(sandbox, OUR_REGISTRATOR)
    number = enter_number("STK-2023-137-14")
    assert sandbox.driver.view_submission(OUR_REGISTRATOR, number, view_id=form_id).json() is None

    item = RegistryItem(RegistrySubject.ANSWER, CASE, ORG, version=1)
    assert registered(sandbox) == [(item, "STK-2023-137-14", OUR_REGISTRATOR)]
    sandbox.courier.drain()
    assert "Svaret från *Tekniska nämnden* (version 1) registrerades med nummer STK-2023-137-14" in thread_lines(
        sandbox
    )


def test_someone_outside_the_registry_is_refused_in_swedish_and_nothing_is_recorded(sandbox: Sandbox) -> None:
    copy = copy_in(sandbox, THEIR_REGISTRATOR)

    press_register(sandbox, OUTSIDER, copy)

    assert "Bara registratorerna för Tekniska nämnden" in told(sandbox, "Bara registratorerna")
    assert sandbox.fake.views_of(OUTSIDER) == []
    assert registered(sandbox) == []


def test_a_registry_channel_the_bot_is_not_in_is_refused_as_slack_refuses_it_and_nothing_else_breaks(
    database_url: str, database_engine: Engine, clock: FakeClock
) -> None:
    with running_sandbox(
        database_url=database_url, engine=database_engine, users=USERS, coordinators=[COORDINATOR], clock=clock
    ) as box:
        box.fake.add_channel("C0NOTIN", "registratur-tn", members=["U0BERTIL"], bot_is_member=False)
        load_directory(box, {ORG: (OFFICIAL,)}, lambda o: replace(o, registry=("C0NOTIN",)) if o.key == ORG else o)
        send_as_coordinator(box, "Områdeslyft", QUESTIONS, [ORG])
        box.courier.drain()
        refused = [c.response for c in box.fake.calls_to("chat.postMessage") if "C0NOTIN" in str(c.params)]
        assert refused and isinstance(refused[0], dict) and refused[0]["error"] == "not_in_channel"
        assert box.fake.messages_in("C0NOTIN") == []
        assert remiss_message(box) is not None  # the official still got the remiss
        # …and the coordinator is told, in the status thread, to invite the bot.
        box.courier.drain()
        assert "fick inte kopian" in thread_lines(box) and "Bjud in remissbot" in thread_lines(box)
