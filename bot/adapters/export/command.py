"""The command line's side of `remissbot export DIARIENUMMER --out DIR`."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from bot.adapters.export.package import WORDS, export_case, write_export
from bot.adapters.pdf import PdfUnavailable
from bot.adapters.rendering import Texts
from bot.core.usecases import UseCases


def export_command(service: UseCases, texts: Texts, case_number: str, out_dir: Path, out: TextIO, err: TextIO) -> int:
    """Write the export; 0 when written, 2 when it cannot be made here (nothing is written then).

    An unknown case number (DomainError) is left to the command line's own handler."""
    if out_dir.exists() and not out_dir.is_dir():
        print(texts.part(WORDS, "not_a_directory", path=str(out_dir)), file=err)
        return 2
    try:
        export = export_case(service, texts, case_number)
    except PdfUnavailable as missing:
        print(texts.part(WORDS, "pdf_unavailable", packages=str(missing)), file=err)
        return 2
    for note in export.notes:
        print(note, file=err)
    write_export(export, out_dir)
    documents = len(export.records)
    print(texts.part(WORDS, "written", directory=str(out_dir), count=documents), file=out)
    return 0
