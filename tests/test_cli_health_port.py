"""`remissbot run --health-port N`: /healthz and /metrics on their own port in Socket Mode, up before the connection
to Slack is; a port that is taken or not a port gets a Swedish line and exit 2."""

from __future__ import annotations

import json
import logging
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from devtools.ports import free_port
from devtools.sandbox.fake_slack import FakeSlack

APP_TOKEN = "xapp-1-A0TEST-1-abcdef"  # a made-up token in Slack's shape


@pytest.fixture
def slack(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeSlack]:
    for name in ("DATABASE_URL", "SLACK_SIGNING_SECRET", "PORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("REMISSBOT_DATA_DIR", str(tmp_path / "data"))
    with FakeSlack() as fake:
        monkeypatch.setenv("SLACK_API_URL", fake.url)
        monkeypatch.setenv("SLACK_BOT_TOKEN", fake.identity.bot_token)
        monkeypatch.setenv("SLACK_APP_TOKEN", APP_TOKEN)
        yield fake


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def wait_for_health(base: str, done: threading.Event) -> dict[str, Any]:
    for _ in range(600):
        try:
            status, body = get(base + "/healthz")
        except OSError:
            assert not done.is_set(), "remissbot run ended before its health port answered"
            done.wait(0.1)
            continue
        assert status == 200, body
        found: dict[str, Any] = json.loads(body)
        return found
    raise AssertionError("the health port never answered")


def test_run_answers_health_and_metrics_on_its_port_while_it_connects_to_slack(
    slack: FakeSlack, capsys: pytest.CaptureFixture[str]
) -> None:
    # Slack holds its answer to the Socket Mode connection until the test has looked, then refuses the token.
    answer = threading.Event()
    slack.inject("apps.connections.open", error="invalid_auth", hold_reply=answer)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    done = threading.Event()
    codes: list[int] = []

    def run() -> None:
        try:
            codes.append(main(["run", "--health-host", "127.0.0.1", "--health-port", str(port)]))
        finally:
            done.set()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        assert wait_for_health(base, done) == {"status": "ok", "database": "ok", "schema": "ok"}
        status, metrics = get(base + "/metrics")
        assert status == 200
        assert "remissbot_database_up 1.0" in metrics
        assert "remissbot_open_remisses 0.0" in metrics
        assert 'remissbot_outbox_messages{state="pending"} 0.0' in metrics
        assert 'remissbot_http_responses_total{code="200",path="/healthz"} 1.0' in metrics
        assert get(base + "/slack/events")[0] == 404  # Socket Mode: Slack's requests never come over HTTP
        slack.wait_for(lambda: slack.calls_to("apps.connections.open"))  # it connects to Slack meanwhile
    finally:
        answer.set()
        thread.join(timeout=60)
    assert codes == [2]
    err = capsys.readouterr().err
    assert "Slack tog inte emot Socket Mode-anslutningen (invalid_auth). Kontrollera SLACK_APP_TOKEN" in err
    assert "Traceback" not in err
    with pytest.raises(urllib.error.URLError, match="refused"):  # stopped with the bot
        get(base + "/healthz")


def test_a_taken_health_port_is_named_and_run_exits_2_before_connecting(
    slack: FakeSlack, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = int(holder.getsockname()[1])
        with caplog.at_level(logging.INFO):
            code = main(["run", "--health-host", "127.0.0.1", "--health-port", str(port)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"Porten {port} på 127.0.0.1 är upptagen" in err
    assert "remissbot run --health-port NUMMER" in err
    assert "Traceback" not in err and "oväntat fel" not in err
    assert slack.calls_to("apps.connections.open") == []
    assert "startar i Socket Mode" not in caplog.text


@pytest.mark.parametrize("value", ["70000", "0", "-1", "nio", "9100x", "٩١٠٠"])
def test_a_health_port_that_is_not_a_port_is_refused_in_swedish_before_anything_starts(
    slack: FakeSlack, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    code = main(["run", "--health-port", value])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip() == (
        f"remissbot: --health-port ska vara ett portnummer från 1 till 65535, inte «{value}». "
        "Starta till exempel med `remissbot run --health-port 9100`."
    )
    assert slack.calls == []  # refused before asking Slack anything
