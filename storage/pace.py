"""The send budget on PostgreSQL: every replica of the bot draws its slots to post to Slack from one row.

Why a row updated atomically, rather than leased slots or an advisory lock: a slot is one statement
(INSERT … ON CONFLICT DO UPDATE … RETURNING), which PostgreSQL runs under the row's lock, so two senders
can never get the same slot, and the lock is held for that statement only, never while anyone waits.
The row holds a single number, the time the next slot falls due (bot.adapters.pace.reserve, the generic cell
rate algorithm): nothing to expire or clean up when a replica dies holding slots, which leased slots need, and
no session lock to hold across a sleep and the HTTP call, which an advisory lock needs (and which a pooled
connection can lose). Time is the database's clock, so replicas on different machines agree on it.

Keys: `workspace:<id>` for the workspace's cap and `channel:<id>:<channel>` for a channel's own limit. Rows of
channels are deleted once their slots have long passed.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import Engine, text

from bot.adapters.pace import PacedBudget
from storage.errors import unavailable_on_failure

# A channel's row is deleted when its next slot is this far in the past (seconds), at most once per SWEEP_EVERY.
CHANNEL_ROW_TTL = 60.0
SWEEP_EVERY = 60.0

# The same rule as bot.adapters.pace.reserve: slot = max(next_at, now - credit); next_at = slot + interval.
# A new key starts idle: its first slot is now - credit. `:now` is an injected clock (tests); else the database's.
_RESERVE = text(
    """
    WITH clock AS (
        SELECT COALESCE(CAST(:now AS double precision),
                        CAST(EXTRACT(EPOCH FROM clock_timestamp()) AS double precision)) AS now
    )
    INSERT INTO send_budget AS budget (key, next_at)
    SELECT :key, now - CAST(:credit AS double precision) + CAST(:interval AS double precision) FROM clock
    ON CONFLICT (key) DO UPDATE
        SET next_at = GREATEST(budget.next_at + CAST(:interval AS double precision), EXCLUDED.next_at)
    RETURNING budget.next_at - CAST(:interval AS double precision) - (SELECT now FROM clock)
    """
)
# A refund gives the slot back only when the last slot handed out has come (bot.core.ports.pace.SendBudget.refund).
_REFUND = text(
    """
    UPDATE send_budget SET next_at = next_at - CAST(:interval AS double precision)
    WHERE key = :key
      AND next_at - CAST(:interval AS double precision)
          <= COALESCE(CAST(:now AS double precision), CAST(EXTRACT(EPOCH FROM clock_timestamp()) AS double precision))
    """
)
# No slot before now + :seconds (a hold never brings a later slot earlier).
_HOLD = text(
    """
    INSERT INTO send_budget AS budget (key, next_at)
    SELECT :key, COALESCE(CAST(:now AS double precision),
                          CAST(EXTRACT(EPOCH FROM clock_timestamp()) AS double precision))
                 + CAST(:seconds AS double precision)
    ON CONFLICT (key) DO UPDATE SET next_at = GREATEST(budget.next_at, EXCLUDED.next_at)
    """
)
_SWEEP = text(
    """
    DELETE FROM send_budget
    WHERE key LIKE :prefix
      AND next_at < COALESCE(CAST(:now AS double precision),
                             CAST(EXTRACT(EPOCH FROM clock_timestamp()) AS double precision)) - :ttl
    """
)


class PostgresSendBudget(PacedBudget):
    """bot.core.ports.pace.SendBudget shared by every process on one PostgreSQL database.

    `workspace` names the budget (every replica of one app in one workspace passes the same). `clock`, when
    given, replaces the database's clock (seconds; tests), `sleep` the wait. A database that can't be reached
    raises StoreUnavailable, as the store does: the courier's round fails and is tried again.
    """

    def __init__(
        self,
        engine: Engine,
        workspace: str,
        messages_per_second: float,
        *,
        burst: int = 2,
        channel_interval: float | None = None,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(messages_per_second, burst, channel_interval, sleep)
        self._engine = engine
        self._workspace = workspace
        self._clock = clock
        # When channel rows were last swept: on the injected clock if any (tests move it), else this process's.
        self._ticks = clock or time.monotonic
        self._swept = self._ticks()

    def acquire(self, channel: str | None = None) -> None:
        if channel is not None and self.channel_interval is not None:
            self._wait(self._reserve(f"channel:{self._workspace}:{channel}", self.channel_interval, 1))
            self._sweep()
        self._wait(self._reserve(f"workspace:{self._workspace}", self.interval, self.burst))

    def refund(self) -> None:
        params = {"key": f"workspace:{self._workspace}", "interval": self.interval, "now": self._now()}
        with unavailable_on_failure(self._engine.url), self._engine.begin() as connection:
            connection.execute(_REFUND, params)

    def hold(self, seconds: float, channel: str | None = None) -> None:
        key = f"workspace:{self._workspace}" if channel is None else f"channel:{self._workspace}:{channel}"
        with unavailable_on_failure(self._engine.url), self._engine.begin() as connection:
            connection.execute(_HOLD, {"key": key, "seconds": seconds, "now": self._now()})

    def _now(self) -> float | None:
        """The injected clock's time, or None: the database's."""
        return self._clock() if self._clock is not None else None

    def _reserve(self, key: str, interval: float, burst: int) -> float:
        """Take the key's next slot; the seconds until it comes (0 or less: now)."""
        params = {"now": self._now(), "key": key, "interval": interval, "credit": interval * (burst - 1)}
        with unavailable_on_failure(self._engine.url), self._engine.begin() as connection:
            return float(connection.execute(_RESERVE, params).scalar_one())

    def _sweep(self) -> None:
        if self._ticks() - self._swept < SWEEP_EVERY:
            return
        self._swept = self._ticks()
        params = {"prefix": f"channel:{self._workspace}:%", "now": self._now(), "ttl": CHANNEL_ROW_TTL}
        with unavailable_on_failure(self._engine.url), self._engine.begin() as connection:
            connection.execute(_SWEEP, params)
