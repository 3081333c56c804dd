"""`remissbot import FILE [--json] [--save]`: shows what a remiss document holds; saves it as a draft."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from bot.adapters.importer.model import DocumentError, Field, ImportedRemiss
from bot.adapters.importer.service import import_file
from bot.adapters.importer.wording import Wording, default_wording
from bot.core.domain.organisation import Directory

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1
# A draft needs at least these; everything else can be filled in before the remiss is sent.
# What a draft remiss cannot be stored without; recipients may be chosen later, before it is sent.
REQUIRED_FOR_DRAFT = (Field.CASE_NUMBER, Field.TITLE, Field.DEADLINE, Field.QUESTIONS)


class SaveRefused(Exception):
    """The draft could not be stored (a duplicate case number, a past deadline); the message says why."""


def run_import(
    path: Path,
    *,
    directory: Directory,
    as_json: bool,
    out: TextIO,
    save: Callable[[ImportedRemiss], str] | None = None,
) -> int:
    """Imports the file, prints the result (report or one JSON object) and saves a draft if asked.

    Returns 0 when the document was read (and, with `save`, saved); 1 when it could not be read (or the
    import failed) or lacks what a draft needs, in which case nothing is saved.
    """
    wording = default_wording()
    try:
        result = import_file(path, directory)
    except DocumentError as error:
        message = wording.error(error, file_name=path.name)
        _emit_failure(out, as_json, message, code=error.code.value)
        return EXIT_FAILED
    except Exception:  # ImportFailed, or a bug: one Swedish line here, the details with --debug
        log.debug("The import of %s failed", path.name, exc_info=True)
        _emit_failure(out, as_json, wording.import_failed(file_name=path.name), code="import_failed")
        return EXIT_FAILED
    if save is None:
        _emit_result(out, as_json, result, wording, path)
        return EXIT_OK
    missing = [f for f in REQUIRED_FOR_DRAFT if f in result.missing]
    if missing:
        if not as_json:
            out.write(wording.report(result, file_name=path.name))
        _emit_failure(out, as_json, wording.save_refused(missing), code="missing_fields", missing=missing)
        return EXIT_FAILED
    try:
        case_number = save(result)
    except SaveRefused as refused:
        if not as_json:
            out.write(wording.report(result, file_name=path.name))
        _emit_failure(out, as_json, str(refused), code="save_refused")
        return EXIT_FAILED
    _emit_result(out, as_json, result, wording, path)
    if not as_json:
        out.write(f"\n{wording.saved(case_number)}\n")
    return EXIT_OK


def _emit_result(out: TextIO, as_json: bool, result: ImportedRemiss, wording: Wording, path: Path) -> None:
    if as_json:
        _write_json(out, result.to_json_dict())
    else:
        out.write(wording.report(result, file_name=path.name))


def _emit_failure(out: TextIO, as_json: bool, message: str, *, code: str, missing: list[Field] | None = None) -> None:
    if not as_json:
        out.write(f"{message}\n")
        return
    failure: dict[str, object] = {"error": message, "code": code}
    if missing is not None:
        failure["missing"] = [f.value for f in missing]
    _write_json(out, failure)


def _write_json(out: TextIO, value: dict[str, object]) -> None:
    out.write(json.dumps(value, ensure_ascii=False, indent=2))
    out.write("\n")
