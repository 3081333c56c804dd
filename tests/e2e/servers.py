"""Small local HTTP servers for the edge tests (one that records what reaches it, one that redirects), and a wait
for a `remissbot serve` process to answer."""

from __future__ import annotations

import subprocess
import threading
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import IO, Any, Self

from devtools.sandbox.fake_slack import POLL_SECONDS


@dataclass(frozen=True)
class Seen:
    """One request as the server received it (header names lower-case)."""

    method: str
    path: str
    headers: Mapping[str, str]


class LocalServer:
    """A server on 127.0.0.1 that records every request and answers each with one fixed reply."""

    def __init__(self, *, status: int = 200, headers: Mapping[str, str] | None = None, body: bytes = b"ok") -> None:
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                with server._lock:
                    server.seen.append(Seen(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}))
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer  # noqa: N815 - the names http.server calls

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(POLL_SECONDS,), daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self._server.shutdown()
        self._server.server_close()


def wait_until_healthy(base: str, process: subprocess.Popen[bytes], errors: IO[bytes] | None = None) -> None:
    """Wait (a minute at most) until the `remissbot serve` at `base` answers /healthz; RuntimeError if it exits
    or never does, with the end of what it wrote to `errors` when given."""
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                if errors is None:
                    raise RuntimeError("remissbot serve did not start") from None
                errors.seek(0)
                said = errors.read().decode(errors="replace")[-2000:]
                raise RuntimeError(f"remissbot serve did not start:\n{said}") from None
            time.sleep(0.2)
