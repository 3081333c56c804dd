"""Answering in the remiss's DM thread, end to end: the real app over HTTP against the loopback Slack."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from sqlalchemy import Engine

from bot.core.domain.audit import AuditAction
from bot.core.domain.remiss import Answer, Position, ResponseContent, ResponseKind
from devtools.clocks import FakeClock
from devtools.sandbox import Message, screen
from devtools.sandbox.harness import Sandbox, SandboxUser, running_sandbox
from devtools.sandbox.screen import bot_replies, shown
from handlers import ids
from tests.e2e.conftest import COORDINATOR, USERS, load_directory, send_as_coordinator

CASE = "STK-2023-137"
ANNA, BERTIL, CECILIA, DAVID, APP = "U0ANNA", "U0BERTIL", "U0CECILIA", "U0DAVID", "U0KALENDER"
ORG, OTHER_ORG = "tekniska-namnden", "miljonamnden"
QUESTIONS = [
    "Vilka processer passar in i områdeslyftet?",
    "Hur bör arbetet organiseras?",
    "Vilka resurser behövs?",
    "Vilken nämnd eller vilket bolag bör få samordningsansvaret?",
]


@contextmanager
def official_sandbox(database_url: str, engine: Engine, clock: FakeClock) -> Iterator[Sandbox]:
    """The e2e sandbox with a colleague at Anna's organisation, a deactivated account and an app user."""
    users = [*USERS, SandboxUser(CECILIA, "cecilia", "Cecilia Cederlund"), SandboxUser(DAVID, "david", "David Dahl")]
    with running_sandbox(
        database_url=database_url, engine=engine, users=users, coordinators=[COORDINATOR], clock=clock
    ) as box:
        box.fake.deactivate_user(DAVID)
        box.fake.add_user(APP, "kalender", "Kalenderappen", is_bot=True)
        yield box


def send_remiss(box: Sandbox, *, registry: tuple[str, ...] = (), stand_ins: tuple[str, ...] = ()) -> Message:
    """STK-2023-137 sent to Tekniska nämnden (Anna; its `registry`, her `stand_ins`) and Miljönämnden (Bertil);
    Anna's remiss DM."""
    load_directory(
        box,
        {ORG: (ANNA,), OTHER_ORG: (BERTIL,)},
        lambda o: replace(o, registry=registry, stand_ins=stand_ins) if o.key == ORG else o,
    )
    send_as_coordinator(box, "Områdeslyft", QUESTIONS, [ORG, OTHER_ORG])
    box.courier.drain()
    return remiss_dm(box, ANNA)


def remiss_dm(box: Sandbox, user_id: str) -> Message:
    """The remiss DM a user got (the newest, if several)."""
    found = screen.remiss_dm(box.fake, user_id)
    assert found is not None, f"{user_id} got no remiss"
    return found


def write(box: Sandbox, user_id: str, dm: Message, text: str) -> Message:
    """The user writes in the remiss DM's thread; returns the bot's reply."""
    before = len(bot_replies(box.fake, user_id, dm.ts))
    response = box.driver.message_im(user_id, text, channel=dm.channel, thread_ts=dm.ts)
    assert response.status == 200
    return box.fake.wait_for(lambda: bot_replies(box.fake, user_id, dm.ts)[before:][:1])[0]


def start_chat(box: Sandbox, user_id: str, dm: Message) -> Message:
    before = len(bot_replies(box.fake, user_id, dm.ts))
    assert box.driver.block_action(user_id, ids.ANSWER_IN_CHAT, message=dm).status == 200
    return box.fake.wait_for(lambda: bot_replies(box.fake, user_id, dm.ts)[before:][:1])[0]


def draft_answers(box: Sandbox, org: str = ORG) -> dict[int, str]:
    row = next(r for r in box.core.service.queries.overview(CASE).rows if r.organisation.key == org)
    draft = row.recipient.draft
    return {a.question_number: a.text for a in draft.content.answers} if draft else {}


def audit_count(box: Sandbox, action: AuditAction) -> int:
    return sum(
        1 for e in box.core.service.queries.audit_trail(CASE) if e.action is action and e.organisation_key == ORG
    )


def submit_delegation(box: Sandbox, user_id: str, org: str) -> None:
    """`user_id` submits a delegation decision for `org` through the service, as the answer form does."""
    service = box.core.service
    content = ResponseContent(kind=ResponseKind.DELEGATION, answers=(Answer(1, "Ja."),), decided_by="Presidiet")
    service.answering.submit(service.actor(user_id), CASE, org, content)


def close_remiss(box: Sandbox) -> None:
    """Stadskontoret closes the round (Avsluta remissen)."""
    service = box.core.service
    service.lifecycle.close(service.actor(COORDINATOR), CASE)


def withdraw_remiss(box: Sandbox, reason: str = "Ärendet är avskrivet.") -> None:
    """Stadskontoret withdraws the round (Återkalla remissen)."""
    service = box.core.service
    service.lifecycle.withdraw(service.actor(COORDINATOR), CASE, reason)


# -- tests ---------------------------------------------------------------------------------------------------
def test_answer_in_chat_explains_in_the_remiss_thread_and_asks_the_first_open_question(box: Sandbox) -> None:
    dm = send_remiss(box)
    reply = start_chat(box, ANNA, dm)
    assert reply.thread_ts == dm.ts
    assert "Skriv ditt svar här i tråden för *Tekniska nämnden*" in reply.text
    assert "«Fråga 2: Nämnden tillstyrker …»" in reply.text
    assert "Fråga 1, 2, 3 och 4 saknar svar. Nästa fråga:\\n*Fråga 1.* Vilka processer passar in" in shown(reply)
    assert box.fake.warnings == []


def test_a_double_click_on_answer_in_chat_posts_the_instructions_once(box: Sandbox) -> None:
    dm = send_remiss(box)
    start_chat(box, ANNA, dm)
    box.driver.block_action(ANNA, ids.ANSWER_IN_CHAT, message=dm)
    write(box, ANNA, dm, "Fråga 1: Ja.")
    assert len(bot_replies(box.fake, ANNA, dm.ts)) == 2


def test_answers_in_the_thread_are_stored_per_question_until_everything_is_answered(box: Sandbox) -> None:
    dm = send_remiss(box)
    start_chat(box, ANNA, dm)

    first = write(box, ANNA, dm, "Fråga 2: Genom en samordnande nämnd.\nfråga 3 Två tjänster.")
    assert draft_answers(box) == {2: "Genom en samordnande nämnd.", 3: "Två tjänster."}
    assert "*Fråga 2:* «Genom en samordnande nämnd.»" in first.text
    assert "*Fråga 3:* «Två tjänster.»" in first.text
    assert "Fråga 1 och 4 saknar svar." in first.text
    assert "*Fråga 1.* Vilka processer passar in" in shown(first)

    second = write(box, ANNA, dm, "Trygghetsarbetet och skolorna.")  # no prefix: the question asked, 1
    assert draft_answers(box)[1] == "Trygghetsarbetet och skolorna."
    assert "Fråga 4 saknar svar" in second.text
    assert ids.ANSWER not in shown(second)

    last = write(box, ANNA, dm, "4. Tekniska nämnden")
    assert draft_answers(box)[4] == "Tekniska nämnden"
    submit = next(b for b in last.blocks or [] if b["type"] == "actions")["elements"][0]
    assert (submit["action_id"], submit["value"], submit["text"]["text"]) == (ids.ANSWER, f"{ORG}|{CASE}", "Skicka in")
    assert "Alla frågor har svar" in last.text
    row = next(r for r in box.core.service.queries.overview(CASE).rows if r.organisation.key == ORG)
    assert row.status.value == "drafting"
    assert box.fake.warnings == []


def test_chat_answers_join_the_draft_made_in_the_form(box: Sandbox) -> None:
    dm = send_remiss(box)
    service = box.core.service
    form_draft = ResponseContent(
        kind=ResponseKind.DELEGATION,
        answers=(Answer(1, "Från formuläret.", Position.TILLSTYRKER), Answer(2, "Ska ersättas.", Position.AVSTYRKER)),
        decided_by="Förvaltningschefen",
    )
    service.answering.save_draft(service.actor(ANNA), CASE, ORG, form_draft)

    reply = write(box, ANNA, dm, "Fråga 2: Från chatten.")
    draft = service.answering.answer_context(service.actor(ANNA), CASE, ORG).recipient.draft
    assert draft is not None
    assert draft.content.kind is ResponseKind.DELEGATION
    assert draft.content.decided_by == "Förvaltningschefen"
    assert draft.content.answers == (
        Answer(1, "Från formuläret.", Position.TILLSTYRKER),
        Answer(2, "Från chatten.", Position.AVSTYRKER),
    )
    assert "Fråga 3 och 4 saknar svar." in reply.text
    # A message without a number goes to the first question still missing an answer.
    write(box, ANNA, dm, "Resurser från stadskontoret.")
    assert draft_answers(box)[3] == "Resurser från stadskontoret."


def thread_message(box: Sandbox, dm: Message, text: str) -> dict[str, Any]:
    """Anna writes `text` in the remiss DM's thread: the event Slack sends (and sends again on a retry)."""
    posted = box.fake.record_user_message(dm.channel, ANNA, text, dm.ts)
    return {
        "type": "message",
        "channel": dm.channel,
        "user": ANNA,
        "text": posted.text,
        "ts": posted.ts,
        "thread_ts": dm.ts,
        "channel_type": "im",
    }


def test_a_retried_delivery_of_a_thread_message_is_stored_once(box: Sandbox) -> None:
    dm = send_remiss(box)
    event = thread_message(box, dm, "Fråga 1: Bara en gång.")
    assert box.driver.event(event, event_id="Ev0CHAT1").status == 200
    box.fake.wait_for(lambda: bot_replies(box.fake, ANNA, dm.ts))
    retry = box.driver.event(event, event_id="Ev0CHAT1", retry_num=1, retry_reason="http_timeout")
    assert retry.status == 200
    write(box, ANNA, dm, "Fråga 2: Nästa meddelande.")  # handled after the retry would have been
    assert audit_count(box, AuditAction.DRAFTED) == 2
    assert len(bot_replies(box.fake, ANNA, dm.ts)) == 2
    assert draft_answers(box) == {1: "Bara en gång.", 2: "Nästa meddelande."}


def test_a_long_answer_is_stored_whole_and_echoed_literally(box: Sandbox) -> None:
    dm = send_remiss(box)
    opening = "<!channel> <@U0MIA> & <b>fet</b> "
    long_answer = opening + ("Nämnden ser stora möjligheter i ett långsiktigt områdeslyft. " * 200)[:12_000]
    reply = write(box, ANNA, dm, f"Fråga 2: {long_answer}")
    assert draft_answers(box)[2] == long_answer.strip()
    text = shown(reply)
    assert "«&lt;!channel&gt; &lt;@U0MIA&gt; &amp; &lt;b&gt;fet&lt;/b&gt; Nämnden" in text
    assert f"({len(long_answer.strip()):,} tecken)".replace(",", "\u00a0") in text
    assert "<!channel>" not in text
    assert "<@U0MIA>" not in text
    assert len(reply.text) < 2000


def test_a_question_number_the_remiss_lacks_stores_nothing_and_says_so(box: Sandbox) -> None:
    dm = send_remiss(box)
    reply = write(box, ANNA, dm, "Fråga 1: Ja.\nFråga 9: Nej.")
    assert "Remissen har ingen fråga 9; den har frågorna 1–4. Inget från meddelandet sparades." in reply.text
    assert draft_answers(box) == {}


def test_only_an_answer_attempt_outside_a_remiss_thread_gets_a_hint(box: Sandbox) -> None:
    dm = send_remiss(box)
    box.driver.message_im(ANNA, "Hej! Tack för remissen.")
    box.driver.message_im(ANNA, "Fråga 2: Vi tillstyrker.")
    hint = box.fake.wait_for(lambda: [m for m in box.fake.messages_in(ANNA) if m.user is None and m.thread_ts])[0]
    assert "Svar på en remiss skriver du i tråden under remissmeddelandet" in hint.text
    assert "• STK-2023-137 Områdeslyft (Tekniska nämnden)" in hint.text
    user_message = next(m for m in box.fake.messages_in(ANNA) if m.text == "Fråga 2: Vi tillstyrker.")
    assert hint.thread_ts == user_message.ts
    assert draft_answers(box) == {}
    write(box, ANNA, dm, "Fråga 1: Ja.")  # handled after the chatter, which got no reply
    assert len([m for m in box.fake.messages_in(ANNA) if m.user is None and m.thread_ts]) == 2


def test_edits_and_messages_from_bots_are_not_answers(box: Sandbox) -> None:
    dm = send_remiss(box)
    base = {"type": "message", "channel": dm.channel, "channel_type": "im", "thread_ts": dm.ts, "ts": "1.000001"}
    box.driver.event({**base, "subtype": "message_changed", "message": {"text": "Fråga 1: ändrad"}})
    box.driver.event({**base, "user": APP, "bot_id": "B0KALENDER", "text": "Fråga 1: från en app"})
    write(box, ANNA, dm, "Fråga 2: Ja.")
    assert len(bot_replies(box.fake, ANNA, dm.ts)) == 1
    assert draft_answers(box) == {2: "Ja."}


def test_writing_in_the_thread_of_a_closed_remiss_is_kept_and_of_a_withdrawn_one_refused(box: Sandbox) -> None:
    dm = send_remiss(box)
    write(box, ANNA, dm, "Fråga 1: Sparat innan.")
    close_remiss(box)
    write(box, ANNA, dm, "Fråga 2: Efter avslut.")  # never lost: kept in the draft, to be submitted
    assert draft_answers(box) == {1: "Sparat innan.", 2: "Efter avslut."}
    box.core.service.lifecycle.reopen(box.core.service.actor(COORDINATOR), CASE)
    withdraw_remiss(box)
    reply = write(box, ANNA, dm, "Fråga 3: För sent.")
    assert (
        reply.text == "Remiss STK-2023-137 är återkallad och tar inte emot svar. Ett utkast ni redan sparat finns kvar."
    )
    assert draft_answers(box) == {1: "Sparat innan.", 2: "Efter avslut."}
