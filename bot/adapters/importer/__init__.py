"""Imports a remiss from its document (.txt, .docx, .pdf) into a draft: case number, deadline, recipients."""

from bot.adapters.importer.command import SaveRefused, run_import
from bot.adapters.importer.model import (
    Confidence,
    Contact,
    DocumentError,
    DocumentErrorCode,
    Field,
    ImportedRecipient,
    ImportedRemiss,
    ImportFailed,
    ParseWarning,
    WarningCode,
)
from bot.adapters.importer.readers import MAX_FILE_BYTES
from bot.adapters.importer.service import import_file, import_text

__all__ = [
    "MAX_FILE_BYTES",
    "Confidence",
    "Contact",
    "DocumentError",
    "DocumentErrorCode",
    "Field",
    "ImportFailed",
    "ImportedRecipient",
    "ImportedRemiss",
    "ParseWarning",
    "SaveRefused",
    "WarningCode",
    "import_file",
    "import_text",
    "run_import",
]
