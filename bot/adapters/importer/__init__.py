"""Imports a remiss from its document (.txt, .docx, .pdf) into a draft: case number, deadline, recipients.

The names below are loaded when first used: the import child (isolated.py), started for every document, loads
this package too, and needs neither the command nor the wording (Jinja2) they bring.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_WHERE = {
    "SaveRefused": "command",
    "run_import": "command",
    "Confidence": "model",
    "Contact": "model",
    "DocumentError": "model",
    "DocumentErrorCode": "model",
    "Field": "model",
    "ImportedRecipient": "model",
    "ImportedRemiss": "model",
    "ImportFailed": "model",
    "ParseWarning": "model",
    "WarningCode": "model",
    "MAX_FILE_BYTES": "readers",
    "import_file": "service",
    "import_text": "service",
}

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


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
