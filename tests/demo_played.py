"""The README's demo (STK-2023-137) played once per test run, for tests/test_demo.py, which checks what it did, and
tests/test_backup_roundtrip.py, which backs up the realistic database it leaves behind.

Played once per worker: every module that uses tests/conftest.py's `demo_played` must be in the xdist group "demo"
(scripts/test runs pytest with --dist loadgroup), or another worker plays it again.
"""

from __future__ import annotations

import contextlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot import cli
from devtools.demo import run_demo
from devtools.sandbox.fake_slack import FakeSlack
from devtools.sandbox.harness import Sandbox

CASE = "STK-2023-137"


@dataclass(frozen=True)
class Played:
    printed: str
    directory: Path
    slack: FakeSlack  # the simulated Slack as the demo left it: every message each person got, every call
    command_line: dict[str, str]  # what `remissbot …` printed on the database left behind, by command

    @property
    def transcript(self) -> str:
        """What was printed, read as running text: the wrapping and the boxes' and arrows' margins undone."""
        lines = [re.sub(r"^\s*[│┌→⏩]?\s*", "", line) for line in self.printed.splitlines()]
        return " ".join(" ".join(lines).split())

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.directory / 'remissbot.db'}"


def play_demo(directory: Path) -> Played:
    """Run the demo in `directory` (it takes several seconds); tests only read what it leaves behind."""
    out = io.StringIO()
    seen: list[Sandbox] = []
    printed: dict[str, str] = {}

    def observe(box: Sandbox) -> None:
        seen.append(box)
        # The command line on the database left behind, while the simulated Slack still names its people.
        printed.update(command_line(box, f"sqlite:///{directory / 'remissbot.db'}"))

    assert run_demo(out, directory=directory, observe=observe) == 0
    return Played(out.getvalue(), directory, seen[0].fake, printed)


COMMAND_LINE = (
    ["status"],
    ["status", CASE],
    ["status", "--drafts"],
    ["reminders", "plan", CASE],
    ["orgs", "list"],
)


def command_line(box: Sandbox, database_url: str) -> dict[str, str]:
    """What each of COMMAND_LINE prints (standard output and error), with the bot's token set as in production."""
    printed: dict[str, str] = {}
    env = {"DATABASE_URL": database_url, "SLACK_BOT_TOKEN": box.fake.identity.bot_token, "SLACK_API_URL": box.fake.url}
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        for argv in COMMAND_LINE:
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                assert cli.main(argv) == 0, err.getvalue()
            printed[" ".join(argv)] = out.getvalue() + err.getvalue()
    return printed
