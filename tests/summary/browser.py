"""Headless Chromium, driven over the DevTools protocol on a pipe, as the tests use it to look at the summary.

Only the standard library: Chromium reads JSON commands on its file descriptor 3 and writes answers and events
on 4, each message ended by a NUL byte (--remote-debugging-pipe). A window cannot be narrower than about 500 px,
so the width of a phone comes from device-metrics emulation, not from --window-size.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import struct
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.summary.programs import program

# Seconds for Chromium to start, load the page and answer each step; a whole look takes a few seconds.
TIMEOUT = 60.0
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
)
# A word up to this long is a name or a label that must not be split across lines in a table (the longest
# organisation name's longest word, "Parkeringsövervakning", has 21 letters); longer ones may break anywhere.
ORDINARY_WORD = 25
# What the page measures once it has loaded: its width against the window's, and the elements that stick out
# past the width asked for (only the innermost, so the message names the culprit, not its containers). A phone
# zooms out a page wider than its screen, so the window's own width may have grown to fit it: hence WIDTH.
MEASURE = """((WIDTH, ORDINARY_WORD) => {
  const root = document.documentElement;
  const name = (e) => `${e.tagName.toLowerCase()}${e.className ? "." + e.className.replace(/ /g, ".") : ""}`;
  const text = (e) => (e.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 60);
  // Visually hidden (a stacked table's column names, clipped to nothing but there for screen readers).
  const hidden = (e) => {
    for (let up = e; up; up = up.parentElement) if (getComputedStyle(up).clipPath !== "none") return true;
    return false;
  };
  const sticking_out = [];
  const scrolling = [];
  for (const element of document.querySelectorAll("body *")) {
    const right = element.getBoundingClientRect().right;
    if (right > WIDTH + 0.5 && ![...element.children].some((c) => c.getBoundingClientRect().right > WIDTH + 0.5)) {
      sticking_out.push(`${name(element)} (${Math.round(right)} px): ${text(element)}`);
    }
    const overflow = getComputedStyle(element).overflowX;
    if ((overflow === "auto" || overflow === "scroll") && element.scrollWidth > element.clientWidth + 1) {
      scrolling.push(`${name(element)} (${element.scrollWidth} in ${element.clientWidth} px): ${text(element)}`);
    }
  }
  // Text wider than its own box (a long word or link that does not wrap) sticks out without its element.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    range.selectNodeContents(node);
    const right = range.getBoundingClientRect().right;
    if (right > WIDTH + 0.5) {
      sticking_out.push(`text in ${name(node.parentElement)} (${Math.round(right)} px): ${text(node)}`);
    }
  }
  // Ordinary words (names, labels) in tables that the layout split across two lines.
  const broken_words = [];
  const cells = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
    acceptNode: (node) => node.parentElement.closest("th, td") && !hidden(node.parentElement)
      ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT,
  });
  for (let node = cells.nextNode(); node; node = cells.nextNode()) {
    for (const match of node.textContent.matchAll(/[^\\s,;:()/–-]+/g)) {
      if (match[0].length > ORDINARY_WORD) continue;
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
      if (tops.size > 1) broken_words.push(`${match[0]} in ${name(node.parentElement)}`);
    }
  }
  return {broken_words: broken_words.slice(0, 10),
          scroll_width: root.scrollWidth, client_width: root.clientWidth, inner_width: window.innerWidth,
          height: root.scrollHeight, sticking_out: sticking_out.slice(0, 10), scrolling: scrolling.slice(0, 10)};
})"""


def chromium_or_skip() -> str:
    """The chromium binary; CI must have it (a developer without it is told why and skipped)."""
    message = "Chromium is not installed (apt-get install chromium): the summary is not looked at in a browser"
    return program(("chromium", "chromium-browser"), message)


@dataclass(frozen=True)
class Look:
    """What the browser saw of a page at one width."""

    width: int
    scroll_width: int
    client_width: int
    inner_width: int
    height: int
    sticking_out: list[str]
    scrolling: list[str]
    broken_words: list[str]
    screenshot: bytes = field(repr=False)


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header (and a check that it is one)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG image")
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def look_at(
    chromium: str, page: Path, widths: Sequence[int], height: int = 900, *, full_page: bool = False
) -> list[Look]:
    """Open `page` at each width in CSS pixels (a phone's viewport below 600 px), measure it and take a
    screenshot of the first screen (or of the whole page); one browser for all widths."""
    with _browser(chromium) as browser:
        target = next(t for t in browser.call("Target.getTargets")["targetInfos"] if t["type"] == "page")
        session = browser.call("Target.attachToTarget", targetId=target["targetId"], flatten=True)["sessionId"]
        browser.call("Page.enable", session)
        return [_look(browser, session, page, width, height, full_page) for width in widths]


def _look(browser: _Pipe, session: str, page: Path, width: int, height: int, full_page: bool) -> Look:
    browser.call(
        "Emulation.setDeviceMetricsOverride",
        session,
        width=width,
        height=height,
        deviceScaleFactor=1,
        mobile=width < 600,
    )
    browser.forget_events()
    browser.call("Page.navigate", session, url=page.as_uri())
    browser.wait_for("Page.loadEventFired", session)
    expression = f"{MEASURE}({width}, {ORDINARY_WORD})"
    measured = browser.call("Runtime.evaluate", session, expression=expression, returnByValue=True)["result"]["value"]
    whole: dict[str, Any] = {}
    if full_page:
        clip = {"x": 0, "y": 0, "width": width, "height": measured["height"], "scale": 1}
        whole = {"captureBeyondViewport": True, "clip": clip}
    shot = browser.call("Page.captureScreenshot", session, format="png", **whole)["data"]
    return Look(width=width, screenshot=base64.b64decode(shot), **measured)


class _Pipe:
    """One Chromium process and its two pipes; commands answered in order, events kept until waited for."""

    def __init__(self, process: subprocess.Popen[bytes], to_browser: int, from_browser: int) -> None:
        self.process = process
        self._out = to_browser
        self._in = from_browser
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict[str, Any]] = []

    def call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        self._deadline = time.monotonic() + TIMEOUT
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session is not None:
            message["sessionId"] = session
        os.write(self._out, json.dumps(message).encode() + b"\0")
        while True:
            answer = self._read()
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                result: dict[str, Any] = answer["result"]
                return result
            self._events.append(answer)

    def forget_events(self) -> None:
        self._events.clear()

    def wait_for(self, event: str, session: str) -> None:
        self._deadline = time.monotonic() + TIMEOUT
        while True:
            for seen in self._events:
                if seen.get("method") == event and seen.get("sessionId") == session:
                    return
            self._events.append(self._read())

    def _read(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = self._deadline - time.monotonic()
            if left <= 0 or not select.select([self._in], [], [], left)[0]:
                raise TimeoutError(f"Chromium did not answer within {TIMEOUT:.0f} s")
            chunk = os.read(self._in, 1 << 20)
            if not chunk:
                raise RuntimeError(f"Chromium closed its pipe (exit code {self.process.poll()})")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        parsed: dict[str, Any] = json.loads(message)
        return parsed


@contextmanager
def _browser(chromium: str) -> Iterator[_Pipe]:
    with tempfile.TemporaryDirectory(prefix="remissbot-chromium-") as profile:
        commands_read, commands_write = os.pipe()
        answers_read, answers_write = os.pipe()

        def onto_3_and_4() -> None:  # in the child, before exec: the descriptors Chromium's pipe mode expects
            high_read = fcntl.fcntl(commands_read, fcntl.F_DUPFD, 10)
            high_write = fcntl.fcntl(answers_write, fcntl.F_DUPFD, 10)
            os.dup2(high_read, 3)
            os.dup2(high_write, 4)

        process = subprocess.Popen(
            [chromium, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(3, 4, commands_read, answers_write),
            preexec_fn=onto_3_and_4,
            env={**os.environ, "HOME": profile},
        )
        os.close(commands_read)
        os.close(answers_write)
        pipe = _Pipe(process, commands_write, answers_read)
        try:
            yield pipe
        finally:
            with suppress(OSError, RuntimeError, TimeoutError):
                pipe.call("Browser.close")
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            os.close(commands_write)
            os.close(answers_read)
