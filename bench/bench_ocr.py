"""OCR speed: seed 002 laid out as a letter (A4, 11 pt) and scanned (devtools/scans.py), each page read by OCR
several times.

Per page the median wall-clock time of reading it (rendering by pdftoppm and recognition by tesseract, in their
limited processes) and the median CPU time those processes used; then the whole scan imported once, as
`remissbot import` does. Target: at most 5 s a page. On a shared machine the wall-clock time grows with the
load (printed); the CPU time is what the page itself costs.
"""

# Run from the repo root: .venv/bin/python bench/bench_ocr.py [runs] [pages]
#   (default 3 runs per page, every page; on a busy machine the first 2 pages give the figure sooner)
# Needs tesseract-ocr, tesseract-ocr-swe and poppler-utils, and ../shared with the seeds.

from __future__ import annotations

import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
TARGET_SECONDS = 5.0


def main(runs: int, only: int | None) -> None:
    from bot.adapters.directory_file import parse_directory, shipped_directory_text
    from bot.adapters.importer import import_file
    from bot.adapters.importer.ocr import OCR_PACKAGES, missing_packages, read_pages
    from devtools.scans import scanned, typed_pdf

    missing = missing_packages()
    if missing:
        sys.exit(f"OCR is not installed here: apt-get install {' '.join(OCR_PACKAGES)} (missing {', '.join(missing)})")
    seed = next(iter(sorted((SHARED / "seeds").glob("002_*.txt"))), None)
    if seed is None:
        sys.exit(f"no seed 002 under {SHARED}: clone shared/ beside the repo")
    scan = scanned(typed_pdf(seed.read_text(encoding="utf-8"), layout="letter"))
    pages = _page_count(scan)
    timed = min(pages, only or pages)
    print(f"seed 002 scanned: {pages} pages (timing {timed}), {len(scan) / 1e6:.1f} MB; {runs} runs a page")
    print(f"load average {_load()}")

    worst = 0.0
    for page in range(1, timed + 1):
        walls, cpus = [], []
        for _ in range(runs):
            cpu_before = _children_cpu()
            started = time.perf_counter()
            (reading,) = read_pages(scan, [page])
            walls.append(time.perf_counter() - started)
            cpus.append(_children_cpu() - cpu_before)
        wall, cpu = statistics.median(walls), statistics.median(cpus)
        worst = max(worst, wall)
        words = len(reading.text.split())
        print(f"page {page}: median {wall:.2f} s wall, {cpu:.2f} s CPU ({words} words)")

    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "skannad.pdf"
        path.write_bytes(scan)
        directory = parse_directory(shipped_directory_text())
        cpu_before = _children_cpu()
        started = time.perf_counter()
        result = import_file(path, directory)
        took = time.perf_counter() - started
        cpu = _children_cpu() - cpu_before
    # The pages are read two at a time (PARALLEL_PAGES): on two free cores the wall-clock time a page halves.
    print(
        f"whole scan imported in {took:.1f} s ({took / pages:.2f} s a page), {cpu:.1f} s CPU ({cpu / pages:.2f} s a"
        f" page), load {_load()}: {result.case_number}, {result.deadline}"
    )
    verdict = "met" if worst <= TARGET_SECONDS else "NOT met (see the CPU time and the load)"
    print(f"slowest page median {worst:.2f} s wall; target <= {TARGET_SECONDS:.0f} s a page: {verdict}")


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _load() -> str:
    return ", ".join(f"{value:.1f}" for value in os.getloadavg())


def _page_count(pdf: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3, int(sys.argv[2]) if len(sys.argv) > 2 else None)
