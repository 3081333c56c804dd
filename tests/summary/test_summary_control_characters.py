"""Control characters in what officials and coordinators wrote never reach a summary file or Slack."""

from __future__ import annotations

import io
import re
from dataclasses import replace

import docx

from bot.adapters.rendering import Texts
from bot.adapters.summary import render_docx, render_html, render_markdown
from bot.adapters.summary.markdown import render_slack_preview
from bot.core.domain.remiss import Answer, Attachment, Position, ResponseContent, ResponseKind
from bot.core.domain.summary_check import compile_summary
from tests.summary.round import TODAY, Round, at

# C0 except tab and line breaks, DEL and C1: none may be in an output.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
NASTY = "ESC\x1b[31mröd\x1b[0m BEL\x07 NUL\x00 NEL\x85 CSI\x9b DEL\x7f VT\x0b FF\x0c BS\x08 slut"


def _nasty_round(round_: Round) -> Round:
    round_.remiss.title = "Titel " + NASTY
    recipient = round_.recipient("parkeringsovervakning")
    content = ResponseContent(
        ResponseKind.DELEGATION,
        (Answer(1, "Svar " + NASTY, Position.TILLSTYRKER), Answer(2, NASTY, Position.AVSTYRKER)),
        decided_by="VD " + NASTY,
        attachments=(Attachment("F1", "bilaga\x1b\x07.pdf", "https://files.slack.com/files-pri/T1-F1/b\x1b.pdf"),),
    )
    recipient.submit(round_.remiss, content, "U014", at(TODAY), TODAY)
    round_.recipient("gymnasie-och-vuxenutbildningsnamnden").decline(round_.remiss, "Skäl " + NASTY, "U005", at(TODAY))
    return round_


def test_no_summary_format_holds_a_control_character(round_: Round, texts: Texts) -> None:
    nasty = _nasty_round(round_)
    summary = compile_summary(nasty.remiss, nasty.recipients, nasty.directory, today=TODAY)

    html = render_html(summary, texts)
    markdown = render_markdown(summary, texts)
    document = docx.Document(io.BytesIO(render_docx(summary, texts)))
    word = "\n".join(
        [p.text for p in document.paragraphs]
        + [c.text for t in document.tables for row in t.rows for c in row.cells]
        + [p.text for s in document.sections for p in s.header.paragraphs]
    )
    preview = render_slack_preview(summary, texts)

    for name, output in (("html", html), ("markdown", markdown), ("word", word), ("slack", preview)):
        assert CONTROL.findall(output) == [], name
        assert "röd" in output and "slut" in output, name
    assert "ESC[31mröd[0m BEL NUL NEL" in html and "VD ESC[31mröd" in word


def test_a_title_with_control_characters_is_shown_without_them_in_the_slack_preview(
    round_: Round, texts: Texts
) -> None:
    summary = compile_summary(round_.remiss, round_.recipients, round_.directory, today=TODAY)
    preview = render_slack_preview(replace(summary, title=NASTY), texts)
    assert CONTROL.findall(preview) == []


def test_the_word_header_and_properties_hold_no_control_character(round_: Round, texts: Texts) -> None:
    summary = compile_summary(round_.remiss, round_.recipients, round_.directory, today=TODAY)
    nasty = replace(summary, case_number="STK\x1b-2023\x07-137\x85", title=NASTY)
    document = docx.Document(io.BytesIO(render_docx(nasty, texts)))
    header = "".join(p.text for s in document.sections for p in s.header.paragraphs)
    properties = document.core_properties
    for shown in (header, properties.title, properties.subject):
        assert CONTROL.findall(shown) == [], shown
    assert "STK-2023-137" in header
