"""Imports a document in a child process with CPU and memory limits, so no file can exhaust the bot.

The readers refuse what is too large by counting first (see readers.py), but a parser library can still
be slow or greedy on a file built to be: the limits here are the guarantee. The child imports the file
(read and parse) and sends back the result, or the reason it refused; a child that runs out of time or
memory is a file "too demanding" to read. The Slack path and `remissbot import` both come through here, and
so does reading a board's answer document (read_isolated: the text only).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import subprocess
import sys
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import bot
from bot.adapters.importer.model import (
    DocumentError,
    DocumentErrorCode,
    ImportedRemiss,
    ImportFailed,
)
from bot.adapters.importer.ocr import OcrLimits
from bot.adapters.importer.readers import MAX_FILE_BYTES, DocumentText, OnOcr, read_document, read_document_bytes
from bot.core.domain.organisation import Directory

if TYPE_CHECKING:
    # Only an import request parses; a read request (an answer's text) starts a child that never loads the
    # parser, whose ~110 patterns compiled at import were over a third of that child's start (see import_here).
    from bot.adapters.importer.parser import Describe

MEGABYTE = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one import may use: CPU seconds and address space in the child, and wall-clock seconds.

    Scanned pages are read by OCR programs the child starts, each within `ocr` (their CPU time is their
    own, not the child's); the child may wait for them `ocr.seconds_in_all` beyond `wall_seconds`.
    """

    # Legitimate documents up to every limit in readers.py take under 3 s here; the 10 s bound has room
    # left for starting the child and for a busy machine.
    cpu_seconds: int = 6
    memory_bytes: int = 300 * MEGABYTE
    wall_seconds: float = 8.0
    ocr: OcrLimits = field(default_factory=OcrLimits)


@dataclass(frozen=True)
class _Request:
    path: Path
    directory: Directory
    max_bytes: int
    limits: Limits


@dataclass(frozen=True)
class _ReadRequest:
    """Only the text of a file's content: how an answer document (yttrande) is read."""

    data: bytes
    suffix: str
    max_bytes: int
    limits: Limits


def import_isolated(
    path: Path, directory: Directory, *, max_bytes: int, limits: Limits, on_ocr: OnOcr | None = None
) -> ImportedRemiss:
    """The import of `path` as the child did it; `on_ocr` is told (in another thread, which the import waits
    for) how many scanned pages the child is about to read by OCR.

    Raises DocumentError for a refusal or a child out of its limits (the file's doing), ImportFailed for a
    child that crashed, could not start or answered something that is no answer (ours).
    """
    answer = _in_child(_Request(path, directory, max_bytes, limits), limits, on_ocr)
    if not isinstance(answer, ImportedRemiss):
        raise ImportFailed(f"the import child answered {type(answer).__name__}")
    return _worded(answer)


def _worded(result: ImportedRemiss) -> ImportedRemiss:
    """The child's warnings worded here, where the templates are compiled once per process: the child, new for
    every import, then needs neither Jinja2 nor the templates (a quarter of its time)."""
    from bot.adapters.importer.wording import default_wording  # here: kept out of the child

    wording = default_wording()
    warnings = tuple(replace(w, message=wording.warning(w.code, w.params)) for w in result.warnings)
    return replace(result, warnings=warnings)


def _unworded(code: object, params: object) -> str:
    """The child leaves the wording to the parent (`_worded`)."""
    return ""


def read_isolated(
    data: bytes, suffix: str, *, max_bytes: int, limits: Limits, on_ocr: OnOcr | None = None
) -> DocumentText:
    """The text of a file's content (read as `suffix` says) as the child read it; raises as import_isolated."""
    answer = _in_child(_ReadRequest(data, suffix, max_bytes, limits), limits, on_ocr)
    if not isinstance(answer, DocumentText):
        raise ImportFailed(f"the import child answered {type(answer).__name__}")
    return answer


def _in_child(request: _Request | _ReadRequest, limits: Limits, on_ocr: OnOcr | None = None) -> object:
    """What the child answered to `request`; a refusal is raised as the DocumentError it is."""
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([_PROJECT_ROOT, os.environ.get("PYTHONPATH", "")])}
    progress = _Progress(on_ocr) if on_ocr is not None else None
    if progress is not None:
        environment[_PROGRESS_FD] = str(progress.write_end)
    try:
        done = _run_child(pickle.dumps(request), environment, limits, progress)
    except subprocess.TimeoutExpired as expired:
        raise DocumentError(DocumentErrorCode.TOO_DEMANDING) from expired
    except OSError as error:  # no process to be had (out of processes, the interpreter gone)
        raise ImportFailed(f"could not start the import child: {error}") from error
    # Killed by a signal (SIGXCPU at its CPU limit, SIGKILL from the kernel when memory ran out), or out of
    # memory by its own account: the file asked too much. Any other exit is the child failing, not the file.
    if done.returncode < 0 or done.returncode == _EXIT_OUT_OF_MEMORY:
        raise DocumentError(DocumentErrorCode.TOO_DEMANDING)
    if done.returncode != 0:
        stderr = done.stderr.decode(errors="replace")[-2000:]
        raise ImportFailed(f"the import child exited with {done.returncode}: {stderr}")
    try:
        answer = pickle.loads(done.stdout)  # noqa: S301 - written by our own child process, just now
    except Exception as error:  # cut short or garbled: unpickling can raise almost anything
        raise ImportFailed(f"the import child's answer could not be read ({len(done.stdout)} bytes)") from error
    if isinstance(answer, _Refusal):
        raise DocumentError(answer.code, **answer.params)
    return answer


def _run_child(
    request: bytes, environment: dict[str, str], limits: Limits, progress: _Progress | None
) -> subprocess.CompletedProcess[bytes]:
    command = [sys.executable, "-m", "bot.adapters.importer.isolated"]
    try:
        child = subprocess.Popen(  # noqa: S603 - our own module, the request on stdin
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=environment,
            pass_fds=(progress.write_end,) if progress else (),
        )
    finally:
        if progress is not None:
            progress.started()
    with child:
        try:
            stdout, stderr = child.communicate(request, timeout=limits.wall_seconds + limits.ocr.seconds_in_all)
        except subprocess.TimeoutExpired:
            child.kill()
            child.communicate()
            raise
        finally:
            if progress is not None:
                progress.wait()
    return subprocess.CompletedProcess(command, child.returncode, stdout, stderr)


# The child writes "<pages>\n" to this file descriptor before OCR starts, when the parent asked to be told.
_PROGRESS_FD = "REMISSBOT_IMPORT_PROGRESS_FD"
_PROGRESS_WAIT_SECONDS = 30.0  # what the parent waits for `on_ocr` (a Slack call) before it returns the import


class _Progress:
    """A pipe from the child and a thread that hands what comes through it to `on_ocr`."""

    def __init__(self, on_ocr: OnOcr) -> None:
        self._on_ocr = on_ocr
        read_end, self.write_end = os.pipe()
        self._reader = os.fdopen(read_end, "rb")
        self._thread = threading.Thread(target=self._relay, name="import-progress", daemon=True)

    def started(self) -> None:
        """The child has its copy of the write end (or none was started): listen until it is closed."""
        os.close(self.write_end)
        self._thread.start()

    def wait(self) -> None:
        """Until `on_ocr` has done what it does with the last notice (so a result shown after it stays)."""
        self._thread.join(_PROGRESS_WAIT_SECONDS)

    def _relay(self) -> None:
        with self._reader:
            for line in self._reader:
                try:
                    self._on_ocr(int(line))
                except ValueError:
                    continue  # not ours: the child writes only numbers
                except Exception:  # the notice is a courtesy: its failure must not fail the import
                    import logging  # here: the parent's only use of it, kept out of the child's start

                    logging.getLogger(__name__).exception("Telling that OCR starts failed")


def _announcer() -> OnOcr | None:
    """In the child: what tells the parent that OCR starts, when the parent listens."""
    descriptor = os.environ.get(_PROGRESS_FD, "")
    if not descriptor.isdigit():
        return None

    def tell(pages: int) -> None:
        with contextlib.suppress(OSError):  # the parent stopped listening: reading goes on
            os.write(int(descriptor), f"{pages}\n".encode())

    return tell


@dataclass(frozen=True)
class _Refusal:
    """A DocumentError as the child sends it (an exception with keyword arguments does not pickle)."""

    code: DocumentErrorCode
    params: dict[str, object]


_PROJECT_ROOT = str(Path(bot.__file__).resolve().parents[1])
_EXIT_CRASHED = 3
_EXIT_OUT_OF_MEMORY = 4


def _child() -> int:
    """Runs in the child: limits first, then the import; the answer is pickled to stdout."""
    import resource

    request: _Request | _ReadRequest = pickle.loads(sys.stdin.buffer.read())  # noqa: S301 - from the parent process
    limits = request.limits
    # The hard limits leave room for the OCR programs' own (lower or equal) limits, which they set themselves.
    cpu_hard = max(limits.cpu_seconds + 1, limits.ocr.cpu_seconds)
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, cpu_hard))
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, max(limits.memory_bytes, limits.ocr.memory_bytes)))

    try:
        try:
            answer: ImportedRemiss | DocumentText | _Refusal = _work(request)
        except DocumentError as error:
            answer = _Refusal(error.code, error.params)
        sys.stdout.buffer.write(pickle.dumps(answer))
    except MemoryError:  # the file's doing, also while pickling what it gave
        return _EXIT_OUT_OF_MEMORY
    except Exception:  # a bug, not the file: the parent reports it as one
        import traceback

        traceback.print_exc()
        return _EXIT_CRASHED
    return 0


if __name__ == "__main__":
    # From the module by its name, so that what the child pickles names bot.adapters.importer.isolated, not __main__.
    from bot.adapters.importer.isolated import _child as child

    sys.exit(child())


def _work(request: _Request | _ReadRequest) -> ImportedRemiss | DocumentText:
    on_ocr = _announcer()
    if isinstance(request, _ReadRequest):
        return read_document_bytes(
            request.data, request.suffix, max_bytes=request.max_bytes, ocr_limits=request.limits.ocr, on_ocr=on_ocr
        )
    return import_here(request.path, request.directory, request.max_bytes, request.limits.ocr, on_ocr, _unworded)


def import_here(
    path: Path,
    directory: Directory,
    max_bytes: int = MAX_FILE_BYTES,
    ocr_limits: OcrLimits | None = None,
    on_ocr: OnOcr | None = None,
    describe: Describe | None = None,
) -> ImportedRemiss:
    """The import itself, in this process and without limits (but OCR's): for the child import_file starts.

    Fields found only on pages read by OCR get a lower confidence than the same text typed would.
    """
    from bot.adapters.importer.parser import parse_remiss  # here: a read request's child never needs it
    from bot.adapters.importer.scanned import reading_notes, with_ocr_confidence

    document = read_document(path, max_bytes=max_bytes, ocr_limits=ocr_limits, on_ocr=on_ocr)
    if describe is None:
        from bot.adapters.importer.wording import default_wording  # here: kept out of the child

        describe = default_wording().warning
    result = parse_remiss(
        document.text, directory, describe=describe, source=document.source, notes=reading_notes(document)
    )
    if not document.ocr_pages:
        return result
    typed = document.typed_text or ""
    return with_ocr_confidence(result, parse_remiss(typed, directory, describe=describe) if typed.strip() else None)
