"""Metrics in Prometheus' text format: the Metrics port recorded with prometheus-client, on a registry per process.

Counters and histograms move as things happen (the core, the listeners and the courier call the port). The
gauges (the outbox by state, open remisses, whether the database answers) are read from the database when
Prometheus scrapes, so every replica shows the same shared state and nothing goes stale between scrapes.

Each process has its own registry: `remissbot serve` is one process with threads (waitress), never forked
workers, so no multiprocess mode is needed; several replicas are scraped one by one (see README, Mätvärden).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Histogram, ProcessCollector, disable_created_metrics
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.registry import Collector

from bot.core.domain.outbox import DeliveryState, MessageKind
from bot.core.ports.store import StoreUnavailable
from bot.core.usecases.queries import UNSENT

if TYPE_CHECKING:
    from prometheus_client.metrics_core import Metric

    from bot.core.ports.metrics import Metrics
    from bot.core.ports.store import Store, Transaction
    from bot.core.usecases.results import Gauges

METRICS_PATH = "/metrics"
# The listeners' kinds (handlers/listening.py), the paths the HTTP server knows; anything else is "other",
# so that no request can add a series.
ACK_KINDS = ("action", "view", "command", "shortcut", "event")
HTTP_PATHS = ("/slack/events", "/healthz", METRICS_PATH)
# Why a message waits for another try (DeliveryUseCases.outgoing_retry's error, cut to a bounded label).
RETRY_REASONS = ("ratelimited", "waiting_for_status", "network", "internal_error", "slack_error")
# Slack answers an ack within 3 seconds or shows the user an error; most of ours take milliseconds.
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0)
# The reminder job runs every 30 s: a lag under a minute is normal; hours mean the job stopped.
LAG_BUCKETS = (5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 900.0, 1800.0, 3600.0, 4 * 3600.0, 24 * 3600.0)


class PrometheusMetrics:
    """bot.core.ports.metrics.Metrics on a registry of its own; `exposition()` is what /metrics answers."""

    def __init__(self) -> None:
        # Without a *_created series beside every counter and histogram: they only double what is scraped.
        disable_created_metrics()  # type: ignore[no-untyped-call]
        self.registry = CollectorRegistry(auto_describe=True)
        registry = self.registry
        self._sent = Counter(
            "remissbot_messages_sent", "Outbox messages that reached Slack, by kind", ["kind"], registry=registry
        )
        self._retried = Counter(
            "remissbot_messages_retried",
            "Outbox messages put back to be tried again, by reason",
            ["reason"],
            registry=registry,
        )
        self._given_up = Counter(
            "remissbot_messages_given_up",
            "Outbox messages that will not be sent: unreachable (Slack refused the person) or failed",
            ["state"],
            registry=registry,
        )
        self._rate_limited = Counter(
            "remissbot_slack_rate_limited", "Slack Web API calls answered with 429", registry=registry
        )
        self._lag = Histogram(
            "remissbot_reminder_lag_seconds",
            "How long after it was due a reminder was settled (claimed and sent or skipped)",
            buckets=LAG_BUCKETS,
            registry=registry,
        )
        self._duplicates = Counter(
            "remissbot_duplicate_events",
            "Slack deliveries of an event an earlier delivery had handled (nothing done twice)",
            registry=registry,
        )
        self._ack = Histogram(
            "remissbot_ack_seconds",
            "From a listener's start until Slack's answer may leave, by kind of listener",
            ["kind"],
            buckets=ACK_BUCKETS,
            registry=registry,
        )
        self._database_errors = Counter(
            "remissbot_database_errors", "Times the database could not be used (StoreUnavailable)", registry=registry
        )
        self._http = Counter(
            "remissbot_http_responses", "HTTP responses of this process, by path and status code", ["path", "code"],
            registry=registry,
        )  # fmt: skip
        # Every known label value from the start: a rate over a series that appears late misses its first step.
        for kind in MessageKind:
            self._sent.labels(kind.value)
        for reason in RETRY_REASONS:
            self._retried.labels(reason)
        for state in (DeliveryState.UNREACHABLE, DeliveryState.FAILED):
            self._given_up.labels(state.value)
        for ack_kind in ACK_KINDS:
            self._ack.labels(ack_kind)
        ProcessCollector(registry=registry)  # CPU seconds, resident memory, open files of this process

    def watch(self, gauges: Callable[[], Gauges]) -> None:
        """Read `gauges` at every scrape (the database's state: the outbox, open remisses)."""
        self.registry.register(_GaugeCollector(gauges))

    def exposition(self) -> tuple[bytes, str]:
        """The body and Content-Type of a /metrics answer."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST

    # -- the Metrics port ----------------------------------------------------------------------------------
    def message_sent(self, kind: str) -> None:
        self._sent.labels(kind).inc()

    def message_retried(self, reason: str) -> None:
        self._retried.labels(retry_reason(reason)).inc()

    def message_given_up(self, state: str) -> None:
        self._given_up.labels(state).inc()

    def rate_limited(self) -> None:
        self._rate_limited.inc()

    def reminder_lag(self, seconds: float) -> None:
        self._lag.observe(max(0.0, seconds))

    def duplicate_event(self) -> None:
        self._duplicates.inc()

    def acknowledged(self, kind: str, seconds: float) -> None:
        self._ack.labels(kind if kind in ACK_KINDS else "other").observe(seconds)

    def database_error(self) -> None:
        self._database_errors.inc()

    def http_response(self, path: str, status: int) -> None:
        self._http.labels(path if path in HTTP_PATHS else "other", str(status)).inc()


def retry_reason(error: str) -> str:
    """The bounded label for an outbox message's error: Slack's error codes and network messages vary freely."""
    head = error.split(":", 1)[0].strip()
    return head if head in RETRY_REASONS else "slack_error"


class _GaugeCollector(Collector):
    """The database's state as gauges, read when scraped; remissbot_database_up says whether it could be."""

    def __init__(self, gauges: Callable[[], Gauges]) -> None:
        self._gauges = gauges

    def describe(self) -> Iterable[Metric]:
        return []  # not read at registration: registering must not touch the database

    def collect(self) -> Iterable[Metric]:
        up = GaugeMetricFamily("remissbot_database_up", "1 when this process could read the database at this scrape")
        try:
            gauges = self._gauges()
        except StoreUnavailable:  # counted among remissbot_database_errors by the MeasuredStore it reads through
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        outbox = GaugeMetricFamily(
            "remissbot_outbox_messages", "Outbox messages not sent, by state (pending, sending, unreachable, failed)",
            labels=["state"],
        )  # fmt: skip
        for state in UNSENT:
            outbox.add_metric([state.value], gauges.outbox.get(state, 0))
        yield outbox
        yield GaugeMetricFamily(
            "remissbot_outbox_oldest_due_seconds",
            "How long the longest-waiting due outbox message has waited to be sent (0: none is waiting)",
            value=gauges.outbox_waiting_seconds,
        )
        yield GaugeMetricFamily(
            "remissbot_reminders_oldest_due_seconds",
            "How long the longest-waiting due reminder has waited to be settled (0: none is waiting)",
            value=gauges.reminders_waiting_seconds,
        )
        yield GaugeMetricFamily("remissbot_open_remisses", "Sent remisses not yet closed", value=gauges.open_remisses)


class MeasuredStore:
    """A Store that counts each time the database cannot be used (StoreUnavailable) before passing it on."""

    def __init__(self, store: Store, metrics: Metrics) -> None:
        self._store = store
        self._metrics = metrics

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        with self._counted(), self._store.transaction() as repo:
            yield repo

    @contextmanager
    def read(self) -> Iterator[Transaction]:
        with self._counted(), self._store.read() as repo:
            yield repo

    def check(self) -> None:
        with self._counted():
            self._store.check()

    @contextmanager
    def _counted(self) -> Iterator[None]:
        try:
            yield
        except StoreUnavailable:
            self._metrics.database_error()
            raise
