"""auth.test, users.* and usergroups.*: who the bot is, and the workspace's people and groups."""

from __future__ import annotations

from devtools.sandbox.objects import JSON, SlackError
from devtools.sandbox.store import Store


class UsersApi:
    def __init__(self, store: Store) -> None:
        self.store = store

    def auth_test(self, params: JSON) -> JSON:
        identity = self.store.identity
        return {
            "url": f"https://{identity.team_domain}.slack.com/",
            "team": identity.team_name,
            "user": self.store.users[identity.bot_user_id].name,
            "team_id": identity.team_id,
            "user_id": identity.bot_user_id,
            "bot_id": identity.bot_id,
            "is_enterprise_install": False,
        }

    def info(self, params: JSON) -> JSON:
        user = self.store.users.get(str(params.get("user")))
        if user is None:
            raise SlackError("user_not_found")
        return {"user": user.to_slack(self.store.identity.team_id)}

    def lookup_by_email(self, params: JSON) -> JSON:
        email = str(params.get("email") or "").lower()
        for user in self.store.users.values():
            if user.email and user.email.lower() == email:
                return {"user": user.to_slack(self.store.identity.team_id)}
        raise SlackError("users_not_found")

    def usergroup_members(self, params: JSON) -> JSON:
        members = self.store.usergroups.get(str(params.get("usergroup")))
        if members is None:
            raise SlackError("no_such_subteam")
        return {"users": list(members)}
