"""The HTTP edge of `remissbot serve`: size, Slack's signature and the envelope's shape, checked before Bolt.

Order matters: the body is read only up to the cap (413 beyond it), its signature is checked on the raw bytes
before anything parses them (401), and only then is it parsed, once, into the request Bolt dispatches (400 when
its envelope is not one Slack sends). A refused request runs no listener and makes no outgoing request.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_plus

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

    from slack_bolt import App
    from slack_bolt.request import BoltRequest

log = logging.getLogger(__name__)

# Slack's real payloads are a few kB (a full modal's state stays well under 100 kB); waitress refuses more
# with 413 from the Content-Length header, or as a chunked body grows past it, before the app is called.
MAX_BODY_BYTES = 1024 * 1024
# Slack's documented replay window: a request signed more than five minutes from now is refused.
MAX_CLOCK_SKEW_SECONDS = 5 * 60
# Slack's payloads nest about 10-15 deep (a view's state is body > view > state > values > block > element >
# option); anything far deeper is refused before a listener, or anything recursive over the body, sees it.
MAX_NESTING = 64
_TIMESTAMP = re.compile(r"[0-9]{1,12}")  # ASCII digits only: no sign, exponent, spaces or other scripts
# Kinds whose listeners read a view, a list of actions or an event: without them Bolt's own parsing fails.
_NEEDS_OBJECT = {"view_submission": "view", "view_closed": "view", "event_callback": "event"}
# Kinds whose listeners read who did it from user.id (events carry their user inside the event).
_NEEDS_USER = {"block_actions", "view_submission", "view_closed", "shortcut", "message_action"}
# Kinds Slack always sends with a trigger_id, which the listeners use to open a modal.
_NEEDS_TRIGGER = {"block_actions", "shortcut", "message_action"}


def signature_problem(
    signing_secret: str, timestamp: str | None, signature: str | None, body: bytes, now: float
) -> str | None:
    """Why this request is not signed by Slack, or None when it is. Never raises, whatever the headers hold."""
    if not signing_secret:  # an empty key is one anybody can sign with
        return "no signing secret is configured"
    if not timestamp:
        return "no X-Slack-Request-Timestamp"
    if not _TIMESTAMP.fullmatch(timestamp):
        return "X-Slack-Request-Timestamp is not a whole number of seconds"
    if abs(now - int(timestamp)) > MAX_CLOCK_SKEW_SECONDS:
        return "X-Slack-Request-Timestamp is more than five minutes from now"
    if not signature:
        return "no X-Slack-Signature"
    expected = _signature(signing_secret, timestamp, body)
    # Bytes on both sides: compare_digest refuses non-ASCII str, and a header may hold anything.
    if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
        return "X-Slack-Signature does not match"
    return None


def _signature(signing_secret: str, timestamp: str, body: bytes) -> str:
    """Slack's v0 signature: HMAC-SHA256 over "v0:{timestamp}:{body}" with the signing secret."""
    base = b"v0:" + timestamp.encode("ascii") + b":" + body
    return "v0=" + hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()


def envelope_problem(body: object) -> str | None:
    """Why a parsed body is not an envelope Slack sends, or None. Values inside it are the listeners' concern."""
    if not isinstance(body, dict):
        return f"the body is a JSON {type(body).__name__}, not an object"
    if _nested_deeper_than(body, MAX_NESTING):
        return f"the body is nested more than {MAX_NESTING} deep"
    if "command" in body:
        command = body["command"]
        if not (isinstance(command, str) and command.startswith("/")):
            return "the command is not /something"
        if not _is_text(body.get("user_id")):
            return "a command without a user_id"
        return None if _is_text(body.get("trigger_id")) else "a command without a trigger_id"
    if "ssl_check" in body:
        return None
    kind = body.get("type")
    if not isinstance(kind, str) or not kind:
        return "no type and no command"
    if kind in _NEEDS_OBJECT and not isinstance(body.get(_NEEDS_OBJECT[kind]), dict):
        return f"{kind} without an object in {_NEEDS_OBJECT[kind]!r}"
    user = body.get("user")
    if kind in _NEEDS_USER and not (isinstance(user, dict) and _is_text(user.get("id"))):
        return f"{kind} without a user with an id"
    if kind in _NEEDS_TRIGGER and not _is_text(body.get("trigger_id")):
        return f"{kind} without a trigger_id"
    actions = body.get("actions")
    if kind == "block_actions" and not (isinstance(actions, list) and all(isinstance(a, dict) for a in actions)):
        return "block_actions whose actions are not a list of objects"
    for name in ("user", "team", "channel", "container", "view"):
        if body.get(name) is not None and not isinstance(body[name], dict | str):
            return f"{name} is a {type(body[name]).__name__}"
    return None


def _is_text(value: object) -> bool:
    return isinstance(value, str) and bool(value)


def _nested_deeper_than(body: object, bound: int) -> bool:
    """Whether lists and objects in `body` nest more than `bound` deep: a walk with a stack, never recursion."""
    stack: list[tuple[object, int]] = [(body, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else None
        if children is None:
            continue
        if depth > bound:
            return True
        for child in children:
            if isinstance(child, dict | list):
                stack.append((child, depth + 1))
    return False


class _Refused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


class SlackEdge:
    """POSTs from Slack: checked here, then dispatched to the Bolt app, which verifies the signature again."""

    def __init__(self, app: App, signing_secret: str, *, now: Callable[[], float]) -> None:
        self.app, self._secret, self._now = app, signing_secret, now

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        from slack_bolt.adapter.wsgi.http_response import WsgiHttpResponse

        try:
            request = self._checked(environ)
        except _Refused as refused:
            client = environ.get("REMOTE_ADDR", "?")
            log.warning("Refused a request from %s with %d: %s", client, refused.status, refused.reason)
            response = WsgiHttpResponse(status=refused.status, body="")
        else:
            answer = self.app.dispatch(request)
            response = WsgiHttpResponse(status=answer.status, headers=answer.headers, body=answer.body)
        start_response(response.status, response.get_headers())
        return response.get_body()

    def _checked(self, environ: WSGIEnvironment) -> BoltRequest:
        from slack_bolt.request import BoltRequest

        raw = _read_body(environ)
        headers = _headers(environ)
        problem = signature_problem(
            self._secret,
            headers.get("x-slack-request-timestamp"),
            headers.get("x-slack-signature"),
            raw,
            self._now(),
        )
        if problem is not None:
            raise _Refused(401, problem)
        try:
            text = raw.decode("utf-8")
            text = self._readable_by_bolt(text, headers)
            # Bolt's own parser, so that what is checked here is what its listeners get.
            request = BoltRequest(body=text, query=environ.get("QUERY_STRING", ""), headers=dict(headers))
        # RecursionError: JSON nested past Python's recursion limit, which its parser refuses to follow.
        except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError) as error:
            raise _Refused(400, f"malformed body ({type(error).__name__}: {str(error)[:100]})") from None
        problem = envelope_problem(request.body)
        if problem is not None:
            raise _Refused(400, f"malformed envelope: {problem}")
        return request

    def _readable_by_bolt(self, text: str, headers: dict[str, str]) -> str:
        """The verified form body, re-encoded where Bolt would misread it (and signed again for its check).

        Bolt (1.30) parses any form body that contains the word "payload" as an interactive payload, so a
        slash command whose text says "payload" reached the listeners empty. Percent-encoding one letter
        means the same form to every parser; the body is re-signed with our own secret, so Bolt's second
        check of the signature still holds.
        """
        if _read_as_json(text, headers) or "payload" not in text:
            return text
        if form_has_field(text, "payload"):
            return text
        rewritten = text.replace("payload", "p%61yload")
        headers["x-slack-signature"] = _signature(
            self._secret, headers["x-slack-request-timestamp"], rewritten.encode()
        )
        return rewritten


def form_has_field(text: str, name: str) -> bool:
    """Whether the form body has a field `name` as parse_qs(text, keep_blank_values=True) names its fields. Only
    the names are decoded: an interactive payload's value is kB of percent-encoded JSON (~36 kB for an answer
    form of four long answers), which Bolt decodes once more anyway."""
    return any(unquote_plus(field.partition("=")[0]) == name for field in text.split("&") if field)


def _read_as_json(text: str, headers: Mapping[str, str]) -> bool:
    """Bolt's own rule (slack_bolt.request.internals.parse_body): JSON by content type or by the first character."""
    content_type = headers.get("content-type")
    return (content_type is not None and content_type.split(";")[0] == "application/json") or text.startswith("{")


def _read_body(environ: WSGIEnvironment) -> bytes:
    """The body, never more than the cap (the server in front should have refused more already)."""
    length_text = str(environ.get("CONTENT_LENGTH") or "0")
    if not length_text.isascii() or not length_text.isdigit():
        raise _Refused(400, "malformed body: Content-Length is not a number")
    length = int(length_text)
    if length > MAX_BODY_BYTES:
        raise _Refused(413, f"body of {length} bytes is over the {MAX_BODY_BYTES}-byte cap")
    stream: Any = environ.get("wsgi.input")
    return bytes(stream.read(length)) if stream is not None and length else b""


def _headers(environ: Mapping[str, Any]) -> dict[str, str]:
    """Request headers by lower-case name, as Bolt names them."""
    headers = {k[5:].lower().replace("_", "-"): str(v) for k, v in environ.items() if k.startswith("HTTP_")}
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = str(environ["CONTENT_TYPE"])
    return headers
