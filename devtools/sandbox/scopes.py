"""The OAuth scopes each Web API method of the loopback Slack needs, and the scopes the app is granted."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

# The app is installed from this manifest: Slack grants its bot token exactly these scopes.
MANIFEST = Path(__file__).resolve().parents[2] / "manifest.json"

# Each method's bot-token scopes, from Slack's method reference (https://docs.slack.dev/reference/methods/<method>,
# "Scopes: Bot token"; slackapi/slack-api-specs' OpenAPI spec agrees, in older scope names). One scope is enough;
# () means the method needs none. Every method the fake serves is here (a test holds it).
METHOD_SCOPES: Mapping[str, tuple[str, ...]] = {
    "auth.test": (),
    "chat.postMessage": ("chat:write",),
    "chat.postEphemeral": ("chat:write",),
    "chat.update": ("chat:write",),
    "chat.getPermalink": (),
    "conversations.open": ("channels:manage", "groups:write", "im:write", "mpim:write"),
    "conversations.history": ("channels:history", "groups:history", "im:history", "mpim:history"),
    "conversations.replies": ("channels:history", "groups:history", "im:history", "mpim:history"),
    "conversations.members": ("channels:read", "groups:read", "im:read", "mpim:read"),
    "users.info": ("users:read",),
    "users.lookupByEmail": ("users:read.email",),
    "usergroups.users.list": ("usergroups:read",),
    "views.open": (),
    "views.push": (),
    "views.update": (),
    "views.publish": (),
    "files.getUploadURLExternal": ("files:write",),
    "files.completeUploadExternal": ("files:write",),
    "files.info": ("files:read",),
}

# The Conversations API methods above need only the scope for the kind of conversation they touch ("required
# scopes depend on the type of channel-like object"): a DM needs im:history to be read and im:write to be opened.
_HISTORY = {"public": "channels:history", "private": "groups:history", "im": "im:history", "mpim": "mpim:history"}
CONVERSATION_KIND_SCOPES: Mapping[str, Mapping[str, str]] = {
    "conversations.open": {
        "public": "channels:manage",
        "private": "groups:write",
        "im": "im:write",
        "mpim": "mpim:write",
    },
    "conversations.history": _HISTORY,
    "conversations.replies": _HISTORY,
    "conversations.members": {
        "public": "channels:read",
        "private": "groups:read",
        "im": "im:read",
        "mpim": "mpim:read",
    },
}

# A file's url_private serves its bytes only to a token that may read files.
FILE_DOWNLOAD_SCOPE = "files:read"


def needed_scopes(method: str, conversation_kind: str | None = None) -> tuple[str, ...]:
    """The scopes of which a call needs one; for a conversation of unknown kind, any of the method's will do."""
    scope = CONVERSATION_KIND_SCOPES.get(method, {}).get(conversation_kind or "")
    return (scope,) if scope else METHOD_SCOPES.get(method, ())


def manifest_scopes(manifest: Path = MANIFEST) -> tuple[str, ...]:
    """The bot scopes manifest.json asks for, in its order, which Slack grants when the app is installed from it.

    An installed package has no manifest.json beside it; then handlers.BOT_SCOPES, which a test holds equal to it.
    """
    if not manifest.is_file():
        from handlers.context import BOT_SCOPES

        return tuple(BOT_SCOPES)
    data = json.loads(manifest.read_text(encoding="utf-8"))
    return tuple(data["oauth_config"]["scopes"]["bot"])
