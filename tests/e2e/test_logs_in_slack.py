"""What the real app logs while an official drafts and submits an answer, at DEBUG, in JSON: every record is
captured, and neither the answer's text, the signing secret nor the bot token is in any of them; the lines
parse, and the submission's line says which request, team, user, remiss and action it is about.

Over HTTP (the signature checked, as `remissbot serve` does) and as Socket Mode delivers (dispatched in
process), on SQLite and PostgreSQL (whose drivers log too)."""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Iterator
from dataclasses import replace

import pytest

from bot.core.domain.remiss import Position
from devtools.clocks import FakeClock
from devtools.sandbox.driver import DispatchTransport, SlackDriver
from devtools.sandbox.harness import Sandbox, running_sandbox
from handlers import answer, ids
from tests.e2e.conftest import COORDINATOR, USERS
from tests.e2e.test_answer import (
    CASE,
    OFFICIAL,
    act_in_form,
    filled,
    press_answer,
    recipient,
    send_remiss,
    submit_accepted,
)
from tests.log_capture import Captured, capturing


@pytest.fixture(params=["http", "socket_mode"])
def transport(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def logged(database_url: str, transport: str, clock: FakeClock) -> Iterator[tuple[Sandbox, Captured]]:
    """The whole bot, started while every record from DEBUG up is captured (JSON lines, as
    REMISSBOT_LOG_FORMAT=json gives), with its driver playing Slack over HTTP or as Socket Mode."""
    with (
        capturing("json", level=logging.DEBUG) as captured,
        running_sandbox(database_url=database_url, users=USERS, coordinators=[COORDINATOR], clock=clock) as box,
    ):
        if transport == "socket_mode":
            box = replace(
                box, driver=SlackDriver(box.fake, DispatchTransport(box.app, socket_mode=True), box.signing_secret)
            )
        yield box, captured


def test_no_answer_text_secret_or_token_reaches_a_log_line_and_the_lines_say_what_they_are_about(
    logged: tuple[Sandbox, Captured],
) -> None:
    box, captured = logged
    marker = f"Svarsmarkör-{secrets.token_hex(6)}"
    draft_marker = f"Utkastmarkör-{secrets.token_hex(6)}"
    form = press_answer(box, send_remiss(box))
    saved = act_in_form(box, form, answer.SAVE_DRAFT, filled(form, answers={2: draft_marker}))
    submit_accepted(
        box,
        filled(
            saved,
            answers={1: f"Nämnden tillstyrker. {marker}", 2: f"{draft_marker} och {marker}"},
            positions={1: Position.TILLSTYRKER, 2: Position.INGA_SYNPUNKTER},
            meeting_date="2023-11-19",
            paragraph="§ 145",
        ),
    )
    box.courier.drain()
    # The draft went back to Slack in the redrawn form: a Web API call carried it, and its response too.
    redrawn = json.dumps([c.params for c in box.fake.calls_to("views.update")], ensure_ascii=False)
    assert draft_marker in redrawn
    [version] = recipient(box).responses
    assert marker in version.content.answers[0].text
    for executor in box.core.executors:
        executor.shutdown(wait=True)

    records, lines = captured.records, captured.lines
    assert len(records) > 20  # the capture saw the run (DEBUG lines from the bot, the Slack edge, the courier)
    secrets_sent = {
        "the answer's text": marker,
        "the draft's text": draft_marker,
        "the signing secret": box.signing_secret,
        "the bot token": box.fake.identity.bot_token,
    }
    for what, value in secrets_sent.items():
        assert not [r for r in records if value in r], f"{what} is in a log record"
        assert not [x for x in lines if value in x], f"{what} is in a log line"

    parsed = [json.loads(x) for x in lines]  # every line is one JSON object
    stored = [x for x in parsed if x["message"].startswith("Answer stored for tekniska-namnden")]
    assert len(stored) == 1
    about = {k: stored[0].get(k) for k in ("team", "user", "diarienummer", "action")}
    assert about == {
        "team": box.fake.identity.team_id,
        "user": OFFICIAL,
        "diarienummer": CASE,
        "action": ids.ANSWER_VIEW,
    }
    request_id = stored[0]["request_id"]
    edge = [x for x in parsed if x.get("request_id") == request_id and x["message"].startswith("Slack ")]
    assert [x["message"] for x in edge] == [f"Slack view_submission {ids.ANSWER_VIEW}"]
    # The courier's lines name the message they send: the kind, the remiss and (for a DM) the person.
    sent = [x for x in parsed if str(x.get("action", "")).startswith("courier.")]
    assert sent and all(x["diarienummer"] == CASE for x in sent)
