"""A preliminary answer in the summary, and the board's final one that replaced it: which questions changed."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import docx

from bot.adapters.calendar_se import SwedishCalendar
from bot.adapters.rendering import Texts
from bot.adapters.summary import render_docx, render_html, render_markdown
from bot.core.domain.remiss import Answer, AnswerRules, Position, ResponseContent, ResponseKind
from bot.core.domain.summary import Summary
from bot.core.domain.summary_check import compile_summary
from tests.summary.round import Round, at

KEY = "forskolenamnden"  # preliminary on 29 November; the board meets 14 December
REPLACED = (
    "Ersätter det preliminära svaret (version 1, 29 november 2023 kl. 10:00); svaren på fråga 2 och 4 har ändrats"
)


def with_final(round_: Round) -> Summary:
    recipient = round_.recipient(KEY)
    preliminary = recipient.responses[-1].content
    changed = (
        preliminary.answers[0],
        Answer(2, "Nämnden vill se fokus på de yngsta barnen i Herrgården och Sofielund.", Position.TILLSTYRKER),
        preliminary.answers[2],
        replace(preliminary.answers[3], position=Position.FORESLAR_ANDRINGAR),
    )
    final = ResponseContent(ResponseKind.YTTRANDE, changed, meeting_date=date(2023, 12, 14), paragraph="§ 201")
    day = date(2023, 12, 15)
    recipient.submit(round_.remiss, final, recipient.officials[0], at(day), day, AnswerRules(SwedishCalendar(), 10))
    return compile_summary(round_.remiss, round_.recipients, round_.directory, today=day)


def test_a_preliminary_answer_is_marked_with_its_planned_board_date(summary: Summary, markdown: str) -> None:
    entry = next(e for e in summary.annex if e.organisation.key == KEY)
    assert entry.kind is ResponseKind.PRELIMINARY and entry.replaced_preliminary is None
    assert "Preliminärt svar; ärendet behandlas av nämnden 14 december 2023" in markdown


def test_the_final_answer_says_it_replaced_the_preliminary_one_and_which_questions_changed(
    round_: Round, texts: Texts
) -> None:
    summary = with_final(round_)
    entry = next(e for e in summary.annex if e.organisation.key == KEY)
    assert entry.kind is ResponseKind.YTTRANDE
    assert entry.replaced_preliminary is not None
    assert (entry.replaced_preliminary.version, entry.replaced_preliminary.changed_questions) == (1, (2, 4))
    assert summary.counts.preliminary == 0 and summary.counts.yttrande >= 1

    assert REPLACED in render_markdown(summary, texts)
    assert REPLACED in render_html(summary, texts)
    word = docx.Document(io.BytesIO(render_docx(summary, texts)))
    assert any(REPLACED in p.text for p in word.paragraphs)
