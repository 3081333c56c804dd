"""Work someone is watching goes first: an answer form on its way holds back work nobody is waiting to see.

After a burst of clicks the answer forms (handlers/answer.py, on their own threads) shared the GIL, the database
and the loopback Slack with work nobody was looking at: saving drafts and redrawing them, refreshing remiss
messages, the courier's rounds (bench/bench_ack.py, issue 11). Forms opened up to a second after the click.
`Precedence` counts the forms queued or under way; work nobody watches waits, before it starts, until none is
left, or at most `limit` seconds, so it is delayed, never starved nor lost.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from functools import partial
from typing import ParamSpec, TypeVar

_P = ParamSpec("_P")
_T = TypeVar("_T")

# The longest work nobody watches waits for the forms: a burst of 50 opens its forms in under a second.
YIELD_LIMIT = 2.0


class Precedence:
    """How many watched pieces of work are queued or under way, and a wait for there to be none."""

    def __init__(self, limit: float = YIELD_LIMIT) -> None:
        self.limit = limit
        self._watched = 0
        self._changed = threading.Condition()

    def begin(self) -> None:
        with self._changed:
            self._watched += 1

    def end(self) -> None:
        with self._changed:
            self._watched -= 1
            if self._watched == 0:
                self._changed.notify_all()

    def give_way(self) -> None:
        """Wait until no watched work is left, at most `limit` seconds."""
        with self._changed:
            self._changed.wait_for(lambda: self._watched == 0, timeout=self.limit)


class Watched(Executor):
    """An executor whose work someone is watching: each piece counts in `precedence` from submit to its end."""

    def __init__(self, inner: Executor, precedence: Precedence) -> None:
        self._inner, self._precedence = inner, precedence

    def submit(self, fn: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs) -> Future[_T]:
        self._precedence.begin()
        try:
            return self._inner.submit(self._run, partial(fn, *args, **kwargs))
        except BaseException:  # not queued (shut down): it will never end
            self._precedence.end()
            raise

    def _run(self, work: Callable[[], _T]) -> _T:
        try:
            return work()
        finally:
            self._precedence.end()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._inner.shutdown(wait=wait, cancel_futures=cancel_futures)


class Unwatched(Executor):
    """An executor whose work nobody is watching: each piece, before it starts, gives way to watched work."""

    def __init__(self, inner: Executor, precedence: Precedence) -> None:
        self._inner, self._precedence = inner, precedence

    def submit(self, fn: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs) -> Future[_T]:
        return self._inner.submit(self._run, partial(fn, *args, **kwargs))

    def _run(self, work: Callable[[], _T]) -> _T:
        self._precedence.give_way()
        return work()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._inner.shutdown(wait=wait, cancel_futures=cancel_futures)
