"""Slack users for the core: e-mail look-ups through the Web API, with Slack's refusals mapped to None."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot.core.domain.people import Person

log = logging.getLogger(__name__)

# Slack's answers that mean "no usable user", as opposed to an outage worth reporting.
_NO_SUCH_USER = {"users_not_found", "user_not_found", "account_inactive"}


class SlackUserDirectory:
    """`bot.core.ports.users.UserDirectory` over Slack's Web API."""

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def lookup_by_email(self, email: str) -> str | None:
        user = _user(lambda: self.client.users_lookupByEmail(email=email))
        if user is None:
            return None
        if user.get("deleted"):
            log.info("Slack user for %s is deactivated", email)
            return None
        user_id = user.get("id")
        return str(user_id) if user_id else None

    def channel_members(self, channel_id: str) -> frozenset[str]:
        members: set[str] = set()
        cursor = ""
        while True:
            try:
                response = self.client.conversations_members(channel=channel_id, cursor=cursor or None, limit=200)
            except SlackApiError as exc:
                if exc.response.get("error") in ("channel_not_found", "not_in_channel"):
                    log.warning("Registry channel %s cannot be seen: %s", channel_id, exc.response.get("error"))
                    return frozenset()
                raise
            members.update(str(m) for m in response.get("members") or [])
            cursor = str((response.get("response_metadata") or {}).get("next_cursor") or "")
            if not cursor:
                return frozenset(members)

    def group_members(self, group_id: str) -> frozenset[str]:
        response = self.client.usergroups_users_list(usergroup=group_id)
        return frozenset(str(u) for u in response.get("users") or [])

    def person(self, user_id: str) -> Person | None:
        user = _user(lambda: self.client.users_info(user=user_id))
        if user is None:
            return None
        is_bot = bool(user.get("is_bot")) or user.get("id") == "USLACKBOT"
        profile = user.get("profile") or {}
        name = user.get("real_name") or profile.get("real_name") or profile.get("display_name") or user.get("name")
        return Person(
            str(user.get("id") or user_id), is_bot=is_bot, deleted=bool(user.get("deleted")), name=str(name or "")
        )


def _user(call: Callable[[], SlackResponse]) -> dict[str, Any] | None:
    """The user Slack's answer to `call` holds, or None when Slack says there is no usable one; other errors
    are raised."""
    try:
        response = call()
    except SlackApiError as exc:
        if exc.response.get("error") in _NO_SUCH_USER:
            return None
        raise
    user: dict[str, Any] = response.get("user") or {}
    return user
