"""Slack users for the core: e-mail look-ups through the Web API, with Slack's refusals mapped to None."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.domain.people import Person

log = logging.getLogger(__name__)

# Slack's answers that mean "no usable user", as opposed to an outage worth reporting.
_NO_SUCH_USER = {"users_not_found", "user_not_found", "account_inactive"}


class SlackUserDirectory:
    """`bot.core.ports.users.UserDirectory` over Slack's Web API."""

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def lookup_by_email(self, email: str) -> str | None:
        try:
            response = self.client.users_lookupByEmail(email=email)
        except SlackApiError as exc:
            if exc.response.get("error") in _NO_SUCH_USER:
                return None
            raise
        user = response.get("user") or {}
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
        try:
            response = self.client.users_info(user=user_id)
        except SlackApiError as exc:
            if exc.response.get("error") in _NO_SUCH_USER:
                return None
            raise
        user = response.get("user") or {}
        is_bot = bool(user.get("is_bot")) or user.get("id") == "USLACKBOT"
        profile = user.get("profile") or {}
        name = user.get("real_name") or profile.get("real_name") or profile.get("display_name") or user.get("name")
        return Person(
            str(user.get("id") or user_id), is_bot=is_bot, deleted=bool(user.get("deleted")), name=str(name or "")
        )
