"""What the real app logs while an official drafts and submits an answer, at DEBUG, in JSON: every record is
captured, and neither the answer's text, the signing secret nor the bot token is in any of them; the lines
parse, and the submission's line says which request, team, user, remiss and action it is about.

Over HTTP (the signature checked, as `remissbot serve` does) and as Socket Mode delivers (dispatched in
process), on SQLite and PostgreSQL (whose drivers log too)."""

from __future__ import annotations

import json
import logging
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import pytest
from sqlalchemy import Engine

from bot.bootstrap import SLACK_EVENTS_PATH, build_core
from bot.core.domain.organisation import Directory
from bot.core.domain.remiss import Position, QuestionKind
from bot.core.usecases.results import RemissInput
from bot.settings import load_settings
from devtools.clocks import FakeClock
from devtools.ports import free_port
from devtools.sandbox.driver import DispatchTransport, HttpTransport, SlackDriver
from devtools.sandbox.fake_slack import FakeSlack
from devtools.sandbox.harness import Sandbox, running_sandbox
from handlers import answer, ids
from tests.e2e.conftest import COORDINATOR, USERS
from tests.e2e.servers import wait_until_healthy
from tests.e2e.test_answer import (
    CASE,
    OFFICIAL,
    ORG,
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
def logged(
    database_url: str, database_engine: Engine, transport: str, clock: FakeClock
) -> Iterator[tuple[Sandbox, Captured]]:
    """The whole bot, started while every record from DEBUG up is captured (JSON lines, as
    REMISSBOT_LOG_FORMAT=json gives), with its driver playing Slack over HTTP or as Socket Mode."""
    with (
        capturing("json", level=logging.DEBUG) as captured,
        running_sandbox(
            database_url=database_url, engine=database_engine, users=USERS, coordinators=[COORDINATOR], clock=clock
        ) as box,
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
    assert len(records) > 5  # the capture saw the run (the Slack edge's lines, the courier's, the answer's)
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


def test_remissbot_serve_at_debug_in_json_logs_neither_the_answer_nor_its_secrets(
    tmp_path: Path, migrated_sqlite_url: str
) -> None:
    """The command itself: `remissbot --debug serve` as deployed (REMISSBOT_LOG_FORMAT=json), every line it
    writes read, while an official answers over signed HTTP. (Its output is redacted on the way out, which hides
    the token and the secret anyway; the test above reads the records before that.)"""
    marker = f"Svarsmarkör-{secrets.token_hex(6)}"
    signing_secret = secrets.token_hex(16)
    with FakeSlack() as fake:
        for user in USERS:
            fake.add_user(user.id, user.name, user.real_name, user.email)
        env = {
            "DATABASE_URL": migrated_sqlite_url,
            "SLACK_BOT_TOKEN": fake.identity.bot_token,
            "SLACK_SIGNING_SECRET": signing_secret,
            "SLACK_API_URL": fake.url,
            "REMISSBOT_COORDINATORS": COORDINATOR,
            "REMISSBOT_ARCHIVE_DIR": "av",
            "REMISSBOT_LOG_FORMAT": "json",
        }
        core = build_core(load_settings(env))
        try:  # a remiss to Tekniska nämnden, Anna its official: the serve process's courier sends her its DM
            service = core.service
            directory = service.directory.directory()
            service.directory.replace_directory(
                Directory(tuple(replace(o, contacts=(OFFICIAL,) if o.key == ORG else ()) for o in directory))
            )
            data = RemissInput(
                case_number=CASE,
                title="Uppdrag budget 2023 - Definiera och starta ett områdeslyft",
                questions=[("Vilka befintliga processer passar in?", QuestionKind.FREE_TEXT)],
                deadline=service.today() + timedelta(days=60),
                recipient_keys=[ORG],
            )
            service.drafting.create_draft(service.actor(COORDINATOR), data)
            service.drafting.send(service.actor(COORDINATOR), CASE)
        finally:
            core.close()
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        command = [sys.executable, "-m", "bot.cli", "--debug", "serve", "--host", "127.0.0.1", "--port", str(port)]
        outside = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "REMISSBOT_", "DATABASE_"))}
        with (tmp_path / "stderr").open("w+b") as errors:
            process = subprocess.Popen(command, env={**outside, **env}, stdout=errors, stderr=errors)
            try:
                wait_until_healthy(base, process, errors)
                box = cast(
                    Sandbox,
                    SimpleNamespace(
                        fake=fake, driver=SlackDriver(fake, HttpTransport(base + SLACK_EVENTS_PATH), signing_secret)
                    ),
                )
                dm = fake.wait_for(lambda: next((m for m in fake.messages_in(OFFICIAL) if m.blocks), None), timeout=30)
                form = press_answer(box, dm)
                # A draft first: the redrawn form carries it back to Slack in a Web API call.
                saved = act_in_form(box, form, answer.SAVE_DRAFT, filled(form, answers={1: marker}))
                yesterday = (date.today() - timedelta(days=1)).isoformat()
                answered = {1: f"Nämnden tillstyrker. {marker}"}
                submit_accepted(box, filled(saved, answers=answered, meeting_date=yesterday, paragraph="§ 12"))
            finally:
                process.terminate()
                process.wait(timeout=30)
            errors.seek(0)
            written = errors.read().decode()
    for what, value in {
        "the answer": marker,
        "the signing secret": signing_secret,
        "the token": fake.identity.bot_token,
    }.items():
        assert value not in written, f"{what} is in what remissbot serve logged"
    lines = [json.loads(line) for line in written.splitlines()]
    stored = [x for x in lines if x["message"].startswith(f"Answer stored for {ORG}")]
    assert [(x["user"], x["diarienummer"], x["action"]) for x in stored] == [(OFFICIAL, CASE, ids.ANSWER_VIEW)]
    assert any(x["level"] == "DEBUG" for x in lines)  # --debug took effect: our own DEBUG lines are there
