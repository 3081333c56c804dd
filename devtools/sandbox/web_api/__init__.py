"""The loopback Slack's Web API, one module per method family; `families` builds them over one store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from devtools.sandbox.objects import JSON
from devtools.sandbox.store import Store
from devtools.sandbox.web_api.chat import ChatApi
from devtools.sandbox.web_api.conversations import ConversationsApi
from devtools.sandbox.web_api.files import FilesApi
from devtools.sandbox.web_api.users import UsersApi
from devtools.sandbox.web_api.views import MODAL_STACK_MAX, TRIGGER_TTL_SECONDS, ViewsApi

Method = Callable[[JSON], JSON]

__all__ = ["MODAL_STACK_MAX", "TRIGGER_TTL_SECONDS", "Families", "Method", "families"]


@dataclass(frozen=True)
class Families:
    """The method families over one store, and the table from each Web API method's name to its handler."""

    chat: ChatApi
    conversations: ConversationsApi
    users: UsersApi
    views: ViewsApi
    files: FilesApi

    def methods(self) -> dict[str, Method]:
        """Every method the loopback Slack answers, in one table: a method it lacks is easy to see here."""
        chat, conversations, users, views, files = self.chat, self.conversations, self.users, self.views, self.files
        return {
            "auth.test": users.auth_test,
            "chat.postMessage": chat.post_message,
            "chat.postEphemeral": chat.post_ephemeral,
            "chat.update": chat.update,
            "chat.getPermalink": chat.get_permalink,
            "conversations.open": conversations.open,
            "conversations.history": conversations.history,
            "conversations.replies": conversations.replies,
            "conversations.members": conversations.members,
            "users.info": users.info,
            "users.lookupByEmail": users.lookup_by_email,
            "usergroups.users.list": users.usergroup_members,
            "views.open": views.open,
            "views.push": views.push,
            "views.update": views.update,
            "views.publish": views.publish,
            "files.getUploadURLExternal": files.get_upload_url_external,
            "files.completeUploadExternal": files.complete_upload_external,
            "files.info": files.info,
        }


def families(store: Store, base_url: Callable[[], str]) -> Families:
    return Families(
        chat=ChatApi(store),
        conversations=ConversationsApi(store),
        users=UsersApi(store),
        views=ViewsApi(store),
        files=FilesApi(store, base_url),
    )
