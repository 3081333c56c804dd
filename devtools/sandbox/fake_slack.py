"""A loopback fake of Slack's Web API: a Workspace served over HTTP, with fault injection and rate limits."""

from __future__ import annotations

import contextlib
import json
import random
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer, ThreadingHTTPServer
from socketserver import BaseServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit

from devtools.sandbox.rate_limits import RateLimiter, RateLimits
from devtools.sandbox.workspace import JSON, Clock, Identity, SlackError, Workspace, message_content

_SIGN_IN_PAGE = "<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in to Slack</body></html>"
# The longest an answer is held for a test that forgot to release it (see FakeSlack.inject).
HOLD_LIMIT_SECONDS = 60.0
# Parameters slack_sdk JSON-encodes into a form field when it sends form bodies.
JSON_PARAMS = frozenset({"blocks", "attachments", "view", "files", "metadata"})


@dataclass(frozen=True)
class Call:
    """One Web API call as the fake saw it: JSON-decoded params (no token), HTTP status and answer."""

    method: str
    params: JSON
    status: int
    response: JSON | str
    time: float


@dataclass(frozen=True)
class ResponsePost:
    """A JSON body posted to a response_url, and whether Slack would have shown it."""

    url: str
    payload: JSON
    status: int
    error: str | None
    time: float


@dataclass
class _Injection:
    method: str
    status: int
    retry_after: int
    error: str | None
    delay: float
    html: bool
    remaining: int
    late_reply: float = 0.0
    hold_reply: threading.Event | None = None


@dataclass(frozen=True)
class _Reply:
    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, status: int, body: JSON, headers: Mapping[str, str] | None = None) -> _Reply:
        return cls(status, json.dumps(body).encode(), headers=headers or {})

    @classmethod
    def text(cls, status: int, body: str, content_type: str = "text/plain; charset=utf-8") -> _Reply:
        return cls(status, body.encode(), content_type)

    def decoded(self) -> JSON | str:
        text = self.body.decode()
        return dict(json.loads(text)) if self.content_type.startswith("application/json") else text


POLL_SECONDS = 0.005  # an idle server looks 200 times a second: a few microseconds each


def serve_in_background(server: BaseServer) -> None:
    """Serve from a daemon thread. A short poll interval keeps a stop quick: `shutdown` waits for the serving loop
    to look again, and the suite starts and stops some thousand servers (at 50 ms, 37 ms each on average)."""
    threading.Thread(target=server.serve_forever, args=(POLL_SECONDS,), daemon=True).start()


def stop_serving(server: BaseServer | None) -> None:
    """Stop a server started by serve_in_background and free its port (nothing when there is none)."""
    if server is not None:
        server.shutdown()
        server.server_close()


class Served:
    """An HTTP server on 127.0.0.1 served from a daemon thread: started (once) on entering a `with` block,
    stopped on leaving it. Subclasses say which server (`_serve`)."""

    _server: HTTPServer | None = None

    def _serve(self) -> HTTPServer:
        raise NotImplementedError

    def start(self) -> Self:
        if self._server is None:
            self._server = self._serve()
            serve_in_background(self._server)
        return self

    def stop(self) -> None:
        stop_serving(self._server)
        self._server = None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError(f"{type(self).__name__} is not started")
        return self._server.server_port

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


class FakeSlack(Workspace, Served):
    """Slack's Web API on 127.0.0.1: seed a workspace, point a `WebClient` at `.url`, read what happened."""

    def __init__(
        self,
        identity: Identity | None = None,
        *,
        clock: Clock = time.monotonic,
        epoch: int = 1_700_000_000,
        port: int = 0,
        scopes: Iterable[str] | None = None,
    ) -> None:
        super().__init__(identity, clock=clock, epoch=epoch, scopes=scopes)
        self._port = port
        self._calls: list[Call] = []
        self._injections: list[_Injection] = []
        self._random_refusals: dict[str, tuple[float, int, random.Random]] = {}
        self._rate_limiter: RateLimiter | None = None
        self._response_urls: set[str] = set()
        self._responses: list[ResponsePost] = []

    def _serve(self) -> HTTPServer:
        return _Server(self, self._port)

    @property
    def base_url(self) -> str:
        """The server's root, e.g. http://127.0.0.1:54321/."""
        return f"http://127.0.0.1:{self.port}/"

    @property
    def url(self) -> str:
        """The Web API base URL, for `WebClient(base_url=fake.url)`."""
        return f"{self.base_url}api/"

    def new_response_url(self) -> str:
        """A response_url served by the fake, as Slack puts in commands and message actions."""
        with self._lock:
            url = f"{self.base_url}response/{self._store.new_id('R')}"
            self._response_urls.add(url)
            return url

    def inject(
        self,
        method: str = "*",
        *,
        status: int | None = None,
        retry_after: int = 1,
        error: str | None = None,
        delay: float = 0.0,
        html: bool = False,
        times: int = 1,
        late_reply: float = 0.0,
        hold_reply: threading.Event | None = None,
    ) -> None:
        """Make the next `times` calls to `method` ("*": any method) misbehave, in the order injected.

        `status` 429 answers with `Retry-After`; 5xx with `fatal_error` (or an HTML page when `html`); 200
        answers normally, or with the Slack error `error` if given. Without `status`: `error` means 200, a
        bare `delay` means a normal but late answer, and neither means 429. `delay` seconds pass first.
        `late_reply` does the work (a message is posted) and only then waits before answering: the caller's
        timeout fires although Slack has the message, which is what a lost reply looks like.
        `hold_reply` does the work and answers only once the test sets the event: the test decides what
        happens while Slack has the message and the caller does not know it yet, without waiting for a clock.
        """
        if status is None:
            status = 200 if error is not None or delay or late_reply or hold_reply else 429
        with self._lock:
            self._injections.append(
                _Injection(
                    method, status, retry_after, error, delay, html, times, late_reply=late_reply, hold_reply=hold_reply
                )
            )

    def refuse_randomly(self, method: str, fraction: float, *, retry_after: int = 1, seed: int = 0) -> None:
        """Answer this fraction of calls to `method` with 429 (before doing anything), at random but repeatably."""
        with self._lock:
            self._random_refusals[method] = (fraction, retry_after, random.Random(seed))  # noqa: S311 - fault injection, not security

    def set_rate_limits(self, limits: RateLimits | None = None) -> None:
        """Enforce Slack's rate limits (the published tiers, or `limits`); off until this is called."""
        self._rate_limiter = RateLimiter(limits or RateLimits(), self.clock)

    def disable_rate_limits(self) -> None:
        self._rate_limiter = None

    @property
    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [call for call in self._calls if call.method == method]

    @property
    def responses(self) -> list[ResponsePost]:
        """Everything posted to response_urls, accepted or not."""
        with self._lock:
            return list(self._responses)

    def _handle(self, path: str, headers: Mapping[str, str], raw: bytes) -> _Reply:
        route = urlsplit(path)
        if route.path.startswith("/upload/"):
            return self._serve_upload(route.path.removeprefix("/upload/"), raw)
        if route.path.startswith("/files-pri/"):
            return self._serve_file(route.path.removeprefix("/files-pri/"), headers.get("authorization", ""))
        try:
            params = {**dict(parse_qsl(route.query)), **_decode_body(raw, headers.get("content-type", ""))}
        except (ValueError, UnicodeDecodeError):
            return _Reply.json(200, SlackError("invalid_form_data").body())
        if route.path.startswith("/api/"):
            return self._serve_api(route.path.removeprefix("/api/"), params, headers.get("authorization", ""))
        if route.path.startswith("/response/"):
            return self._serve_response_url(f"{self.base_url}{route.path.lstrip('/')}", params)
        return _Reply.text(404, "not found")

    def _serve_api(self, method: str, params: JSON, authorization: str) -> _Reply:
        token = authorization.removeprefix("Bearer ").strip() or str(params.get("token") or "")
        params.pop("token", None)
        injection = self._take_injection(method)
        if injection is not None and injection.delay:
            time.sleep(injection.delay)
        # The work and its record happen under one lock: a test that sees the change also sees the call.
        with self._changed:
            if injection is not None and (injection.status != 200 or injection.error):
                reply = _injected_reply(injection)
            else:
                reply = self._answer(method, params, token)
            self._calls.append(Call(method, params, reply.status, reply.decoded(), self.clock()))
            self._changed.notify_all()
        if injection is not None and injection.late_reply:
            time.sleep(injection.late_reply)
        if injection is not None and injection.hold_reply is not None:
            injection.hold_reply.wait(HOLD_LIMIT_SECONDS)
        return reply

    def _answer(self, method: str, params: JSON, token: str) -> _Reply:
        try:
            self.authenticate(method, token)
            self.authorize(method, params)
            retry_after = self._admit(method, params)
            if retry_after is not None:
                return _Reply.json(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)})
            return _Reply.json(200, {"ok": True, **self.call(method, params)})
        except SlackError as error:
            return _Reply.json(200, error.body())
        except Exception as crash:
            # A malformed argument the fake does not check, or a bug in it: answer like Slack's own crash, and
            # keep the cause where a test can see it instead of a dropped connection.
            with self._lock:
                self._store.warnings.append(f"{method} crashed the fake: {crash!r}")
            return _Reply.json(500, {"ok": False, "error": "fatal_error"})

    def _take_injection(self, method: str) -> _Injection | None:
        with self._lock:
            refusal = self._random_refusals.get(method)
            if refusal is not None and refusal[2].random() < refusal[0]:
                return _Injection(method, 429, refusal[1], None, 0.0, False, 1)
            injection = next((i for i in self._injections if i.method in (method, "*")), None)
            if injection is not None:
                injection.remaining -= 1
                if injection.remaining <= 0:
                    self._injections.remove(injection)
            return injection

    def _admit(self, method: str, params: JSON) -> int | None:
        limiter = self._rate_limiter
        if limiter is None:
            return None
        # chat.postMessage to a user id lands in that user's DM, so a DM counts under its user's id.
        channel_id = str(params.get("channel") or "")
        channel = self.channel(channel_id)
        return limiter.admit(method, channel.dm_user if channel and channel.dm_user else channel_id)

    def _serve_response_url(self, url: str, payload: JSON) -> _Reply:
        with self._changed:
            if url not in self._response_urls:
                return _Reply.text(404, "no_such_url")
            status, error = 200, None
            try:
                # Deleting the original needs no content; anything else is checked like a message.
                if not payload.get("delete_original"):
                    message_content(payload)
            except SlackError as refused:
                # Like incoming webhooks, a response_url refuses with HTTP 400 and the bare error code.
                status, error = 400, refused.code
            self._responses.append(ResponsePost(url, payload, status, error, self.clock()))
            self._changed.notify_all()
            return _Reply.text(status, error or "ok")

    def _serve_file(self, path: str, authorization: str) -> _Reply:
        """A file's url_private: its bytes with the bot token; without one, Slack answers with its sign-in page."""
        team_and_file = path.partition("/")[0]
        file_id = team_and_file.rpartition("-")[2]
        token = authorization.removeprefix("Bearer ").strip()
        file = self.file(file_id)
        if file is None or file.content is None:  # unknown, or its upload never finished
            return _Reply.text(404, "file_not_found")
        content = self.download(file_id, token)
        if content is None:
            # An app that forgets the Authorization header gets HTML with status 200, not an error.
            return _Reply.text(200, _SIGN_IN_PAGE, "text/html; charset=utf-8")
        return _Reply(200, content, "application/octet-stream")

    def _serve_upload(self, file_id: str, raw: bytes) -> _Reply:
        if not self.store_upload(file_id, raw):
            return _Reply.text(404, "file_not_found")
        return _Reply.text(200, f"OK - {len(raw)}")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # Hundreds of concurrent senders (one DM each) must not overflow the listen backlog.
    request_queue_size = 512

    def __init__(self, fake: FakeSlack, port: int) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.fake = fake


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        self._serve()

    def do_GET(self) -> None:
        self._serve()

    def _serve(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {name.lower(): value for name, value in self.headers.items()}
        reply = self.server.fake._handle(self.path, headers, raw)
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: tests and the demo have their own output."""


def _decode_body(raw: bytes, content_type: str) -> JSON:
    if not raw:
        return {}
    if content_type.startswith("application/json"):
        decoded = json.loads(raw)
        return _decode_json_params(decoded) if isinstance(decoded, dict) else {}
    params: JSON = dict(parse_qsl(raw.decode(), keep_blank_values=True))
    if set(params) == {"payload"}:  # a response_url also takes a form post with the JSON in `payload`
        return dict(json.loads(params["payload"]))
    return _decode_json_params(params)


def _decode_json_params(params: JSON) -> JSON:
    for name in JSON_PARAMS & params.keys():
        if isinstance(params[name], str):
            # Bad JSON stays a string, for which the method answers with its own parse error.
            with contextlib.suppress(json.JSONDecodeError):
                params[name] = json.loads(params[name])
    return params


def _injected_reply(injection: _Injection) -> _Reply:
    if injection.status == 429:
        headers = {"Retry-After": str(injection.retry_after)}
        return _Reply.json(429, {"ok": False, "error": "ratelimited"}, headers)
    if injection.status >= 500 and injection.html:
        page = f"<html><body><h1>{injection.status} Service Unavailable</h1></body></html>"
        return _Reply.text(injection.status, page, "text/html; charset=utf-8")
    return _Reply.json(injection.status, {"ok": False, "error": injection.error or "fatal_error"})
