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
        return {
            **self.users.auth_methods(),
            **self.chat.methods(),
            **self.conversations.methods(),
            **self.users.methods(),
            **self.views.methods(),
            **self.files.methods(),
        }


def families(store: Store, base_url: Callable[[], str]) -> Families:
    return Families(
        chat=ChatApi(store),
        conversations=ConversationsApi(store),
        users=UsersApi(store),
        views=ViewsApi(store),
        files=FilesApi(store, base_url),
    )
