"""Slack's Web API rate limits as sliding windows: method tiers, and chat.postMessage's own limits."""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

TIER_CALLS_PER_MINUTE: Mapping[int, int] = {1: 1, 2: 20, 3: 50, 4: 100}

# Methods absent here (auth.test, chat.getPermalink: "special" tiers far above our use) are never limited;
# chat.postMessage has its own rules below.
METHOD_TIERS: Mapping[str, int] = {
    "usergroups.users.list": 2,
    "conversations.open": 3,
    "conversations.history": 3,
    "conversations.replies": 3,
    "chat.update": 3,
    "users.lookupByEmail": 3,
    "chat.postEphemeral": 4,
    "users.info": 4,
    "views.open": 4,
    "views.update": 4,
    "views.push": 4,
    "views.publish": 4,
    "files.getUploadURLExternal": 4,
    "files.completeUploadExternal": 4,
    "files.info": 4,
}


@dataclass(frozen=True)
class RateLimits:
    """How many calls Slack lets through; the defaults follow Slack's published tiers."""

    tier_calls_per_minute: Mapping[int, int] = field(default_factory=lambda: dict(TIER_CALLS_PER_MINUTE))
    method_tiers: Mapping[str, int] = field(default_factory=lambda: dict(METHOD_TIERS))
    messages_per_channel_per_second: int = 1
    # Slack documents only "several hundred per minute" for a workspace's app messages.
    messages_per_minute: int = 300
    # Optionally also a per-second workspace cap (a benchmark states its cap this way: a steady rate).
    messages_per_second: int | None = None


class RateLimiter:
    """Admits or refuses calls; thread-safe, and cheap enough for hundreds of concurrent senders."""

    def __init__(self, limits: RateLimits, clock: Callable[[], float]) -> None:
        self._limits = limits
        self._clock = clock
        self._windows: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def admit(self, method: str, channel: str | None = None) -> int | None:
        """Count the call and return None, or return the whole seconds to wait (Slack's `Retry-After`)."""
        rules = self._rules(method, channel)
        with self._lock:
            now = self._clock()
            wait = max((self._wait(key, calls, window, now) for key, calls, window in rules), default=0.0)
            if wait > 0:
                return max(1, math.ceil(wait))
            for key, _, _ in rules:
                self._windows[key].append(now)
            return None

    def _rules(self, method: str, channel: str | None) -> list[tuple[tuple[str, str], int, float]]:
        limits = self._limits
        if method == "chat.postMessage":
            rules = [
                (("channel", channel or ""), limits.messages_per_channel_per_second, 1.0),
                (("workspace", method), limits.messages_per_minute, 60.0),
            ]
            if limits.messages_per_second is not None:
                rules.append((("workspace-second", method), limits.messages_per_second, 1.0))
            return rules
        tier = limits.method_tiers.get(method)
        if tier is None:
            return []
        return [(("method", method), limits.tier_calls_per_minute[tier], 60.0)]

    def _wait(self, key: tuple[str, str], calls: int, window: float, now: float) -> float:
        times = self._windows.setdefault(key, deque())
        while times and times[0] <= now - window:
            times.popleft()
        return 0.0 if len(times) < calls else times[0] + window - now
