"""What a test does when a system program, library or service it needs is missing (LibreOffice, Chromium,
Pango, Tesseract, PostgreSQL, ../shared): CI must have it, so there it fails; a developer is told why and skipped."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def missing(message: str) -> NoReturn:
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)
