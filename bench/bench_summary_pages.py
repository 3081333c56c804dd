"""Pages of the demo's Word summary as LibreOffice lays it out (issue 14: 21 pages before, goal <= 12).

Run from the repo root: .venv/bin/python bench/bench_summary_pages.py [--dir DIR]
It runs the demo (about a minute) into DIR (default: a new temporary folder), converts its Word summary to PDF
with LibreOffice (`soffice`, Debian's libreoffice-writer-nogui) and prints the page count; exit code 1 when the
count is over the goal, 2 when LibreOffice is missing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from tests.summary.office import pdf_pages  # noqa: E402

GOAL_PAGES = 12
CASE_NUMBER = "STK-2023-137"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=None, help="folder for the demo (default: a temporary one)")
    args = parser.parse_args()
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        print("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)", file=sys.stderr)
        return 2
    workdir = (args.dir or Path(tempfile.mkdtemp(prefix="remissbot-pages-"))).resolve()
    # The worktree's own code, whatever the venv's editable install points to.
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    subprocess.run(
        [sys.executable, "-m", "bot.cli", "demo", "--dir", str(workdir)],
        cwd=REPO,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    source = workdir / f"{CASE_NUMBER} Sammanställning av remissvar.docx"
    pages = len(pdf_pages(office, source, workdir))  # the conversion the LibreOffice page test uses
    print(f"demo Word summary: {pages} pages (goal <= {GOAL_PAGES}); PDF in {workdir}")
    return 0 if pages <= GOAL_PAGES else 1


if __name__ == "__main__":
    sys.exit(main())
