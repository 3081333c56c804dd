"""Imports a remiss document: read the file, parse its text, word the warnings."""

from __future__ import annotations

from pathlib import Path

from bot.domain.organisation import Directory
from bot.importer.isolated import Limits, import_isolated
from bot.importer.model import ImportedRemiss, WarningCode, WarningNote
from bot.importer.parser import parse_remiss
from bot.importer.readers import MAX_FILE_BYTES, read_document
from bot.importer.wording import Wording, default_wording


def import_file(
    path: Path, directory: Directory, *, max_bytes: int = MAX_FILE_BYTES, limits: Limits | None = None
) -> ImportedRemiss:
    """What the document at `path` says about its remiss; raises DocumentError if it cannot be read.

    The import runs in a child process within `limits` (CPU, memory, time): a file that needs more is
    refused as too demanding rather than slowing or stopping the bot.
    """
    return import_isolated(path, directory, max_bytes=max_bytes, limits=limits or Limits())


def import_here(path: Path, directory: Directory, max_bytes: int = MAX_FILE_BYTES) -> ImportedRemiss:
    """The import itself, in this process and without limits: for the child that import_file starts."""
    document = read_document(path, max_bytes=max_bytes)
    notes: list[WarningNote] = []
    if document.pages_without_text:
        notes.append((WarningCode.PAGES_WITHOUT_TEXT, {"pages": list(document.pages_without_text)}))
    return parse_remiss(
        document.text, directory, describe=default_wording().warning, source=document.source, notes=notes
    )


def import_text(text: str, directory: Directory, *, wording: Wording | None = None) -> ImportedRemiss:
    """What a text (pasted, or from another reader) says about its remiss."""
    return parse_remiss(text, directory, describe=(wording or default_wording()).warning)
