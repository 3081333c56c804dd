"""The replicas' sending benchmark still runs: two replica processes send a small remiss, none lost or doubled."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "bench_send_replicas.py"


@pytest.mark.postgres
def test_the_replicas_benchmark_sends_a_small_remiss_from_two_processes(postgres_server_url: str) -> None:
    command = [sys.executable, str(BENCH), "--recipients", "6", "--runs", "1", "--replicas", "2"]
    command += ["--refuse", "0", "--postgres", postgres_server_url]

    done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)

    assert done.returncode == 0, done.stderr
    assert "2 replica(s), shared budget, run 1: 6 DMs in" in done.stdout
    assert "lost 0; duplicated 0" in done.stdout
