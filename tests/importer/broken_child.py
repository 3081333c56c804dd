"""Makes the importer's child process fail for real: its interpreter runs a `sitecustomize` from a folder put
first on PYTHONPATH, before any of our code. No function of ours is replaced; the child simply dies."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import pytest

# What the child does before it reads its request: exit 1 with a trace on stderr (an interpreter that cannot
# start), or print a few bytes that are no pickle and exit 0 (output cut short).
Failure = Literal["exits_1", "prints_garbage"]

_SCRIPTS: dict[Failure, str] = {
    "exits_1": "import sys\nsys.stderr.write('Traceback: the import child is broken\\n')\nsys.exit(1)\n",
    "prints_garbage": "import os, sys\nsys.stdout.buffer.write(b'\\x80\\x05garbage')\nsys.stdout.flush()\n"
    "os._exit(0)\n",
}


def break_import_child(monkeypatch: pytest.MonkeyPatch, folder: Path, failure: Failure) -> None:
    """Every import child started until the test ends fails as `failure` says."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(_SCRIPTS[failure], encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(folder), os.environ.get("PYTHONPATH", "")]))
