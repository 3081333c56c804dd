"""The users port: Slack users, as the core needs them."""

from __future__ import annotations

from typing import Protocol

from bot.core.domain.people import Person


class UserDirectory(Protocol):
    """Slack users, as the core needs them."""

    def lookup_by_email(self, email: str) -> str | None:
        """The Slack user id for an e-mail address, or None if Slack has no such active user."""
        ...

    def group_members(self, group_id: str) -> frozenset[str]:
        """Members of a Slack user group (the coordinators' group)."""
        ...

    def channel_members(self, channel_id: str) -> frozenset[str]:
        """Members of a Slack channel (a registry's); empty when the bot may not see it."""
        ...

    def person(self, user_id: str) -> Person | None:
        """Who a user id is (their name; a bot? deactivated?), or None when Slack knows no such user."""
        ...
