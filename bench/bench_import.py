"""Import speed: the first call in a fresh process, then the median warm import per document."""

# Run from the repo root: .venv/bin/python bench/bench_import.py [runs]   (default 20 warm runs each)
# Documents: the seeds and the corpus in ../shared, plus a .docx made from seed 002.

from __future__ import annotations

import importlib
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.domain.organisation import Directory
    from bot.importer import ImportedRemiss

    Importer = Callable[[Path, Directory], ImportedRemiss]

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
TARGET_MS = 300.0


def main(runs: int) -> None:
    started = time.perf_counter()
    # Imported here, in a fresh process, so that the first-call figure includes importing the package.
    from bot.directory_file import parse_directory, shipped_directory_text
    from bot.importer import import_file

    directory = parse_directory(shipped_directory_text())
    documents = sorted((SHARED / "seeds").glob("0*.txt")) + sorted((SHARED / "corpus").glob("G*.txt"))
    if not documents:
        sys.exit(f"no documents under {SHARED}: clone shared/ beside the repo")

    import_file(documents[2], directory)  # seed 002, the reference remiss
    first_ms = (time.perf_counter() - started) * 1000
    print(f"first call (import package + templates + seed 002): {first_ms:.1f} ms")

    for library in ("docx", "pypdf"):
        started = time.perf_counter()
        importlib.import_module(library)
        print(f"first {library} use adds its import: {(time.perf_counter() - started) * 1000:.1f} ms")

    with tempfile.TemporaryDirectory() as scratch:
        word = _word_copy(documents[2], Path(scratch) / "002.docx")
        started = time.perf_counter()
        import_file(word, directory)
        print(f"first .docx read (after that import): {(time.perf_counter() - started) * 1000:.1f} ms")
        medians = {path.name: _median_ms(import_file, path, directory, runs) for path in [*documents, word]}

    for name, median in medians.items():
        print(f"{name[:40]:<40} median {median:7.2f} ms")
    overall = statistics.median(medians.values())
    print(f"documents: {len(medians)}, warm runs each: {runs}")
    print(f"median of per-document medians: {overall:.2f} ms (target <= {TARGET_MS:.0f} ms)")
    print(f"slowest document median: {max(medians.values()):.2f} ms")


def _median_ms(import_file: Importer, path: Path, directory: Directory, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        import_file(path, directory)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _word_copy(text_file: Path, target: Path) -> Path:
    """The seed as a Word file, one paragraph per line, so the .docx reader is measured too."""
    import docx

    document = docx.Document()
    for line in text_file.read_text(encoding="utf-8").splitlines():
        document.add_paragraph(line)
    document.save(str(target))
    return target


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
