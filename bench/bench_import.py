"""Import speed: the first call in a fresh process, then the median warm import per document.

With --hostile: files up to the 20 MB limit built to exhaust the importer, each imported in a fresh
process; per file the median time and peak memory (RSS) of the import child and of the caller.
"""

# Run from the repo root: .venv/bin/python bench/bench_import.py [runs]   (default 20 warm runs each)
# Documents: the seeds and the corpus in ../shared, plus a .docx made from seed 002.
#            .venv/bin/python bench/bench_import.py --parse [runs]   (default 50 runs each)
# --parse: the text rules alone, in this process, as CPU time: the figure that stays comparable on a loaded
#          machine (wall-clock medians there mostly measure the wait for a core).
#            .venv/bin/python bench/bench_import.py --hostile [runs]   (default 3 runs per file)

from __future__ import annotations

import importlib
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.adapters.importer import ImportedRemiss
    from bot.core.domain.organisation import Directory

    Importer = Callable[[Path, Directory], ImportedRemiss]

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
TARGET_MS = 300.0


def main(runs: int) -> None:
    started = time.perf_counter()
    # Imported here, in a fresh process, so that the first-call figure includes importing the package.
    from bot.adapters.directory_file import parse_directory, shipped_directory_text
    from bot.adapters.importer import import_file

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


# Hostile files ------------------------------------------------------------------------------------------

MEGABYTE = 1024 * 1024
HOSTILE_BYTES = 19 * MEGABYTE  # just under the 20 MB the importer accepts
TARGET_SECONDS = 10.0
TARGET_PEAK_MB = 300.0
_WORD_START = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
)


def _repeat(unit: bytes, size: int) -> Iterator[bytes]:
    block = unit * max(1, 65536 // len(unit))
    for _ in range(size // len(block)):
        yield block


def _lines(template: str, size: int) -> bytes:
    out = bytearray()
    number = 0
    while len(out) < size:
        out += (template % number).encode()
        number += 1
    return bytes(out)


def _word(path: Path, body: Iterable[bytes]) -> None:
    import io
    import zipfile

    import docx

    template = io.BytesIO()
    docx.Document().save(template)
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for info in source.infolist():
            if info.filename != "word/document.xml":
                package.writestr(info, source.read(info.filename))
                continue
            with package.open("word/document.xml", "w", force_zip64=True) as part:
                part.write(_WORD_START)
                for chunk in body:
                    part.write(chunk)
                part.write(b"</w:body></w:document>")


def _numbered(template: bytes, count: int) -> Iterator[bytes]:
    """The XML template with %d numbered 0, 1, …: varied enough that it does not look like a zip bomb."""
    for start in range(0, count, 1000):
        yield b"".join(template % n for n in range(start, min(start + 1000, count)))


def _word_paragraphs(count: int, text: str) -> Iterator[bytes]:
    return _numbered(b"<w:p><w:r><w:t>" + text.encode() + b" %d</w:t></w:r></w:p>", count)


def _pdf(pages: list[list[str] | None]) -> bytes:
    sys.path.insert(0, str(REPO))
    from devtools.pdf import pdf_with_pages

    return pdf_with_pages(pages)


def hostile_files(folder: Path) -> list[Path]:
    """The hostile set: each file just under 20 MB, or as large as its kind can usefully be."""
    import codecs
    import random

    remiss = (SHARED / "seeds").glob("002_*.txt")
    seed = next(remiss).read_text(encoding="utf-8") if (SHARED / "seeds").is_dir() else "Remiss STK-2024-1\n"
    cp1252_bytes = bytes(b for b in range(1, 256) if b not in b"\x81\x8d\x8f\x90\x9d")
    makers: dict[str, Callable[[Path], object]] = {
        "txt one line.txt": lambda p: p.write_bytes(
            b"Remissen g\xc3\xa4ller parkeringsnormen. " * (HOSTILE_BYTES // 36)
        ),
        "txt short lines.txt": lambda p: p.write_bytes(b"x\n" * (HOSTILE_BYTES // 2)),
        "txt Fraga N lines.txt": lambda p: p.write_bytes(
            _lines("Fråga %d: Hur påverkas er verksamhet?\n", HOSTILE_BYTES)
        ),
        "txt seed + spaces.txt": lambda p: p.write_bytes(seed.encode() + b" \t" * (HOSTILE_BYTES // 2)),
        "txt binary garbage.txt": lambda p: p.write_bytes(
            bytes(random.Random(1).choices(cp1252_bytes, k=HOSTILE_BYTES // 16)) * 16
        ),
        "txt utf-16.txt": lambda p: p.write_bytes(
            codecs.BOM_UTF16_LE + (seed * (HOSTILE_BYTES // 2 // len(seed))).encode("utf-16-le")
        ),
        "txt latin-1.txt": lambda p: p.write_bytes((seed * (HOSTILE_BYTES // len(seed))).encode("latin-1", "replace")),
        "txt max accepted.txt": lambda p: p.write_bytes(
            (seed + "Bakgrund till ärendet. " * 23_000).encode() + b"\n" * (HOSTILE_BYTES - 600_000)
        ),
        "docx zip bomb.docx": lambda p: _word(p, _repeat(b"<w:p/>", 1024 * MEGABYTE)),
        "docx 4M paragraphs.docx": lambda p: _word(p, _word_paragraphs(4_000_000, "Rad")),
        "docx huge table.docx": lambda p: _word(
            p,
            [
                b"<w:tbl><w:tr>",
                *_numbered(b"<w:tc><w:p><w:r><w:t>%d</w:t></w:r></w:p></w:tc>", 600_000),
                b"</w:tr></w:tbl>",
            ],
        ),
        "docx many runs.docx": lambda p: _word(
            p, [b"<w:p>", *_numbered(b"<w:r><w:t>%d</w:t></w:r>", 1_000_000), b"</w:p>"]
        ),
        "docx max accepted.docx": lambda p: _word(p, _word_paragraphs(19_000, "Bakgrund till ärendet")),
        "docx corrupt zip.docx": lambda p: p.write_bytes(b"PK\x03\x04" + random.Random(2).randbytes(HOSTILE_BYTES)),
        "pdf many pages.pdf": lambda p: p.write_bytes(_pdf([["Sida"]] * 60_000)),
        "pdf huge content stream.pdf": lambda p: p.write_bytes(_pdf([[f"ord {n}" for n in range(1_000_000)]])),
        "pdf max accepted.pdf": lambda p: p.write_bytes(_pdf([[f"Rad {n} i remissen" for n in range(50)]] * 499)),
    }
    paths = []
    for name, make in makers.items():
        path = folder / name
        make(path)
        paths.append(path)
    return paths


def hostile(runs: int) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        print(f"{'file':<28} {'MB':>5}  {'outcome':<22} {'median s':>8} {'child MB':>8} {'caller MB':>9}")
        worst_seconds = worst_peak = 0.0
        for path in hostile_files(Path(scratch)):
            measured = [_one_hostile(path) for _ in range(runs)]
            seconds = statistics.median(m[1] for m in measured)
            child = statistics.median(m[2] for m in measured)
            caller = statistics.median(m[3] for m in measured)
            worst_seconds, worst_peak = max(worst_seconds, seconds), max(worst_peak, child, caller)
            size = path.stat().st_size / MEGABYTE
            print(f"{path.name[:28]:<28} {size:5.1f}  {measured[0][0]:<22} {seconds:8.2f} {child:8.0f} {caller:9.0f}")
    print(f"worst case: {worst_seconds:.2f} s (target <= {TARGET_SECONDS:.0f} s), peak {worst_peak:.0f} MB", end="")
    print(f" (target <= {TARGET_PEAK_MB:.0f} MB); medians of {runs} runs, each file in a fresh process")


def _one_hostile(path: Path) -> tuple[str, float, float, float]:
    """Outcome, seconds, peak RSS of the import child and of the caller: one import in a fresh process."""
    import json
    import subprocess

    done = subprocess.run(
        [sys.executable, __file__, "--import-one", str(path)], capture_output=True, text=True, check=True
    )
    outcome, seconds, child, caller = json.loads(done.stdout)
    return str(outcome), float(seconds), float(child), float(caller)


def import_one(path: Path) -> None:
    import json
    import resource

    from bot.adapters.directory_file import parse_directory, shipped_directory_text
    from bot.adapters.importer import DocumentError, import_file

    directory = parse_directory(shipped_directory_text())
    started = time.perf_counter()
    try:
        found = import_file(path, directory)
        outcome = f"read ({len(found.questions)} questions)"
    except DocumentError as error:
        outcome = f"refused: {error.code.value}"
    seconds = time.perf_counter() - started
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec, so it would report the bench's own peak.
    status = Path("/proc/self/status").read_text()
    caller = int(status.split("VmHWM:")[1].split()[0]) / 1024
    print(json.dumps([outcome, seconds, child, caller]))


def parse_only(runs: int) -> None:
    from bot.adapters.directory_file import parse_directory, shipped_directory_text
    from bot.adapters.importer import import_text

    directory = parse_directory(shipped_directory_text())
    documents = sorted((SHARED / "seeds").glob("0*.txt")) + sorted((SHARED / "corpus").glob("G*.txt"))
    documents += sorted((REPO / "tests" / "importer" / "data" / "municipal").glob("*.txt"))
    medians = {}
    for path in documents:
        text = path.read_text(encoding="utf-8")
        import_text(text, directory)
        times = []
        for _ in range(runs):
            started = time.process_time()
            import_text(text, directory)
            times.append((time.process_time() - started) * 1000)
        medians[path.name] = statistics.median(times)
    for name, median in medians.items():
        print(f"{name[:40]:<40} parse median {median:7.2f} ms CPU")
    print(f"documents: {len(medians)}, runs each: {runs}")
    print(f"median of per-document parse medians: {statistics.median(medians.values()):.2f} ms CPU")
    print(f"slowest document parse median: {max(medians.values()):.2f} ms CPU")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--parse"]:
        parse_only(int(sys.argv[2]) if len(sys.argv) > 2 else 50)
    elif sys.argv[1:2] == ["--hostile"]:
        hostile(int(sys.argv[2]) if len(sys.argv) > 2 else 3)
    elif sys.argv[1:2] == ["--import-one"]:
        import_one(Path(sys.argv[2]))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
