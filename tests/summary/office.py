"""LibreOffice, headless, as the tests use it to lay a Word document out as pages."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from pypdf import PdfReader

from tests.summary.programs import program


def office_or_skip() -> str:
    """The soffice binary; CI must have it (a developer without it is told why and skipped)."""
    message = "LibreOffice is not installed (apt-get install libreoffice-writer-nogui): DOCX → PDF not checked"
    return program(("soffice", "libreoffice"), message)


def pdf_pages(office: str, source: Path, workdir: Path) -> list[str]:
    """The text of each page of `source` as LibreOffice lays it out (converted to PDF in `workdir`)."""
    # A profile of its own, so that a LibreOffice already running for someone else does not take the job.
    profile = (workdir / "profile").as_uri()
    subprocess.run(
        [
            office,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(workdir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=240,
        env={**os.environ, "HOME": str(workdir)},
    )
    return [page.extract_text() for page in PdfReader(workdir / f"{source.stem}.pdf").pages]
