"""The Word document as LibreOffice lays it out: it opens, and every page has the case number and its number."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.summary.round import CASE_NUMBER

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def office() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        message = "LibreOffice is not installed (apt-get install libreoffice-writer-nogui): DOCX → PDF not checked"
        # Like PostgreSQL and the seeds: a developer without it is told why; CI must check the pages.
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


def test_libreoffice_turns_the_summary_into_numbered_pages_with_the_case_number(
    office: str, docx_bytes: bytes, tmp_path: Path
) -> None:
    source = tmp_path / f"{CASE_NUMBER} Sammanställning av remissvar.docx"
    source.write_bytes(docx_bytes)
    # A profile of its own, so that a LibreOffice already running for someone else does not take the job.
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        [
            office,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=240,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    pdf = PdfReader(tmp_path / f"{CASE_NUMBER} Sammanställning av remissvar.pdf")
    pages = [page.extract_text() for page in pdf.pages]
    assert len(pages) > 10
    assert "Sammanställning av remissvar" in pages[0]
    for number, text in enumerate(pages, start=1):
        assert CASE_NUMBER in text, number
        assert re.search(rf"Sida\s*{number}\s*av\s*{len(pages)}", text), number
    whole = "\n".join(pages)
    assert "5. Bilaga: remissvaren i sin helhet" in whole
    assert "en ny stiftelse" in whole
