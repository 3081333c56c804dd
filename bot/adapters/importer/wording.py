"""The importer's Swedish texts, rendered from the Jinja2 templates in templates/importer/."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path

import jinja2

import templates
from bot.adapters.importer.model import DocumentError, Field, ImportedRemiss, WarningCode
from bot.adapters.rendering import Parts, grouped_number
from bot.core.domain.remiss import suggested_question_kind
from bot.core.domain.text import without_control_characters

_TEMPLATE_DIR = Path(templates.__file__).parent


class Wording:
    """Renders messages, warnings and the import report. Document text is passed as data, never as a
    template, so nothing a document contains is ever evaluated."""

    def __init__(self) -> None:
        environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(_TEMPLATE_DIR),
            autoescape=False,  # noqa: S701 - plain text for a terminal and JSON, never HTML
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
        )
        environment.filters["tal"] = grouped_number
        self._parts = Parts(environment)
        self._report = environment.get_template("importer/report.j2")

    def error(self, error: DocumentError, *, file_name: str) -> str:
        """Why the file cannot be read, in Swedish."""
        return self._message(f"error_{error.code.value}", {**error.params, "file_name": file_name})

    def import_failed(self, *, file_name: str) -> str:
        """The import itself failed (not the file): what to do, in Swedish."""
        return self._message("error_import_failed", {"file_name": file_name})

    def warning(self, code: WarningCode, params: Mapping[str, object]) -> str:
        """One warning about an import, in Swedish."""
        return self._message(f"warning_{code.value}", params)

    def report(self, result: ImportedRemiss, *, file_name: str) -> str:
        """The human report: each field with its confidence, what is missing, warnings."""
        # Each question's kind as the create form will suggest it (the coordinator can change it there).
        kinds = [suggested_question_kind(q).value for q in result.questions]
        return without_control_characters(self._report.render(r=result, file_name=file_name, kinds=kinds))

    def save_refused(self, missing: Sequence[Field]) -> str:
        """Why no draft was saved."""
        return self._message("save_refused", {"missing": [f.value for f in missing]})

    def saved(self, case_number: str) -> str:
        """A draft was saved under this case number."""
        return self._message("saved", {"case_number": case_number})

    def _message(self, name: str, params: Mapping[str, object]) -> str:
        # Each macro takes the code's parameters as `p`. The lookup strips control characters: a file name
        # comes from whoever sent the file, and nothing in it may move a terminal's cursor.
        return self._parts.read("importer/messages.j2", name, p=dict(params))

    def has(self, name: str) -> bool:
        """Whether templates/importer/messages.j2 has the message `name`."""
        return self._parts.has("importer/messages.j2", name)


@lru_cache(maxsize=1)
def default_wording() -> Wording:
    """The wording built once per process: compiling the templates is the slow part."""
    return Wording()
