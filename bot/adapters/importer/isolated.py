"""Imports a document in a child process with CPU and memory limits, so no file can exhaust the bot.

The readers refuse what is too large by counting first (see readers.py), but a parser library can still
be slow or greedy on a file built to be: the limits here are the guarantee. The child imports the file
(read and parse) and sends back the result, or the reason it refused; a child that runs out of time or
memory is a file "too demanding" to read. The Slack path and `remissbot import` both come through here, and
so does reading a board's answer document (read_isolated: the text only).
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import bot
from bot.adapters.importer.model import (
    DocumentError,
    DocumentErrorCode,
    ImportedRemiss,
    ImportFailed,
)
from bot.adapters.importer.ocr import OcrLimits
from bot.adapters.importer.parser import parse_remiss
from bot.adapters.importer.readers import MAX_FILE_BYTES, DocumentText, read_document, read_document_bytes
from bot.adapters.importer.scanned import reading_notes, with_ocr_confidence
from bot.adapters.importer.wording import default_wording
from bot.core.domain.organisation import Directory

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


def import_isolated(path: Path, directory: Directory, *, max_bytes: int, limits: Limits) -> ImportedRemiss:
    """The import of `path` as the child did it.

    Raises DocumentError for a refusal or a child out of its limits (the file's doing), ImportFailed for a
    child that crashed, could not start or answered something that is no answer (ours).
    """
    answer = _in_child(_Request(path, directory, max_bytes, limits), limits)
    if not isinstance(answer, ImportedRemiss):
        raise ImportFailed(f"the import child answered {type(answer).__name__}")
    return answer


def read_isolated(data: bytes, suffix: str, *, max_bytes: int, limits: Limits) -> DocumentText:
    """The text of a file's content (read as `suffix` says) as the child read it; raises as import_isolated."""
    answer = _in_child(_ReadRequest(data, suffix, max_bytes, limits), limits)
    if not isinstance(answer, DocumentText):
        raise ImportFailed(f"the import child answered {type(answer).__name__}")
    return answer


def _in_child(request: _Request | _ReadRequest, limits: Limits) -> object:
    """What the child answered to `request`; a refusal is raised as the DocumentError it is."""
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([_PROJECT_ROOT, os.environ.get("PYTHONPATH", "")])}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bot.adapters.importer.isolated"],
            input=pickle.dumps(request),
            capture_output=True,
            timeout=limits.wall_seconds + limits.ocr.seconds_in_all,
            env=environment,
            check=False,
        )
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
    if isinstance(request, _ReadRequest):
        return read_document_bytes(
            request.data, request.suffix, max_bytes=request.max_bytes, ocr_limits=request.limits.ocr
        )
    return import_here(request.path, request.directory, request.max_bytes, request.limits.ocr)


def import_here(
    path: Path, directory: Directory, max_bytes: int = MAX_FILE_BYTES, ocr_limits: OcrLimits | None = None
) -> ImportedRemiss:
    """The import itself, in this process and without limits (but OCR's): for the child import_file starts.

    Fields found only on pages read by OCR get a lower confidence than the same text typed would.
    """
    document = read_document(path, max_bytes=max_bytes, ocr_limits=ocr_limits)
    describe = default_wording().warning
    result = parse_remiss(
        document.text, directory, describe=describe, source=document.source, notes=reading_notes(document)
    )
    if not document.ocr_pages:
        return result
    typed = document.typed_text or ""
    return with_ocr_confidence(result, parse_remiss(typed, directory, describe=describe) if typed.strip() else None)
