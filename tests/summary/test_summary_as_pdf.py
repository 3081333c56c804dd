"""The summary as PDF, printed from the same HTML template by WeasyPrint: it opens, every answer's words are in
it, its pages are A4 and numbered like the Word document's; without Pango, `remissbot summary --format pdf`
says what to install and writes nothing."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

import bot.adapters.pdf as pdf_module
from bot.adapters.pdf import PdfUnavailable, pdf_available
from bot.adapters.rendering import Texts
from bot.adapters.summary import FORMATS, PDF, render_files, summary_command
from bot.core.domain.summary import Summary
from tests.summary.programs import program
from tests.summary.round import CASE_NUMBER, round_service, stk_2023_137
from tests.system import missing

A4_POINTS = (595, 842)


def without_pango(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on a machine where WeasyPrint cannot load Pango: importing it fails."""

    def missing() -> None:
        raise PdfUnavailable(" ".join(pdf_module.SYSTEM_PACKAGES))

    monkeypatch.setattr(pdf_module, "_weasyprint", missing)


@pytest.fixture(scope="module")
def pdf(summary: Summary, texts: Texts) -> bytes:
    if not pdf_available():
        # Like LibreOffice and Chromium: a developer without Pango is told why; CI must make the PDF.
        message = "WeasyPrint cannot load Pango here (see README, 'PDF needs Pango'): the summary's PDF is not made"
        missing(message)
    [(name, data)] = render_files(summary, texts, [PDF])
    assert name == f"{CASE_NUMBER} Sammanställning av remissvar.pdf"
    return data


@pytest.fixture(scope="module")
def pages(pdf: bytes, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The text of each page as poppler's pdftotext reads it (pypdf misreads the two-byte font encoding
    WeasyPrint uses for a font with a missing glyph, see tests/archive)."""
    found = program(
        ("pdftotext",), "pdftotext is not installed (apt-get install poppler-utils): the PDF's text is not read"
    )
    source = tmp_path_factory.mktemp("pdf") / "summary.pdf"
    source.write_bytes(pdf)
    text = subprocess.run([found, "-enc", "UTF-8", str(source), "-"], check=True, capture_output=True, timeout=120)
    return text.stdout.decode("utf-8").split("\f")[:-1]  # each page ends with a form feed


def squashed(text: str) -> str:
    """Text without any white space, so that a word the layout broke over two lines is still found."""
    return re.sub(r"\s+", "", text)


@pytest.mark.slow
def test_the_pdf_opens_as_numbered_a4_pages_with_the_case_number_on_each(pdf: bytes, pages: list[str]) -> None:
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    # A sane count for 15 recipients with one 10,000-character answer: neither one page nor a runaway layout.
    assert 5 <= len(pages) <= 40
    for number, (page, text) in enumerate(zip(reader.pages, pages, strict=True), start=1):
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == A4_POINTS
        assert f"{CASE_NUMBER} · Sammanställning av remissvar" in text, number
        assert f"Sida {number} av {len(pages)}" in text, number
    assert "Sammanställning av remissvar" in pages[0]


@pytest.mark.slow
def test_every_word_of_every_answer_is_in_the_pdf(summary: Summary, pages: list[str]) -> None:
    whole = squashed("\n".join(pages))
    checked = 0
    for entry in summary.annex:
        for answer in entry.answers:
            for word in re.findall(r"\w+", answer.text):
                assert word in whole, (entry.organisation.name, answer.question_number, word)
                checked += 1
        assert entry.organisation.name.replace(" ", "") in whole
    assert checked > 1500  # the 10,000-character answer alone has more


def test_without_pango_the_pdf_is_refused_in_swedish_and_nothing_is_written(
    texts: Texts, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    without_pango(monkeypatch)
    out, err = io.StringIO(), io.StringIO()
    service = round_service(stk_2023_137())
    code = summary_command(service, texts, CASE_NUMBER, [*FORMATS, PDF], tmp_path, out, err)
    assert code == 2
    assert "Pango" in err.getvalue()
    assert "sudo apt-get install libpango-1.0-0" in err.getvalue()
    assert "Inget har skrivits." in err.getvalue()
    assert "Traceback" not in err.getvalue()
    assert not tmp_path.exists() or list(tmp_path.iterdir()) == []
    assert out.getvalue() == ""
