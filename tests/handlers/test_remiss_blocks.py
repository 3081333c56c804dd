"""The remiss message an official receives: whole questions, within Slack's limits, whatever the remiss holds."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, date, datetime
from typing import Any

from bot.adapters.rendering import Texts
from bot.core.domain import lifecycle
from bot.core.domain.organisation import Organisation, OrgKind
from bot.core.domain.recipient import Recipient
from bot.core.domain.remiss import (
    Answer,
    AnswerRules,
    DocumentLink,
    QuestionKind,
    RecipientStatus,
    Remiss,
    ResponseContent,
    ResponseKind,
)
from bot.core.usecases.results import RecipientRow, RemissOverview
from devtools.sandbox.block_kit import MESSAGE_BLOCK_TEXT_MAX, block_text_length, message_block_errors
from handlers import ids
from handlers.blocks import MESSAGE_BLOCK_LIMIT, MESSAGE_TEXT_BUDGET, text_size
from handlers.outbound.messages import status_message
from handlers.remiss_blocks import recipient_actions, remiss_message

NOW = datetime(2023, 10, 2, 7, 0, tzinfo=UTC)


def remiss(description: str, questions: list[str]) -> Remiss:
    r = Remiss.draft(
        case_number="STK-2023-137",
        title="Å" * 250,
        description=description,
        sender_key="stadskontoret",
        coordinators=("U0MIA",),
        contact="Mia Idestrom",
        questions=[(q, QuestionKind.FREE_TEXT) for q in questions],
        deadline=date(2023, 11, 30),
        created_by="U0MIA",
        created_at=NOW,
        today=NOW.date(),
    )
    r.mark_sent(NOW)
    return r


def test_the_longest_remiss_fits_one_message_with_every_question_whole() -> None:
    questions = [f"Fråga {i}: " + "x" * 990 for i in range(10)]
    r = remiss("Beskrivning " * 250, questions)
    recipient = Recipient(r.case_number, "mkb", ("U0MKB",), r.deadline)
    text, blocks = remiss_message(Texts(), r, sender="Stadskontoret", today=NOW.date(), recipient=recipient)
    assert sum(text_size(b) for b in blocks) <= MESSAGE_TEXT_BUDGET
    assert len(blocks) <= MESSAGE_BLOCK_LIMIT
    shown = json.dumps(blocks, ensure_ascii=False)
    assert all(q in shown for q in questions)
    assert "hela texten finns i handlingarna" in shown
    assert text


def test_a_short_description_is_shown_whole() -> None:
    r = remiss("Stadskontoret föreslår ett områdeslyft.", ["Vad tycker ni?"])
    _, blocks = remiss_message(Texts(), r, sender="Stadskontoret", today=NOW.date(), preview=True)
    shown = json.dumps(blocks, ensure_ascii=False)
    assert "Stadskontoret föreslår ett områdeslyft." in shown
    assert "handlingarna" not in shown


ENTITY_OR_LINK = re.compile(r"&(?:amp|lt|gt);|<[^<>]*>")
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _texts_of(blocks: list[dict[str, Any]]) -> list[str]:
    """Every text Slack would show from the blocks."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(blocks)
    return found


def _whole(text: str) -> bool:
    rest = ENTITY_OR_LINK.sub("", text)
    return "&" not in rest and "<" not in rest and ">" not in rest


def test_a_description_of_escaped_characters_is_cut_between_them_saying_how_much_is_left_out() -> None:
    r = remiss("<&>" * 3000, ["Vad tycker ni?"])
    _, blocks = remiss_message(Texts(), r, sender="Stadskontoret", today=NOW.date(), preview=True)
    description = next(t for t in _texts_of(blocks) if t.startswith("&lt;&amp;&gt;"))
    assert len(description) <= 3000 and _whole(description)
    assert re.search(
        r"… _\(ytterligare [\d\u00a0]+ tecken visas inte; hela texten finns i handlingarna\)_$", description
    )


def test_documents_that_do_not_fit_are_counted_not_cut_through() -> None:
    r = remiss("Kort.", ["Vad tycker ni?"])
    r.documents = tuple(
        DocumentLink(f"Bilaga {i} <&> " + "&" * 60, f"https://malmo.se/bilaga-{i}.pdf?a=1&b=2") for i in range(60)
    )
    _, blocks = remiss_message(Texts(), r, sender="Stadskontoret", today=NOW.date(), preview=True)
    documents = next(t for t in _texts_of(blocks) if t.startswith("*Handlingar*"))
    assert len(documents) <= 3000 and _whole(documents)
    shown = documents.count("<https://")
    assert 0 < shown < 60
    assert documents.endswith(f"… och {60 - shown} dokument till.")


def test_no_control_character_from_the_remiss_reaches_the_message() -> None:
    nasty = "ESC\x1b[2J BEL\x07 NUL\x00 NEL\x85 CSI\x9b DEL\x7f VT\x0b slut"
    r = remiss(nasty, [nasty])
    r.title = nasty
    r.contact = nasty
    r.documents = (DocumentLink(nasty, "https://malmo.se/a.pdf"),)
    recipient = Recipient(r.case_number, "mkb", ("U0MKB",), r.deadline)
    text, blocks = remiss_message(Texts(), r, sender=nasty, today=NOW.date(), recipient=recipient)
    for shown in [text, *_texts_of(blocks)]:
        assert CONTROL.findall(shown) == [], shown
    assert "ESC[2J BEL NUL NEL CSI DEL" in json.dumps(blocks, ensure_ascii=False)


def test_a_closed_remiss_still_offers_answering_to_whoever_has_not_answered_and_nothing_else() -> None:
    closed = remiss("Beskrivning", ["Fråga?"])
    waiting = Recipient(closed.case_number, "mkb", ("U0MKB",), closed.deadline)
    answered = Recipient(closed.case_number, "tekniska-namnden", ("U0TN",), closed.deadline)
    answered.submit(
        closed,
        ResponseContent(kind=ResponseKind.DELEGATION, answers=(Answer(1, "Ja."),), decided_by="Förvaltningschef"),
        "U0TN",
        NOW,
        NOW.date(),
    )
    lifecycle.close(closed, "U0MIA", NOW)
    later = date(2023, 12, 20)
    shown = recipient_actions(Texts(), closed, waiting, later, AnswerRules())
    assert shown is not None and [e["action_id"] for e in shown["elements"]] == [ids.ANSWER, ids.DECLINE]
    assert recipient_actions(Texts(), closed, answered, later, AnswerRules()) is None


def test_the_deadline_is_a_date_only_never_a_count_that_goes_stale_and_the_year_only_when_not_this_year() -> None:
    r = remiss("Kort.", ["Vad tycker ni?"])
    recipient = Recipient(r.case_number, "mkb", ("U0MKB",), r.deadline)
    _, blocks = remiss_message(Texts(), r, sender="Stadskontoret", today=NOW.date(), recipient=recipient)
    shown = "\n".join(_texts_of(blocks))
    assert "*Sista svarsdatum:* torsdag 30 november\n" in shown + "\n"
    assert "dagar kvar" not in shown and "2023" not in shown.split("Sista svarsdatum")[1].splitlines()[0]
    _, blocks = remiss_message(Texts(), r, sender="Stadskontoret", today=date(2022, 12, 1), recipient=recipient)
    assert "*Sista svarsdatum:* torsdag 30 november 2023" in "\n".join(_texts_of(blocks))


def test_the_preview_names_exactly_the_buttons_a_recipient_gets() -> None:
    r = remiss("Kort.", ["Vad tycker ni?"])
    recipient = Recipient(r.case_number, "mkb", ("U0MKB",), r.deadline)
    _, sent = remiss_message(Texts(), r, sender="Stadskontoret", today=NOW.date(), recipient=recipient)
    labels = [e["text"]["text"] for b in sent if b["type"] == "actions" for e in b["elements"]]
    assert labels == ["Svara", "Svara här i chatten", "Avstå", "Lämna över", "Begär anstånd"]
    _, previewed = remiss_message(Texts(), r, sender="Stadskontoret", today=NOW.date(), preview=True)
    said = "\n".join(_texts_of(previewed))
    assert (
        "Remissinstanserna ser knapparna *Svara*, *Svara här i chatten*, *Avstå*, *Lämna över* och *Begär anstånd* här."
        in said
    )
    assert not any(b["type"] == "actions" for b in previewed)


def test_the_status_message_of_200_recipients_leaves_room_for_its_buttons_within_slacks_limits() -> None:
    # bench/bench_load.py: the status message of a remiss to 200 organisations, half of them opened, was refused
    # (msg_blocks_too_long) at every edit: its list filled the text budget and the buttons came on top, among them
    # the pick of up to a hundred unanswered organisations to send again to.
    r = remiss("Kort.", ["Vad tycker ni?"])
    rows = []
    for i in range(200):
        name = f"Stadsområdesnämnd {i} för ett långt namn på förvaltningen"
        organisation = Organisation(f"org-{i:05d}", name, f"N{i}", OrgKind.NAMND, contacts=(f"U1{i:05d}",))
        recipient = Recipient(r.case_number, organisation.key, (f"U1{i:05d}",), r.deadline)
        status = RecipientStatus.OPENED if i % 2 else RecipientStatus.NOT_OPENED
        rows.append(RecipientRow(organisation, recipient, status, None))
    overview = RemissOverview(r, rows, Counter(row.status for row in rows))

    _, blocks = status_message(Texts(), overview)

    assert message_block_errors(blocks) == []
    assert len(blocks) <= MESSAGE_BLOCK_LIMIT
    assert block_text_length(blocks) <= MESSAGE_TEXT_BUDGET < MESSAGE_BLOCK_TEXT_MAX
    assert blocks[-1]["block_id"] == "status_actions"
    picked = next(e for e in blocks[-1]["elements"] if e.get("action_id") == ids.RESEND_PICK)
    assert len(picked["options"]) == 100
    assert "Stadsområdesnämnd 0 för" in json.dumps(blocks, ensure_ascii=False)
