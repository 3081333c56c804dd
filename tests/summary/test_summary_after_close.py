"""An answer that arrived after the remiss was closed is in the summary, marked as such in every format, never
as if it had come in time."""

from __future__ import annotations

import io
from datetime import date

import docx

from bot.adapters.rendering import Texts
from bot.adapters.summary import render_docx, render_html, render_markdown
from bot.core.domain import lifecycle
from bot.core.domain.remiss import Answer, Position, ResponseContent, ResponseKind
from bot.core.domain.summary_check import compile_summary
from tests.summary.round import Round, at

MARK = "inkom efter avslut"


def test_answers_and_declines_after_closing_are_marked_in_every_format(round_: Round, texts: Texts) -> None:
    silent = [r for r in round_.recipients if r.current_response is None]
    answering, declining = silent[0], silent[1]
    closed_on = date(2023, 12, 8)
    lifecycle.close(round_.remiss, "UMIA", at(closed_on))
    late = ResponseContent(
        ResponseKind.DELEGATION, (Answer(1, "Sent men sparat.", Position.TILLSTYRKER),), decided_by="Presidiet"
    )
    day = date(2023, 12, 11)
    answering.submit(round_.remiss, late, answering.officials[0], at(day), day)
    declining.decline(round_.remiss, "Hann inte.", declining.officials[0], at(day))

    summary = compile_summary(round_.remiss, round_.recipients, round_.directory, today=day)
    [entry] = [a for a in summary.sections[0].answers if a.organisation.key == answering.organisation_key]
    assert entry.after_close
    assert [d.after_close for d in summary.declined if d.organisation.key == declining.organisation_key] == [True]
    assert not any(a.after_close for a in summary.sections[0].answers if a is not entry)

    markdown = render_markdown(summary, texts)
    assert f"*(tillstyrker, {MARK})*" in markdown  # its excerpt under question 1
    assert f"11 december 2023 ({MARK})" in markdown.split("Avstår", 1)[1]
    assert f"(version 1), {MARK}" in markdown
    assert MARK in render_html(summary, texts)
    document = docx.Document(io.BytesIO(render_docx(summary, texts)))
    text = "\n".join(p.text for p in document.paragraphs) + "".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert f"({MARK})" in text
