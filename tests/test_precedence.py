"""Work nobody watches gives way to the answer forms on their way (bot/adapters/precedence.py), never for ever."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from bot.adapters.precedence import Precedence, Unwatched, Watched


def test_unwatched_work_starts_after_the_watched_work_queued_before_it() -> None:
    precedence = Precedence(limit=10)
    release = threading.Event()
    order: list[str] = []
    with ThreadPoolExecutor(1) as form_pool, ThreadPoolExecutor(1) as after_pool:
        forms, after = Watched(form_pool, precedence), Unwatched(after_pool, precedence)

        def form_opens() -> None:
            release.wait(10)
            order.append("form")

        form = forms.submit(form_opens)
        later = after.submit(order.append, "draft")
        time.sleep(0.2)
        assert order == []  # the draft waits although its own thread is free
        release.set()
        form.result(10)
        later.result(10)
    assert order == ["form", "draft"]


def test_unwatched_work_waits_no_longer_than_the_limit() -> None:
    precedence = Precedence(limit=0.2)
    release = threading.Event()
    with ThreadPoolExecutor(1) as form_pool, ThreadPoolExecutor(1) as after_pool:
        form = Watched(form_pool, precedence).submit(release.wait, 10)
        started = time.monotonic()
        Unwatched(after_pool, precedence).submit(lambda: None).result(5)
        waited = time.monotonic() - started
        release.set()
        form.result(10)
    assert 0.15 < waited < 3


def test_a_failing_form_still_lets_the_rest_go() -> None:
    precedence = Precedence(limit=10)

    def fails() -> None:
        raise RuntimeError("views.update refused")

    with ThreadPoolExecutor(1) as form_pool, ThreadPoolExecutor(1) as after_pool:
        failed = Watched(form_pool, precedence).submit(fails)
        assert isinstance(failed.exception(10), RuntimeError)
        started = time.monotonic()
        Unwatched(after_pool, precedence).submit(lambda: None).result(5)
    assert time.monotonic() - started < 1
