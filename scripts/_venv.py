"""The project virtualenv for scripts/demo and scripts/test, reinstalled when requirements change."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = Path(os.environ.get("REMISSBOT_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def tool(name: str) -> str:
    """Path of a command installed in the virtualenv."""
    return str(BIN / (name + (".exe" if os.name == "nt" else "")))


def ensure(extras: str = "") -> None:
    """Create the virtualenv if needed and install the project into it when its requirements changed."""
    # These scripts run under whatever python3 a newcomer has, so the check is real here.
    if sys.version_info < (3, 11):  # noqa: UP036
        sys.exit(f"remissbot behöver Python 3.11 eller senare; det här är {sys.version.split()[0]}.")
    if not (BIN / "python").exists() and not (BIN / "python.exe").exists():
        print(f"Skapar virtuell miljö i {VENV} …", flush=True)
        venv.create(VENV, with_pip=True)
    target = f".{extras}" if extras else "."
    stamp = VENV / ".remissbot-installed"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + target.encode()).hexdigest()
    installed = stamp.read_text().split() if stamp.exists() else []
    if digest in installed:
        return
    print(f"Installerar remissbot{extras} och dess beroenden …", flush=True)
    subprocess.run(
        [tool("python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", target],
        cwd=ROOT,
        check=True,
    )
    stamp.write_text(" ".join([*installed, digest]))
