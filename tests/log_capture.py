"""Every log record a test causes, twice: as created (before any redaction) and as the configured handler wrote it."""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from bot.adapters.logs import QUIET_LIBRARIES, configure_logging


class _Everything(logging.Handler):
    """Keeps each record with what it holds rendered now (its message, exception and every attribute)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.rendered: list[str] = []
        self._guard = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        parts = [record.getMessage(), repr(record.args), repr(vars(record))]
        if record.exc_info:
            parts.append(logging.Formatter().formatException(record.exc_info))
        if record.stack_info:
            parts.append(record.stack_info)
        with self._guard:
            self.rendered.append("\n".join(parts))


@dataclass
class Captured:
    raw: _Everything
    written: io.StringIO = field(default_factory=io.StringIO)

    @property
    def records(self) -> list[str]:
        return list(self.raw.rendered)

    @property
    def lines(self) -> list[str]:
        return self.written.getvalue().splitlines()


@contextmanager
def capturing(
    log_format: str, *, level: int = logging.DEBUG, secret_values: tuple[str, ...] = ()
) -> Iterator[Captured]:
    """Logging as the CLI configures it (`log_format` at `level`) into a buffer, plus a root handler that keeps
    every record; the process's logging is as before afterwards."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level, {name: logging.getLogger(name).level for name in QUIET_LIBRARIES})
    captured = Captured(_Everything())
    try:
        configure_logging(log_format, level=level, secret_values=secret_values, stream=captured.written)
        root.addHandler(captured.raw)
        yield captured
    finally:
        handlers, root_level, levels = saved
        for handler in list(root.handlers):
            if handler not in handlers:
                root.removeHandler(handler)
        root.setLevel(root_level)
        for name, library_level in levels.items():
            logging.getLogger(name).setLevel(library_level)
