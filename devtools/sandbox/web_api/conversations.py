"""conversations.*: opening a DM, a channel's history and a thread's replies, paged as Slack pages them."""

from __future__ import annotations

from devtools.sandbox.objects import JSON, Message, SlackError, flag
from devtools.sandbox.store import Store


class ConversationsApi:
    def __init__(self, store: Store) -> None:
        self.store = store

    def open(self, params: JSON) -> JSON:
        store = self.store
        if params.get("channel"):
            return {"channel": store.existing_channel(params["channel"]).to_slack()}
        user_ids = [user_id for user_id in str(params.get("users") or "").split(",") if user_id]
        if not user_ids:
            raise SlackError("users_list_not_supplied")
        if len(user_ids) > 1:
            raise SlackError("invalid_arguments", ["this fake opens direct messages with one user only"])
        user = store.users.get(user_ids[0])
        if user is None:
            raise SlackError("user_not_found")
        if user.deleted:
            raise SlackError("user_disabled")
        already_open = user.id in store.dm_of_user
        channel = store.channels[store.open_dm(user.id)]
        result: JSON = {"channel": channel.to_slack() if flag(params.get("return_im")) else {"id": channel.id}}
        return {**result, "no_op": True, "already_open": True} if already_open else result

    def members(self, params: JSON) -> JSON:
        """The channel's members (the bot too, when invited); a private channel the bot is not in is not found."""
        channel = self.store.existing_channel(params.get("channel"))
        if channel.is_private and not channel.bot_is_member:
            raise SlackError("channel_not_found")
        bot = [self.store.identity.bot_user_id] if channel.bot_is_member else []
        members = [channel.dm_user] if channel.dm_user else [*channel.members, *bot]
        limit = int(params.get("limit") or 100)
        start = int(params.get("cursor") or 0)
        page = members[start : start + limit]
        more = str(start + limit) if start + limit < len(members) else ""
        return {"members": page, "response_metadata": {"next_cursor": more}}

    def history(self, params: JSON) -> JSON:
        """Newest first, top-level messages only (thread replies are in conversations.replies), as Slack does."""
        channel = self.store.existing_channel(params.get("channel"))
        found = [m for m in self.store.messages.get(channel.id, []) if m.thread_ts in (None, m.ts)]
        return self._page(found, params)

    def replies(self, params: JSON) -> JSON:
        """The thread's parent first, then its replies, oldest first, as Slack does."""
        channel = self.store.existing_channel(params.get("channel"))
        parent = self.store.find_message(channel.id, params.get("ts"))
        replies = [m for m in self.store.messages.get(channel.id, []) if m.thread_ts == parent.ts and m is not parent]
        page = self._page([parent, *replies], params)
        page["messages"].reverse()
        return page

    def _page(self, messages: list[Message], params: JSON) -> JSON:
        oldest = float(params.get("oldest") or 0)
        latest = float(params.get("latest") or "inf")
        limit = int(params.get("limit") or 100)
        with_metadata = flag(params.get("include_all_metadata"))
        chosen = [m for m in messages if m.ephemeral_to is None and oldest <= float(m.ts) <= latest]
        newest_first = sorted(chosen, key=lambda m: float(m.ts), reverse=True)[:limit]
        bot = self.store.identity
        return {
            "messages": [m.to_slack(bot.bot_user_id, bot.bot_id, with_metadata=with_metadata) for m in newest_first],
            "has_more": len(chosen) > limit,
        }
