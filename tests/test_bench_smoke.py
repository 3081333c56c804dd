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
    for target in ("server p99 <= 100 ms", "client round trip p99 <= 100 ms", "form in the modal p99 <= 500 ms"):
        assert f"target {target}" in out


def test_the_acknowledgement_benchmark_runs_the_bot_and_the_loopback_slack_in_processes_of_their_own() -> None:
    command = [sys.executable, str(BENCH), "--officials", "2", "--runs", "1", "--database", "sqlite"]

    done = subprocess.run([*command, "--separate-process"], capture_output=True, text=True, timeout=90, check=False)

    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "sqlite: one `remissbot serve` process on one database" in out
    assert "sqlite run 1: 2 officials, 6 interactions in" in out and "2 answers stored" in out
    # Both officials' forms were seen open in the loopback Slack's own process, each moment taken by its clock.
    assert re.search(r"  form   form in it  p50 +[\d.]+ ms", out)


TICK_BENCH = BENCH.parent / "bench_tick.py"


def test_the_reminder_tick_benchmark_times_a_tick_with_reminders_due_and_one_with_none() -> None:
    command = [sys.executable, str(TICK_BENCH), "--remisses", "20", "--small", "10", "--due", "20"]
    command += ["--runs", "1", "--ticks", "2", "--database", "sqlite", "--explain"]

    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)

    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "sqlite large: 20 remisses x 10 = 200 open recipients, 1,400 reminder rows" in out
    assert "sqlite small: 10 remisses x 10 = 100 open recipients" in out
    # The tick checks itself: it claimed and sent exactly the 20 due (else the benchmark fails).
    assert out.count("run 1: tick with 20 due") == 2
    assert "USING INDEX ix_reminder_state_due_at" in out
    assert re.search(r"sqlite ratio tick\(200\)/tick\(100\): nothing due [\d.]+, 20 due [\d.]+ \(target <= 3", out)
