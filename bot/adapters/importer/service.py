"""Imports a remiss document: read the file, parse its text, word the warnings."""

from __future__ import annotations

from pathlib import Path

from bot.adapters.importer.isolated import Limits, import_isolated
from bot.adapters.importer.model import ImportedRemiss
from bot.adapters.importer.parser import parse_remiss
from bot.adapters.importer.readers import MAX_FILE_BYTES, OnOcr
from bot.adapters.importer.wording import Wording, default_wording
from bot.core.domain.organisation import Directory


def import_file(
    path: Path,
    directory: Directory,
    *,
    max_bytes: int = MAX_FILE_BYTES,
    limits: Limits | None = None,
    on_ocr: OnOcr | None = None,
) -> ImportedRemiss:
    """What the document at `path` says about its remiss; raises DocumentError if it cannot be read.
    `on_ocr` is told the number of scanned pages before OCR reads them (to say that it takes a while).

    The import runs in a child process within `limits` (CPU, memory, time): a file that needs more is
    refused as too demanding rather than slowing or stopping the bot.
    """
    return import_isolated(path, directory, max_bytes=max_bytes, limits=limits or Limits(), on_ocr=on_ocr)


def import_text(text: str, directory: Directory, *, wording: Wording | None = None) -> ImportedRemiss:
    """What a text (pasted, or from another reader) says about its remiss."""
    return parse_remiss(text, directory, describe=(wording or default_wording()).warning)
