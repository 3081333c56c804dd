"""Sends Slack's payloads into a Bolt app the way Slack sends them: signed, over real HTTP or app.dispatch."""

from __future__ import annotations

import itertools
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from http.server import HTTPServer
from socketserver import ThreadingMixIn
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qsl, urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_sdk.signature import SignatureVerifier

from devtools.sandbox.fake_slack import FakeSlack, Served
from devtools.sandbox.screen import nested
from devtools.sandbox.workspace import JSON, Message, SlackError, View

if TYPE_CHECKING:
    from slack_bolt import App

FORM = "application/x-www-form-urlencoded"
JSON_CONTENT = "application/json"
# Bolt (like Slack's docs) refuses a request whose timestamp is more than five minutes off.
STALE_AFTER_SECONDS = 5 * 60
# Shared by all drivers, so that a re-signed driver never repeats an event_id (apps deduplicate on it).
_event_numbers = itertools.count(1)


@dataclass(frozen=True)
class AppResponse:
    """The app's answer: HTTP status, headers (lower-case names) and body."""

    status: int
    headers: Mapping[str, str]
    body: str

    def json(self) -> Any:
        """The body as JSON, or None when the app answered with an empty or non-JSON body (a bare ack)."""
        is_json = self.headers.get("content-type", "").startswith(JSON_CONTENT)
        return json.loads(self.body) if is_json and self.body else None


class RefusedResponse(Exception):
    """Slack refused the app's answer to an interaction: the user sees Slack's own error, not the app's."""


class Transport(Protocol):
    def send(self, body: str, headers: Mapping[str, str]) -> AppResponse: ...


class HttpTransport:
    """POSTs to the app's HTTP endpoint over real HTTP, as Slack does in HTTP mode."""

    def __init__(self, url: str, *, timeout: float = 10.0) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"not an HTTP URL: {url}")
        self.url, self.timeout = url, timeout

    def send(self, body: str, headers: Mapping[str, str]) -> AppResponse:
        # The scheme was checked in __init__, so the S310 warnings below are about nothing.
        request = urllib.request.Request(self.url, body.encode(), dict(headers), method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return AppResponse(response.status, _lower(response.headers.items()), response.read().decode())
        except urllib.error.HTTPError as error:
            return AppResponse(error.code, _lower(error.headers.items()), error.read().decode())


class DispatchTransport:
    """Hands the request to `app.dispatch` as Bolt's HTTP adapters do, or as its Socket Mode adapter does."""

    def __init__(self, app: App, *, socket_mode: bool = False) -> None:
        self.app, self.socket_mode = app, socket_mode

    def send(self, body: str, headers: Mapping[str, str]) -> AppResponse:
        from slack_bolt.request import BoltRequest  # here, so that importing the sandbox does not load Bolt

        bolt_headers: dict[str, str | Sequence[str]] = dict(headers)
        if self.socket_mode:
            # Socket Mode delivers the parsed payload unsigned, with only the retry headers (Bolt ≥ 1.29).
            retries = {k.lower(): v for k, v in headers.items() if k.lower().startswith("x-slack-retry")}
            bolt_headers = dict(retries)
            request = BoltRequest(body=_parsed(body, headers), headers=bolt_headers, mode="socket_mode")
        else:
            request = BoltRequest(body=body, headers=bolt_headers)
        response = self.app.dispatch(request)
        return AppResponse(response.status, response.first_headers(), response.body)


class SlackDriver:
    """Plays Slack's side towards the app: commands, clicks, modal submissions and events, all signed."""

    def __init__(
        self,
        fake: FakeSlack,
        transport: Transport,
        signing_secret: str,
        *,
        clock: Callable[[], float] = time.time,
        verification_token: str = "fake-verification-token",  # noqa: S107 - a placeholder Slack also sends
    ) -> None:
        self.fake, self.transport = fake, transport
        self._signing_secret, self._clock, self._token = signing_secret, clock, verification_token

    def resigned(self, *, signing_secret: str | None = None, clock: Callable[[], float] | None = None) -> SlackDriver:
        """This driver with another signing secret or clock: for requests the app must refuse."""
        return SlackDriver(
            self.fake,
            self.transport,
            signing_secret or self._signing_secret,
            clock=clock or self._clock,
            verification_token=self._token,
        )

    def stale(self) -> SlackDriver:
        """This driver signing with timestamps a second past the five minutes Bolt accepts."""
        return self.resigned(clock=lambda: self._clock() - STALE_AFTER_SECONDS - 1)

    # Slash commands, shortcuts and interactive components

    def slash_command(
        self, user_id: str, command: str, text: str = "", *, channel_id: str | None = None
    ) -> AppResponse:
        """`/command text` typed by the user, in `channel_id` or (by default) the user's DM with the app."""
        channel_id = channel_id or self.fake.open_dm(user_id)
        channel = self.fake.channel(channel_id)
        identity = self.fake.identity
        fields = {
            "token": self._token,
            "team_id": identity.team_id,
            "team_domain": identity.team_domain,
            "channel_id": channel_id,
            "channel_name": channel.name if channel else channel_id,
            "user_id": user_id,
            "user_name": self._user_name(user_id),
            "command": command,
            "text": text,
            "api_app_id": identity.app_id,
            "is_enterprise_install": "false",
            "response_url": self.fake.new_response_url(),
            "trigger_id": self.fake.new_trigger_id(user_id),
        }
        return self.post(urlencode(fields), FORM)

    def shortcut(self, user_id: str, callback_id: str) -> AppResponse:
        """A global shortcut chosen by the user."""
        return self._send_payload(
            {
                **self._interaction("shortcut", user_id),
                "callback_id": callback_id,
                "action_ts": self._action_ts(),
            }
        )

    def block_action(
        self,
        user_id: str,
        action_id: str,
        value: str | None = None,
        *,
        block_id: str | None = None,
        message: Message | None = None,
        view_id: str | None = None,
        seen: View | None = None,
        state_values: Mapping[str, Any] | None = None,
        trigger_age: float = 0.0,
        **fields: Any,
    ) -> AppResponse:
        """The user uses the element `action_id` in `message`, in view `view_id`, or by default wherever the
        fake shows it to the user (open modal, Home tab, then the newest DM message). `value` defaults to the
        element's own (a button's); `fields` go into the action as Slack names them: `selected_option`,
        `selected_options`, `selected_date`, `selected_user`... `trigger_age`: seconds between Slack issuing
        the click's trigger_id and the app getting the click (a request held up in a queue on the way). `seen`: the
        view as the user saw it when they clicked, an older version of one now shown (a second click, sent before
        Slack showed what the first one did), its hash included.
        """
        container = message or seen or self._view_or_showing(user_id, action_id, view_id)
        found_block_id, element = _find_element(_blocks_of(container), action_id)
        value = value if value is not None else element.get("value")
        action = {
            "action_id": action_id,
            "block_id": block_id or found_block_id,
            "type": element.get("type", "button"),
            "action_ts": self._action_ts(),
            **({"text": element["text"]} if "text" in element else {}),
            **({"value": value} if value is not None else {}),
            **fields,
        }
        payload = {
            **self._interaction("block_actions", user_id, trigger_age=trigger_age),
            **self._container(container, state_values or {}),
            "actions": [action],
        }
        return self._send_payload(payload)

    def view_submission(self, user_id: str, values: Mapping[str, Any], *, view_id: str | None = None) -> AppResponse:
        """The user submits a modal (by default the top of their stack) with `values`, shaped like Slack's
        `state.values`: {block_id: {action_id: {"type": ..., "value" | "selected_option" | ...: ...}}}.
        The app's answer is applied to the fake's modal stack (closed, updated, pushed or left with errors).
        """
        view = self._open_view(user_id, view_id)
        payload = {
            **self._interaction("view_submission", user_id),
            "view": {**view.payload, "state": {"values": dict(values)}},
            "response_urls": [],
        }
        response = self._send_payload(payload)
        if response.status == 200:
            try:
                self.fake.resolve_submission(user_id, view.id, response.json())
            except SlackError as refused:
                raise RefusedResponse(f"Slack refused the answer {response.body}: {refused.messages}") from refused
        return response

    def view_closed(self, user_id: str, *, view_id: str | None = None, is_cleared: bool = False) -> AppResponse:
        """The user closes a modal (Slack sends this only for views with `notify_on_close`)."""
        view = self._open_view(user_id, view_id)
        payload = {
            **self._interaction("view_closed", user_id, with_trigger=False),
            "view": view.payload,
            "is_cleared": is_cleared,
        }
        self.fake.close_views(user_id, view.id, all_views=is_cleared)
        return self._send_payload(payload)

    # Events API

    def event(
        self,
        event: Mapping[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str | None = None,
    ) -> AppResponse:
        """Deliver an event in its `event_callback` envelope; a retry carries Slack's retry headers."""
        identity = self.fake.identity
        envelope = {
            "token": self._token,
            "team_id": identity.team_id,
            "api_app_id": identity.app_id,
            "event": dict(event),
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(_event_numbers):09d}",
            "event_time": int(self._clock()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": identity.team_id,
                    "user_id": identity.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }
        headers = {}
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = retry_reason or "http_timeout"
        return self.post(json.dumps(envelope), JSON_CONTENT, headers)

    def message_im(
        self, user_id: str, text: str, *, channel: str | None = None, thread_ts: str | None = None
    ) -> AppResponse:
        """The user writes to the app in their DM (or `channel`); the message is stored in the fake too."""
        channel = channel or self.fake.open_dm(user_id)
        message = self.fake.record_user_message(channel, user_id, text, thread_ts)
        event = {
            "type": "message",
            "channel": channel,
            "user": user_id,
            "text": text,
            "ts": message.ts,
            "event_ts": message.ts,
            "channel_type": "im",
            "team": self.fake.identity.team_id,
            **({"thread_ts": thread_ts} if thread_ts else {}),
        }
        return self.event(event)

    def app_home_opened(self, user_id: str) -> AppResponse:
        """The user opens the app's Home tab."""
        home = self.fake.home_of(user_id)
        event = {
            "type": "app_home_opened",
            "user": user_id,
            "channel": self.fake.open_dm(user_id),
            "tab": "home",
            "event_ts": self._action_ts(),
            **({"view": home.payload} if home else {}),
        }
        return self.event(event)

    def url_verification(self, challenge: str = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P") -> AppResponse:
        """The handshake Slack sends when the request URL is set; the app must echo the challenge."""
        body = {"token": self._token, "challenge": challenge, "type": "url_verification"}
        return self.post(json.dumps(body), JSON_CONTENT)

    def post(self, body: str, content_type: str, headers: Mapping[str, str] | None = None) -> AppResponse:
        """Send any body, signed like Slack signs (v0 HMAC-SHA256 of `v0:timestamp:body`)."""
        timestamp = str(int(self._clock()))
        verifier = SignatureVerifier(self._signing_secret)
        signed = {
            "Content-Type": content_type,
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": verifier.generate_signature(timestamp=timestamp, body=body) or "",
        }
        return self.transport.send(body, {**signed, **(headers or {})})

    def _send_payload(self, payload: Mapping[str, Any]) -> AppResponse:
        # Interactive payloads arrive as one form field holding the JSON.
        return self.post(urlencode({"payload": json.dumps(payload)}), FORM)

    def _interaction(self, kind: str, user_id: str, *, with_trigger: bool = True, trigger_age: float = 0.0) -> JSON:
        identity = self.fake.identity
        name = self._user_name(user_id)
        trigger = {"trigger_id": self.fake.new_trigger_id(user_id, age=trigger_age)} if with_trigger else {}
        return {
            "type": kind,
            "team": {"id": identity.team_id, "domain": identity.team_domain},
            "user": {"id": user_id, "username": name, "name": name, "team_id": identity.team_id},
            "api_app_id": identity.app_id,
            "token": self._token,
            **trigger,
            "is_enterprise_install": False,
            "enterprise": None,
        }

    def _container(self, container: Message | View, state_values: Mapping[str, Any]) -> JSON:
        state = {"values": dict(state_values)}
        if isinstance(container, View):
            return {
                "container": {"type": "view", "view_id": container.id},
                "view": {**container.payload, "state": state},
            }
        channel = self.fake.channel(container.channel)
        identity = self.fake.identity
        return {
            "container": {
                "type": "message",
                "message_ts": container.ts,
                "channel_id": container.channel,
                "is_ephemeral": container.ephemeral_to is not None,
            },
            "channel": {"id": container.channel, "name": channel.name if channel else container.channel},
            "message": container.to_slack(identity.bot_user_id, identity.bot_id),
            "state": state,
            "response_url": self.fake.new_response_url(),
        }

    def _view_or_showing(self, user_id: str, action_id: str, view_id: str | None) -> Message | View:
        if view_id is None:
            return self._showing(user_id, action_id)
        view = self.fake.view(view_id)
        if view is None:
            raise LookupError(f"no view {view_id}")
        return view

    def _showing(self, user_id: str, action_id: str) -> Message | View:
        views: list[Message | View] = [*reversed(self.fake.views_of(user_id))]
        home = self.fake.home_of(user_id)
        messages = reversed(self.fake.messages_in(user_id))
        for candidate in [*views, *([home] if home else []), *messages]:
            if _find_element(_blocks_of(candidate), action_id)[1]:
                return candidate
        raise LookupError(f"nothing shown to {user_id} has an element with action_id {action_id!r}")

    def _open_view(self, user_id: str, view_id: str | None) -> View:
        view = self.fake.view(view_id) if view_id else next(reversed(self.fake.views_of(user_id)), None)
        if view is None:
            raise LookupError(f"{user_id} has no open modal {view_id or ''}".rstrip())
        return view

    def _user_name(self, user_id: str) -> str:
        user = self.fake.user(user_id)
        return user.name if user else user_id

    def _action_ts(self) -> str:
        return f"{self._clock():.6f}"


class BoltHttpServer(Served):
    """A Bolt app served over real HTTP on 127.0.0.1 from a daemon thread, as in HTTP mode."""

    def __init__(self, app: App, *, path: str = "/slack/events") -> None:
        self._app, self._path = app, path

    def _serve(self) -> HTTPServer:
        from slack_bolt.adapter.wsgi import SlackRequestHandler

        handler = SlackRequestHandler(self._app, self._path)
        return make_server("127.0.0.1", 0, handler, _ThreadingWSGIServer, _QuietHandler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self._path}"


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Silent: tests and the demo have their own output."""


def _blocks_of(shown: Message | View) -> list[Any]:
    return (shown.blocks if isinstance(shown, Message) else shown.payload.get("blocks")) or []


def _find_element(blocks: Iterable[Any], action_id: str) -> tuple[str, JSON]:
    """The block_id and element with `action_id` in `blocks`, or ("", {}) when none has it."""
    for block in blocks:
        for element in nested(block):
            if element.get("action_id") == action_id:
                return str(block.get("block_id", "")), element
    return "", {}


def _parsed(body: str, headers: Mapping[str, str]) -> JSON:
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    if content_type.startswith(JSON_CONTENT):
        return dict(json.loads(body))
    fields = dict(parse_qsl(body, keep_blank_values=True))
    return dict(json.loads(fields["payload"])) if "payload" in fields else dict(fields)


def _lower(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers}
