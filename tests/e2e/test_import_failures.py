"""An import that fails in the bot (its child process dies) is told in the form, whichever way the document
came: picked in the form, or sent to the bot and opened with Skapa remiss. The form never stays "reading"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from devtools.sandbox.harness import Sandbox
from devtools.sandbox.screen import blocks_shown
from devtools.sandbox.workspace import View
from handlers.create.views import CREATE_FROM_DOCUMENT
from tests.e2e.conftest import COORDINATOR
from tests.e2e.test_create import file_share, message_when, pick_document, view_when
from tests.importer.broken_child import Failure, break_import_child
from tests.importer.documents import A_SMALL_REMISS

FAILED = "Filen remiss.txt kunde inte läsas in på grund av ett fel i remissbot."
FAILURES: list[Failure] = ["exits_1", "prints_garbage"]


def told(view: View) -> bool:
    return FAILED in blocks_shown(view)


@pytest.mark.parametrize("failure", FAILURES)
def test_a_failed_import_of_a_picked_file_is_told_in_the_form(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, failure: Failure
) -> None:
    break_import_child(monkeypatch, tmp_path / "broken", failure)

    root = pick_document(sandbox, "remiss.txt", A_SMALL_REMISS.encode())

    view = view_when(sandbox, lambda v: v.id == root.id and told(v))
    assert ":x:" in blocks_shown(view) and "Ifyllt" not in blocks_shown(view)
    assert sandbox.fake.warnings == []


@pytest.mark.parametrize("failure", FAILURES)
def test_a_failed_import_of_a_document_sent_to_the_bot_replaces_the_reading_note(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, failure: Failure
) -> None:
    sandbox.driver.event(file_share(sandbox, COORDINATOR, sandbox.fake.add_file("remiss.txt", b"x").to_slack()))
    offer = message_when(sandbox, lambda m: CREATE_FROM_DOCUMENT in blocks_shown(m))
    break_import_child(monkeypatch, tmp_path / "broken", failure)

    sandbox.driver.block_action(COORDINATOR, CREATE_FROM_DOCUMENT, message=offer)

    view = view_when(sandbox, told)
    assert "Läser dokumentet" not in blocks_shown(view)
    assert not [r for r in sandbox.fake.responses if "oväntat" in json.dumps(r.payload, ensure_ascii=False)]
