"""Reads scanned PDF pages (pages without a text layer) with Tesseract's Swedish text recognition (OCR).

Each page is rendered to a grey image by pdftoppm (poppler-utils) and read by tesseract (tesseract-ocr with
tesseract-ocr-swe), each in a process of its own with limits on CPU time, memory and wall-clock time, and
one thread: the bot's machine is shared. Two pages are read at a time (PARALLEL_PAGES). A page that reads
badly is checked for its orientation (tesseract's OSD) and read again turned the right way up. Nothing here
raises for a page that gives no words: that is a blank scan, and the reader says so.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

OCR_PACKAGES = ("tesseract-ocr", "tesseract-ocr-swe", "poppler-utils")
"""The Debian packages that let the importer read scanned pages."""

MAX_OCR_PAGES = 20
"""Most scanned pages read in one document: a remiss letter or a signed yttrande is rarely over ten pages."""

SECONDS_PER_PAGE = 5
"""What a page takes to read, as said to the person waiting (bench/bench_ocr.py: 3–4.5 s here, more when busy)."""


def expected_seconds(pages: int) -> int:
    """About how long OCR of `pages` scanned pages takes, to tell the person waiting."""
    return max(1, pages) * SECONDS_PER_PAGE


PARALLEL_PAGES = 2
"""Pages read at the same time, each by its own one-thread tesseract: on two free cores a scan takes half the
time (bench/bench_ocr.py); on a busy machine the pages only wait their turn. More than the cores only queue."""

RESOLUTION_DPI = 300  # what tesseract is trained on: 8 pt text still reads; 10 % slower than 200 dpi
LANGUAGE = "swe"
_ORIENTATION_DATA = "osd"

# A page read with a mean word confidence under this, or with fewer words, is checked for its orientation.
_DOUBTFUL_CONFIDENCE = 60.0
_FEW_WORDS = 5
_ROTATE = re.compile(r"^Rotate:\s*(\d+)", re.MULTILINE)
_ORIENTATION_CONFIDENCE = re.compile(r"^Orientation confidence:\s*([\d.]+)", re.MULTILINE)
_SURE_ORIENTATION = 2.0  # tesseract's own scale: below this it is guessing
# Tesseract's Swedish model reads a paragraph sign before a number as a dollar sign ("§ 41" as "$41"). Swedish
# letters and minutes do not write dollars, so such a "$" is put back as the "§" of a minute's paragraph.
_PARAGRAPH_READ_AS_DOLLAR = re.compile(r"\$\s?(?=\d)")


class OcrUnavailable(Exception):
    """OCR cannot run on this machine; `packages` are the Debian packages that are missing."""

    def __init__(self, packages: Sequence[str]) -> None:
        self.packages = tuple(packages)
        super().__init__(f"missing: {', '.join(self.packages)}")


class OcrTooSlow(Exception):
    """The pages took longer to read than the time the document was given."""


@dataclass(frozen=True)
class OcrLimits:
    """What reading scanned pages may use: per process (CPU seconds, memory, seconds) and for the document."""

    cpu_seconds: int = 20  # a dense page takes 4 s here, one read upside down first 6 s more
    memory_bytes: int = 300 * 1024 * 1024  # tesseract takes about 80 MB for an A4 page at 300 dpi
    # A page takes 4 s of CPU here, but a minute on a machine as busy as a shared CI runner (load 13 on two
    # cores), and one that lies upside down three runs; what a document may take grows with its pages, up
    # to MAX_OCR_PAGES. The CPU limit above is what stops a page built to be slow; these are backstops.
    seconds_per_process: float = 120.0
    seconds_per_page: float = 120.0

    @property
    def seconds_in_all(self) -> float:
        """The longest any document may take: MAX_OCR_PAGES pages."""
        return self.seconds_per_page * MAX_OCR_PAGES


@dataclass(frozen=True)
class PageReading:
    """One scanned page as read: its text ("" when no words were found) and whether it was turned."""

    number: int
    text: str
    rotated_by: int = 0  # degrees the page was turned before it was read (it lay upside down: 180)

    @property
    def blank(self) -> bool:
        return not self.text.strip()


def missing_packages() -> tuple[str, ...]:
    """The Debian packages OCR still needs here; empty when scanned pages can be read."""
    missing = []
    tesseract = shutil.which("tesseract")
    if tesseract is None:
        missing.append("tesseract-ocr")
    elif LANGUAGE not in _languages(tesseract):
        missing.append("tesseract-ocr-swe")
    if shutil.which("pdftoppm") is None:
        missing.append("poppler-utils")
    return tuple(missing)


def _languages(tesseract: str) -> set[str]:
    try:
        done = subprocess.run(  # noqa: S603 - a fixed command
            [tesseract, "--list-langs"], capture_output=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return set()
    return {line.strip() for line in done.stdout.decode(errors="replace").splitlines()[1:]}


def read_pages(
    pdf: bytes,
    pages: Sequence[int],
    limits: OcrLimits | None = None,
    *,
    starting: Callable[[int], None] | None = None,
) -> tuple[PageReading, ...]:
    """The text of the given 1-based pages of `pdf`, each rendered and recognised in limited processes;
    `starting` is told the number of pages once OCR can run, before the first is read.

    Raises OcrUnavailable when a program or the Swedish language data is missing, OcrTooSlow when the
    pages together take longer than the limits allow (or one process runs out of its limits).
    """
    missing = missing_packages()
    if missing:
        raise OcrUnavailable(missing)
    limits = limits or OcrLimits()
    if starting is not None:
        starting(len(pages))
    run = _Runner(limits, time.monotonic() + limits.seconds_per_page * min(len(pages), MAX_OCR_PAGES))
    workers = min(PARALLEL_PAGES, os.cpu_count() or 1, len(pages)) if run.thread_safe else 1
    if workers <= 1:
        return tuple(_read_page_or_blank(run, pdf, number) for number in pages)
    # Here, not at the top: the import child loads this module for every file, scanned or not, and
    # concurrent.futures (with logging) would be most of what this module costs it.
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ocr-page")
    try:
        return tuple(pool.map(lambda number: _read_page_or_blank(run, pdf, number), pages))
    finally:  # after a page ran out of time, the pages not begun are not begun
        pool.shutdown(wait=True, cancel_futures=True)


def _read_page_or_blank(run: _Runner, pdf: bytes, number: int) -> PageReading:
    try:
        return _read_page(run, pdf, number)
    except _Failed:  # a page pdftoppm cannot draw or tesseract cannot take: no words from it
        return PageReading(number, "")


def _read_page(run: _Runner, pdf: bytes, number: int) -> PageReading:
    image = _Grey.parse(
        run(["pdftoppm", "-r", str(RESOLUTION_DPI), "-gray", "-f", str(number), "-l", str(number), "-singlefile"], pdf)
    )
    words = _recognise(run, image)
    if not _doubtful(words):
        return PageReading(number, _text(words))
    rotation = _orientation(run, image)
    if rotation:
        turned = _recognise(run, image.rotated(rotation))
        if _score(turned) > _score(words):
            return PageReading(number, _text(turned), rotation)
    return PageReading(number, _text(words))


# Tesseract ----------------------------------------------------------------------------------------------

# Tesseract's TSV: level, page, block, paragraph, line, word, left, top, width, height, confidence, text.
_WORD_LEVEL = "5"


@dataclass(frozen=True)
class _Word:
    block: int
    paragraph: int
    line: int
    confidence: float
    text: str


def _recognise(run: _Runner, image: _Grey) -> list[_Word]:
    # No second pass looking for white-on-black text: letters and memos have none, and it costs a fifth.
    tsv = run(
        [
            "tesseract",
            "stdin",
            "stdout",
            "-l",
            LANGUAGE,
            "--dpi",
            str(RESOLUTION_DPI),
            "-c",
            "tessedit_do_invert=0",
            "tsv",
        ],
        image.pgm,
    )
    words = []
    for row in tsv.decode("utf-8", errors="replace").splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) == 12 and cells[0] == _WORD_LEVEL and cells[11].strip():
            words.append(_Word(int(cells[2]), int(cells[3]), int(cells[4]), float(cells[10]), cells[11].strip()))
    return words


def _orientation(run: _Runner, image: _Grey) -> int:
    """Degrees (90, 180, 270) to turn the page clockwise to read it, 0 when upright or unsure."""
    try:
        found = run(
            ["tesseract", "stdin", "stdout", "-l", _ORIENTATION_DATA, "--psm", "0", "--dpi", str(RESOLUTION_DPI)],
            image.pgm,
        )
    except _Failed:  # too little text to tell: tesseract exits with an error
        return 0
    report = found.decode(errors="replace")
    rotate = _ROTATE.search(report)
    sure = _ORIENTATION_CONFIDENCE.search(report)
    if rotate is None or sure is None or float(sure.group(1)) < _SURE_ORIENTATION:
        return 0
    degrees = int(rotate.group(1))
    return degrees if degrees in (90, 180, 270) else 0


def _doubtful(words: Sequence[_Word]) -> bool:
    return len(words) > 0 and (len(words) < _FEW_WORDS or _mean_confidence(words) < _DOUBTFUL_CONFIDENCE)


def _mean_confidence(words: Sequence[_Word]) -> float:
    return sum(w.confidence for w in words) / len(words) if words else 0.0


def _score(words: Sequence[_Word]) -> float:
    """Confidently read words, as a measure of which reading of a page is the right way up."""
    return sum(w.confidence for w in words if w.confidence >= _DOUBTFUL_CONFIDENCE)


def _text(words: Sequence[_Word]) -> str:
    """The words as lines, a blank line between paragraphs (the way the text of a typed page reads)."""
    lines: list[str] = []
    current: list[str] = []
    last: tuple[int, int, int] | None = None
    for word in words:
        place = (word.block, word.paragraph, word.line)
        if last is not None and place != last:
            lines.append(" ".join(current))
            current = []
            if place[:2] != last[:2]:
                lines.append("")
        current.append(word.text)
        last = place
    if current:
        lines.append(" ".join(current))
    return _PARAGRAPH_READ_AS_DOLLAR.sub("§ ", "\n".join(lines))


# Images -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Grey:
    """A grey image as pdftoppm writes it (binary PGM, 8 bits a pixel), turned without any image library."""

    width: int
    height: int
    pixels: bytes

    @classmethod
    def parse(cls, pgm: bytes) -> _Grey:
        try:
            magic, size, depth, pixels = pgm.split(b"\n", 3)
            width, height = (int(n) for n in size.split())
        except ValueError as error:
            raise _Failed("pdftoppm wrote no image") from error
        if magic != b"P5" or depth != b"255" or len(pixels) != width * height:
            raise _Failed("pdftoppm wrote an image that is not an 8-bit grey PGM")
        return cls(width, height, pixels)

    @property
    def pgm(self) -> bytes:
        return b"P5\n%d %d\n255\n" % (self.width, self.height) + self.pixels

    def rotated(self, degrees: int) -> _Grey:
        """The image turned `degrees` (90, 180, 270) clockwise."""
        w, h, px = self.width, self.height, self.pixels
        if degrees == 180:
            return _Grey(w, h, px[::-1])
        if degrees == 90:  # each new row is an old column, read from the bottom up
            return _Grey(h, w, b"".join(px[column::w][::-1] for column in range(w)))
        return _Grey(h, w, b"".join(px[column::w] for column in range(w - 1, -1, -1)))


# Processes ----------------------------------------------------------------------------------------------


class _Failed(Exception):
    """A program failed on a page (not a limit): the page is treated as unreadable by that step."""


class _Runner:
    """Runs one program within the limits, and within what is left of the document's time."""

    def __init__(self, limits: OcrLimits, deadline: float) -> None:
        self._limits = limits
        self._deadline = deadline
        # One thread: tesseract's OpenMP threads fight over a shared machine's cores and take longer in all.
        self._environment = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        # The limits are set by util-linux's prlimit, which then runs the program: no Python code runs between
        # fork and exec, so pages can be read from several threads. Without prlimit, preexec_fn sets them,
        # which is safe only while this process has one thread: the pages are then read one at a time.
        self._prlimit = shutil.which("prlimit")
        self._limited = _limit(limits)

    @property
    def thread_safe(self) -> bool:
        """Whether programs may be started from several threads at once."""
        return self._prlimit is not None

    def __call__(self, command: list[str], data: bytes) -> bytes:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise OcrTooSlow
        if self._prlimit is not None:
            (cpu, memory) = self._limited.values()
            command = [self._prlimit, f"--cpu={cpu}:{cpu}", f"--as={memory}:{memory}", "--", *command]
        try:
            done = subprocess.run(  # noqa: S603 - our own commands; the document goes in on stdin
                command,
                input=data,
                capture_output=True,
                timeout=min(self._limits.seconds_per_process, left),
                env=self._environment,
                preexec_fn=None if self._prlimit else self._limited.apply,  # one thread then (see __init__)
                check=False,
            )
        except subprocess.TimeoutExpired as expired:
            raise OcrTooSlow from expired
        if done.returncode < 0:  # killed at its CPU or memory limit
            raise OcrTooSlow
        if done.returncode != 0:
            raise _Failed(f"{command[0]} exited with {done.returncode}")
        return done.stdout


@dataclass(frozen=True)
class _Limited:
    """A program's CPU seconds and address space: what OcrLimits asks, within this process's own hard limits
    (which a program cannot raise)."""

    cpu_seconds: int
    memory_bytes: int

    def values(self) -> tuple[int, int]:
        return self.cpu_seconds, self.memory_bytes

    def apply(self) -> None:
        """In the new process before it runs the program (preexec_fn)."""
        resource.setrlimit(resource.RLIMIT_CPU, (self.cpu_seconds, self.cpu_seconds))
        resource.setrlimit(resource.RLIMIT_AS, (self.memory_bytes, self.memory_bytes))


def _limit(limits: OcrLimits) -> _Limited:
    def within(kind: int, wanted: int) -> int:
        _, hard = resource.getrlimit(kind)
        return wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)

    return _Limited(within(resource.RLIMIT_CPU, limits.cpu_seconds), within(resource.RLIMIT_AS, limits.memory_bytes))
