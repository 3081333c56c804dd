"""A stand-in for Slack: a loopback fake of its Web API and a driver that sends its payloads into the app."""

from bot.sandbox.driver import (
    AppResponse,
    BoltHttpServer,
    DispatchTransport,
    HttpTransport,
    RefusedResponse,
    SlackDriver,
)
from bot.sandbox.fake_slack import Call, FakeSlack, ResponsePost
from bot.sandbox.rate_limits import RateLimits
from bot.sandbox.workspace import Identity, Message, SlackError, User, View

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
