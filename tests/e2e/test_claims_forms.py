"""Claimed but not done, for forms kept between steps: a preview saved while the database is down stays kept.

A form too large for Slack's private_metadata waits in the database until its preview is saved, and is
dropped only after the draft is stored. If storing fails, the kept form and the open preview are still
there: saving again stores the draft once.
"""

from __future__ import annotations

import json
import logging

import pytest

from bot.core.domain.errors import DomainError
from devtools.sandbox.harness import Sandbox
from handlers import ids
from tests.e2e.conftest import COORDINATOR
from tests.e2e.test_create import as_filled, box, draft_message, form, open_form, top_view
from tests.faults import database_down

pytestmark = pytest.mark.database_outage

__all__ = ["box"]  # the create form's fixture

OUTAGE_WAIT = 30.0


def test_a_kept_form_saved_while_the_database_is_down_is_kept_and_saved_once_afterwards(
    box: Sandbox, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    long_description = "Bakgrund. " * 299
    open_form(box)
    box.driver.view_submission(COORDINATOR, form(description=long_description, title="T" * 250))
    preview = top_view(box)
    kept = json.loads(preview.private_metadata)["pending"]

    with database_down(database_url):
        box.driver.view_submission(COORDINATOR, as_filled(preview))
        box.fake.wait_for(lambda: any(r.levelno >= logging.ERROR for r in caplog.records), timeout=OUTAGE_WAIT)
    assert box.core.service.edge.kept_form(kept) is not None
    assert top_view(box).callback_id == ids.PREVIEW_VIEW
    with pytest.raises(DomainError):
        box.core.service.queries.overview("STK-2023-137")  # no draft was stored

    box.driver.view_submission(COORDINATOR, as_filled(top_view(box)))
    draft_message(box)
    assert box.core.service.queries.overview("STK-2023-137").remiss.description == long_description.strip()
    assert box.core.service.edge.kept_form(kept) is None
    drafts = [m for m in box.fake.messages_in(COORDINATOR) if m.text.startswith("Utkast till remiss STK-2023-137")]
    assert len(drafts) == 1
