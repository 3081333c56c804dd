"""/metrics over real HTTP after a round driven through the real Bolt app against the loopback Slack: the counters
move with what happened (sent, acknowledged, a repeated event, a 429, a late reminder) and the gauges show the
database as it is (the outbox by state, open remisses)."""

from __future__ import annotations

import urllib.request
from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.adapters.scheduling import remind
from bot.core.domain.reminders import ReminderState
from devtools.clocks import FakeClock
from devtools.sandbox.harness import Sandbox
from handlers import ids
from tests.e2e.conftest import COORDINATOR
from tests.e2e.test_chat import ANNA, CASE, send_remiss
from tests.e2e.test_recipient_actions import open_modal, reason

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(box: Sandbox) -> Samples:
    """GET /metrics from the bot's HTTP server, parsed as Prometheus parses it: (name, labels) → value."""
    with urllib.request.urlopen(box.base_url + "/metrics", timeout=10) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain; version=")
        text = response.read().decode()
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples[(name, frozenset(labels.items()))]


def test_a_round_moves_the_counters_and_the_gauges_show_the_outbox_and_the_open_remiss(
    box: Sandbox, clock: FakeClock
) -> None:
    before = scrape(box)
    assert value(before, "remissbot_open_remisses") == 0
    assert value(before, "remissbot_messages_sent_total", kind="remiss") == 0
    assert value(before, "remissbot_database_up") == 1

    dm = send_remiss(box)  # sent to Anna (Tekniska nämnden) and Bertil (Miljönämnden), the courier drained
    assert box.driver.slash_command(COORDINATOR, "/remiss", "status").status == 200
    open_modal(box, ANNA, ids.DECLINE, dm)  # a block action
    assert box.driver.view_submission(ANNA, reason("Berör inte nämnden")).status == 200
    event = {"type": "app_home_opened", "user": ANNA, "channel": "D0ANNA", "tab": "home"}
    box.driver.event(event, event_id="EvMetrics1")
    box.fake.wait_for(lambda: box.fake.home_of(ANNA))
    box.driver.event(event, event_id="EvMetrics1", retry_num=1, retry_reason="timeout")  # Slack's retry
    box.fake.wait_for(lambda: any(c.method == "views.publish" for c in box.fake.calls))
    box.fake.inject("chat.postMessage", status=429, retry_after=1)  # the next message is refused once
    box.courier.drain()

    after = scrape(box)
    assert value(after, "remissbot_messages_sent_total", kind="remiss") == 2
    assert value(after, "remissbot_messages_sent_total", kind="status_event") >= 1  # Anna's decline, in the thread
    assert value(after, "remissbot_slack_rate_limited_total") == 1
    assert value(after, "remissbot_messages_retried_total", reason="ratelimited") == 1
    assert value(after, "remissbot_open_remisses") == 1
    pending = value(after, "remissbot_outbox_messages", state="pending")
    assert pending == 1  # the refused message waits for its Retry-After
    assert value(after, "remissbot_outbox_messages", state="failed") == 0
    assert ("remissbot_outbox_messages", frozenset({("state", "sent")})) not in after  # only grows: not counted
    for kind in ("command", "action", "view", "event"):
        assert value(after, "remissbot_ack_seconds_count", kind=kind) >= 1, kind
    assert value(after, "remissbot_ack_seconds_count", kind="shortcut") == 0
    assert value(after, "remissbot_duplicate_events_total") == 1
    assert value(after, "remissbot_http_responses_total", path="/slack/events", code="200") >= 5
    assert value(after, "remissbot_http_responses_total", path="/metrics", code="200") == 1  # the first scrape
    assert value(after, "remissbot_database_errors_total") == 0


def test_reminder_lag_is_how_long_after_its_moment_a_reminder_was_settled(box: Sandbox, clock: FakeClock) -> None:
    send_remiss(box)
    service = box.core.service
    first_due = min(row.scheduled.reminder.due_at for row in service.reminding.reminder_plan(CASE))
    clock.set(first_due + timedelta(seconds=90))
    assert value(scrape(box), "remissbot_reminders_oldest_due_seconds") == 90  # due, and no job has run yet
    remind(service)  # the scheduler's job, as it runs every 30 seconds
    settled = [
        (clock.now() - row.scheduled.reminder.due_at).total_seconds()
        for row in service.reminding.reminder_plan(CASE)
        if row.scheduled.state in (ReminderState.SENT, ReminderState.SKIPPED)
    ]
    samples = scrape(box)
    assert settled and max(settled) == 90
    assert value(samples, "remissbot_reminder_lag_seconds_count") == len(settled)
    assert value(samples, "remissbot_reminder_lag_seconds_sum") == pytest.approx(sum(settled))
    assert value(samples, "remissbot_reminder_lag_seconds_bucket", le="60.0") == len([s for s in settled if s <= 60])
    assert value(samples, "remissbot_reminder_lag_seconds_bucket", le="120.0") == len(settled)
    assert value(samples, "remissbot_reminders_oldest_due_seconds") == 0
