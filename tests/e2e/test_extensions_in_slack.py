"""Anstånd and a moved deadline, end to end: the real app over HTTP against the loopback Slack.

The official asks from the remiss DM; the coordinator decides in the status thread (Bevilja, Bevilja annat datum,
Avslå); the official is told; the coordinator's "Ändra sista svarsdatum" moves the deadline for everyone.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime
from typing import Any

from bot.core.domain.audit import AuditAction
from bot.core.domain.extension import RequestState
from bot.core.domain.reminders import ReminderState
from devtools.clocks import FakeClock
from devtools.sandbox import Message
from devtools.sandbox.harness import Sandbox
from devtools.sandbox.screen import ephemeral_after, shown
from handlers import ids
from tests.e2e.conftest import COORDINATOR
from tests.e2e.test_chat import ANNA, BERTIL, CASE, ORG, OTHER_ORG, send_remiss, submit_delegation
from tests.e2e.test_recipient_actions import buttons, open_modal

NOT_COORDINATOR = "Det här kan bara en remissamordnare göra. Be en remissamordnare om hjälp om du behöver det."
DECISIONS = [ids.GRANT_EXTENSION, ids.GRANT_OTHER_DATE, ids.REFUSE_EXTENSION]


# -- helpers --------------------------------------------------------------------------------------------------
def form(text: str | None = None, picked: str | None = None, reason: str | None = None) -> dict[str, Any]:
    """A date form's state: the date as Swedish text and/or picked in the calendar, and the reason (or note)."""
    return {
        "new_deadline": {"new_deadline": {"type": "plain_text_input", "value": text}},
        "new_deadline_date": {"new_deadline_date": {"type": "datepicker", "selected_date": picked}},
        "reason": {"reason": {"type": "plain_text_input", "value": reason}},
    }


def opened_form(
    box: Sandbox, user_id: str, action_id: str, message: Message, header: tuple[str, str, str]
) -> dict[str, Any]:
    """The modal `action_id` on `message` opens for `user_id`, checked to be (callback_id, title, submit)."""
    modal = open_modal(box, user_id, action_id, message)
    assert (modal["callback_id"], modal["title"]["text"], modal["submit"]["text"]) == header
    return modal


def note(text: str | None) -> dict[str, Any]:
    return {"note": {"note": {"type": "plain_text_input", "value": text}}}


def ask(
    box: Sandbox, dm: Message, text: str = "15 december", reason: str = "Nämnden sammanträder 14 december."
) -> None:
    """Anna asks for anstånd from her remiss DM; the request reaches the status thread."""
    open_modal(box, ANNA, ids.REQUEST_EXTENSION, dm)
    response = box.driver.view_submission(ANNA, form(text, reason=reason))
    assert response.json()["response_action"] == "update", response.json()
    box.courier.drain()


def asked(box: Sandbox) -> Message:
    """The remiss sent and Anna's request for anstånd asked: the request's message in the status thread."""
    ask(box, send_remiss(box))
    return request_message(box)


def status_message(box: Sandbox) -> Message:
    return next(m for m in box.fake.messages_in(COORDINATOR) if m.thread_ts is None and m.user is None)


def thread(box: Sandbox) -> list[Message]:
    status = status_message(box)
    return [m for m in box.fake.messages_in(COORDINATOR) if m.thread_ts == status.ts]


def request_message(box: Sandbox) -> Message:
    """The newest request for anstånd in the status thread."""
    return [m for m in thread(box) if "om anstånd med" in m.text][-1]


def deadline_of(box: Sandbox, org: str = ORG) -> date:
    return next(r.recipient.deadline for r in box.core.service.queries.overview(CASE).rows if r.organisation.key == org)


def planned_deadlines(box: Sandbox, org: str = ORG) -> set[date]:
    """The deadlines the recipient's still planned reminders were planned for."""
    return {
        row.scheduled.reminder.deadline
        for row in box.core.service.reminding.reminder_plan(CASE)
        if row.organisation.key == org and row.scheduled.state is ReminderState.PLANNED
    }


def dms_after(box: Sandbox, user_id: str, count: int) -> list[Message]:
    return [m for m in box.fake.messages_in(user_id) if m.user is None and m.thread_ts is None][count:]


def bot_dm_count(box: Sandbox, user_id: str) -> int:
    return len(dms_after(box, user_id, 0))


def audit_count(box: Sandbox, action: AuditAction) -> int:
    return sum(1 for e in box.core.service.queries.audit_trail(CASE) if e.action is action)


# -- asking ---------------------------------------------------------------------------------------------------------
def test_a_granted_request_moves_the_recipients_deadline_and_reminders_and_tells_everyone(box: Sandbox) -> None:
    dm = send_remiss(box)
    assert buttons(dm) == [ids.ANSWER, ids.ANSWER_IN_CHAT, ids.DECLINE, ids.HAND_OVER, ids.REQUEST_EXTENSION]
    assert planned_deadlines(box) == {date(2023, 11, 30)}

    modal = opened_form(
        box, ANNA, ids.REQUEST_EXTENSION, dm, (ids.EXTENSION_REQUEST_VIEW, "Begär anstånd", "Skicka begäran")
    )
    intro = modal["blocks"][0]["text"]["text"]
    assert intro.startswith("Begär anstånd med remiss *STK-2023-137* «Områdeslyft» för *Tekniska nämnden*.")
    assert "Ert sista svarsdatum är nu torsdag 30 november." in intro
    assert [b.get("block_id") for b in modal["blocks"][1:]] == ["new_deadline", "new_deadline_date", "reason"]

    response = box.driver.view_submission(ANNA, form("15 december", reason="Nämnden sammanträder 14 december."))
    assert response.json()["response_action"] == "update"
    done = box.fake.views_of(ANNA)[-1].payload
    assert done["title"]["text"] == "Anstånd begärt"
    assert "submit" not in done
    confirmation = done["blocks"][0]["text"]["text"]
    assert "Din begäran om anstånd med *STK-2023-137* till fredag 15 december har skickats" in confirmation
    assert "Till dess gäller sista svarsdatum torsdag 30 november." in confirmation
    assert deadline_of(box) == date(2023, 11, 30)  # nothing moves until the coordinator decides

    box.courier.drain()
    request = request_message(box)
    assert request.text.startswith(
        ":calendar: *Tekniska nämnden* ber om anstånd med *STK-2023-137* till *fredag 15 december*"
        " (svarsdatum nu torsdag 30 november).\n*Skäl:* «Nämnden sammanträder 14 december.»\nBegärt av <@U0ANNA>."
    )
    assert buttons(request) == DECISIONS
    labels = [e["text"]["text"] for b in request.blocks or [] if b["type"] == "actions" for e in b["elements"]]
    assert labels == ["Bevilja", "Bevilja annat datum", "Avslå"]

    told = bot_dm_count(box, ANNA)
    assert box.driver.block_action(COORDINATOR, ids.GRANT_EXTENSION, message=request).status == 200
    box.fake.wait_for(lambda: buttons(request) == [])
    assert "Beviljat av <@U0MIA> måndag 2 oktober kl. 09.00: nytt svarsdatum fredag 15 december." in shown(request)
    assert "bad om anstånd" in request.text and "svarsdatum nu" not in request.text

    assert deadline_of(box) == date(2023, 12, 15)
    assert deadline_of(box, OTHER_ORG) == date(2023, 11, 30)
    assert planned_deadlines(box) == {date(2023, 12, 15)}
    assert planned_deadlines(box, OTHER_ORG) == {date(2023, 11, 30)}

    box.courier.drain()
    [decided] = dms_after(box, ANNA, told)
    assert decided.text.startswith(
        ":white_check_mark: Ni har fått anstånd med *STK-2023-137 Områdeslyft*: nytt sista svarsdatum"
        " *fredag 15 december*.\nDet gäller Tekniska nämnden."
    )
    lines = "\n".join(m.text for m in thread(box))
    assert (
        "*Tekniska nämnden* fick anstånd till fredag 15 december (var torsdag 30 november), beviljat av <@U0MIA>."
        " Skäl: «Nämnden sammanträder 14 december.»"
    ) in lines
    # The status message, `/remiss status` and the coordinator's App Home show the recipient's own deadline.
    own_deadline = (
        "• *Tekniska nämnden*: Har inte öppnat · <@U0ANNA> · senast aktiv måndag 2 oktober"
        " · svarsdatum fredag 15 december"
    )
    assert own_deadline in shown(status_message(box))
    assert '• *Miljönämnden*: Har inte öppnat · <@U0BERTIL>"' in shown(status_message(box))
    box.driver.app_home_opened(COORDINATOR)
    home = box.fake.wait_for(lambda: box.fake.home_of(COORDINATOR))
    assert own_deadline in json.dumps(home.payload["blocks"], ensure_ascii=False)
    assert buttons(status_message(box)) == [
        ids.SUMMARY_PREVIEW,
        ids.CHANGE_DEADLINE,
        ids.REASSIGN,
        ids.ADD_RECIPIENT,
        ids.RESEND_PICK,
        ids.CLOSE_REMISS,
        ids.WITHDRAW_REMISS,
        ids.HISTORY,
    ]
    # ... and the summary lists the anstånd.
    box.driver.block_action(COORDINATOR, ids.SUMMARY_PREVIEW, CASE, message=status_message(box))
    preview = box.fake.wait_for(lambda: box.fake.responses[-1] if box.fake.responses else None)
    assert "Tekniska nämnden till fredag 15 december" in preview.payload["text"]
    assert box.fake.warnings == []


def test_the_request_form_opens_from_the_app_home_too(box: Sandbox) -> None:
    send_remiss(box)
    box.driver.app_home_opened(ANNA)
    home = box.fake.wait_for(lambda: box.fake.home_of(ANNA))
    assert box.driver.block_action(ANNA, ids.REQUEST_EXTENSION, view_id=home.id).status == 200
    modal = box.fake.wait_for(lambda: box.fake.views_of(ANNA))[-1].payload
    assert modal["callback_id"] == ids.EXTENSION_REQUEST_VIEW
    box.driver.view_submission(ANNA, form(picked="2023-12-08", reason="Nämnden hinner inte."))
    box.courier.drain()
    assert "till *fredag 8 december*" in request_message(box).text


def test_a_reminder_offers_the_request_too(box: Sandbox, clock: FakeClock) -> None:
    send_remiss(box)
    clock.set(datetime(2023, 10, 5, 7, 0, tzinfo=UTC))  # Thursday 09:00: unopened after 3 working days
    box.core.service.reminding.remind()
    box.courier.drain()
    reminder = box.fake.wait_for(
        lambda: [m for m in box.fake.messages_in(ANNA) if ids.REQUEST_EXTENSION in buttons(m)][-1:]
    )[0]
    assert "Kommer ni att svara på" in reminder.text
    modal = open_modal(box, ANNA, ids.REQUEST_EXTENSION, reminder)
    assert modal["callback_id"] == ids.EXTENSION_REQUEST_VIEW
    box.driver.view_submission(ANNA, form("om tio veckor", reason="Nämnden hinner inte."))
    box.courier.drain()
    assert "till *torsdag 14 december*" in request_message(box).text
    assert box.fake.warnings == []


def test_a_date_that_is_not_understood_or_not_later_is_refused_next_to_the_field(box: Sandbox) -> None:
    dm = send_remiss(box)
    open_modal(box, ANNA, ids.REQUEST_EXTENSION, dm)
    reason = "Nämnden hinner inte."
    refusals: list[tuple[dict[str, Any], dict[str, str]]] = [
        (
            form("blåbärssoppa", reason=reason),
            {
                "new_deadline": "«blåbärssoppa» går inte att läsa som ett datum. Skriv t.ex. «15 december» eller "
                "«om två veckor», eller välj datumet i kalendern."
            },
        ),
        (
            form("30 november", reason=reason),
            {"new_deadline": "Välj ett datum efter ert nuvarande sista svarsdatum, torsdag 30 november."},
        ),
        (
            form(picked="2023-11-20", reason=reason),
            {"new_deadline_date": "Välj ett datum efter ert nuvarande sista svarsdatum, torsdag 30 november."},
        ),
        (
            form(picked="2023-09-01", reason=reason),
            {"new_deadline_date": "Sista svarsdatum fredag 1 september har redan passerat. Välj ett senare datum."},
        ),
        (
            form("om två veckor", picked="2023-12-15", reason=reason),
            {
                "new_deadline": "Texten betyder måndag 16 oktober men i kalendern står fredag 15 december."
                " Fyll i bara det ena."
            },
        ),
        (
            form(reason=reason),
            {"new_deadline": "Skriv ett datum, t.ex. «15 december» eller «om två veckor», eller välj det i kalendern."},
        ),
        (form("15 december"), {"reason": "Fältet Skäl måste fyllas i."}),
        (
            form("15 december", reason="x" * 1001),
            {"reason": "Texten i fältet Skäl är för lång (1001 tecken); högst 1000 tecken går."},
        ),
    ]
    for values, errors in refusals:
        response = box.driver.view_submission(ANNA, values)
        assert response.json() == {"response_action": "errors", "errors": errors}
    assert len(box.fake.views_of(ANNA)) == 1
    assert audit_count(box, AuditAction.EXTENSION_REQUESTED) == 0

    assert box.driver.view_submission(ANNA, form("om tio veckor", reason=reason)).json()["response_action"] == "update"
    box.courier.drain()
    assert "till *måndag 11 december*" in request_message(box).text
    assert box.fake.warnings == []


# -- deciding -------------------------------------------------------------------------------------------------------
def test_the_coordinator_grants_another_date_than_the_one_asked_for(box: Sandbox) -> None:
    request = asked(box)
    modal = opened_form(
        box, COORDINATOR, ids.GRANT_OTHER_DATE, request, (ids.GRANT_OTHER_DATE_VIEW, "Bevilja anstånd", "Bevilja")
    )
    intro = modal["blocks"][0]["text"]["text"]
    assert intro.startswith(
        "*Tekniska nämnden* ber om anstånd med *STK-2023-137* till fredag 15 december:"
        " «Nämnden sammanträder 14 december.»"
    )
    assert "Deras svarsdatum är nu torsdag 30 november. Vilket datum beviljar du? <@U0ANNA> får besked." in intro

    not_later = box.driver.view_submission(COORDINATOR, form("30 november"))
    assert not_later.json()["errors"] == {
        "new_deadline": "Välj ett datum efter det nuvarande svarsdatumet för Tekniska nämnden, torsdag 30 november."
    }
    unparseable = box.driver.view_submission(COORDINATOR, form("snart"))
    assert unparseable.json()["errors"]["new_deadline"].startswith("«snart» går inte att läsa som ett datum.")
    assert audit_count(box, AuditAction.EXTENDED) == 0

    told = bot_dm_count(box, ANNA)
    response = box.driver.view_submission(COORDINATOR, form(picked="2023-12-08"))
    assert (response.status, response.json()) == (200, None)
    box.fake.wait_for(lambda: buttons(request) == [])
    assert "nytt svarsdatum fredag 8 december" in shown(request)
    assert deadline_of(box) == date(2023, 12, 8)
    assert planned_deadlines(box) == {date(2023, 12, 8)}
    assert box.core.service.deadlines.extension_request(1).state is RequestState.GRANTED

    box.courier.drain()
    [decided] = dms_after(box, ANNA, told)
    assert "nytt sista svarsdatum *fredag 8 december*." in decided.text
    assert "Det gäller Tekniska nämnden (ni bad om fredag 15 december)." in decided.text
    assert box.fake.warnings == []


def test_a_refusal_with_a_note_keeps_the_deadline_and_tells_the_official_why(box: Sandbox) -> None:
    request = asked(box)
    modal = open_modal(box, COORDINATOR, ids.REFUSE_EXTENSION, request)
    assert (modal["title"]["text"], modal["submit"]["text"]) == ("Avslå anstånd", "Avslå")
    assert "Sista svarsdatum förblir torsdag 30 november." in modal["blocks"][0]["text"]["text"]
    too_long = box.driver.view_submission(COORDINATOR, note("x" * 1001))
    assert too_long.json()["errors"]["note"].startswith("Texten i fältet Meddelande till tjänstepersonen är för lång")

    told = bot_dm_count(box, ANNA)
    response = box.driver.view_submission(COORDINATOR, note("Vi behöver svaren före KS <!channel>."))
    assert (response.status, response.json()) == (200, None)
    box.fake.wait_for(lambda: buttons(request) == [])
    assert "Avslaget av <@U0MIA> måndag 2 oktober kl. 09.00. Svarsdatum är fortfarande torsdag 30 november." in (
        shown(request)
    )
    assert deadline_of(box) == date(2023, 11, 30)
    assert planned_deadlines(box) == {date(2023, 11, 30)}

    box.courier.drain()
    [decided] = dms_after(box, ANNA, told)
    assert decided.text.startswith(
        ":x: Ni fick inte anstånd med *STK-2023-137 Områdeslyft*.\n<@U0MIA> avslog begäran för Tekniska nämnden:"
        " «Vi behöver svaren före KS &lt;!channel&gt;.»"
    )
    assert "Sista svarsdatum är fortfarande *torsdag 30 november*." in decided.text
    lines = "\n".join(m.text for m in thread(box))
    assert (
        "*Tekniska nämnden* fick inte anstånd; <@U0MIA> avslog begäran:\n«Vi behöver svaren före KS &lt;!channel&gt;.»"
    ) in lines
    assert box.fake.warnings == []


def test_a_second_click_on_a_decided_request_changes_nothing_and_says_who_decided(box: Sandbox) -> None:
    request = asked(box)
    stale = copy.deepcopy(request)  # the message as a second click (or a colleague's screen) still shows it
    box.driver.block_action(COORDINATOR, ids.GRANT_EXTENSION, message=request)
    box.fake.wait_for(lambda: buttons(request) == [])
    for count, action_id in enumerate(DECISIONS):
        assert box.driver.block_action(COORDINATOR, action_id, message=stale).status == 200
        assert ephemeral_after(box.fake, count) == "Begäran om anstånd är redan beviljad; inget ändrades."
    assert box.fake.views_of(COORDINATOR) == []
    assert audit_count(box, AuditAction.EXTENDED) == 1
    assert deadline_of(box) == date(2023, 12, 15)
    box.courier.drain()
    assert sum("Ni har fått anstånd" in m.text for m in box.fake.messages_in(ANNA)) == 1


def test_only_a_coordinator_may_decide_or_move_the_deadline(box: Sandbox) -> None:
    request = asked(box)
    for count, action_id in enumerate(DECISIONS):
        assert box.driver.block_action(BERTIL, action_id, message=request).status == 200
        assert ephemeral_after(box.fake, count) == NOT_COORDINATOR
    box.driver.block_action(BERTIL, ids.CHANGE_DEADLINE, message=status_message(box))
    assert ephemeral_after(box.fake, len(DECISIONS)) == NOT_COORDINATOR
    assert box.fake.views_of(BERTIL) == []
    assert buttons(request) == DECISIONS
    assert box.core.service.deadlines.extension_request(1).is_pending
    assert deadline_of(box) == date(2023, 11, 30)


# -- the deadline for everyone --------------------------------------------------------------------------------------
def test_moving_the_deadline_for_everyone_replans_and_tells_only_those_who_have_not_answered(box: Sandbox) -> None:
    send_remiss(box)
    submit_delegation(box, BERTIL, OTHER_ORG)
    box.courier.drain()
    status = status_message(box)
    modal = opened_form(
        box, COORDINATOR, ids.CHANGE_DEADLINE, status, (ids.CHANGE_DEADLINE_VIEW, "Ändra sista svarsdatum", "Spara")
    )
    assert "Det är nu torsdag 30 november." in modal["blocks"][0]["text"]["text"]

    past = box.driver.view_submission(COORDINATOR, form(picked="2023-09-29"))
    assert past.json()["errors"] == {
        "new_deadline_date": "Sista svarsdatum fredag 29 september har redan passerat. Välj ett senare datum."
    }
    same = box.driver.view_submission(COORDINATOR, form("30 november"))
    assert same.json()["errors"] == {
        "new_deadline": "Det nya svarsdatumet torsdag 30 november är detsamma som det nuvarande."
    }
    assert audit_count(box, AuditAction.DEADLINE_CHANGED) == 0

    anna, bertil = bot_dm_count(box, ANNA), bot_dm_count(box, BERTIL)
    response = box.driver.view_submission(
        COORDINATOR, form("15 december", reason="Kommunstyrelsen flyttade sitt möte.")
    )
    assert (response.status, response.json()) == (200, None)
    assert deadline_of(box) == date(2023, 12, 15)
    assert planned_deadlines(box) == {date(2023, 12, 15)}
    assert planned_deadlines(box, OTHER_ORG) == {date(2023, 12, 15)}  # skipped when due: it has answered

    box.courier.drain()
    [changed] = dms_after(box, ANNA, anna)
    assert changed.text == (
        ":calendar: Sista svarsdatum för *STK-2023-137 Områdeslyft* är ändrat för alla remissinstanser:"
        " nu *fredag 15 december*, tidigare torsdag 30 november.\n*Skäl:* «Kommunstyrelsen flyttade sitt möte.»\n"
        "Det gäller Tekniska nämnden; påminnelserna utgår nu från det nya datumet."
    )
    assert dms_after(box, BERTIL, bertil) == []
    assert "sista svarsdatum fredag 15 december" in status_message(box).text
    lines = "\n".join(m.text for m in thread(box))
    assert (
        "<@U0MIA> ändrade sista svarsdatum för alla remissinstanser till fredag 15 december (var torsdag 30 november):"
        " «Kommunstyrelsen flyttade sitt möte.»"
    ) in lines

    # Shortening works the same way.
    open_modal(box, COORDINATOR, ids.CHANGE_DEADLINE, status_message(box))
    box.driver.view_submission(COORDINATOR, form("24 november"))
    assert deadline_of(box) == date(2023, 11, 24)
    assert planned_deadlines(box) == {date(2023, 11, 24)}
    box.courier.drain()
    assert "nu *fredag 24 november*, tidigare fredag 15 december." in dms_after(box, ANNA, anna)[-1].text
    assert box.fake.warnings == []
