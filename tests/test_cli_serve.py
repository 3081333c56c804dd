"""`remissbot serve` and `run` when the port is taken or Slack cannot be reached: a Swedish reason, exit 2."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from devtools.sandbox.fake_slack import FakeSlack

SECRET = "0123456789abcdef0123456789abcdef"
UNREACHABLE = "http://127.0.0.1:1/api/"


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("DATABASE_URL", "SLACK_APP_TOKEN", "PORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("REMISSBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)


@pytest.fixture
def slack(environment: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        monkeypatch.setenv("SLACK_API_URL", fake.url)
        monkeypatch.setenv("SLACK_BOT_TOKEN", fake.identity.bot_token)
        yield fake


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield int(holder.getsockname()[1])


def test_serve_on_a_taken_port_says_so_and_exits_2_without_claiming_to_listen(
    slack: FakeSlack, taken_port: int, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        code = main(["serve", "--host", "127.0.0.1", "--port", str(taken_port)], sleep=lambda _: None)
    err = capsys.readouterr().err
    assert code == 2
    assert f"Porten {taken_port} på 127.0.0.1 är upptagen" in err
    assert "oväntat fel" not in err
    assert "lyssnar" not in caplog.text


@pytest.mark.parametrize("command", ["serve", "run"])
def test_when_slack_cannot_be_reached_it_retries_with_backoff_then_says_so_and_exits_2(
    environment: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    monkeypatch.setenv("SLACK_API_URL", UNREACHABLE)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1-2-abc")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1-2-abc")
    slept: list[float] = []
    code = main([command], sleep=slept.append)
    err = capsys.readouterr().err
    assert code == 2
    assert slept == [1, 2, 4, 8]
    assert f"Kunde inte nå Slack på {UNREACHABLE}" in err
    assert "oväntat fel" not in err


def test_serve_goes_on_when_slack_answers_after_a_retry(
    environment: None, monkeypatch: pytest.MonkeyPatch, taken_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as probe:  # a port nothing listens on yet, where Slack will come up
        probe.bind(("127.0.0.1", 0))
        slack_port = int(probe.getsockname()[1])
    fake = FakeSlack(port=slack_port)
    monkeypatch.setenv("SLACK_API_URL", f"http://127.0.0.1:{slack_port}/api/")
    monkeypatch.setenv("SLACK_BOT_TOKEN", fake.identity.bot_token)
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        if len(slept) == 2:
            fake.start()

    try:
        # The taken port ends the run once Slack has answered: proof it got past the wait.
        code = main(["serve", "--host", "127.0.0.1", "--port", str(taken_port)], sleep=sleep)
    finally:
        fake.stop()
    assert slept == [1, 2]
    assert code == 2
    assert f"Porten {taken_port}" in capsys.readouterr().err
