"""The kortrubrik through the real app and the loopback Slack: typed in the create form (or left to the
suggestion), refused over 60 characters with nothing lost, kept by the draft, and used by the messages that name
the remiss again and again while the remiss DM and the status message's head keep the full title."""

from __future__ import annotations

from datetime import date

from bot.core.domain.remiss import RemissStatus
from bot.core.domain.short_title import suggest_short_title
from devtools.sandbox.harness import Sandbox
from devtools.sandbox.screen import blocks_shown
from handlers import ids
from tests.e2e import test_reminders_in_slack as reminders
from tests.e2e.conftest import COORDINATOR
from tests.e2e.test_create import as_filled, draft_message, form, open_form, top_view, typed, view_when
from tests.e2e.test_reminders_in_slack import MKB, MN, OFFICIALS, TN, Walker, stockholm

# The reminder tests' sandbox: the clock at 10:00 on 2 October 2023, Tekniska nämnden, Miljönämnden and MKB with
# an official each.
clock = reminders.clock
box = reminders.box

CASE = "STK-2023-137"
TITLE = (
    "Uppdrag budget 2023 - Definiera och starta ett långsiktigt och strategiskt områdeslyft i Malmös "
    "socioekonomiskt svaga delar med särskilt fokus på barn och ungas uppväxtvillkor"
)
SHORT = "Områdeslyft i Malmös socioekonomiskt svaga delar"
TOO_LONG = "Områdeslyft i Malmös socioekonomiskt svaga delar – fokus på barn och unga"  # 73 characters


def our_form(**fields: object) -> dict[str, object]:
    """The create form filled in with STK-2023-137's long title, to Tekniska nämnden, Miljönämnden and MKB."""
    recipients = [{"value": key} for key in (TN, MN, MKB)]
    return form(
        title=TITLE,
        recipients={"value": {"type": "multi_static_select", "selected_options": recipients}},
        recipient_groups=None,
        **fields,
    )


def test_a_kortrubrik_over_60_characters_is_refused_in_swedish_and_the_form_keeps_everything(box: Sandbox) -> None:
    view = open_form(box)
    assert "short_title" in {b.get("block_id") for b in view.payload["blocks"]}
    assert len(TOO_LONG) == 73

    answer = box.driver.view_submission(COORDINATOR, our_form(short_title=TOO_LONG)).json()

    assert answer["response_action"] == "errors"
    assert answer["errors"] == {"short_title": "Kortrubriken får vara högst 60 tecken (nu 73). Korta den."}
    assert top_view(box).id == view.id  # the form stays open with what was typed; nothing is saved
    assert box.core.service.queries.drafts(box.core.service.actor(COORDINATOR)) == []
    # Shortened, the same form goes on to the preview.
    assert box.driver.view_submission(COORDINATOR, our_form(short_title=SHORT)).json()["response_action"] == "update"


def test_a_kortrubrik_typed_in_the_form_is_shown_in_the_preview_kept_by_the_draft_and_used_by_reminders(
    box: Sandbox,
) -> None:
    open_form(box)
    box.driver.view_submission(COORDINATOR, our_form(short_title=f"  {SHORT} "))
    preview = blocks_shown(top_view(box))
    assert f"*Kortrubrik:* {SHORT}. Påminnelser och sammandrag kallar remissen så." in preview
    assert TITLE in preview  # the remiss itself, as recipients will see it, has its full title
    box.driver.view_submission(COORDINATOR, as_filled(top_view(box)))
    draft = draft_message(box)
    assert f"(kortrubrik: {SHORT})" in blocks_shown(draft)
    remiss = box.core.service.queries.overview(CASE).remiss
    assert (remiss.title, remiss.short_title, remiss.chosen_short_title) == (TITLE, SHORT, SHORT)

    # Ändra shows it again as typed, and the title can change without touching it.
    box.driver.block_action(COORDINATOR, ids.EDIT_DRAFT, message=draft)
    edit = as_filled(view_when(box, lambda v: v.callback_id == ids.NEW_REMISS_VIEW))
    assert edit["short_title"]["value"]["value"] == SHORT
    edit["title"] = typed(TITLE + " (reviderad)")
    box.driver.view_submission(COORDINATOR, edit)
    box.driver.view_submission(COORDINATOR, as_filled(view_when(box, lambda v: v.callback_id == ids.PREVIEW_VIEW)))
    box.fake.wait_for(lambda: box.core.service.queries.overview(CASE).remiss.title.endswith("(reviderad)") or None)
    assert box.core.service.queries.overview(CASE).remiss.short_title == SHORT

    box.driver.block_action(COORDINATOR, ids.SEND_DRAFT, message=draft)
    box.fake.wait_for(lambda: box.core.service.queries.overview(CASE).remiss.status is RemissStatus.SENT or None)
    box.courier.drain()
    walker = Walker(box)
    walker.walk(stockholm(2023, 10, 6, 12, 0))

    official = OFFICIALS[TN].id
    remiss_dm = next(m for m in box.fake.messages_in(official) if ids.ANSWER in blocks_shown(m))
    assert TITLE in blocks_shown(remiss_dm)  # the remiss DM keeps the full title
    nudge = walker.reminders(official)[0].message
    assert f"*{CASE} {SHORT}*" in nudge.text and "Uppdrag budget 2023" not in nudge.text
    digest = walker.of(COORDINATOR, "digest:")[0].message
    assert f"*{CASE} {SHORT}*" in digest.text and "Uppdrag budget 2023" not in digest.text
    status = next(m for m in box.fake.messages_in(COORDINATOR) if "har svarat" in m.text and "Skickad" not in m.text)
    assert TITLE in status.text  # the status message's head names the remiss in full, once
    # /remiss status lists it by its kortrubrik; /remiss status STK-2023-137 heads with the full title.
    box.driver.slash_command(COORDINATOR, "/remiss", "status")
    listed = box.fake.wait_for(lambda: [r for r in box.fake.responses if CASE in str(r.payload.get("text"))] or None)
    assert f"*{CASE}* {SHORT}" in str(listed[-1].payload["text"])

    # The escalation on the first working day after the overdue reminder names it by its kortrubrik too.
    walker.walk(stockholm(2023, 12, 4, 12, 0))
    escalation = walker.of(COORDINATOR, "escalation:")[0].message
    assert f"*{CASE} {SHORT}*: 3 remissinstanser har inte svarat" in escalation.text


def test_a_kortrubrik_left_empty_is_the_one_suggested_from_the_title(box: Sandbox) -> None:
    suggested = suggest_short_title(TITLE)
    open_form(box)
    box.driver.view_submission(COORDINATOR, our_form())
    preview = blocks_shown(top_view(box))
    assert f"*Kortrubrik:* {suggested} _(föreslagen utifrån rubriken)_." in preview
    box.driver.view_submission(COORDINATOR, as_filled(top_view(box)))
    draft = draft_message(box)
    remiss = box.core.service.queries.overview(CASE).remiss
    assert (remiss.short_title, remiss.chosen_short_title) == (suggested, "")
    box.driver.block_action(COORDINATOR, ids.EDIT_DRAFT, message=draft)
    edit = as_filled(view_when(box, lambda v: v.callback_id == ids.NEW_REMISS_VIEW))
    assert edit["short_title"]["value"]["value"] is None  # still empty: it follows the title
    assert remiss.deadline == date(2023, 11, 30)
