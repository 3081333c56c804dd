"""Logging, configured once per process: plain text (the default) or one JSON object per line, each line with
what it is about (request id, Slack team, user, diarienummer, action) and nothing secret in it.

What a line is about lives in a context variable. The Slack edge (handlers/middleware.py) starts it for each
request, a RecipientRef adds the diarienummer when it is read, and the CLI, the scheduler's jobs and the courier
start their own. Work handed to another thread takes it along (handlers/listening.py copies the context).

Secrets never reach a line. Our own log calls name ids, keys and error codes, never a token, the signing secret
or what someone wrote; `Redactor` is the safety net under that: every line (message, exception, extra fields)
has Slack tokens and the configured secrets replaced, and a Slack payload that a library logs is cut off. The
Slack libraries and SQLAlchemy log bodies and bound parameters at DEBUG, so they are held at INFO and WARNING
even under --debug.
"""

from __future__ import annotations

import contextlib
import logging
import re
import secrets
import sys
from collections.abc import Iterable, Iterator, Mapping
from contextvars import ContextVar
from types import MappingProxyType
from typing import Any, TextIO

from pythonjsonlogger.json import JsonFormatter

LOG_FORMATS = ("text", "json")
# What a line may be about, in the order a JSON line names them.
FIELDS = ("request_id", "team", "user", "diarienummer", "action")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# Libraries that log request bodies, responses or SQL parameters below these levels (and so, at DEBUG, what an
# official wrote): never lower than this, whatever --debug says.
QUIET_LIBRARIES = {
    "slack_bolt": logging.INFO,  # the ack's body ("Responding with status: 200 body: ...")
    "slack_sdk": logging.INFO,  # every Web API request and response, Socket Mode frames
    "sqlalchemy": logging.WARNING,  # every statement with its bound parameters
    "urllib3": logging.INFO,
    "weasyprint": logging.WARNING,
    "fontTools": logging.WARNING,
    "PIL": logging.INFO,
}

_context: ContextVar[Mapping[str, str]] = ContextVar("remissbot_log_context", default=MappingProxyType({}))

# Slack's tokens: bot (xoxb), user (xoxp), app-level (xapp), configuration and legacy (xoxa, xoxe, xoxr, xoxs).
_TOKEN = re.compile(r"\b(xox[a-z]|xapp)-[A-Za-z0-9-]+")
# Where a Slack payload starts in a library's line: from there on it may hold what someone wrote.
_PAYLOAD = re.compile(
    r"\b(body_params|json_body|query_params|body)\s*[:=]"
    r"|['\"](blocks|view|state|values|rich_text_value|text|attachments|elements|submission|payload)['\"]\s*:"
)
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
REDACTED = "[redacted]"
PAYLOAD_REDACTED = "[Slack payload redacted]"


def new_request_id() -> str:
    """A short random id for one request or one job run (16 hex digits: never mistaken for a secret)."""
    return secrets.token_hex(8)


def request_id_from(header: str | None) -> str:
    """The reverse proxy's X-Request-Id when it looks like one (nginx's $request_id does), else a new id."""
    if header and _REQUEST_ID.fullmatch(header):
        return header
    return new_request_id()


def current() -> Mapping[str, str]:
    """What lines logged here and now are about."""
    return _context.get()


def start(**fields: str | None) -> None:
    """A new unit of work on this thread (a Slack request): what it is about, replacing what was before."""
    _context.set(_known(fields))


def bind(**fields: str | None) -> None:
    """Add to what the current work is about (a diarienummer once it is read from the payload)."""
    _context.set({**_context.get(), **_known(fields)})


@contextlib.contextmanager
def log_context(**fields: str | None) -> Iterator[None]:
    """What the lines logged inside are about, on top of the current context; restored on the way out."""
    token = _context.set({**_context.get(), **_known(fields)})
    try:
        yield
    finally:
        _context.reset(token)


@contextlib.contextmanager
def fresh_context(**fields: str | None) -> Iterator[None]:
    """Like log_context, but forgetting what the thread's context held (a pooled thread's last request)."""
    token = _context.set(_known(fields))
    try:
        yield
    finally:
        _context.reset(token)


def _known(fields: Mapping[str, str | None]) -> dict[str, str]:
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValueError(f"not a log context field: {sorted(unknown)}")
    return {k: str(v) for k, v in fields.items() if v}


class Redactor:
    """Replaces Slack tokens and the given secrets in text, and cuts a Slack payload off a library's line."""

    def __init__(self, secret_values: Iterable[str] = ()) -> None:
        # Longest first, so a secret that contains another is replaced whole; short values are not secrets.
        self._secrets = sorted({s for s in secret_values if s and len(s) >= 8}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for value in self._secrets:
            text = text.replace(value, REDACTED)
        text = _TOKEN.sub(lambda m: f"{m.group(1)}-{REDACTED}", text)
        payload = _PAYLOAD.search(text)
        if payload is not None:
            text = text[: payload.start()] + PAYLOAD_REDACTED
        return text

    def value(self, value: Any) -> Any:
        """`value` with every string in it redacted (a JSON line's fields)."""
        if isinstance(value, str):
            return self(value)
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.value(v) for v in value]
        return value


class ContextFilter(logging.Filter):
    """Puts what the line is about on the record (as attributes), for the formatters."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, value in _context.get().items():
            if not hasattr(record, name):
                setattr(record, name, value)
        return True


class LibraryFloor(logging.Filter):
    """Drops a record of a library in QUIET_LIBRARIES below its level, whatever its logger's level says: Bolt
    sets each logger it makes to the root's level (DEBUG under --debug), past the level set on "slack_bolt"."""

    def filter(self, record: logging.LogRecord) -> bool:
        library = record.name.split(".", 1)[0]
        return record.levelno >= QUIET_LIBRARIES.get(library, logging.NOTSET)


class TextFormatter(logging.Formatter):
    """The plain line, as it always was, redacted."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__(TEXT_FORMAT)
        self._redact = redact

    def format(self, record: logging.LogRecord) -> str:
        return self._redact(super().format(record))


class JsonLineFormatter(JsonFormatter):
    """One JSON object per line: time, level, logger, message, the context fields known, and the exception."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__(
            ["asctime", "levelname", "name", "message"],
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            json_ensure_ascii=False,
        )
        self._redact = redact

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802 - logging's name
        from datetime import UTC, datetime

        return datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds")

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        redacted: dict[str, Any] = self._redact.value(log_data)
        return redacted


class _OurHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The one handler configure_logging installs on the root logger (replaced when it is called again)."""


def configure_logging(
    log_format: str = "text",
    *,
    level: int = logging.INFO,
    secret_values: Iterable[str] = (),
    stream: TextIO | None = None,
    unless_configured: bool = False,
) -> logging.Handler | None:
    """Send every record at `level` or above to `stream` (stderr) in `log_format`, redacted; the libraries in
    QUIET_LIBRARIES no lower than their level. Returns the handler (tests read what it wrote).

    The CLI calls it once, before the command runs, `unless_configured`: like logging.basicConfig, it then
    leaves alone a process whose logging something else (a program running the CLI inside it, a test runner)
    has set up, and returns None."""
    if log_format not in LOG_FORMATS:
        raise ValueError(f"unknown log format {log_format!r}")
    root = logging.getLogger()
    if unless_configured and any(not isinstance(h, _OurHandler) for h in root.handlers):
        return None
    redact = Redactor(secret_values)
    handler = _OurHandler(stream or sys.stderr)
    handler.setFormatter(JsonLineFormatter(redact) if log_format == "json" else TextFormatter(redact))
    handler.addFilter(LibraryFloor())
    handler.addFilter(ContextFilter())
    for old in [h for h in root.handlers if isinstance(h, _OurHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name, floor in QUIET_LIBRARIES.items():
        logging.getLogger(name).setLevel(max(level, floor))
    for name, logger in list(logging.root.manager.loggerDict.items()):  # made before now, with a level of their own
        least = QUIET_LIBRARIES.get(name.split(".", 1)[0])
        if least is not None and isinstance(logger, logging.Logger) and logging.NOTSET < logger.level < least:
            logger.setLevel(least)
    return handler
