"""The README's first command: the demo runs the real app end to end and leaves its database behind."""

from __future__ import annotations

import io
from pathlib import Path

from bot.demo import run_demo


def test_the_demo_sends_stk_2023_137_to_fifteen_recipients_and_shows_what_they_saw(tmp_path: Path) -> None:
    out = io.StringIO()
    assert run_demo(out, directory=tmp_path) == 0
    text = out.getvalue()
    assert "15 remissinstanser nås, 0 saknar kontakt" in text
    assert "0 av 15 har svarat, 15 har inte öppnat; sista svarsdatum torsdag 30 november 2023" in text
    assert "Parkeringsövervakning i Malmö AB: Har inte öppnat · @Oskar Lund" in text
    assert "svara senast torsdag 30 november 2023 (59 dagar kvar)" in text
    assert 'GET /healthz → 200 {"status": "ok", "database": "ok"}' in text
    assert (tmp_path / "remissbot.db").exists()
