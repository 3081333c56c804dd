"""The users port: Slack users, as the core needs them."""

from __future__ import annotations

from typing import Protocol


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

    def display_name(self, user_id: str) -> str | None:
        """The person's name as Slack shows it (real name, else display name), or None for an id Slack
        does not know (the audit trail then shows the id)."""
        ...
