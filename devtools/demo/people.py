"""The demo's people acting only as Slack's client does: commands, clicks, modals and messages in their DMs."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from devtools.sandbox.driver import AppResponse
from devtools.sandbox.harness import Sandbox
from devtools.sandbox.workspace import Message, View


class People:
    """The simulated people, acting only as Slack's client does: commands, clicks, modals and messages."""

    def __init__(self, box: Sandbox) -> None:
        self.fake, self.driver = box.fake, box.driver

    def remiss_dm(self, user_id: str) -> Message:
        """The remiss message the user got from the bot (the newest, if several)."""

        def found() -> Message | None:
            messages = [m for m in self.fake.messages_in(user_id) if m.user is None and m.thread_ts is None]
            return next((m for m in reversed(messages) if has_header(m.blocks)), None)

        return self.fake.wait_for(found)

    def remiss_dm_showing(self, user_id: str, phrase: str, timeout: float = 5.0) -> Message:
        """The remiss message once the app has updated it to show `phrase`."""

        def shows() -> Message | None:
            message = self.remiss_dm(user_id)
            return message if phrase in json.dumps(message.blocks, ensure_ascii=False) else None

        return self.fake.wait_for(shows, timeout=timeout)

    def dm_message(self, user_id: str, condition: Callable[[Message], bool]) -> Message:
        return self.fake.wait_for(lambda: next((m for m in self.fake.messages_in(user_id) if condition(m)), None))

    def command(self, user_id: str, text: str) -> Mapping[str, Any]:
        """`/remiss text` in the user's DM with the bot; returns the app's answer to the command."""
        before = len(self.fake.responses)
        _ok(self.driver.slash_command(user_id, "/remiss", text))
        return self.fake.wait_for(lambda: self.fake.responses[before:][:1])[0].payload

    def open_by_command(self, user_id: str, text: str) -> View:
        _ok(self.driver.slash_command(user_id, "/remiss", text))
        return self.fake.wait_for(lambda: next(iter(self.fake.views_of(user_id)), None))

    def click(self, user_id: str, action_id: str, message: Message) -> None:
        _ok(self.driver.block_action(user_id, action_id, message=message))

    def open_modal(self, user_id: str, action_id: str, message: Message) -> View:
        """Click a button on a message; returns the modal the app opened."""
        before = {v.id for v in self.fake.views_of(user_id)}
        self.click(user_id, action_id, message)
        return self.fake.wait_for(lambda: next((v for v in self.fake.views_of(user_id) if v.id not in before), None))

    def act_in_modal(self, user_id: str, view: View, action_id: str, values: Mapping[str, Any], **fields: Any) -> View:
        """Use an element inside an open modal; returns the modal once the app has updated it."""
        before = view.hash  # the fake updates the view in place
        _ok(self.driver.block_action(user_id, action_id, view_id=view.id, state_values=values, **fields))
        return self.fake.wait_for(lambda: next((v for v in [self.fake.view(view.id)] if v and v.hash != before), None))

    def submit(self, user_id: str, values: Mapping[str, Any]) -> None:
        """Submit the user's top modal; a refusal shown in the form stops the demo (it would be a bug)."""
        response = self.driver.view_submission(user_id, values)
        _ok(response)
        body = response.json()
        if body and body.get("response_action") == "errors":
            raise RuntimeError(f"the app refused the form: {body['errors']}")

    def submit_until(self, user_id: str, values: Mapping[str, Any], callback_id: str) -> View:
        """Submit the top modal, which the app replaces with the modal `callback_id`."""
        self.submit(user_id, values)
        return self.fake.wait_for(
            lambda: next((v for v in self.fake.views_of(user_id) if v.callback_id == callback_id), None)
        )

    def close(self, user_id: str, view: View) -> None:
        """The user closes the modal (Slack tells the app nothing: these modals don't ask to be told)."""
        self.fake.close_views(user_id, view.id)

    def replies(self, user_id: str, thread_ts: str) -> list[Message]:
        return [m for m in self.fake.messages_in(user_id) if m.user is None and m.thread_ts == thread_ts]

    def click_for_reply(self, user_id: str, action_id: str, dm: Message) -> Message:
        """Click a button on the remiss message; returns the bot's reply in its thread."""
        before = len(self.replies(user_id, dm.ts))
        self.click(user_id, action_id, dm)
        return self.fake.wait_for(lambda: self.replies(user_id, dm.ts)[before:][:1])[0]

    def write_in_thread(self, user_id: str, dm: Message, text: str) -> Message:
        """Write in the remiss message's thread; returns the bot's reply."""
        before = len(self.replies(user_id, dm.ts))
        _ok(self.driver.message_im(user_id, text, channel=dm.channel, thread_ts=dm.ts))
        return self.fake.wait_for(lambda: self.replies(user_id, dm.ts)[before:][:1])[0]


def _ok(response: AppResponse) -> None:
    if response.status != 200:
        raise RuntimeError(f"the app answered HTTP {response.status}: {response.body[:300]}")


def has_header(blocks: Sequence[Mapping[str, Any]] | None) -> bool:
    return any(b.get("type") == "header" for b in blocks or [])
