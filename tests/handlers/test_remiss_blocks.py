"""The remiss message an official receives: whole questions, within Slack's limits, whatever the remiss holds."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from bot.domain.remiss import QuestionKind, Recipient, Remiss
from bot.rendering import Texts
from handlers.blocks import MESSAGE_BLOCK_LIMIT, MESSAGE_TEXT_BUDGET, text_size
from handlers.remiss_blocks import remiss_message

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
