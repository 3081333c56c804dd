"""A scanned PDF imported in Slack: the form says at once that the document is scanned, how many pages OCR
reads and about how long it takes, and the result replaces that note; both ways a document comes (sent to
the bot in a DM, or picked with Importera från dokument). A typed document gets no such note."""

from __future__ import annotations

import pytest

from bot.adapters.importer.ocr import OcrLimits, missing_packages
from devtools.sandbox.harness import Sandbox
from devtools.sandbox.screen import blocks_shown
from devtools.sandbox.workspace import View
from devtools.scans import scanned, typed_pdf
from handlers.create.views import CREATE_FROM_DOCUMENT
from tests.e2e.conftest import COORDINATOR
from tests.e2e.test_create import file_share, message_when, pick_document
from tests.importer.documents import A_SMALL_REMISS
from tests.system import missing

SCANNING = "Dokumentet är skannat – remissbot läser en sida med textigenkänning. Det tar en stund (ungefär 5 sekunder)."
# One page through pdftoppm and tesseract: seconds idle, much more on a busy machine.
READ_WAIT = OcrLimits().seconds_per_page


@pytest.fixture(scope="module")
def scan() -> bytes:
    absent = missing_packages()
    if absent:
        missing(f"OCR is not installed: missing {', '.join(absent)}")
    return scanned(typed_pdf(A_SMALL_REMISS))


def filled(box: Sandbox) -> View:
    """The form once the import has filled it."""

    def satisfied() -> View | None:
        views = box.fake.views_of(COORDINATOR)
        return next((v for v in views if "Ifyllt från" in blocks_shown(v)), None)

    return box.fake.wait_for(satisfied, timeout=READ_WAIT)


def form_updates(box: Sandbox) -> list[str]:
    """What each views.update of the form showed, in order."""
    return [str(call.params.get("view")) for call in box.fake.calls_to("views.update")]


def assert_scan_told_then_replaced(box: Sandbox, view: View) -> None:
    updates = form_updates(box)
    told = next(i for i, shown in enumerate(updates) if SCANNING in shown)
    result = next(i for i, shown in enumerate(updates) if "Ifyllt från" in shown)
    assert told < result
    assert SCANNING not in blocks_shown(view)
    assert "STK-2024-512" in blocks_shown(view)
    assert "inskannad och lästes med textigenkänning" in blocks_shown(view)


def test_a_scan_sent_to_the_bot_says_it_is_scanned_before_it_is_read(sandbox: Sandbox, scan: bytes) -> None:
    box = sandbox
    box.driver.event(file_share(box, COORDINATOR, box.fake.add_file("skannad.pdf", scan).to_slack()))
    offer = message_when(box, lambda m: CREATE_FROM_DOCUMENT in blocks_shown(m))

    box.driver.block_action(COORDINATOR, CREATE_FROM_DOCUMENT, message=offer)

    assert_scan_told_then_replaced(box, filled(box))


def test_a_scan_picked_in_the_form_says_it_is_scanned_before_it_is_read(sandbox: Sandbox, scan: bytes) -> None:
    box = sandbox

    root = pick_document(box, "skannad.pdf", scan)

    view = filled(box)
    assert view.id == root.id
    assert_scan_told_then_replaced(box, view)


def test_a_typed_document_is_not_said_to_be_scanned(sandbox: Sandbox) -> None:
    box = sandbox
    file = box.fake.add_file("remiss.pdf", typed_pdf(A_SMALL_REMISS))
    box.driver.event(file_share(box, COORDINATOR, file.to_slack()))
    offer = message_when(box, lambda m: CREATE_FROM_DOCUMENT in blocks_shown(m))

    box.driver.block_action(COORDINATOR, CREATE_FROM_DOCUMENT, message=offer)

    filled(box)
    assert not [shown for shown in form_updates(box) if "skannat" in shown]
