"""Peak memory of `remissbot serve` under an oversized unsigned POST: the body cap must hold without buffering.

Starts the loopback Slack here and `remissbot serve` as a process of its own (on a fresh SQLite file), as
deployed, then sends it two unsigned POSTs to /slack/events: one announcing a 100 MB body (Content-Length)
and streaming it, and one chunked body of 100 MB. It prints the
serve process's peak resident memory (VmHWM from /proc) before and after each, the status it answered, and
how much of the body this client managed to send before the server closed the connection.

Usage: python bench/bench_edge.py [--megabytes 100]
Target: peak memory grows by < 20 MB for a 100 MB body; the answer is 413.
Run by hand (Linux only: it reads /proc); the test suite checks the 413, not the memory.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from devtools.ports import free_port  # noqa: E402
from devtools.sandbox.fake_slack import FakeSlack  # noqa: E402
from tests.e2e.servers import wait_until_healthy  # noqa: E402

BLOCK = b"x" * (1024 * 1024)
SIGNING_SECRET = "0123456789abcdef0123456789abcdef"


def peak_kib(pid: int) -> int:
    """The process's peak resident set size so far, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc status")


def send(base: str, megabytes: int, *, chunked: bool) -> tuple[str, int]:
    """POST `megabytes` of body, block by block, until done or the server stops listening; (status line, MB sent)."""
    address = urlsplit(base)
    framing = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {megabytes * len(BLOCK)}"
    head = "POST /slack/events HTTP/1.1\r\nHost: bot\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    sent = 0
    with socket.create_connection((address.hostname or "", address.port or 80), timeout=30) as connection:
        connection.sendall(f"{head}{framing}\r\n\r\n".encode())
        try:
            for _ in range(megabytes):
                connection.sendall(b"%x\r\n%s\r\n" % (len(BLOCK), BLOCK) if chunked else BLOCK)
                sent += 1
            if chunked:
                connection.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server answered and closed: the rest is never read
        try:
            answer = connection.recv(200).split(b"\r\n", 1)[0].decode(errors="replace")
        except OSError as error:
            answer = f"(no answer: {error})"
    return answer, sent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=100, help="size of the oversized body (default 100)")
    args = parser.parse_args()
    with FakeSlack() as fake, tempfile.TemporaryDirectory(prefix="bench-edge-") as folder:
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder}/bench.db",
            "SLACK_BOT_TOKEN": fake.identity.bot_token,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": fake.url,
        }
        command = [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_healthy(base, process)
            print(f"remissbot serve (pid {process.pid}) peak RSS after start: {peak_kib(process.pid) / 1024:.1f} MB")
            for chunked in (False, True):
                kind = "chunked" if chunked else "Content-Length"
                before = peak_kib(process.pid)
                started = time.perf_counter()
                answer, sent = send(base, args.megabytes, chunked=chunked)
                elapsed = time.perf_counter() - started
                time.sleep(0.5)  # let the server finish with the connection before reading its peak
                after = peak_kib(process.pid)
                print(
                    f"{args.megabytes} MB unsigned, {kind:<14}: {answer!r} after {elapsed:.2f} s, "
                    f"{sent} MB sent before the server closed; peak RSS {before / 1024:.1f} -> {after / 1024:.1f} MB "
                    f"(+{(after - before) / 1024:.1f} MB)"
                )
        finally:
            process.terminate()
            process.wait(timeout=30)
    print("target: + < 20 MB, answer 413")
    return 0


if __name__ == "__main__":
    sys.exit(main())
