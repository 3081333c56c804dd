"""`remissbot archive DIARIENUMMER --out DIR` and `write_archive`, what closing a remiss calls."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TextIO

from bot.adapters.archive.files import PackageExists, save_package, save_zip
from bot.adapters.archive.package import WORDS, build_archive
from bot.adapters.pdf import SYSTEM_PACKAGES, PdfUnavailable
from bot.adapters.rendering import Texts
from bot.core.usecases import UseCases

log = logging.getLogger(__name__)


def write_archive(service: UseCases, texts: Texts, case_number: str, out_dir: Path) -> Path:
    """Build the remiss's E-ARK SIP and write it as out_dir/<diarienummer>; returns that folder.

    Refused (DomainError) for a remiss that has not ended; PdfUnavailable without Pango; PackageExists when the
    folder is there already; OSError when out_dir cannot be written. In every case nothing is left behind."""
    package = build_archive(service, texts, case_number, service.now())
    return save_package(package, out_dir)


def archive_when_closed(service: UseCases, texts: Texts, case_number: str, archive_dir: Path) -> Path | None:
    """The package written on closing, in `archive_dir`; a remiss closed again (after Återöppna) gets its new
    package beside the first, in a folder named for the moment it was closed. None when it cannot be written
    (no Pango, a folder that can't be written): the closing stands, the log says why, and `remissbot archive`
    can write it later."""
    try:
        package = build_archive(service, texts, case_number, service.now())
        try:
            return save_package(package, archive_dir)
        except PackageExists:  # the same package, built once (its PDFs take seconds), saved beside the first
            moment = service.now().astimezone(service.config.tz).strftime("%Y-%m-%dT%H%M%S")
            return save_package(package, archive_dir / moment)
    except (PdfUnavailable, PackageExists, OSError) as error:
        log.warning("The archive package of %s was not written to %s: %s", case_number, archive_dir, error)
        return None


def archive_command(
    service: UseCases, texts: Texts, case_number: str, out_dir: Path, out: TextIO, err: TextIO, *, as_zip: bool = False
) -> int:
    """0 when written (as a folder, or with `as_zip` as one .zip file); 2 when it cannot be written here
    (nothing is written then). An unknown or open remiss (DomainError) is left to the command line's handler."""
    if out_dir.exists() and not out_dir.is_dir():
        print(texts.part(WORDS, "not_a_directory", path=str(out_dir)), file=err)
        return 2
    try:
        package = build_archive(service, texts, case_number, service.now())
    except PdfUnavailable:
        print(texts.part(WORDS, "pdf_unavailable", packages=" ".join(SYSTEM_PACKAGES)), file=err)
        return 2
    try:
        folder = save_zip(package, out_dir) if as_zip else save_package(package, out_dir)
    except PackageExists as exists:
        print(texts.part(WORDS, "already_there", path=str(exists)), file=err)
        return 2
    except OSError as error:
        print(texts.part(WORDS, "cannot_write", path=str(out_dir), reason=error.strerror or str(error)), file=err)
        return 2
    for note in package.notes:
        print(note, file=err)
    print(texts.part(WORDS, "written", directory=str(folder), count=len(package.files)), file=out)
    return 0
