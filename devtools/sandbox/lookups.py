"""What tests, the demo and the driver read off the loopback Slack: its people, channels, messages, open views
and files as Slack's client would show them, what it warned about, and a wait for a change to come true."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from devtools.sandbox.objects import Channel, File, Message, User, View
from devtools.sandbox.store import Store

T = TypeVar("T")


class Lookups:
    """Read-only views of the workspace's state, each taken under its lock."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def _read(self, read: Callable[[Store], T]) -> T:
        """`read(store)` under the store's lock, so a listener thread writing meanwhile is never half seen."""
        with self._store.lock:
            return read(self._store)

    @property
    def granted_scopes(self) -> set[str]:
        return set(self._store.scopes)

    @property
    def scope_refusals(self) -> list[tuple[str, str]]:
        """(method, needed scopes) of every call refused as missing_scope: real Slack would have refused it too."""
        return self._read(lambda store: list(store.scope_refusals))

    @property
    def submission_answers(self) -> list[dict[str, object]]:
        """The app's answers to view submissions (response_action errors, update, push), oldest first."""
        return self._read(lambda store: [dict(answer) for answer in store.submission_answers])

    @property
    def warnings(self) -> list[str]:
        return self._read(lambda store: list(store.warnings))

    @property
    def files(self) -> list[File]:
        return self._read(lambda store: list(store.files.values()))

    def file(self, file_id: str) -> File | None:
        return self._read(lambda store: store.files.get(file_id))

    def user(self, user_id: str) -> User | None:
        return self._read(lambda store: store.users.get(user_id))

    def channel(self, channel_id: str) -> Channel | None:
        return self._read(lambda store: store.channels.get(channel_id))

    def dm_channel_of(self, user_id: str) -> str | None:
        return self._read(lambda store: store.dm_of_user.get(user_id))

    def messages_in(self, channel: str) -> list[Message]:
        """Messages in a channel, oldest first; a user id means the bot's DM with that user."""
        return self._read(lambda store: list(store.messages.get(store.dm_of_user.get(channel, channel), [])))

    def last_message(self, channel: str) -> Message | None:
        messages = self.messages_in(channel)
        return messages[-1] if messages else None

    def view(self, view_id: str) -> View | None:
        return self._read(lambda store: store.views.get(view_id))

    def views_of(self, user_id: str) -> list[View]:
        """The user's open modal stack, root first."""
        return self._read(lambda store: [store.views[view_id] for view_id in store.modal_stacks.get(user_id, [])])

    def home_of(self, user_id: str) -> View | None:
        def home(store: Store) -> View | None:
            view_id = store.homes.get(user_id)
            return store.views[view_id] if view_id else None

        return self._read(home)

    def wait_for(self, predicate: Callable[[], T | None], timeout: float = 5.0) -> T:
        """Wait until `predicate()` is truthy and return it, for listeners that finish after their ack.

        It is checked after each change to the workspace, and every 50 ms for conditions on other state.
        """
        deadline = time.monotonic() + timeout
        with self._store.changed:
            while not (result := predicate()):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError("wait_for: the condition did not come true in time")
                self._store.changed.wait(min(remaining, 0.05))
            return result
