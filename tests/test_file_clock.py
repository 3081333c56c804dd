"""The FileClock several test processes share, and how the composition root picks a clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.core.clock import STOCKHOLM, SystemClock
from devtools.clocks import FAKE_CLOCK_FILE_ENV, FileClock, configured_clock


def test_a_file_clock_reads_the_time_another_process_wrote_in_utc(tmp_path: Path) -> None:
    writer, reader = FileClock(tmp_path / "clock"), FileClock(tmp_path / "clock")

    writer.set(datetime(2023, 11, 16, 9, 0, tzinfo=STOCKHOLM))
    first = reader.now()
    writer.advance(timedelta(seconds=30))

    assert first == datetime(2023, 11, 16, 8, 0, tzinfo=UTC)
    assert first.tzinfo == UTC
    assert reader.now() == datetime(2023, 11, 16, 8, 0, 30, tzinfo=UTC)
    # Replaced whole, never left half-written: no temporary files stay behind.
    assert [p.name for p in tmp_path.iterdir()] == ["clock"]


def test_a_file_clock_refuses_times_without_an_offset(tmp_path: Path) -> None:
    clock = FileClock(tmp_path / "clock")
    with pytest.raises(ValueError, match="aware"):
        clock.set(datetime(2023, 11, 16, 9, 0))
    (tmp_path / "clock").write_text("2023-11-16T09:00:00")
    with pytest.raises(ValueError, match="offset"):
        clock.now()


def test_the_system_clock_is_used_unless_the_fake_clock_file_is_set(tmp_path: Path) -> None:
    path = tmp_path / "clock"
    FileClock(path).set(datetime(2023, 10, 2, 10, 0, tzinfo=timezone(timedelta(hours=2))))

    assert isinstance(configured_clock({}), SystemClock)
    assert isinstance(configured_clock({FAKE_CLOCK_FILE_ENV: ""}), SystemClock)
    chosen = configured_clock({FAKE_CLOCK_FILE_ENV: str(path)})
    assert isinstance(chosen, FileClock)
    assert chosen.now() == datetime(2023, 10, 2, 8, 0, tzinfo=UTC)


def test_a_fake_clock_file_that_is_missing_stops_the_start(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        configured_clock({FAKE_CLOCK_FILE_ENV: str(tmp_path / "nowhere")})
