"""Which URLs are Slack's: the only places replies may be posted and the bot token may be sent.

Slack's own hosts over https, or the origin of the configured SLACK_API_URL (the loopback Slack in tests and
the demo; None in production). A URL from a payload or a file object is data from outside: anything else is
refused, and a redirect off Slack's file host is never followed.
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from http.client import HTTPMessage
from typing import IO
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

SLACK_DOMAIN = "slack.com"
FILE_HOST = "files.slack.com"
DOWNLOAD_TIMEOUT = 20.0


def _origin(url: object) -> tuple[str, str, int | None] | None:
    """(scheme, host, port) of an http(s) URL, or None for anything else (or a URL that cannot be parsed)."""
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        return None
    return parts.scheme, parts.hostname.lower(), port if port is not None else 443 if parts.scheme == "https" else 80


def _is_configured(url: object, api_base_url: str | None) -> bool:
    """The loopback Slack: same scheme, host and port as the configured Web API base URL."""
    origin = _origin(url)
    return origin is not None and api_base_url is not None and origin == _origin(api_base_url)


def is_response_url(url: object, api_base_url: str | None) -> bool:
    """A response_url Slack could have sent: https on slack.com or a subdomain (hooks.slack.com), or loopback."""
    origin = _origin(url)
    if origin is not None and origin[0] == "https" and origin[2] == 443:
        host = origin[1]
        if host == SLACK_DOMAIN or host.endswith("." + SLACK_DOMAIN):
            return True
    return _is_configured(url, api_base_url)


def is_file_url(url: object, api_base_url: str | None) -> bool:
    """A url_private the bot token may go to: https on Slack's file host, or the loopback Slack."""
    return _origin(url) == ("https", FILE_HOST, 443) or _is_configured(url, api_base_url)


class FileRefused(Exception):
    """A file's URL is not on Slack's file host: nothing was sent there."""


class FileTooLarge(ValueError):
    """The file is larger than the caller's limit: only the first bytes over it were read."""


class RedirectNotFollowed(OSError):
    """The file host sent the download elsewhere, which is not followed: a failed download, not a file outside
    Slack. Slack does this when the token lacks files:read (to the workspace's sign-in page on *.slack.com)."""


def download_slack_file(url: str, token: str, *, max_bytes: int, api_base_url: str | None) -> bytes:
    """A private file's bytes from Slack's file host, with the bot token; at most `max_bytes`.

    `api_base_url` is the configured SLACK_API_URL (None in production): only then is its host a file host.
    Raises FileRefused for a URL outside Slack's file host; ValueError for a sign-in page instead of the file
    or a file over the limit (FileTooLarge); OSError when the host cannot be reached or redirects off the file host
    (RedirectNotFollowed: the token goes nowhere else).
    """
    if not is_file_url(url, api_base_url):
        raise FileRefused(f"not Slack's file host: {url[:200]!r}")
    opener = urllib.request.build_opener(_SlackOnlyRedirects(api_base_url))
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})  # noqa: S310 - checked above
    with opener.open(request, timeout=DOWNLOAD_TIMEOUT) as response:
        if str(response.headers.get("Content-Type", "")).startswith("text/html"):
            raise ValueError("Slack answered with a web page instead of the file (is files:read granted?)")
        content: bytes = response.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise FileTooLarge(f"larger than {max_bytes} bytes")
    return content


class _SlackOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """urllib copies the Authorization header to wherever a redirect points; only Slack's file host may get it,
    so a redirect anywhere else is not followed at all."""

    def __init__(self, api_base_url: str | None) -> None:
        self._api_base_url = api_base_url

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        if not is_file_url(newurl, self._api_base_url):
            log.warning("Did not follow a redirect of a Slack file to another host (files:read?): %s", newurl[:200])
            raise RedirectNotFollowed(f"redirected away from Slack's file host: {newurl[:200]!r}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)
