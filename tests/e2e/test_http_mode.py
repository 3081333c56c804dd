"""The real Bolt app in HTTP mode, over real HTTP, against the loopback Slack: /remiss, App Home, health."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import date

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import create_engine

from bot.bootstrap import Core, build_wsgi_app
from bot.core.domain.organisation import Directory, Organisation
from bot.core.domain.remiss import QuestionKind
from bot.core.usecases.results import RemissInput
from devtools.sandbox.harness import Sandbox
from storage import SqlStore
from tests.e2e.conftest import COORDINATOR, load_directory


def responses_text(sandbox: Sandbox) -> str:
    return "\n".join(str(r.payload.get("text", "")) for r in sandbox.fake.responses)


def create_and_send(sandbox: Sandbox, title: str = "Områdeslyft", recipients: int = 4) -> None:
    service = sandbox.core.service
    directory = service.directory.directory()
    keys = [o.key for o in directory.active() if o.key != "stadskontoret"][:recipients]
    load_directory(sandbox, dict.fromkeys(keys[:2], ("U0ANNA",)))
    data = RemissInput(
        case_number="STK-2023-137",
        title=title,
        questions=[("Vilka processer passar in?", QuestionKind.FREE_TEXT)],
        deadline=date(2023, 11, 30),
        recipient_keys=keys,
    )
    service.drafting.create_draft(service.actor(COORDINATOR), data)
    service.drafting.send(service.actor(COORDINATOR), "STK-2023-137")


def test_a_slash_command_is_acknowledged_and_answered_with_help(sandbox: Sandbox) -> None:
    response = sandbox.driver.slash_command("U0ANNA", "/remiss", "hjälp")
    assert response.status == 200
    answer = sandbox.fake.wait_for(lambda: sandbox.fake.responses[-1] if sandbox.fake.responses else None)
    assert answer.payload["response_type"] == "ephemeral"
    assert "/remiss status" in answer.payload["text"]


def test_status_with_nothing_open_says_so_in_swedish(sandbox: Sandbox) -> None:
    sandbox.driver.slash_command(COORDINATOR, "/remiss", "status")
    sandbox.fake.wait_for(lambda: sandbox.fake.responses or None)
    assert "Det finns inga pågående remisser" in responses_text(sandbox)


def test_status_of_a_sent_remiss_counts_its_recipients_and_escapes_user_text(sandbox: Sandbox) -> None:
    create_and_send(sandbox, title="Områdeslyft <!channel> & <@U0BERTIL>")
    sandbox.driver.slash_command(COORDINATOR, "/remiss", "status STK-2023-137")
    answer = sandbox.fake.wait_for(lambda: sandbox.fake.responses[-1] if sandbox.fake.responses else None)
    text = json.dumps(answer.payload["blocks"], ensure_ascii=False)
    assert "0 av 4 har svarat, 4 har inte öppnat; sista svarsdatum torsdag 30 november" in text
    assert "&lt;!channel&gt; &amp; &lt;@U0BERTIL&gt;" in text
    assert "<!channel>" not in text
    assert "Tekniska nämnden" in text


def test_an_unknown_case_number_gets_a_swedish_message_not_an_error(sandbox: Sandbox) -> None:
    response = sandbox.driver.slash_command(COORDINATOR, "/remiss", "status KS 1999/1")
    assert response.status == 200
    sandbox.fake.wait_for(lambda: sandbox.fake.responses or None)
    assert "Hittar ingen remiss med diarienummer «KS 1999/1»" in responses_text(sandbox)


def test_an_unknown_subcommand_gets_help(sandbox: Sandbox) -> None:
    sandbox.driver.slash_command("U0ANNA", "/remiss", "sammanfatta allt")
    sandbox.fake.wait_for(lambda: sandbox.fake.responses or None)
    assert "/remiss känner inte igen «sammanfatta»" in responses_text(sandbox)


def test_the_app_home_shows_what_the_official_has_to_answer(sandbox: Sandbox) -> None:
    create_and_send(sandbox)
    sandbox.driver.app_home_opened("U0ANNA")
    home = sandbox.fake.wait_for(lambda: sandbox.fake.home_of("U0ANNA"))
    text = json.dumps(home.payload, ensure_ascii=False)
    assert "Att besvara" in text
    assert "STK-2023-137" in text
    assert "svara senast torsdag 30 november (59 dagar kvar)" in text


def test_a_retried_event_delivery_is_handled_once(sandbox: Sandbox) -> None:
    event = {"type": "app_home_opened", "user": "U0BERTIL", "channel": "D0BERTIL", "tab": "home"}
    first = sandbox.driver.event(event, event_id="Ev0001")
    sandbox.fake.wait_for(lambda: sandbox.fake.home_of("U0BERTIL"))
    retry = sandbox.driver.event(event, event_id="Ev0001", retry_num=1, retry_reason="http_timeout")
    assert (first.status, retry.status) == (200, 200)
    other = sandbox.driver.event(event, event_id="Ev0002")
    assert other.status == 200
    sandbox.fake.wait_for(lambda: len(sandbox.fake.calls_to("views.publish")) >= 2 or None)
    assert len(sandbox.fake.calls_to("views.publish")) == 2


def test_a_request_with_a_wrong_or_stale_signature_is_refused(sandbox: Sandbox) -> None:
    wrong = sandbox.driver.resigned(signing_secret="0" * 32).slash_command("U0ANNA", "/remiss", "hjälp")
    stale = sandbox.driver.stale().slash_command("U0ANNA", "/remiss", "hjälp")
    assert (wrong.status, stale.status) == (401, 401)
    assert sandbox.fake.responses == []


def test_health_answers_ok_when_the_database_answers(sandbox: Sandbox) -> None:
    with urllib.request.urlopen(sandbox.base_url + "/healthz", timeout=5) as response:
        assert response.status == 200
        assert json.loads(response.read()) == {"status": "ok", "database": "ok", "schema": "ok"}


def test_the_loopback_slack_refuses_an_oversized_message_with_slacks_error_code(sandbox: Sandbox) -> None:
    client = WebClient(token=sandbox.fake.identity.bot_token, base_url=sandbox.fake.url)
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": f"rad {i}"}} for i in range(51)]
    with pytest.raises(SlackApiError) as refused:
        client.chat_postMessage(channel="U0ANNA", text="för många block", blocks=blocks)
    assert refused.value.response["error"] == "invalid_blocks"
    huge = [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 2900}} for _ in range(5)]
    with pytest.raises(SlackApiError) as too_long:
        client.chat_postMessage(channel="U0ANNA", text="för lång", blocks=huge)
    assert too_long.value.response["error"] == "msg_blocks_too_long"


def test_the_status_of_a_remiss_with_many_recipients_stays_within_slacks_limits(sandbox: Sandbox) -> None:
    service = sandbox.core.service
    many = Directory(
        tuple(Organisation(f"org-{i:03d}", f"Organisation nummer {i} med ett långt namn", f"O{i}", kind)
              for i, kind in enumerate([o.kind for o in service.directory.directory()] * 25))
    )  # fmt: skip
    service.directory.replace_directory(many)
    data = RemissInput(
        case_number="KS 2024/400",
        title="Stor remiss",
        questions=[("Fråga", QuestionKind.FREE_TEXT)],
        deadline=date(2023, 12, 1),
        recipient_keys=[o.key for o in many],
    )
    service.drafting.create_draft(service.actor(COORDINATOR), data)
    response = sandbox.driver.slash_command(COORDINATOR, "/remiss", "status KS 2024/400")
    assert response.status == 200
    answer = sandbox.fake.wait_for(lambda: sandbox.fake.responses[-1] if sandbox.fake.responses else None)
    assert answer.status == 200, answer
    assert len(answer.payload["blocks"]) <= 50


def test_health_answers_503_when_the_database_is_gone(sandbox: Sandbox) -> None:
    gone = create_engine("postgresql+psycopg://postgres@127.0.0.1:1/test")
    core = Core(
        sandbox.core.settings,
        gone,
        SqlStore(gone),
        sandbox.core.service,
        sandbox.core.texts,
        sandbox.core.clock,
    )
    wsgi = build_wsgi_app(core, app=None)
    statuses: list[str] = []
    body = b"".join(wsgi({"PATH_INFO": "/healthz", "REQUEST_METHOD": "GET"}, lambda s, h: statuses.append(s)))  # type: ignore[arg-type]
    assert statuses == ["503 Service Unavailable"]
    assert json.loads(body)["status"] == "unavailable"
