"""The note shown while a scan is read: the pages and about how long it takes, in seconds or minutes."""

from __future__ import annotations

import pytest

from bot.adapters.importer.ocr import expected_seconds
from bot.adapters.rendering import Texts


@pytest.mark.parametrize(
    ("pages", "said"),
    [
        (1, "remissbot läser en sida med textigenkänning. Det tar en stund (ungefär 5 sekunder)."),
        (4, "remissbot läser 4 sidor med textigenkänning. Det tar en stund (ungefär 20 sekunder)."),
        (20, "remissbot läser 20 sidor med textigenkänning. Det tar en stund (ungefär 2 minuter)."),
    ],
)
def test_the_create_form_says_how_many_pages_and_about_how_long(pages: int, said: str) -> None:
    shown = Texts().part("slack/create_form.j2", "reading_scan", pages=pages, seconds=expected_seconds(pages))
    assert shown == f":hourglass_flowing_sand: Dokumentet är skannat – {said}"


@pytest.mark.parametrize("template", ["slack/answer_form.j2", "slack/answer_file.j2"])
def test_the_answer_form_and_thread_name_the_scanned_file(template: str) -> None:
    shown = Texts().part(template, "reading_scan", name="Yttrande <TN>.pdf", pages=2, seconds=expected_seconds(2))
    assert "«Yttrande" in shown and "är skannat – remissbot läser 2 sidor" in shown
    assert "<TN>" not in shown  # the file name is the official's: Slack's control characters in it are escaped
