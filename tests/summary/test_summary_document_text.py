"""Text the bot read from an attached yttrande, in the summary: marked where it answers a question, printed
whole in the annex where the yttrande is not split by question, and named where it could not be read."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import docx

from bot.adapters.rendering import Texts
from bot.adapters.summary import render_docx, render_html, render_markdown
from bot.core.domain.remiss import Answer, Attachment, Position, ResponseContent, ResponseKind
from bot.core.domain.summary import Summary
from bot.core.domain.summary_check import compile_summary
from tests.summary.round import TODAY, Round

SPLIT, WHOLE, SCANNED = "tekniska-namnden", "miljonamnden", "kulturnamnden"
MARK = "Texten är hämtad ur det bifogade yttrandet."
WHOLE_TEXT = "Miljönämnden ser positivt på områdeslyftet och vill delta i arbetet i Rosengård."


def stored(name: str, **read: str) -> Attachment:
    return Attachment("F" + name[:3], name, sha256=name.encode().hex().ljust(64, "0")[:64], size=1000, **read)


def answered_with_documents(round_: Round) -> Summary:
    """One answer split from its yttrande, one whose yttrande answers whole, one whose scan has no text."""
    decided = ResponseContent(ResponseKind.YTTRANDE, meeting_date=date(2023, 11, 16), paragraph="§ 12")
    split = tuple(Answer(n, f"Ur yttrandet, fråga {n}.", Position.TILLSTYRKER, from_document=True) for n in (1, 2, 3))
    contents = {
        SPLIT: replace(decided, answers=split, attachments=(stored("Yttrande TN.pdf", text="…"),)),
        WHOLE: replace(decided, attachments=(stored("Yttrande MN.pdf", text=WHOLE_TEXT),)),
        SCANNED: replace(decided, attachments=(stored("Skannat.pdf", unreadable="no_text"),)),
    }
    for key, content in contents.items():
        recipient = round_.recipient(key)
        recipient.responses[-1] = replace(recipient.responses[-1], content=content)
    return compile_summary(round_.remiss, round_.recipients, round_.directory, today=TODAY)


def test_every_format_marks_taken_text_prints_a_whole_yttrande_and_names_an_unreadable_one(round_: Round) -> None:
    summary = answered_with_documents(round_)
    texts = Texts()
    word = docx.Document(io.BytesIO(render_docx(summary, texts)))
    shown = {
        "md": render_markdown(summary, texts),
        "html": render_html(summary, texts),
        "docx": "\n".join(p.text for p in word.paragraphs),
    }
    for fmt, text in shown.items():
        # The annex marks the three answers taken from Tekniska nämnden's yttrande, and so do their excerpts.
        assert text.count(MARK) == 3, fmt
        assert text.count("ur bifogat yttrande)") == 3, fmt
        assert "Text ur «Yttrande MN.pdf»" in text and WHOLE_TEXT in text, fmt
        assert "texten i «Skannat.pdf» kunde inte läsas automatiskt" in text, fmt
        assert "Text ur «Yttrande TN.pdf»" not in text, fmt  # its text is already in the answers
