"""Database failures as one line a person can act on (StoreUnavailable), never a traceback; the Swedish is in
templates/errors/database.j2."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL

from bot.adapters.rendering import default_texts
from bot.core.ports.store import StoreUnavailable

_MAX_DETAIL = 200


def _reason(url: URL, message: str) -> tuple[bool, str, str]:
    """(failed while connecting, what went wrong, a detail it names) for a driver's message; the words are in
    templates/errors/database.j2."""
    text = message.lower()
    if "connection refused" in text:
        return True, "refused", ""
    if "timeout expired" in text or "timed out" in text:
        return True, "timeout", ""
    if "resolve host" in text or "translate host name" in text or "name or service not known" in text:
        return True, "unknown_host", str(url.host)
    if "password authentication failed" in text or "no password supplied" in text:
        return True, "login_failed", str(url.username)
    if match := re.search(r'database "([^"]+)" does not exist', message):
        return True, "no_database", match.group(1)
    if match := re.search(r'role "([^"]+)" does not exist', message):
        return True, "no_role", match.group(1)
    if "unable to open database file" in text:
        return True, "cannot_open", ""
    if "database is locked" in text or "database is busy" in text:
        return False, "locked", ""
    if "readonly database" in text or "read-only" in text:
        return False, "read_only", ""
    if "server closed the connection" in text or "terminating connection" in text:
        return False, "closed", ""
    # Unknown: the driver's first line, which names the problem; scrubbed in case it quotes the URL.
    first_line = next(iter(message.strip().splitlines()), "")
    if url.password:
        first_line = first_line.replace(url.password, "***")
    return False, "other", first_line[:_MAX_DETAIL].rstrip(" .")


def says(name: str, /, **params: object) -> str:
    """The line `name` of templates/errors/database.j2."""
    return default_texts().part("errors/database.j2", name, **params)


def where(url: URL) -> str:
    """Where the database is: host:port for a server, the file for SQLite; never the password."""
    return says("where", **place(url))


def describe(url: URL, error: BaseException) -> str:
    """One line: where the database is, what went wrong, and what to do."""
    original = error.orig if isinstance(error, sa_exc.DBAPIError) else error
    connecting, code, value = _reason(url, str(original))
    line = says("unavailable", connecting=connecting, code=code, value=value, **place(url))
    return " ".join(line.split())


def place(url: URL) -> dict[str, object]:
    """The parts of `url` that say where the database is (templates/errors/database.j2 `where`)."""
    return {"backend": url.get_backend_name(), "database": url.database, "host": url.host, "port": url.port}


@contextmanager
def unavailable_on_failure(url: URL) -> Iterator[None]:
    """Raise StoreUnavailable for errors meaning the database can't be used now (not for bad data or bugs)."""
    try:
        yield
    except (sa_exc.OperationalError, sa_exc.InterfaceError) as error:
        raise StoreUnavailable(describe(url, error)) from error
