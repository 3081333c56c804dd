"""The Word document as LibreOffice lays it out: it opens, fits its page budget, and every page has the case
number and its number."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.summary.office import office_or_skip, pdf_pages
from tests.summary.round import CASE_NUMBER

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def office() -> str:
    # Like PostgreSQL and the seeds: a developer without it is told why; CI must check the pages.
    return office_or_skip()


def test_libreoffice_turns_the_summary_into_numbered_pages_with_the_case_number(
    office: str, docx_bytes: bytes, tmp_path: Path
) -> None:
    source = tmp_path / f"{CASE_NUMBER} Sammanställning av remissvar.docx"
    source.write_bytes(docx_bytes)
    pages = pdf_pages(office, source, tmp_path)
    # 15 recipients, a 10,000-character answer: 12 pages since section 3 quotes each answer's start and the
    # annex alone holds the whole text (17 before; bench/bench_summary_pages.py measures the demo's).
    assert 8 <= len(pages) <= 12
    assert "Sammanställning av remissvar" in pages[0] and "Sammanfattning" in pages[0]
    for number, text in enumerate(pages, start=1):
        assert CASE_NUMBER in text, number
        assert re.search(rf"Sida\s*{number}\s*av\s*{len(pages)}", text), number
    whole = "\n".join(pages)
    assert "5. Bilaga: remissvaren i sin helhet" in whole
    assert "en ny stiftelse" in whole
