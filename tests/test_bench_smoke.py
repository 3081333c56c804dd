"""The acknowledgement benchmark still runs: two officials open, draft and submit through the real app."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench" / "bench_ack.py"


def test_the_acknowledgement_benchmark_times_two_officials_opening_drafting_and_submitting() -> None:
    command = [sys.executable, str(BENCH), "--officials", "2", "--runs", "1", "--database", "sqlite", "--diagnose"]

    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)

    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "sqlite run 1: 2 officials, 6 interactions in" in out and "2 answers stored" in out
    for kind in ("open", "draft", "submit", "all"):
        assert f"  {kind:<6} server p50" in out
    # Each official writes at least three times (opened, the draft, the answer); the diagnosis counts them all.
    written = re.search(r"write transactions: (\d+);", out)
    assert written is not None and int(written.group(1)) >= 6
    assert "target p99 <= 100 ms" in out
