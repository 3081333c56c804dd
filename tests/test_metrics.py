"""The metrics adapter and deploy/prometheus/: what a scrape holds, database errors counted, a schema that does not
fit on /healthz, and alert rules that read metrics a scrape really has (checked by promtool where it is installed).

Counters moving with a round through the real app: tests/e2e/test_metrics.py."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine, text

from bot.adapters.metrics import MeasuredStore, PrometheusMetrics, retry_reason
from bot.bootstrap import Core, HttpServer, build_core, build_wsgi_app
from bot.core.ports.store import StoreUnavailable
from bot.settings import load_settings
from storage import SqlStore
from tests.system import missing

DEPLOY = Path(__file__).resolve().parents[1] / "deploy" / "prometheus"
GONE = "postgresql+psycopg://postgres@127.0.0.1:1/test"  # nothing listens on port 1


@pytest.fixture
def core(migrated_sqlite_url: str) -> Iterator[Core]:
    built = build_core(replace(load_settings({}), database_url=migrated_sqlite_url, archive_dir=None))
    try:
        yield built
    finally:
        built.close()


@pytest.fixture
def server(core: Core) -> Iterator[HttpServer]:
    running = HttpServer(build_wsgi_app(core, None), host="127.0.0.1", port=0, threads=2).start()
    try:
        yield running
    finally:
        running.stop()


def scraped_names(url: str) -> set[str]:
    with urllib.request.urlopen(url + "/metrics", timeout=10) as response:
        body = response.read().decode()
    return {sample.name for family in text_string_to_metric_families(body) for sample in family.samples}


def alert_rules() -> list[dict[str, Any]]:
    loaded = yaml.safe_load((DEPLOY / "alerts.yml").read_text(encoding="utf-8"))
    return [rule for group in loaded["groups"] for rule in group["rules"]]


def test_the_three_alerts_read_only_metrics_a_scrape_has(server: HttpServer) -> None:
    scraped_names(server.url)  # the first scrape: from here on the HTTP responses are counted too
    names = scraped_names(server.url)
    rules = alert_rules()
    assert [rule["alert"] for rule in rules] == ["RemissbotOutboxStuck", "RemissbotRemindersLate", "RemissbotHttp5xx"]
    for rule in rules:
        read = set(re.findall(r"\bremissbot_[a-z_]+\b", rule["expr"]))
        assert read, rule["alert"]
        assert read <= names, f"{rule['alert']} reads {sorted(read - names)}, which no scrape has"
        assert rule["for"] and rule["labels"]["severity"] in ("warning", "critical")
        assert rule["annotations"]["summary"]


def test_the_scrape_config_scrapes_each_mode_on_its_metrics_path_and_loads_the_alerts() -> None:
    config = yaml.safe_load((DEPLOY / "prometheus.yml").read_text(encoding="utf-8"))
    assert config["rule_files"] == ["alerts.yml"]
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert set(jobs) == {"remissbot-serve", "remissbot-socket"}
    assert all(job["metrics_path"] == "/metrics" for job in jobs.values())
    assert jobs["remissbot-socket"]["static_configs"][0]["targets"][0].endswith(":9100")


@pytest.mark.parametrize("command", [["check", "config", "prometheus.yml"], ["test", "rules", "alerts_test.yml"]])
def test_promtool_accepts_the_config_and_the_alerts_fire_as_their_tests_say(command: list[str]) -> None:
    promtool = shutil.which("promtool")
    if promtool is None:
        missing("promtool is not installed (Debian: apt-get install prometheus)")
    result = subprocess.run([promtool, *command], cwd=DEPLOY, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_gauges_are_read_from_the_database_at_each_scrape(core: Core, server: HttpServer) -> None:
    with core.engine.begin() as connection:  # another replica's message, written straight into the database
        connection.execute(
            text(
                "INSERT INTO outbox_message (key, kind, case_number, created_at, state, attempts, error, uncertain)"
                " VALUES ('k1', 'remiss', 'STK-1', '2023-10-02 07:00:00', 'failed', 8, 'x', false)"
            )
        )
    with urllib.request.urlopen(server.url + "/metrics", timeout=10) as response:
        body = response.read().decode()
    assert 'remissbot_outbox_messages{state="failed"} 1.0' in body
    assert 'remissbot_outbox_messages{state="pending"} 0.0' in body


def test_a_database_that_cannot_be_reached_is_counted_and_shown_as_down() -> None:
    metrics = PrometheusMetrics()
    gone = create_engine(GONE)
    store = MeasuredStore(SqlStore(gone), metrics)

    def gauges() -> Any:
        with store.read() as repo:
            repo.outbox.count_by_state([])
        raise AssertionError("the database answered")

    metrics.watch(gauges)
    with pytest.raises(StoreUnavailable):
        store.check()
    body = metrics.exposition()[0].decode()
    again = metrics.exposition()[0].decode()
    gone.dispose()
    assert "remissbot_database_up 0.0" in body
    assert "remissbot_database_errors_total 1.0" in body  # the check
    assert "remissbot_database_errors_total 2.0" in again  # and the read while the first scrape was made
    assert "remissbot_outbox_messages" not in body  # nothing is said about what could not be read


def test_health_is_503_when_the_schema_is_not_the_one_this_code_needs(core: Core) -> None:
    with core.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'ffffffffffff'"))
    wsgi = build_wsgi_app(core, None)
    statuses: list[str] = []
    body = b"".join(wsgi({"PATH_INFO": "/healthz", "REQUEST_METHOD": "GET"}, lambda s, h: statuses.append(s)))  # type: ignore[arg-type]
    assert statuses == ["503 Service Unavailable"]
    answer = json.loads(body)
    assert (answer["status"], answer["database"]) == ("unavailable", "ok")
    assert "ffffffffffff" in answer["schema"] and "känner" in answer["schema"]
    assert core.metrics is not None
    assert 'remissbot_http_responses_total{code="503",path="/healthz"} 1.0' in core.metrics.exposition()[0].decode()


@pytest.mark.parametrize(
    ("error", "label"),
    [
        ("ratelimited", "ratelimited"),
        ("waiting_for_status", "waiting_for_status"),
        ("network: <urlopen error [Errno 111] Connection refused>", "network"),
        ("internal_error", "internal_error"),
        ("fatal_error", "slack_error"),
        ("http 503", "slack_error"),
    ],
)
def test_a_retry_reason_is_one_of_a_few_labels_whatever_the_error_says(error: str, label: str) -> None:
    assert retry_reason(error) == label
