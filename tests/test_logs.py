"""Logging (bot/adapters/logs.py): plain text or one JSON object per line, each line with what it is about,
and never a token, a secret or a Slack payload; REMISSBOT_LOG_FORMAT checked at start."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bot.adapters.logs import (
    PAYLOAD_REDACTED,
    REDACTED,
    Redactor,
    bind,
    current,
    fresh_context,
    log_context,
    request_id_from,
    start,
)
from bot.settings import SettingsError, load_settings, secret_values
from tests.log_capture import capturing

SECRET = "0123456789abcdef0123456789abcdef"
BOT_TOKEN = "xoxb-1111-2222-AbCdEfGhIjKl"
log = logging.getLogger("tests.logs")


def test_a_json_line_carries_what_it_is_about_and_parses() -> None:
    with capturing("json") as captured, log_context(request_id="req-0001", team="T1", user="U0ANNA", action="answer"):
        bind(diarienummer="STK-2023-137")
        log.info("Answer stored for %s", "tekniska-namnden")
    [line] = [json.loads(x) for x in captured.lines]
    assert line["message"] == "Answer stored for tekniska-namnden"
    assert (line["level"], line["logger"]) == ("INFO", "tests.logs")
    assert {k: line[k] for k in ("request_id", "team", "user", "diarienummer", "action")} == {
        "request_id": "req-0001",
        "team": "T1",
        "user": "U0ANNA",
        "diarienummer": "STK-2023-137",
        "action": "answer",
    }
    assert line["time"].endswith("+00:00")


def test_plain_text_stays_the_default_line_without_the_context() -> None:
    with capturing("text") as captured, log_context(request_id="req-0001", user="U0ANNA"):
        log.warning("Modal %s not updated: %s", "V1", "not_found")
    [line] = captured.lines
    assert line.endswith(" WARNING tests.logs: Modal V1 not updated: not_found")
    assert "req-0001" not in line


def test_the_context_is_restored_after_a_block_and_a_fresh_one_forgets_the_thread_s() -> None:
    start(request_id="old-request", user="U0BERTIL")
    with log_context(action="x"):
        assert current() == {"request_id": "old-request", "user": "U0BERTIL", "action": "x"}
    with fresh_context(action="courier.remiss"):
        assert current() == {"action": "courier.remiss"}
    assert current() == {"request_id": "old-request", "user": "U0BERTIL"}
    with pytest.raises(ValueError, match="not a log context field"):
        bind(answer="no")


def test_another_thread_starts_without_this_one_s_context() -> None:
    seen: list[object] = []
    with log_context(user="U0ANNA"):
        thread = threading.Thread(target=lambda: seen.append(dict(current())))
        thread.start()
        thread.join()
    assert seen == [{}]


def test_a_proxy_s_request_id_is_kept_when_it_looks_like_one_else_a_new_one_is_made() -> None:
    assert request_id_from("7c1f0e9a2b3d4c5e6f708192a3b4c5d6") == "7c1f0e9a2b3d4c5e6f708192a3b4c5d6"
    made = request_id_from('evil"\n{"level":"ERROR"}')
    assert len(made) == 16 and made != request_id_from(None)


def test_tokens_and_configured_secrets_are_replaced_everywhere_in_a_line() -> None:
    redact = Redactor([SECRET, "short"])
    said = redact(f"token {BOT_TOKEN} app xapp-1-A0-123-abc secret={SECRET} user xoxp-9-9 short")
    assert said == f"token xoxb-{REDACTED} app xapp-{REDACTED} secret={REDACTED} user xoxp-{REDACTED} short"


def test_a_slack_payload_a_library_logs_is_cut_off() -> None:
    redact = Redactor()
    sdk = (
        "Sending a request - url: https://slack.com/api/chat.postMessage, query_params: {}, body_params: {'text': 'x'}"
    )
    assert redact(sdk) == f"Sending a request - url: https://slack.com/api/chat.postMessage, {PAYLOAD_REDACTED}"
    bolt = 'Responding with status: 200 body: "{"response_action": "update"}" (3 millis)'
    assert redact(bolt) == f"Responding with status: 200 {PAYLOAD_REDACTED}"
    said = redact("Refused view_submission: {'blocks': [{'text': 'svar'}]}")
    assert said == "Refused view_submission: {" + PAYLOAD_REDACTED
    assert redact("Remiss message C1/1.2 not updated: message_not_found") == (
        "Remiss message C1/1.2 not updated: message_not_found"
    )


def test_the_safety_net_covers_messages_exceptions_and_extra_fields_in_both_formats() -> None:
    for log_format in ("json", "text"):
        with capturing(log_format, secret_values=(SECRET,)) as captured:
            try:
                raise RuntimeError(f"signed with {SECRET} by {BOT_TOKEN}")
            except RuntimeError:
                log.exception("failed with %s", BOT_TOKEN, extra={"detail": f"secret {SECRET}"})
        written = "\n".join(captured.lines)
        assert SECRET not in written and BOT_TOKEN not in written, log_format
        assert f"xoxb-{REDACTED}" in written and "RuntimeError" in written
        if log_format == "json":
            [line] = [json.loads(x) for x in captured.lines]
            assert line["detail"] == f"secret {REDACTED}" and "RuntimeError" in line["exc_info"]


def test_under_debug_the_libraries_that_log_bodies_and_sql_parameters_stay_quiet() -> None:
    with capturing("json") as captured:
        logging.getLogger("slack_sdk.web.base_client").debug("Sending a request - body_params: {'text': 'svar'}")
        logging.getLogger("slack_bolt.App").debug("Responding with status: 200 body: svar")
        logging.getLogger("sqlalchemy.engine.Engine").info("[generated] ('svar',)")
        logging.getLogger("handlers.answer").debug("ours, at debug")
    assert [json.loads(x)["message"] for x in captured.lines] == ["ours, at debug"]
    assert not [r for r in captured.records if "svar" in r]


def test_a_library_logger_bolt_set_to_debug_itself_stays_quiet_too() -> None:
    """Bolt sets each logger it makes to the root's level: before logging is configured, or after."""
    before, after = logging.getLogger("slack_bolt.Before"), logging.getLogger("slack_bolt.After")
    before.setLevel(logging.DEBUG)
    try:
        with capturing("text") as captured:
            after.setLevel(logging.DEBUG)
            before.debug("Responding with status: 200 body: svar")
            after.debug("Responding with status: 200 body: svar")
            after.info("Bolt's own INFO line")
        assert [line.split(": ", 1)[1] for line in captured.lines] == ["Bolt's own INFO line"]
    finally:
        before.setLevel(logging.NOTSET)
        after.setLevel(logging.NOTSET)


def test_an_unknown_log_format_is_refused_in_swedish() -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings({"REMISSBOT_LOG_FORMAT": "yaml"})
    assert str(refused.value) == (
        "REMISSBOT_LOG_FORMAT ska vara text eller json (text är vanliga rader, json är ett JSON-objekt per rad), "
        "inte 'yaml'."
    )
    assert load_settings({"REMISSBOT_LOG_FORMAT": " JSON "}).log_format == "json"
    assert load_settings({}).log_format == "text"


def test_the_secrets_are_the_tokens_the_signing_secret_and_the_database_password() -> None:
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_APP_TOKEN": "xapp-1-A0-1",
        "SLACK_SIGNING_SECRET": SECRET,
        "DATABASE_URL": "postgresql+psycopg://remissbot:hemligt-losen@db/remissbot",
    }
    assert set(secret_values(env)) == {BOT_TOKEN, "xapp-1-A0-1", SECRET, "hemligt-losen"}
    assert secret_values({"DATABASE_URL": "sqlite:///x.db"}) == ()


def cli(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "REMISSBOT_", "DATABASE_"))}
    environment |= {"REMISSBOT_DATA_DIR": str(tmp_path), **env}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], capture_output=True, text=True, env=environment, timeout=120
    )


def test_the_command_logs_json_lines_naming_itself_and_who_ran_it(tmp_path: Path) -> None:
    done = cli(tmp_path, "--debug", "health", REMISSBOT_LOG_FORMAT="json", SLACK_SIGNING_SECRET=SECRET)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stderr.splitlines()]
    stored = [x for x in lines if x["message"] == "Stored the shipped Malmö directory"]
    assert stored and stored[0]["action"] == "cli.health" and stored[0]["user"].startswith("cli:")
    assert len({x["request_id"] for x in lines if "request_id" in x}) == 1
    assert SECRET not in done.stderr + done.stdout


def test_a_command_with_an_unknown_log_format_says_so_and_exits_2(tmp_path: Path) -> None:
    done = cli(tmp_path, "status", REMISSBOT_LOG_FORMAT="xml")
    assert done.returncode == 2
    assert done.stderr.startswith("remissbot: REMISSBOT_LOG_FORMAT ska vara text eller json")
    assert "Traceback" not in done.stderr
