"""The metrics port: what the core, the listeners and the courier count, for a monitoring system to read.

The core and the handlers only call these methods; bot/adapters/metrics.py records them in Prometheus' terms
(the composition root passes one in). NoMetrics, the default, counts nothing: tests and CLI commands need none.
"""

from __future__ import annotations

from typing import Protocol


class Metrics(Protocol):
    """What happened in this process, one call per occurrence."""

    def message_sent(self, kind: str) -> None:
        """An outbox message reached Slack (its kind: remiss, reminder, status_event, …)."""
        ...

    def message_retried(self, reason: str) -> None:
        """An outbox message is to be tried again later; `reason` is the error recorded with it."""
        ...

    def message_given_up(self, state: str) -> None:
        """An outbox message will not be sent: `unreachable` (Slack refused the person) or `failed`."""
        ...

    def rate_limited(self) -> None:
        """Slack answered a call with 429."""
        ...

    def reminder_lag(self, seconds: float) -> None:
        """A due reminder was settled this long after it was due."""
        ...

    def duplicate_event(self) -> None:
        """Slack delivered an event again that an earlier delivery had handled: nothing was done twice."""
        ...

    def acknowledged(self, kind: str, seconds: float) -> None:
        """A listener of `kind` (action, view, command, shortcut, event) let Slack's answer go after `seconds`."""
        ...

    def database_error(self) -> None:
        """The database could not be used (StoreUnavailable)."""
        ...

    def http_response(self, path: str, status: int) -> None:
        """The HTTP server answered a request to `path` with `status`."""
        ...


class NoMetrics:
    """Metrics that count nothing."""

    def message_sent(self, kind: str) -> None:
        pass

    def message_retried(self, reason: str) -> None:
        pass

    def message_given_up(self, state: str) -> None:
        pass

    def rate_limited(self) -> None:
        pass

    def reminder_lag(self, seconds: float) -> None:
        pass

    def duplicate_event(self) -> None:
        pass

    def acknowledged(self, kind: str, seconds: float) -> None:
        pass

    def database_error(self) -> None:
        pass

    def http_response(self, path: str, status: int) -> None:
        pass
