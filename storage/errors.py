"""Database failures as one Swedish line a person can act on (StoreUnavailable), never a traceback."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL

from bot.core.ports.store import StoreUnavailable

CHECK_URL = "Kontrollera DATABASE_URL."
_MAX_DETAIL = 200


def where(url: URL) -> str:
    """Where the database is: host:port for a server, the file for SQLite; never the password."""
    if url.get_backend_name() == "sqlite":
        return "i minnet" if url.database in (None, "", ":memory:") else f"i filen {url.database}"
    return f"på {url.host or 'localhost'}:{url.port or 5432}"


def _reason(url: URL, message: str) -> tuple[bool, str, str]:
    """(failed while connecting, what went wrong, what to do) for a driver's message."""
    text = message.lower()
    if "connection refused" in text:
        return True, "anslutningen nekades", "Kontrollera att databasservern kör och DATABASE_URL."
    if "timeout expired" in text or "timed out" in text:
        return True, "ingen svarade inom tidsgränsen", "Kontrollera nätverket och DATABASE_URL."
    if "resolve host" in text or "translate host name" in text or "name or service not known" in text:
        return True, f"värdnamnet {url.host} hittades inte", CHECK_URL
    if "password authentication failed" in text or "no password supplied" in text:
        return True, f"inloggningen som {url.username} misslyckades", "Kontrollera användare och lösenord."
    if match := re.search(r'database "([^"]+)" does not exist', message):
        return True, f"databasen {match.group(1)} finns inte", "Skapa den eller ändra DATABASE_URL."
    if match := re.search(r'role "([^"]+)" does not exist', message):
        return True, f"användaren {match.group(1)} finns inte", CHECK_URL
    if "unable to open database file" in text:
        return True, "filen kan inte öppnas", "Kontrollera sökvägen i DATABASE_URL och filens rättigheter."
    if "database is locked" in text or "database is busy" in text:
        return False, "databasen är låst av en annan skrivning", "Försök igen om en stund."
    if "readonly database" in text or "read-only" in text:
        return False, "databasen är skrivskyddad", "Kontrollera filens rättigheter."
    if "server closed the connection" in text or "terminating connection" in text:
        return False, "servern stängde anslutningen", "Försök igen om en stund."
    # Unknown: the driver's first line, which names the problem; scrubbed in case it quotes the URL.
    first_line = next(iter(message.strip().splitlines()), "okänt fel")
    if url.password:
        first_line = first_line.replace(url.password, "***")
    return False, first_line[:_MAX_DETAIL].rstrip(" ."), CHECK_URL


def describe(url: URL, error: BaseException) -> str:
    """One line: where the database is, what went wrong, and what to do."""
    original = error.orig if isinstance(error, sa_exc.DBAPIError) else error
    connecting, reason, advice = _reason(url, str(original))
    verb = "ansluta till" if connecting else "använda"
    return " ".join(f"Kan inte {verb} databasen {where(url)}: {reason}. {advice}".split())


@contextmanager
def unavailable_on_failure(url: URL) -> Iterator[None]:
    """Raise StoreUnavailable for errors meaning the database can't be used now (not for bad data or bugs)."""
    try:
        yield
    except (sa_exc.OperationalError, sa_exc.InterfaceError) as error:
        raise StoreUnavailable(describe(url, error)) from error
