"""`remissbot close`, `reopen` and `withdraw`, and what `remissbot status` says afterwards."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.bootstrap import build_core
from bot.cli import main
from bot.core.clock import STOCKHOLM
from bot.core.domain.audit import AuditAction
from bot.settings import load_settings
from tests.test_cli import environment, run, sent_remiss  # noqa: F401  (the autouse fixture, here too)

SENT = datetime(2023, 10, 2, 10, 0, tzinfo=STOCKHOLM)


def test_close_then_status_says_avslutad_and_a_second_close_says_when_and_by_whom(
    capsys: pytest.CaptureFixture[str],
) -> None:
    sent_remiss(SENT, date(2023, 11, 30))[1].close()
    code, out, err = run(capsys, "close", "STK-2023-137")
    assert (code, err) == (0, "")
    assert out.startswith("Remiss STK-2023-137 (Områdeslyft) är avslutad. Inga fler påminnelser går ut;")

    code, out, _ = run(capsys, "status", "STK-2023-137")
    assert code == 0
    assert "\n  avslutad " in out and " från kommandoraden (" in out
    code, out, _ = run(capsys, "status")
    assert "Det finns inga pågående remisser." in out
    assert "Avslutade remisser\nSTK-2023-137  Områdeslyft\n  avslutad" in out

    code, out, err = run(capsys, "close", "STK-2023-137")
    assert (code, out) == (1, "")
    assert err.startswith("remissbot: Remiss STK-2023-137 är redan avslutad, ")
    assert "Tryck på Återöppna" in err


def test_reopen_sends_it_again_and_withdraw_needs_a_reason(capsys: pytest.CaptureFixture[str]) -> None:
    _, core = sent_remiss(SENT, date(2023, 11, 30))
    core.close()
    code, _, err = run(capsys, "reopen", "STK-2023-137")
    assert code == 1 and "är inte avslutad" in err
    run(capsys, "close", "STK-2023-137")
    code, out, err = run(capsys, "reopen", "STK-2023-137")
    assert (code, err) == (0, "") and "är återöppnad" in out
    code, out, _ = run(capsys, "status")
    assert "STK-2023-137  Områdeslyft" in out and "Avslutade remisser" not in out

    with pytest.raises(SystemExit):  # argparse: --reason is required
        main(["withdraw", "STK-2023-137"])
    capsys.readouterr()
    code, _, err = run(capsys, "withdraw", "STK-2023-137", "--reason", "  ")
    assert code == 1 and "Fältet Skäl måste fyllas i." in err
    code, out, err = run(capsys, "withdraw", "STK-2023-137", "--reason", "Ärendet avskrevs.")
    assert (code, err) == (0, "") and "är återkallad" in out
    code, out, _ = run(capsys, "status", "STK-2023-137")
    assert "återkallad " in out and ": Ärendet avskrevs." in out
    code, _, err = run(capsys, "reopen", "STK-2023-137")
    assert code == 1 and "En återkallad remiss kan inte avslutas, återöppnas eller återkallas igen" in err


def test_closing_from_the_command_line_is_audited_with_the_operator() -> None:
    clock, core = sent_remiss(SENT, date(2023, 11, 30))
    core.close()
    assert main(["close", "STK-2023-137"]) == 0
    again = build_core(load_settings(), clock=clock)
    try:
        [entry] = [e for e in again.service.queries.audit_trail("STK-2023-137") if e.action is AuditAction.CLOSED]
    finally:
        again.close()
    assert entry.actor.startswith("cli:")
