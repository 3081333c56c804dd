"""The import child is started for every file: it loads only what every request needs, the rest when used."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import bot

ROOT = str(Path(bot.__file__).resolve().parents[1])
# Each is loaded where it is used: the parser for an import (not to read an answer's text), python-docx and
# pypdf for their formats, threads for OCR of several pages, Jinja2 only in the parent (it words the warnings).
LOADED_WHEN_USED = {"bot.adapters.importer.parser", "jinja2", "docx", "pypdf", "concurrent.futures", "logging"}


def test_the_import_child_starts_without_what_only_some_files_need() -> None:
    probe = "import sys, bot.adapters.importer.isolated; print(' '.join(sorted(sys.modules)))"
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([ROOT, os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=environment)
    loaded = set(done.stdout.split())
    assert "bot.adapters.importer.readers" in loaded
    assert sorted(loaded & LOADED_WHEN_USED) == []
