"""A stand-in for Slack: a loopback fake of its Web API and a driver that sends its payloads into the app."""

from devtools.sandbox.driver import (
    AppResponse,
    BoltHttpServer,
    DispatchTransport,
    HttpTransport,
    RefusedResponse,
    SlackDriver,
)
from devtools.sandbox.fake_slack import Call, FakeSlack, ResponsePost
from devtools.sandbox.rate_limits import RateLimits
from devtools.sandbox.workspace import Identity, Message, SlackError, User, View

__all__ = [
    "AppResponse",
    "BoltHttpServer",
    "Call",
    "DispatchTransport",
    "FakeSlack",
    "HttpTransport",
    "Identity",
    "Message",
    "RateLimits",
    "RefusedResponse",
    "ResponsePost",
    "SlackDriver",
    "SlackError",
    "User",
    "View",
]
