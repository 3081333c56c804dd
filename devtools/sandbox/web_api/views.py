"""views.*: modals and the Home tab, trigger ids and their expiry, the modal stack, and how Slack's client applies
an app's answer to a view_submission."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from devtools.sandbox import block_kit
from devtools.sandbox.objects import JSON, SlackError, Trigger, View
from devtools.sandbox.store import Store

TRIGGER_TTL_SECONDS = 3.0
MODAL_STACK_MAX = 3  # the root view plus two pushed ones


class ViewsApi:
    def __init__(self, store: Store) -> None:
        self.store = store

    def open(self, params: JSON) -> JSON:
        body = self._view_param(params, {"modal"})
        trigger = self._exchange_trigger(params.get("trigger_id"))
        user_id = trigger.user or self.store.identity.bot_user_id
        view = self._new_view(user_id, body, root_view_id=None)
        self.store.modal_stacks[user_id] = [view.id]
        return {"view": view.payload}

    def push(self, params: JSON) -> JSON:
        body = self._view_param(params, {"modal"})
        trigger = self._exchange_trigger(params.get("trigger_id"))
        return {"view": self._push_view(trigger.user or self.store.identity.bot_user_id, body).payload}

    def update(self, params: JSON) -> JSON:
        view = self._find_view(params)
        body = self._view_param(params, {view.type})
        _check_hash(params, view)
        return {"view": self._replace_view(view, body).payload}

    def publish(self, params: JSON) -> JSON:
        store = self.store
        user = store.users.get(str(params.get("user_id")))
        if user is None:
            raise SlackError("user_not_found")
        body = self._view_param(params, {"home"})
        home_id = store.homes.get(user.id)
        if home_id is None:
            home = self._new_view(user.id, body, root_view_id=None)
            store.homes[user.id] = home.id
            return {"view": home.payload}
        home = store.views[home_id]
        _check_hash(params, home)
        return {"view": self._replace_view(home, body).payload}

    def new_trigger_id(self, user_id: str | None, age: float) -> str:
        """A trigger id as Slack puts in an interactive payload; it expires 3 s after issue (by the clock), and
        one issued `age` seconds ago has that much less left."""
        store = self.store
        with store.lock:
            number = next(store.seq)
            trigger_id = f"{number}.{store.epoch}.{number:032x}"
            store.triggers[trigger_id] = Trigger(user_id, store.clock() - age)
            return trigger_id

    def resolve_submission(self, user_id: str, view_id: str, ack: Mapping[str, Any] | None) -> None:
        """Apply an app's answer to a view_submission to the user's modal stack, as Slack's client does.

        An answer Slack would refuse (an invalid view, errors on a block that is not an input) changes nothing
        and raises SlackError; the user would see Slack's own "trouble connecting" message.
        """
        store = self.store
        with store.lock:
            stack = store.modal_stacks.setdefault(user_id, [])
            action = (ack or {}).get("response_action")
            if ack:
                store.submission_answers.append(dict(ack))
            try:
                if action == "clear":
                    self._close(stack, 0)
                elif action == "update":
                    self._replace_view(store.views[view_id], self._view_param(ack, {"modal"}))
                elif action == "push":
                    self._push_view(user_id, self._view_param(ack, {"modal"}))
                elif action == "errors":
                    _check_submission_errors((ack or {}).get("errors"), store.views[view_id].payload)
                elif view_id in stack:
                    self._close(stack, stack.index(view_id))
            except SlackError as error:
                store.warnings.append(f"view_submission answer {action} refused: {error.code} {error.messages}")
                raise

    def close(self, user_id: str, view_id: str, *, all_views: bool = False) -> None:
        """The user closed a modal: drop it (and the ones pushed above it), or the whole stack."""
        with self.store.lock:
            stack = self.store.modal_stacks.setdefault(user_id, [])
            if all_views:
                self._close(stack, 0)
            elif view_id in stack:
                self._close(stack, stack.index(view_id))

    def _close(self, stack: list[str], start: int) -> None:
        """The modals of `stack` from `start` up are gone from the user's screen: Slack finds them no more."""
        self.store.closed_views.update(stack[start:])
        del stack[start:]

    def _exchange_trigger(self, trigger_id: Any) -> Trigger:
        trigger = self.store.triggers.get(str(trigger_id or ""))
        if trigger is None:
            raise SlackError("invalid_trigger_id")
        if trigger.used:
            raise SlackError("exchanged_trigger_id")
        if self.store.clock() - trigger.issued_at > TRIGGER_TTL_SECONDS:
            raise SlackError("expired_trigger_id")
        trigger.used = True
        return trigger

    def _view_param(self, params: Mapping[str, Any] | None, types: set[str]) -> JSON:
        view = (params or {}).get("view")
        if not isinstance(view, dict):
            raise SlackError("invalid_arguments", ["[ERROR] failed to parse view json [json-pointer:/view]"])
        if len(json.dumps(view).encode()) > block_kit.VIEW_JSON_MAX_BYTES:
            raise SlackError("view_too_large")
        if view.get("type") not in types:
            raise SlackError("invalid_arguments", [f"[ERROR] must be one of {sorted(types)} [json-pointer:/view/type]"])
        errors = block_kit.view_errors(view)
        if errors:
            raise SlackError("invalid_arguments", errors)
        return view

    def _find_view(self, params: JSON) -> View:
        views = self.store.views
        if params.get("view_id"):
            view = views.get(str(params["view_id"]))
        else:
            external_id = params.get("external_id")
            view = next(
                (v for v in views.values() if external_id and v.payload.get("external_id") == external_id),
                None,
            )
        if view is None or view.id in self.store.closed_views:
            # A modal the user closed, or one closed by the app's answer to its submission, is gone: Slack
            # answers views.update on it with not_found (slackapi/bolt-js#1309).
            raise SlackError("not_found")
        return view

    def _new_view(self, user_id: str, body: JSON, root_view_id: str | None, previous: str | None = None) -> View:
        view_id = self.store.new_id("V")
        view = View(view_id, user_id, {})
        self.store.views[view_id] = view
        self._fill_view(view, body, root_view_id or view_id, previous)
        return view

    def _replace_view(self, view: View, body: JSON) -> View:
        self._fill_view(view, body, view.payload["root_view_id"], view.payload.get("previous_view_id"))
        return view

    def _push_view(self, user_id: str, body: JSON) -> View:
        stack = self.store.modal_stacks.get(user_id) or []
        if not stack:
            raise SlackError("not_found")
        if len(stack) >= MODAL_STACK_MAX:
            raise SlackError("push_limit_reached")
        view = self._new_view(user_id, body, root_view_id=stack[0], previous=stack[-1])
        stack.append(view.id)
        return view

    def _fill_view(self, view: View, body: JSON, root_view_id: str, previous_view_id: str | None) -> None:
        store = self.store
        number = next(store.seq)
        view.payload = {
            "private_metadata": "",
            "callback_id": "",
            "external_id": "",
            "clear_on_close": False,
            "notify_on_close": False,
            **body,
            "blocks": store.with_block_ids(body.get("blocks", [])),
            "id": view.id,
            "team_id": store.identity.team_id,
            "state": {"values": {}},
            "hash": f"{store.epoch + number}.{number:08x}",
            "root_view_id": root_view_id,
            "previous_view_id": previous_view_id,
            "app_id": store.identity.app_id,
            "bot_id": store.identity.bot_id,
        }


def _check_submission_errors(errors: Any, view: JSON) -> None:
    """Slack shows `response_action: errors` only under input blocks of the submitted view, and refuses the rest."""
    if not isinstance(errors, dict):
        raise SlackError("invalid_arguments", ["[ERROR] must be an object [json-pointer:/errors]"])
    inputs = block_kit.input_block_ids(view)
    misplaced = [str(block_id) for block_id in errors if block_id not in inputs]
    if misplaced:
        raise SlackError(
            "invalid_arguments",
            [
                f"[ERROR] {block_id} is not an input block of the view [json-pointer:/errors/{block_id}]"
                for block_id in misplaced
            ],
        )


def _check_hash(params: JSON, view: View) -> None:
    # A hash from an older version of the view means someone else updated it in between.
    if params.get("hash") and params["hash"] != view.hash:
        raise SlackError("hash_conflict")
