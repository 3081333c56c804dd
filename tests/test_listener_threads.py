"""A process that serves Slack starts its listeners' threads before the first request, not on the ack's path."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from bot.bootstrap import start_threads


def _named(prefix: str) -> int:
    return sum(1 for thread in threading.enumerate() if thread.name.startswith(prefix))


def test_every_thread_of_a_pool_is_started_before_any_work_is_given_to_it() -> None:
    pool = ThreadPoolExecutor(max_workers=5, thread_name_prefix="test-started")
    try:
        assert _named("test-started") == 0  # a pool starts its threads only as tasks come
        start_threads(pool, 5)
        assert _named("test-started") == 5
        # They are idle again: the next tasks take them rather than starting more.
        assert [pool.submit(abs, -n).result() for n in range(5)] == [0, 1, 2, 3, 4]
        assert _named("test-started") == 5
    finally:
        pool.shutdown(wait=True)
