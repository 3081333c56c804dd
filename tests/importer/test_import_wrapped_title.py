"""A title wrapped over several lines (a narrow page, a scan read by OCR): the case number at its end is the
title's, and the title is the whole of it; lines that merely follow it are not part of it."""

from __future__ import annotations

from bot.adapters.importer import import_text
from bot.core.domain.organisation import Directory

WRAPPED = """Tjänsteskrivelse

Uppdrag budget 2023 - Definiera och starta ett långsiktigt och strategiskt
områdeslyft i Malmös socioekonomiskt svaga delar med särskilt fokus på barn
och ungas uppväxtvillkor; nu fråga om remiss STK-2023-137

Sammanfattning

Förslaget skickas på remiss med sista svarsdatum 30 november 2023.
"""


def test_a_case_number_at_the_end_of_a_wrapped_title_is_the_case_number(directory: Directory) -> None:
    result = import_text(WRAPPED, directory)
    assert result.case_number == "STK-2023-137"
    assert result.title == (
        "Uppdrag budget 2023 - Definiera och starta ett långsiktigt och strategiskt områdeslyft i Malmös "
        "socioekonomiskt svaga delar med särskilt fokus på barn och ungas uppväxtvillkor"
    )


def test_a_line_in_upper_case_or_after_a_full_stop_does_not_continue_the_title(directory: Directory) -> None:
    text = "Tjänsteskrivelse\n\nNy parkeringsnorm för Malmö\nDatum 2024-01-10\n\nSvar senast den 1 mars 2024.\n"
    assert import_text(text, directory).title == "Ny parkeringsnorm för Malmö"


def test_a_number_in_the_text_under_the_title_is_not_the_titles(directory: Directory) -> None:
    text = "Tjänsteskrivelse\n\nNy parkeringsnorm för Malmö\n\närendet hänger ihop med STK-2019-95.\n"
    result = import_text(text, directory)
    assert result.case_number is None
    assert result.title == "Ny parkeringsnorm för Malmö"
