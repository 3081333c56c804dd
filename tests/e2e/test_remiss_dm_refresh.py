"""A recipient's remiss DM follows its deadline: anstånd or a new date for everyone edits it in place."""

from __future__ import annotations

from datetime import date

from devtools.sandbox.harness import Sandbox
from devtools.sandbox.screen import shown
from tests.e2e.conftest import COORDINATOR
from tests.e2e.test_chat import ANNA, BERTIL, CASE, ORG, OTHER_ORG, remiss_dm, send_remiss


def test_anstand_edits_that_recipients_remiss_dm_and_no_one_elses(box: Sandbox) -> None:
    dm = send_remiss(box)
    assert "torsdag 30 november" in shown(dm)
    before = len(box.fake.messages_in(ANNA))
    coordinator = box.core.service.actor(COORDINATOR)
    box.core.service.deadlines.grant_extension(coordinator, CASE, ORG, date(2023, 12, 14), "Nämnden 13 december")
    box.courier.drain()
    edited = remiss_dm(box, ANNA)
    assert edited.ts == dm.ts  # the same message, edited: no new post
    assert "torsdag 14 december" in shown(edited)
    assert len(box.fake.messages_in(ANNA)) == before
    assert "torsdag 30 november" in shown(remiss_dm(box, BERTIL))


def test_a_new_deadline_for_everyone_edits_every_remiss_dm(box: Sandbox) -> None:
    send_remiss(box)
    coordinator = box.core.service.actor(COORDINATOR)
    box.core.service.deadlines.change_deadline(coordinator, CASE, date(2023, 12, 7), "Fler behöver tid")
    box.courier.drain()
    for person, key in ((ANNA, ORG), (BERTIL, OTHER_ORG)):
        assert "torsdag 7 december" in shown(remiss_dm(box, person)), key
