"""The send budget port: how fast the app may post to Slack, one budget per workspace (and per channel)."""

from __future__ import annotations

from typing import Protocol


class SendBudget(Protocol):
    """Slots to post in, shared by every sender of one workspace.

    Slack limits an app per workspace (and `chat.postMessage` per channel), not per process: every process
    that sends for the workspace must draw from the same budget, or two replicas ask Slack for twice the cap.
    Implementations: bot.adapters.pace.LocalSendBudget (one process: SQLite, memory) and
    storage.pace.PostgresSendBudget (all replicas on one PostgreSQL database).
    """

    def acquire(self, channel: str | None = None) -> None:
        """Wait until one more message may be posted (to `channel`, whose own limit then applies too); the
        slot is then taken."""
        ...

    def refund(self) -> None:
        """Give back one workspace slot: Slack refused a call (429) and did not count it. Only while no sender
        waits for a later slot: then the slot given back would come together with the last one handed out, and
        the pair, at the workspace's cap, is refused again (refunds after 429s kept one 429 a second going)."""
        ...

    def hold(self, seconds: float, channel: str | None = None) -> None:
        """Slack asked every sender to wait (a 429's Retry-After): no slot of `channel`, or without one of the
        whole workspace, before `seconds` from now, for any process drawing from this budget."""
        ...
