"""Svarshistorik in Slack, through the real Bolt app against the loopback Slack: the coordinators' App Home shows
each organisation's answer history (within Block Kit's limits, which the loopback Slack enforces), and Skicka
diagram posts the chart as a PNG in the coordinator's DM. An official sees neither and cannot ask for it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from devtools import answer_history
from devtools.answer_history import History
from devtools.clocks import FakeClock
from devtools.sandbox.block_kit import message_block_errors
from devtools.sandbox.harness import Sandbox, running_sandbox
from handlers import ids
from tests.e2e.conftest import COORDINATOR, USERS
from tests.summary.browser import png_size

# The history is played once per worker, for every module of the group.
pytestmark = pytest.mark.xdist_group("answer_history")


@pytest.fixture
def sandbox(
    database_url: str, database_engine: Engine, clock: FakeClock, answer_history_played: History
) -> Iterator[Sandbox]:
    with running_sandbox(
        database_url=database_url, engine=database_engine, users=USERS, coordinators=[COORDINATOR], clock=clock
    ) as box:
        answer_history.copy_into(answer_history_played.service.store, box.core.service.store)
        yield box
        assert box.fake.scope_refusals == [], "manifest.json lacks a scope the app uses"


def text_of(blocks: list[dict[str, Any]]) -> str:
    return "\n".join(
        str(b.get("text", {}).get("text", "")) + " ".join(str(e.get("text", "")) for e in b.get("elements", []))
        for b in blocks
    )


def test_the_coordinator_sees_svarshistorik_and_gets_the_chart_in_a_dm(sandbox: Sandbox) -> None:
    sandbox.driver.app_home_opened(COORDINATOR)
    home = sandbox.fake.wait_for(lambda: sandbox.fake.home_of(COORDINATOR)).payload["blocks"]
    shown = text_of(home)
    assert "Svarshistorik" in shown
    assert "400 mottagna remisser hos 15 remissinstanser (2023–2025)" in shown
    assert "Kulturnämnden" in shown and "Remissinstans" in shown
    assert message_block_errors(home) == []
    assert len(home) <= 100
    actions = [b for b in home if b.get("block_id") == "statistics"]
    assert [e["action_id"] for e in actions[0]["elements"]] == [ids.STATISTICS_CHART]

    sandbox.driver.block_action(COORDINATOR, ids.STATISTICS_CHART, "all", block_id="statistics")
    files = sandbox.fake.wait_for(lambda: [f for f in sandbox.fake.files if f.channels and f.content], timeout=60)
    assert len(files) == 1
    chart = files[0]
    assert chart.filename == "svarshistorik.png"
    assert chart.channels == [sandbox.fake.dm_channel_of(COORDINATOR)]
    width, height = png_size(chart.content or b"")
    assert width >= 1000 and height > 600
    assert "400 mottagna remisser" in (chart.initial_comment or "")


def test_an_official_sees_no_svarshistorik_and_is_refused_the_chart(sandbox: Sandbox) -> None:
    official = USERS[1].id
    assert official != COORDINATOR
    sandbox.driver.app_home_opened(official)
    home = sandbox.fake.wait_for(lambda: sandbox.fake.home_of(official)).payload["blocks"]
    assert "Svarshistorik" not in text_of(home)
    # A forged click: the official sends the coordinator's button (from the coordinator's Home) as their own.
    sandbox.driver.app_home_opened(COORDINATOR)
    theirs = sandbox.fake.wait_for(lambda: sandbox.fake.home_of(COORDINATOR))
    sandbox.driver.block_action(official, ids.STATISTICS_CHART, "all", view_id=theirs.id)
    sandbox.fake.wait_for(
        lambda: [m for m in sandbox.fake.messages_in(official) if "Det här kan bara en remissamordnare göra" in m.text]
    )
    assert sandbox.fake.files == []


def test_remiss_statistik_answers_a_coordinator_with_the_table_and_refuses_an_official(sandbox: Sandbox) -> None:
    sandbox.driver.slash_command(COORDINATOR, "/remiss", "statistik")
    [answer] = sandbox.fake.wait_for(lambda: sandbox.fake.responses[:1])
    body = answer.payload["blocks"]
    assert answer.payload["response_type"] == "ephemeral"
    assert message_block_errors(body) == []
    assert "400 mottagna remisser hos 15 remissinstanser" in text_of(body)
    assert body[-1]["elements"][0]["action_id"] == ids.STATISTICS_CHART

    sandbox.driver.slash_command(USERS[1].id, "/remiss", "statistik")
    refusal = sandbox.fake.wait_for(lambda: sandbox.fake.responses[1:2])[0]
    assert refusal.payload["text"].startswith("Det här kan bara en remissamordnare göra")
