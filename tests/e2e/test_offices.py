"""Several sending offices, end to end (issue 13, item 7): two offices, a coordinator scoped to each and a
global one, all through the real app over HTTP against the loopback Slack, on SQLite and PostgreSQL. Each
scoped coordinator sees and acts only on their office's remisses; another office's remiss is refused with a
Swedish message naming that office and who to ask."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine

from bot.core.domain.organisation import Directory, Organisation, OrgKind
from bot.core.domain.remiss import Answer, Position, QuestionKind, ResponseContent, ResponseKind
from bot.core.usecases.results import RemissInput
from bot.settings import load_settings
from devtools.clocks import FakeClock
from devtools.sandbox.harness import Sandbox, SandboxUser, running_sandbox
from devtools.sandbox.screen import blocks_shown, ephemeral_after
from devtools.sandbox.workspace import Message, View
from handlers import ids
from tests.e2e.conftest import COORDINATOR, USERS
from tests.e2e.test_create import SEED_002, as_filled, form, imported

STK, SBK = "U0STINA", "U0SVEN"
ANNA = "U0ANNA"
STATUS = "C0REMISSER"
SBK_REGISTRY = "C0REGSBK"
STK_CASE, SBK_CASE = "STK-2023-137", "SBK-2023-501"
REFUSAL = (
    "SBK-2023-501 skickades av Stadsbyggnadskontoret, och du samordnar inte det kontorets remisser. "
    f"Be <@{SBK}> om hjälp."
)
ENV = {
    "REMISSBOT_OFFICES": "stadskontoret,stadsbyggnadskontoret",
    "REMISSBOT_COORDINATORS": f"stadskontoret:{STK},stadsbyggnadskontoret:{SBK}",
    "REMISSBOT_CHANNEL": STATUS,
}


@pytest.fixture
def box(database_url: str, database_engine: Engine, clock: FakeClock) -> Iterator[Sandbox]:
    """Stadskontoret and Stadsbyggnadskontoret (with its own registry), Stina coordinating the first, Sven the
    second, Mia both (a bare id: global); the status messages of both in one shared channel."""
    users = [
        *USERS,
        SandboxUser(STK, "stina", "Stina Stadskontoret", "stina@malmo.se"),
        SandboxUser(SBK, "sven", "Sven Stadsbyggnad", "sven@malmo.se"),
    ]
    settings = load_settings(ENV)
    with running_sandbox(
        database_url=database_url,
        engine=database_engine,
        users=users,
        coordinators=[COORDINATOR],
        clock=clock,
        settings=settings,
    ) as sandbox:
        sandbox.fake.add_channel(STATUS, "remisser", members=[STK, SBK, COORDINATOR])
        sandbox.fake.add_channel(SBK_REGISTRY, "registratur-sbk", members=[SBK])
        service = sandbox.core.service
        contacts = {"tekniska-namnden": (ANNA,), "miljonamnden": ("U0BERTIL",)}
        # The shipped directory names Stadsbyggnadskontoret as an alias of its nämnd; as an office of its own,
        # the administrator moves the name to it.
        listed = [
            replace(
                o, contacts=contacts.get(o.key, ()), aliases=tuple(a for a in o.aliases if a != "Stadsbyggnadskontoret")
            )
            for o in service.directory.directory()
        ]
        sbk = Organisation(
            "stadsbyggnadskontoret", "Stadsbyggnadskontoret", "SBK", OrgKind.FORVALTNING, registry=(SBK_REGISTRY,)
        )
        service.directory.replace_directory(Directory((listed[0], sbk, *listed[1:])))
        yield sandbox
        assert sandbox.fake.scope_refusals == [], "manifest.json lacks a scope the app uses"
        assert sandbox.fake.warnings == []


def remiss(case_number: str) -> RemissInput:
    return RemissInput(
        case_number=case_number,
        title=f"Remiss {case_number}",
        questions=[("Hur ser nämnden på förslaget?", QuestionKind.FREE_TEXT)],
        deadline=date(2023, 11, 30),
        recipient_keys=["tekniska-namnden", "miljonamnden"],
    )


def both_sent(box: Sandbox) -> None:
    """Stina sends Stadskontoret's remiss and Sven Stadsbyggnadskontoret's; their status messages are posted."""
    service = box.core.service
    for user_id, case_number in ((STK, STK_CASE), (SBK, SBK_CASE)):
        service.drafting.create_draft(service.actor(user_id), remiss(case_number))
        service.drafting.send(service.actor(user_id), case_number)
    box.courier.drain()


def status_message(box: Sandbox, case_number: str) -> Message:
    return next(m for m in box.fake.messages_in(STATUS) if m.thread_ts is None and case_number in m.text)


def home(box: Sandbox, user_id: str) -> str:
    box.driver.app_home_opened(user_id)
    return blocks_shown(box.fake.wait_for(lambda: box.fake.home_of(user_id)))


def top_view(box: Sandbox, user_id: str) -> View:
    return box.fake.wait_for(lambda: box.fake.views_of(user_id))[-1]


def sender_select(view: View) -> dict[str, Any] | None:
    return next((b for b in view.payload["blocks"] if b.get("block_id", "").startswith("sender")), None)


def drafted_from_sbk(box: Sandbox, user_id: str, values: dict[str, Any]) -> None:
    """`user_id` sends the form with `values` and then its preview: the preview says it is from
    Stadsbyggnadskontoret, and so does the draft it saves."""
    response = box.driver.view_submission(user_id, values)
    assert response.json()["response_action"] == "update", response.body
    preview = top_view(box, user_id)
    assert "*Från:* Stadsbyggnadskontoret" in blocks_shown(preview)
    box.driver.view_submission(user_id, as_filled(preview))
    box.fake.wait_for(lambda: any(ids.SEND_DRAFT in blocks_shown(m) for m in box.fake.messages_in(user_id)))
    assert box.core.service.queries.overview(SBK_CASE).remiss.sender_key == "stadsbyggnadskontoret"


# -- creating ----------------------------------------------------------------------------------------------------
def test_a_scoped_coordinators_remiss_is_sent_from_their_office_without_asking(box: Sandbox) -> None:
    box.driver.slash_command(SBK, "/remiss", "ny")
    assert sender_select(top_view(box, SBK)) is None  # one office to send from: nothing to choose
    drafted_from_sbk(box, SBK, form(case_number=SBK_CASE, contact=None))


def test_a_global_coordinator_chooses_the_sending_office_in_the_form(box: Sandbox) -> None:
    box.driver.slash_command(COORDINATOR, "/remiss", "ny")
    select = sender_select(top_view(box, COORDINATOR))
    assert select is not None and select["label"]["text"] == "Avsändare"
    options = [(o["value"], o["text"]["text"]) for o in select["element"]["options"]]
    assert options == [("stadskontoret", "Stadskontoret"), ("stadsbyggnadskontoret", "Stadsbyggnadskontoret")]
    assert select["element"]["initial_option"]["value"] == "stadskontoret"
    chosen = {"value": {"type": "static_select", "selected_option": {"value": "stadsbyggnadskontoret"}}}
    drafted_from_sbk(box, COORDINATOR, form(case_number=SBK_CASE, sender=chosen))


def test_a_document_from_another_sending_office_fills_in_that_office_as_the_sender(box: Sandbox) -> None:
    # Seed 002 as Stadsbyggnadskontoret would have sent it: its own staff last on the distribution list.
    text = SEED_002.read_text(encoding="utf-8").replace(
        "Stadskontorets handläggare", "Stadsbyggnadskontorets handläggare"
    )
    view = imported(box, "sbk.txt", text.encode())
    select = sender_select(view)
    assert select is not None and select["element"]["initial_option"]["value"] == "stadsbyggnadskontoret"
    box.driver.view_submission(COORDINATOR, as_filled(view))
    preview = top_view(box, COORDINATOR)
    assert "*Från:* Stadsbyggnadskontoret" in blocks_shown(preview)
    assert "Skickas till 15 remissinstanser" in blocks_shown(preview)


# -- seeing and acting -------------------------------------------------------------------------------------------
def test_each_scoped_coordinator_sees_only_their_offices_remisses(box: Sandbox) -> None:
    both_sent(box)
    stina, sven, mia = home(box, STK), home(box, SBK), home(box, COORDINATOR)
    assert STK_CASE in stina and SBK_CASE not in stina
    assert SBK_CASE in sven and STK_CASE not in sven
    assert STK_CASE in mia and SBK_CASE in mia
    for count, (user_id, mine, theirs) in enumerate(((STK, STK_CASE, SBK_CASE), (SBK, SBK_CASE, STK_CASE))):
        box.driver.slash_command(user_id, "/remiss", "status")
        listed = ephemeral_after(box.fake, count)
        assert mine in listed and theirs not in listed


def test_a_scoped_coordinator_acting_on_another_offices_remiss_is_told_whose_it_is(box: Sandbox) -> None:
    both_sent(box)
    theirs = status_message(box, SBK_CASE)
    for count, action_id in enumerate((ids.CHANGE_DEADLINE, ids.SUMMARY_PREVIEW)):
        assert box.driver.block_action(STK, action_id, message=theirs).status == 200
        assert ephemeral_after(box.fake, count) == REFUSAL
    assert box.fake.views_of(STK) == []
    # Their own office's coordinator opens the same form.
    box.driver.block_action(SBK, ids.CHANGE_DEADLINE, message=theirs)
    assert top_view(box, SBK).callback_id == ids.CHANGE_DEADLINE_VIEW
    # And Stina's own remiss is hers to act on.
    box.driver.block_action(STK, ids.CHANGE_DEADLINE, message=status_message(box, STK_CASE))
    assert top_view(box, STK).callback_id == ids.CHANGE_DEADLINE_VIEW


def test_the_officials_see_each_remiss_from_its_office_and_answers_reach_that_offices_registry(box: Sandbox) -> None:
    both_sent(box)
    dms = [blocks_shown(m) for m in box.fake.messages_in(ANNA) if m.thread_ts is None]
    assert any(SBK_CASE in text and "*Från:* Stadsbyggnadskontoret" in text for text in dms), dms
    assert any(STK_CASE in text and "*Från:* Stadskontoret" in text for text in dms), dms
    service = box.core.service
    content = ResponseContent(
        kind=ResponseKind.DELEGATION, answers=(Answer(1, "Ja.", Position.TILLSTYRKER),), decided_by="Förvaltningschef"
    )
    service.answering.submit(service.actor(ANNA), SBK_CASE, "tekniska-namnden", content)
    box.courier.drain()
    copies = [m for m in box.fake.messages_in(SBK_REGISTRY) if SBK_CASE in m.text]
    assert len(copies) == 1
