"""The importer's Swedish sentences say what to do in plain words, and write every number the same way."""

from __future__ import annotations

from bot.adapters.importer import DocumentError, DocumentErrorCode, WarningCode
from bot.adapters.importer.wording import Wording


def test_too_much_formatting_is_said_without_counting_text_runs(wording: Wording) -> None:
    error = DocumentError(DocumentErrorCode.TOO_MANY_RUNS, count=250_000, limit=200_000)

    message = wording.error(error, file_name="remiss.docx")

    assert message == (
        "Word-dokumentet remiss.docx har för mycket formatering för att kunna läsas in. "
        "Spara remissen som .txt eller som PDF och försök igen."
    )


def test_both_numbers_of_unmatched_recipients_are_grouped_alike(wording: Wording) -> None:
    message = wording.warning(WarningCode.UNMATCHED_RECIPIENTS, {"count": 1200, "total": 1500})

    assert message.startswith("1\u00a0200 av 1\u00a0500 remissinstanser finns inte i organisationskatalogen.")
