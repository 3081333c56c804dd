"""Fixtures for the importer tests: the shipped directory, the wording, and the shared seeds and corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.adapters.directory_file import parse_directory, shipped_directory_text
from bot.adapters.importer.ocr import OCR_PACKAGES, missing_packages
from bot.adapters.importer.wording import Wording, default_wording
from bot.core.domain.organisation import Directory
from tests.system import missing

REPO = Path(__file__).resolve().parents[2]
# CI clones the repo with shared/ beside it; so does every developer machine.
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def directory() -> Directory:
    return parse_directory(shipped_directory_text())


@pytest.fixture(scope="session")
def wording() -> Wording:
    return default_wording()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared with the seeds and the corpus; CI must have it, a developer without it is told why."""
    if not (SHARED / "corpus" / "groundtruth.json").is_file() or not (SHARED / "seeds").is_dir():
        reason = f"{SHARED} is missing: the seeds and the corpus are cloned beside the repo as shared/"
        missing(reason)
    return SHARED


@pytest.fixture
def without_ocr(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A machine without tesseract and pdftoppm: nothing on the PATH (the import child runs the same Python)."""
    empty = tmp_path / "no-programs"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


def ocr_or_skip() -> None:
    """OCR must run in CI (scripts/test installs it there); a developer without it is told why and skipped."""
    absent = missing_packages()
    if absent:
        missing(f"OCR is not installed (apt-get install {' '.join(OCR_PACKAGES)}): missing {', '.join(absent)}")
