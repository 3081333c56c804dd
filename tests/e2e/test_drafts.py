"""Drafts from anywhere, end to end: `remissbot import --save` at the command line, then *Utkast* in the
coordinator's App Home, Öppna, a change, Skicka remissen, and the officials' DMs; `remissbot send`; and a
draft's case number typed again in Slack. The real app against the loopback Slack, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.core.domain.remiss import QuestionKind, RemissStatus
from bot.core.usecases.results import RemissInput
from devtools.clocks import FakeClock
from devtools.sandbox.block_kit import view_errors
from devtools.sandbox.harness import Sandbox
from devtools.sandbox.screen import blocks_shown
from handlers import ids
from handlers.draft_blocks import DRAFT_EXISTS_VIEW
from tests.e2e.conftest import COORDINATOR, load_directory
from tests.e2e.test_create import as_filled, draft_message, form, open_form, remiss_dms, top_view, typed, view_when
from tests.test_cli import remiss_document

ANNA = "U0ANNA"


@pytest.fixture
def clock() -> FakeClock:
    # The command line runs on the system clock; the bot's fake clock starts at the same moment.
    return FakeClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
def box(sandbox: Sandbox, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    """The sandbox with a contact in Slack for Tekniska nämnden and MKB, and the command line on its database."""
    load_directory(sandbox, {"tekniska-namnden": (ANNA,), "mkb": ("U0BERTIL",)})
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("REMISSBOT_COORDINATORS", COORDINATOR)
    yield sandbox
    assert sandbox.fake.warnings == []


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def home_when(box: Sandbox, condition: Callable[[str], bool]) -> str:
    """The coordinator opens the Home tab; what it shows once that satisfies `condition`."""
    box.driver.app_home_opened(COORDINATOR)

    def found() -> str | None:
        home = box.fake.home_of(COORDINATOR)
        text = blocks_shown(home) if home else ""
        return text if home and condition(text) else None

    return box.fake.wait_for(found)


def test_an_imported_draft_is_opened_from_the_app_home_changed_and_sent_in_slack(
    box: Sandbox, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cli(capsys, "import", str(remiss_document(tmp_path, date.today() + timedelta(days=40))), "--save")
    home = home_when(box, lambda shown: ids.OPEN_DRAFT in shown)
    assert "STK-2031-12" in home and "Ny cykelplan för Malmö" in home
    assert f"ägare <@{COORDINATOR}>" in home and "3 remissinstanser" in home
    shown = box.fake.home_of(COORDINATOR)
    assert shown is not None and view_errors(shown.payload) == []
    [opener] = [b for b in shown.payload["blocks"] if b.get("accessory", {}).get("action_id") == ids.OPEN_DRAFT]
    assert (opener["accessory"]["text"]["text"], opener["accessory"]["value"]) == ("Öppna", "STK-2031-12")

    box.driver.block_action(COORDINATOR, ids.OPEN_DRAFT)
    view = top_view(box)
    assert view.callback_id == ids.NEW_REMISS_VIEW and "STK-2031-12" in blocks_shown(view)
    filled = as_filled(view)
    assert filled["title"]["value"]["value"] == "Ny cykelplan för Malmö"
    filled["title"] = typed("Ny cykelplan för Malmö, reviderad")
    box.driver.view_submission(COORDINATOR, filled)
    preview = view_when(box, lambda v: v.callback_id == ids.PREVIEW_VIEW)
    box.driver.view_submission(COORDINATOR, as_filled(preview))
    draft = draft_message(box)
    assert "reviderad" in blocks_shown(draft)
    assert box.fake.views_of(COORDINATOR) == []

    box.driver.block_action(COORDINATOR, ids.SEND_DRAFT, message=draft)
    box.fake.wait_for(lambda: box.core.service.queries.overview("STK-2031-12").remiss.status is RemissStatus.SENT)
    box.courier.drain()
    [dm] = remiss_dms(box, ANNA)
    assert "Ny cykelplan för Malmö, reviderad" in blocks_shown(dm)
    assert remiss_dms(box, "U0BERTIL")
    remiss = box.core.service.queries.overview("STK-2031-12").remiss
    assert remiss.coordinators == (COORDINATOR,)
    trail = box.core.service.queries.audit_trail("STK-2031-12")
    assert trail[0].actor.startswith("cli:") and trail[-1].actor == COORDINATOR
    home = home_when(box, lambda shown: ids.OPEN_DRAFT not in shown)
    assert '"Utkast"' not in home and "Ny cykelplan för Malmö, reviderad" in home  # now among the open remisses


def test_remissbot_send_sends_an_imported_draft_and_the_bot_delivers_it(
    box: Sandbox, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cli(capsys, "import", str(remiss_document(tmp_path, date.today() + timedelta(days=40))), "--save")
    out = cli(capsys, "send", "STK-2031-12")
    assert "till 2 remissinstanser:" in out and f"Tekniska nämnden: {ANNA}" in out
    assert "Kunde inte nås (ingen kontaktperson i Slack i katalogen): Stadsbyggnadsnämnden." in out
    box.courier.drain()
    [dm] = remiss_dms(box, ANNA)
    assert "Ny cykelplan för Malmö" in blocks_shown(dm)
    # The status message goes to the draft's owner, never to a placeholder.
    assert any("STK-2031-12" in blocks_shown(m) for m in box.fake.messages_in(COORDINATOR))
    assert main(["send", "STK-2031-12"]) == 1
    assert "redan skickad" in capsys.readouterr().err


def stored_draft(box: Sandbox) -> None:
    service = box.core.service
    data = RemissInput(
        "STK-2023-137",
        "Områdeslyft, utkastet",
        [("Hur ser nämnden på förslaget?", QuestionKind.FREE_TEXT)],
        box.core.service.today() + timedelta(days=30),
        ["tekniska-namnden"],
    )
    service.drafting.create_draft(service.actor(COORDINATOR), data)


def test_the_number_of_a_draft_typed_in_a_new_form_offers_to_open_it_and_nothing_typed_is_lost(box: Sandbox) -> None:
    stored_draft(box)
    typed_form = open_form(box)
    answer = box.driver.view_submission(COORDINATOR, form(case_number=" STK-2023-137 ", deadline=None)).json()
    assert answer["response_action"] == "push"
    offer = top_view(box)
    assert offer.callback_id == DRAFT_EXISTS_VIEW
    assert "Det finns redan ett utkast med diarienummer *STK-2023-137*: Områdeslyft, utkastet" in blocks_shown(offer)
    assert [v.id for v in box.fake.views_of(COORDINATOR)] == [typed_form.id, offer.id]

    box.driver.block_action(COORDINATOR, ids.OPEN_DRAFT, view_id=offer.id)
    opened = view_when(box, lambda v: v.callback_id == ids.NEW_REMISS_VIEW and v.id == offer.id)
    assert as_filled(opened)["title"]["value"]["value"] == "Områdeslyft, utkastet"
    filled = as_filled(opened)
    filled["title"] = typed("Områdeslyft, ändrat")
    box.driver.view_submission(COORDINATOR, filled)
    preview = view_when(box, lambda v: v.callback_id == ids.PREVIEW_VIEW)
    assert box.driver.view_submission(COORDINATOR, as_filled(preview)).json() == {"response_action": "clear"}
    assert "Områdeslyft, ändrat" in blocks_shown(draft_message(box))
    assert box.fake.views_of(COORDINATOR) == []
    assert box.core.service.queries.overview("STK-2023-137").remiss.title == "Områdeslyft, ändrat"


def test_remiss_ny_with_a_drafts_number_opens_it_and_with_a_sent_ones_says_so(box: Sandbox) -> None:
    stored_draft(box)
    box.driver.slash_command(COORDINATOR, "/remiss", "ny STK-2023-137")
    view = top_view(box)
    assert view.callback_id == ids.NEW_REMISS_VIEW and "STK-2023-137" in blocks_shown(view)
    assert as_filled(view)["title"]["value"]["value"] == "Områdeslyft, utkastet"
    box.fake.close_views(COORDINATOR, view.id)
    box.core.service.drafting.send(box.core.service.actor(COORDINATOR), "STK-2023-137")
    box.driver.slash_command(COORDINATOR, "/remiss", "ny STK-2023-137")
    told = box.fake.wait_for(
        lambda: next((r for r in box.fake.responses if "är redan skickad" in str(r.payload.get("text"))), None)
    )
    assert "Remiss STK-2023-137 är redan skickad. Skriv `/remiss status STK-2023-137`" in str(told.payload["text"])
    box.driver.slash_command(COORDINATOR, "/remiss", "ny STK-2023-200")
    fresh = view_when(box, lambda v: v.id != view.id)
    assert as_filled(fresh)["case_number"]["value"]["value"] == "STK-2023-200"


def test_a_sent_remiss_number_typed_in_a_new_form_is_still_refused_as_a_duplicate(box: Sandbox) -> None:
    stored_draft(box)
    box.core.service.drafting.send(box.core.service.actor(COORDINATOR), "STK-2023-137")
    open_form(box)
    answer = box.driver.view_submission(COORDINATOR, form(case_number="STK-2023-137")).json()
    assert answer["errors"] == {
        "case_number": "Det finns redan en remiss med diarienummer STK-2023-137. "
        "Öppna den i stället, eller kontrollera numret."
    }
