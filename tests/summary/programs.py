"""The system programs the summary tests run (Chromium, LibreOffice, pdftotext), found on the PATH."""

from __future__ import annotations

import shutil

from tests.system import missing


def program(names: tuple[str, ...], missing_reason: str) -> str:
    """The first of these names on the PATH; CI must have one (a developer without it is told why and skipped)."""
    found = next((path for path in map(shutil.which, names) if path is not None), None)
    if found is None:
        missing(missing_reason)
    return found
