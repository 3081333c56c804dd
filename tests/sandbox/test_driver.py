"""The driver sends Slack's payloads into a real Bolt app, which answers through the fake Web API."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt import Ack, App, BoltRequest, Respond, Say
from slack_sdk import WebClient

from devtools.sandbox import BoltHttpServer, DispatchTransport, FakeSlack, HttpTransport, SlackDriver
from devtools.sandbox.driver import RefusedResponse, Transport

SIGNING_SECRET = "remiss-signing-secret"
JSON = dict[str, Any]


def answer_modal(remiss: str, title: str = "Svara på remiss") -> JSON:
    attach = {"type": "button", "action_id": "bilaga", "text": {"type": "plain_text", "text": "Bifoga fil"}}
    return {
        "type": "modal",
        "callback_id": "svar",
        "private_metadata": remiss,
        "notify_on_close": True,
        "title": {"type": "plain_text", "text": title},
        "submit": {"type": "plain_text", "text": "Skicka"},
        "blocks": [
            {
                "type": "input",
                "block_id": "svar",
                "label": {"type": "plain_text", "text": "Ditt svar"},
                "element": {"type": "plain_text_input", "action_id": "text", "multiline": True},
            },
            {"type": "actions", "block_id": "knappar", "elements": [attach]},
        ],
    }


class RemissApp:
    """A small Bolt app with one listener of each kind, recording what reached it."""

    def __init__(self, fake: FakeSlack) -> None:
        self.retries: list[tuple[str, str | None]] = []
        self.closed: list[str] = []
        self.app = App(signing_secret=SIGNING_SECRET, client=WebClient(token="xoxb-test", base_url=fake.url))
        self.app.command("/remiss")(self.remiss)
        self.app.action("svara")(self.open_answer_modal)
        self.app.view("svar")(self.receive_answer)
        self.app.action("bilaga")(self.offer_attachment)
        self.app.view_closed("svar")(self.note_closed)
        self.app.shortcut("ny_remiss")(self.open_answer_modal_from_shortcut)
        self.app.event("message")(self.reply_in_thread)
        self.app.event("app_home_opened")(self.publish_home)

    def remiss(self, ack: Ack, respond: Respond, command: JSON, client: WebClient) -> None:
        ack()
        respond(f"Tar emot: {command['text']}")
        client.chat_postMessage(channel=command["user_id"], text=f"Ny remiss: {command['text']}")

    def open_answer_modal(self, ack: Ack, body: JSON, action: JSON, client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=answer_modal(action["value"]))

    def open_answer_modal_from_shortcut(self, ack: Ack, shortcut: JSON, client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=shortcut["trigger_id"], view=answer_modal("från genväg"))

    def receive_answer(self, ack: Ack, body: JSON, view: JSON, client: WebClient) -> None:
        text = view["state"]["values"]["svar"]["text"]["value"] or ""
        if not text.strip():
            ack(response_action="errors", errors={"svar": "Skriv ett svar"})
            return
        if text == "?":  # a mistake Slack refuses: errors can only be shown under an input block
            ack(response_action="errors", errors={"knappar": "Bifoga en fil"})
            return
        ack()
        client.chat_postMessage(channel=body["user"]["id"], text=f"Tack för svaret på {view['private_metadata']}")

    def offer_attachment(self, ack: Ack, body: JSON, client: WebClient) -> None:
        ack()
        view = body["view"]
        updated = answer_modal(view["private_metadata"], title="Svar med bilaga")
        client.views_update(view_id=view["id"], hash=view["hash"], view=updated)

    def note_closed(self, ack: Ack, view: JSON) -> None:
        ack()
        self.closed.append(view["private_metadata"])

    def reply_in_thread(self, event: JSON, say: Say, request: BoltRequest, body: JSON) -> None:
        retry = request.headers.get("x-slack-retry-num")
        self.retries.append((body["event_id"], retry[0] if retry else None))
        say(text=f"Du skrev: {event['text']}", thread_ts=event["ts"])

    def publish_home(self, event: JSON, client: WebClient) -> None:
        blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "Dina remisser"}}]
        client.views_publish(user_id=event["user"], view={"type": "home", "blocks": blocks})


@pytest.fixture
def remiss_app(fake: FakeSlack) -> RemissApp:
    return RemissApp(fake)


@pytest.fixture
def http_url(remiss_app: RemissApp) -> Iterator[str]:
    with BoltHttpServer(remiss_app.app) as server:
        yield server.url


@pytest.fixture(params=["http", "dispatch", "socket_mode"])
def driver(request: pytest.FixtureRequest, fake: FakeSlack, remiss_app: RemissApp) -> Iterator[SlackDriver]:
    transport: Transport
    if request.param == "http":
        with BoltHttpServer(remiss_app.app) as server:
            yield SlackDriver(fake, HttpTransport(server.url), SIGNING_SECRET)
        return
    transport = DispatchTransport(remiss_app.app, socket_mode=request.param == "socket_mode")
    yield SlackDriver(fake, transport, SIGNING_SECRET)


def test_a_slash_command_is_acknowledged_and_its_listener_answers(driver: SlackDriver, fake: FakeSlack) -> None:
    response = driver.slash_command("U0ANNA", "/remiss", "Översiktsplan 2040")

    assert response.status == 200
    reply = fake.wait_for(lambda: fake.responses)[0]
    assert (reply.payload["text"], reply.status) == ("Tar emot: Översiktsplan 2040", 200)
    message = fake.wait_for(lambda: fake.last_message("U0ANNA"))
    assert message.text == "Ny remiss: Översiktsplan 2040"


def test_a_button_opens_a_modal_whose_submission_is_validated_then_closes_it(
    driver: SlackDriver, fake: FakeSlack
) -> None:
    button = {
        "type": "button",
        "action_id": "svara",
        "value": "KS 2024/17",
        "text": {"type": "plain_text", "text": "Svara"},
    }
    WebClient(token="xoxb-test", base_url=fake.url).chat_postMessage(
        channel="U0ANNA", text="Ny remiss", blocks=[{"type": "actions", "elements": [button]}]
    )

    assert driver.block_action("U0ANNA", "svara").status == 200
    modal = fake.wait_for(lambda: fake.views_of("U0ANNA"))[-1]
    assert (modal.callback_id, modal.private_metadata) == ("svar", "KS 2024/17")

    refused = driver.view_submission("U0ANNA", {"svar": {"text": {"type": "plain_text_input", "value": " "}}})
    assert refused.json() == {"response_action": "errors", "errors": {"svar": "Skriv ett svar"}}
    assert fake.views_of("U0ANNA") == [modal]

    accepted = driver.view_submission("U0ANNA", {"svar": {"text": {"type": "plain_text_input", "value": "Bra"}}})
    assert accepted.status == 200
    assert fake.views_of("U0ANNA") == []
    thanks = fake.wait_for(lambda: [m.text for m in fake.messages_in("U0ANNA") if m.text.startswith("Tack")])
    assert thanks == ["Tack för svaret på KS 2024/17"]


def test_errors_on_a_block_that_is_not_an_input_are_a_refused_answer_the_test_sees(
    driver: SlackDriver, fake: FakeSlack
) -> None:
    WebClient(token="xoxb-test", base_url=fake.url).views_open(
        trigger_id=fake.new_trigger_id("U0ANNA"), view=answer_modal("KS 2024/17")
    )
    modal = fake.views_of("U0ANNA")[-1]

    with pytest.raises(RefusedResponse, match="knappar"):
        driver.view_submission("U0ANNA", {"svar": {"text": {"type": "plain_text_input", "value": "?"}}})

    assert fake.views_of("U0ANNA") == [modal]


def test_a_global_shortcut_carries_a_trigger_id_that_opens_a_modal(driver: SlackDriver, fake: FakeSlack) -> None:
    driver.shortcut("U0BERTIL", "ny_remiss")

    assert fake.wait_for(lambda: fake.views_of("U0BERTIL"))[0].private_metadata == "från genväg"


def test_a_button_inside_a_modal_updates_it_and_closing_the_modal_reaches_the_app(
    driver: SlackDriver, fake: FakeSlack, remiss_app: RemissApp
) -> None:
    driver.shortcut("U0BERTIL", "ny_remiss")
    opened = fake.wait_for(lambda: fake.views_of("U0BERTIL"))[0]

    driver.block_action("U0BERTIL", "bilaga")
    fake.wait_for(lambda: opened.payload["title"]["text"] == "Svar med bilaga")
    driver.view_closed("U0BERTIL")

    assert fake.wait_for(lambda: remiss_app.closed) == ["från genväg"]
    assert fake.views_of("U0BERTIL") == []


def test_a_retried_event_reaches_the_listener_with_slacks_retry_headers(
    driver: SlackDriver, fake: FakeSlack, remiss_app: RemissApp
) -> None:
    driver.event(
        {"type": "message", "channel": "C0REMISS", "user": "U0ANNA", "text": "hej", "ts": "1.1"},
        event_id="Ev1",
    )
    driver.event(
        {"type": "message", "channel": "C0REMISS", "user": "U0ANNA", "text": "hej", "ts": "1.1"},
        event_id="Ev1",
        retry_num=1,
        retry_reason="http_timeout",
    )

    fake.wait_for(lambda: len(fake.messages_in("C0REMISS")) == 2)
    assert set(remiss_app.retries) == {("Ev1", None), ("Ev1", "1")}


def test_a_direct_message_is_answered_in_its_thread(driver: SlackDriver, fake: FakeSlack) -> None:
    driver.message_im("U0ANNA", "Vad är deadline?")

    fake.wait_for(lambda: len(fake.messages_in("U0ANNA")) == 2)
    question, answer = fake.messages_in("U0ANNA")
    assert (question.user, answer.user) == ("U0ANNA", None)
    assert (answer.text, answer.thread_ts) == ("Du skrev: Vad är deadline?", question.ts)


def test_opening_the_home_tab_lets_the_app_publish_it(driver: SlackDriver, fake: FakeSlack) -> None:
    driver.app_home_opened("U0BERTIL")

    assert fake.wait_for(lambda: fake.home_of("U0BERTIL")).payload["blocks"][0]["text"]["text"] == "Dina remisser"


def test_url_verification_echoes_the_challenge(fake: FakeSlack, http_url: str) -> None:
    driver = SlackDriver(fake, HttpTransport(http_url), SIGNING_SECRET)

    assert driver.url_verification("utmaning").json() == {"challenge": "utmaning"}


def test_a_wrongly_signed_request_is_refused_over_http(fake: FakeSlack, http_url: str) -> None:
    driver = SlackDriver(fake, HttpTransport(http_url), SIGNING_SECRET).resigned(signing_secret="fel-hemlighet")

    assert driver.slash_command("U0ANNA", "/remiss", "x").status == 401
    assert fake.calls_to("chat.postMessage") == []


def test_a_request_older_than_five_minutes_is_refused_over_http(fake: FakeSlack, http_url: str) -> None:
    driver = SlackDriver(fake, HttpTransport(http_url), SIGNING_SECRET)

    assert driver.stale().slash_command("U0ANNA", "/remiss", "x").status == 401
    assert driver.slash_command("U0ANNA", "/remiss", "x").status == 200
