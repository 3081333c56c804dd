"""The decided yttrande one board attaches as its answer, made by the demo as a text PDF (devtools/pdf.py, no
WeasyPrint): a header with the board's diarienummer, "Fråga 1" … "Fråga 4" each with the board's answer from
the scenario, the decision ("Nämnden tillstyrker …") and the meeting and § it was decided at."""

from __future__ import annotations

import textwrap

from devtools.demo.scenario import DemoRemiss, Yttrande
from devtools.pdf import pdf_with_pages

LINE_WIDTH = 88  # characters of 11 pt Helvetica across an A4 page's text width
PAGE_LINES = 52


def yttrande_lines(yttrande: Yttrande, remiss: DemoRemiss, board: str) -> list[str]:
    """The yttrande's text, line by line as the PDF shows it."""
    entered = yttrande.answer
    meeting = entered.meeting_date.isoformat() if entered.meeting_date else ""
    lines = [
        f"Malmö stad, {board}",
        "YTTRANDE",
        f"Diarienummer {yttrande.their_case_number}",
        f"Datum {meeting}",
        "Till kommunstyrelsen, stadskontoret",
        "",
        *textwrap.wrap(f"Remiss {remiss.case_number}: {remiss.title}", LINE_WIDTH),
        "",
    ]
    for number in range(1, len(remiss.questions) + 1):
        lines += [f"Fråga {number}", *textwrap.wrap(entered.answers.get(number, ""), LINE_WIDTH), ""]
    lines += [
        "Beslut",
        *textwrap.wrap(yttrande.decision, LINE_WIDTH),
        "",
        f"{board} beslutade yttrandet vid sammanträde {meeting}, {entered.paragraph}.",
    ]
    return lines


def yttrande_pdf(yttrande: Yttrande, remiss: DemoRemiss, board: str) -> bytes:
    """The yttrande as a PDF, `PAGE_LINES` lines a page."""
    lines = yttrande_lines(yttrande, remiss, board)
    return pdf_with_pages([lines[start : start + PAGE_LINES] for start in range(0, len(lines), PAGE_LINES)])
