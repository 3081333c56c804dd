"""`remissbot orgs load` offering to send, `remissbot resend` and `remissbot add-recipient`."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.adapters.directory_file import parse_directory
from bot.bootstrap import build_core
from bot.core.clock import STOCKHOLM
from bot.core.domain.audit import AuditAction
from bot.core.domain.remiss import QuestionKind
from bot.core.usecases.results import Actor, RemissInput
from bot.settings import load_settings
from devtools.clocks import FakeClock
from tests.directory_files import MKB, STADSKONTORET, TEKNISKA_NAMNDEN, directory_file
from tests.test_cli import environment, load_directory, run  # noqa: F401 (the autouse fixture)

DIRECTORY = directory_file(
    STADSKONTORET,
    TEKNISKA_NAMNDEN,
    MKB,
    """\
  - key: kulturnamnden
    name: Kulturnämnden
    kind: nämnd
    contacts: [U0KULT]
""",
)
WITH_MKB_CONTACT = DIRECTORY.replace("    kind: bolag\n", "    kind: bolag\n    contacts: [U0MKB]\n")
MIA = Actor("U0MIA", is_coordinator=True)
# The command runs on the system clock: the remiss is sent today with a deadline two months ahead.
DEADLINE = datetime.now(STOCKHOLM).date() + timedelta(days=60)


@pytest.fixture
def sent() -> None:
    """STK-2023-137 sent to Tekniska nämnden and MKB, which has no contact."""
    core = build_core(load_settings(), clock=FakeClock(datetime.now(STOCKHOLM)))
    try:
        service = core.service
        service.directory.replace_directory(parse_directory(DIRECTORY))
        question = [("Hur ser nämnden på förslaget?", QuestionKind.FREE_TEXT)]
        keys = ["tekniska-namnden", "mkb"]
        service.drafting.create_draft(MIA, RemissInput("STK-2023-137", "Områdeslyft", question, DEADLINE, keys))
        service.drafting.send(MIA, "STK-2023-137")
    finally:
        core.close()


def audit_actions() -> list[AuditAction]:
    core = build_core(load_settings())
    try:
        return [e.action for e in core.service.queries.audit_trail("STK-2023-137")]
    finally:
        core.close()


@pytest.mark.usefixtures("sent")
def test_a_directory_giving_a_contact_prints_the_command_then_resend_sends_once(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = load_directory(capsys, tmp_path, WITH_MKB_CONTACT)
    assert code == 0
    assert "Skicka remissen till dem med:" in out
    assert "  STK-2023-137  MKB: remissbot resend STK-2023-137 mkb" in out

    code, out, _ = run(capsys, "resend", "STK-2023-137", "mkb")
    assert code == 0
    assert "Remiss STK-2023-137 skickas igen till MKB: U0MKB får den nu." in out
    assert "(tidigare ingen som kunde nås)" in out

    code, _, err = run(capsys, "resend", "STK-2023-137", "mkb")
    assert code == 1
    assert "Kontaktpersonerna för MKB i katalogen har redan fått remissen." in err
    assert audit_actions().count(AuditAction.RESENT) == 1
    # Loading the same directory again offers nothing: MKB has its official now.
    code, out, _ = load_directory(capsys, tmp_path, WITH_MKB_CONTACT)
    assert "remissbot resend" not in out


@pytest.mark.usefixtures("sent")
def test_resend_with_still_no_contact_says_to_load_the_directory(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "resend", "STK-2023-137", "mkb")
    assert code == 1
    assert "Katalogen har fortfarande ingen kontaktperson för MKB" in err and "remissbot orgs load" in err


@pytest.mark.usefixtures("sent")
def test_add_recipient_with_its_own_deadline_and_its_refusals(capsys: pytest.CaptureFixture[str]) -> None:
    own = DEADLINE + timedelta(days=14)
    code, out, _ = run(capsys, "add-recipient", "STK-2023-137", "kulturnamnden", "--deadline", own.isoformat())
    assert code == 0, out
    assert "Kulturnämnden är tillagd som remissinstans för STK-2023-137" in out
    assert "Remissen skickas till U0KULT." in out
    assert AuditAction.RECIPIENT_ADDED in audit_actions()

    code, _, err = run(capsys, "add-recipient", "STK-2023-137", "kulturnamnden")
    assert code == 1
    assert "Kulturnämnden är redan remissinstans för STK-2023-137." in err
    code, _, err = run(capsys, "add-recipient", "STK-2023-137", "ingen-sadan")
    assert code == 1 and "«ingen-sadan» finns inte i katalogen" in err
    code, _, err = run(capsys, "add-recipient", "STK-2023-137", "stadskontoret", "--deadline", "2020-01-01")
    assert code == 1 and "har redan passerat" in err
    code, _, err = run(capsys, "add-recipient", "STK-2023-137", "stadskontoret", "--deadline", "snart kanske")
    assert code == 2 and "«snart kanske» är inget datum" in err
    code, _, err = run(capsys, "resend", "KS 2099/1", "mkb")
    assert code == 1


def test_add_recipient_to_a_draft_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    core = build_core(load_settings())
    try:
        core.service.directory.replace_directory(parse_directory(DIRECTORY))
        question = [("Hur ser nämnden på förslaget?", QuestionKind.FREE_TEXT)]
        data = RemissInput("STK-2023-137", "Områdeslyft", question, DEADLINE, ["mkb"])
        core.service.drafting.create_draft(MIA, data)
    finally:
        core.close()
    code, _, err = run(capsys, "add-recipient", "STK-2023-137", "kulturnamnden")
    assert code == 1
    assert "ännu inte skickad" in err
