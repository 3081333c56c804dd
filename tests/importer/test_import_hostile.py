"""Hostile documents: each is read correctly or refused with a Swedish reason, never left to run away.

The files are made just over each limit, so the tests stay fast; bench/bench_import.py --hostile makes
full-size (up to 20 MB) versions and measures time and peak memory.
"""

from __future__ import annotations

import codecs
import io
import os
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

import docx
import pytest

from bot.adapters.importer import DocumentError, DocumentErrorCode, import_file, import_text, run_import
from bot.adapters.importer.isolated import Limits
from bot.adapters.importer.readers import (
    MAX_PDF_PAGES,
    MAX_TEXT_CHARACTERS,
    MAX_WORD_PARAGRAPHS,
    MAX_WORD_RUNS,
    MAX_XML_BYTES,
)
from bot.core.domain.organisation import Directory
from devtools.pdf import pdf_with_pages

from .documents import A_SMALL_REMISS, write

_WORD_BODY_START = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
)
_WORD_BODY_END = b"</w:body></w:document>"


def word_with_body(path: Path, body: Iterable[bytes]) -> Path:
    """A real .docx (python-docx's own template) whose document body is the given XML."""
    template = io.BytesIO()
    docx.Document().save(template)
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for info in source.infolist():
            if info.filename == "word/document.xml":
                with package.open("word/document.xml", "w") as part:
                    part.write(_WORD_BODY_START)
                    for chunk in body:
                        part.write(chunk)
                    part.write(_WORD_BODY_END)
            else:
                package.writestr(info, source.read(info.filename))
    return path


def paragraph(text: str) -> bytes:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>".encode()


def _remiss_paragraphs() -> list[bytes]:
    return [paragraph(line) for line in A_SMALL_REMISS.splitlines()]


def repeated(unit: bytes, count: int) -> Iterable[bytes]:
    block = 1000
    for _ in range(count // block):
        yield unit * block
    yield unit * (count % block)


# Each kind: how to make it, and the code it is refused with (None: it is read, as the remiss it holds).
HOSTILE: dict[str, tuple[Callable[[Path], Path], DocumentErrorCode | None]] = {
    "text of one huge line": (
        lambda d: write(
            d / "en-rad.txt", ("Remissen gäller parkeringsnormen. " * (MAX_TEXT_CHARACTERS // 30)).encode()
        ),
        DocumentErrorCode.TOO_MUCH_TEXT,
    ),
    "text of many short lines": (
        lambda d: write(d / "rader.txt", A_SMALL_REMISS.encode() + b"x\n" * MAX_TEXT_CHARACTERS),
        DocumentErrorCode.TOO_MUCH_TEXT,
    ),
    "text of many question lines": (
        lambda d: write(
            d / "frågor.txt",
            "".join(f"Fråga {n}: Hur påverkas er verksamhet?\n" for n in range(MAX_TEXT_CHARACTERS // 25)).encode(),
        ),
        DocumentErrorCode.TOO_MUCH_TEXT,
    ),
    "a remiss padded with spaces and tabs": (
        lambda d: write(d / "luft.txt", (A_SMALL_REMISS + " \t" * 1_000_000 + "\nSlut\n" + " " * 1_000_000).encode()),
        None,
    ),
    "binary garbage named .txt": (
        # Every byte Windows-1252 can decode, NUL aside: it decodes, and is mostly control characters.
        lambda d: write(d / "skräp.txt", bytes(b for b in range(1, 256) if b not in b"\x81\x8d\x8f\x90\x9d") * 4000),
        DocumentErrorCode.BINARY,
    ),
    "a utf-16 remiss": (
        lambda d: write(d / "utf16.txt", codecs.BOM_UTF16_LE + A_SMALL_REMISS.encode("utf-16-le")),
        None,
    ),
    "a latin-1 remiss": (lambda d: write(d / "latin1.txt", A_SMALL_REMISS.encode("latin-1")), None),
    "word zip bomb": (
        lambda d: word_with_body(d / "bomb.docx", repeated(b"<w:p/>" * 1000, 20_000)),
        DocumentErrorCode.ZIP_BOMB,
    ),
    "word with too much xml": (
        # Varied enough to pass the packing-ratio check; too much XML to parse within the memory bound.
        lambda d: word_with_body(
            d / "mycket.docx",
            (f"<w:bookmarkStart w:id='{n}' w:name='b{n}'/>".encode() for n in range(MAX_XML_BYTES // 40 + 1)),
        ),
        DocumentErrorCode.ZIP_BOMB,
    ),
    "word with too many paragraphs": (
        lambda d: word_with_body(
            d / "stycken.docx", [*_remiss_paragraphs(), *repeated(b"<w:p/>", MAX_WORD_PARAGRAPHS)]
        ),
        DocumentErrorCode.TOO_MANY_PARAGRAPHS,
    ),
    "word with a huge table": (
        lambda d: word_with_body(
            d / "tabell.docx",
            [b"<w:tbl><w:tr>", *repeated(b"<w:tc><w:p/></w:tc>", MAX_WORD_PARAGRAPHS + 1), b"</w:tr></w:tbl>"],
        ),
        DocumentErrorCode.TOO_MANY_PARAGRAPHS,
    ),
    "word with too many runs": (
        lambda d: word_with_body(
            d / "formatering.docx", [b"<w:p>", *repeated(b"<w:r><w:t>a</w:t></w:r>", MAX_WORD_RUNS + 1), b"</w:p>"]
        ),
        DocumentErrorCode.TOO_MANY_RUNS,
    ),
    "a corrupt zip": (
        lambda d: write(d / "trasig.docx", b"PK\x03\x04" + os.urandom(4096)),
        DocumentErrorCode.NOT_A_ZIP,
    ),
    "pdf with too many pages": (
        lambda d: write(d / "sidor.pdf", pdf_with_pages([["Sida"]] * (MAX_PDF_PAGES + 1))),
        DocumentErrorCode.TOO_MANY_PAGES,
    ),
    "pdf with a huge content stream": (
        lambda d: write(d / "ström.pdf", pdf_with_pages([["x" * 1000] * (MAX_TEXT_CHARACTERS // 1000 + 1)])),
        DocumentErrorCode.TOO_MUCH_TEXT,
    ),
}


@pytest.mark.parametrize("kind", HOSTILE, ids=list(HOSTILE))
def test_a_hostile_document_is_read_or_refused_with_a_swedish_reason(
    kind: str, tmp_path: Path, directory: Directory
) -> None:
    make, code = HOSTILE[kind]
    path = make(tmp_path)
    out = io.StringIO()

    exit_code = run_import(path, directory=directory, as_json=False, out=out)

    if code is None:
        assert exit_code == 0, out.getvalue()
        assert import_file(path, directory).case_number == "STK-2024-512"
        return
    with pytest.raises(DocumentError) as raised:
        import_file(path, directory)
    assert raised.value.code is code
    assert exit_code == 1
    assert path.name in out.getvalue()
    assert "Traceback" not in out.getvalue()


def test_a_remiss_just_under_the_text_limit_is_read(tmp_path: Path, directory: Directory) -> None:
    filler = "Bakgrund till ärendet. " * ((MAX_TEXT_CHARACTERS - 2_000) // 20)
    path = write(tmp_path / "lång.txt", (A_SMALL_REMISS + filler).encode())

    assert import_file(path, directory).case_number == "STK-2024-512"


def test_a_word_remiss_just_under_the_paragraph_limit_is_read(tmp_path: Path, directory: Directory) -> None:
    path = word_with_body(
        tmp_path / "många.docx", [*_remiss_paragraphs(), *repeated(b"<w:p/>", MAX_WORD_PARAGRAPHS - 100)]
    )

    assert import_file(path, directory).case_number == "STK-2024-512"


def test_a_document_that_outgrows_the_readers_cpu_or_memory_is_refused_as_too_demanding(
    tmp_path: Path, directory: Directory
) -> None:
    # Many pages of many short text pieces: pypdf needs seconds of CPU for it, more than one allowed here.
    path = write(tmp_path / "tung.pdf", pdf_with_pages([[f"Rad {n}" for n in range(200)]] * 300))

    with pytest.raises(DocumentError) as raised:
        import_file(path, directory, limits=Limits(cpu_seconds=1))

    assert raised.value.code is DocumentErrorCode.TOO_DEMANDING


CONTROL = "\x1b[31m\x07\x9b2J\x08\x7f"
# Enough ordinary text that a few control characters do not make the file look like binary data.
FILLER = "\nBakgrund\n\n" + "Stadskontoret har tagit fram ett förslag till ny parkeringsnorm. " * 20


def test_control_characters_in_a_document_do_not_reach_the_title_the_questions_or_the_terminal(
    tmp_path: Path, directory: Directory
) -> None:
    text = A_SMALL_REMISS.replace("Ny parkeringsnorm", f"Ny {CONTROL}parkeringsnorm").replace(
        "Hur påverkas", f"Hur{CONTROL} påverkas"
    )
    path = write(tmp_path / "styrtecken.txt", (text + FILLER).encode())
    out = io.StringIO()

    found = import_file(path, directory)
    run_import(path, directory=directory, as_json=False, out=out)

    assert found.title == "Ny [31m2Jparkeringsnorm för Malmö"
    assert found.questions[0] == "Hur[31m2J påverkas er verksamhet?"
    assert not any(character in out.getvalue() for character in CONTROL if not character.isprintable())


def test_control_characters_in_pasted_text_are_stripped_too(directory: Directory) -> None:
    found = import_text(A_SMALL_REMISS.replace("Ny parkeringsnorm", "Ny\x1b]0;x\x07 parkeringsnorm"), directory)

    assert found.title == "Ny]0;x parkeringsnorm för Malmö"


def test_a_refusal_names_the_file_without_its_control_characters_and_groups_the_limit() -> None:
    from bot.adapters.importer.readers import MAX_TEXT_CHARACTERS
    from bot.adapters.importer.wording import default_wording

    error = DocumentError(DocumentErrorCode.TOO_MUCH_TEXT, limit=MAX_TEXT_CHARACTERS)
    message = default_wording().error(error, file_name="remiss\x1b[2J\x07.txt")

    assert "remiss[2J.txt" in message and "\x1b" not in message and "\x07" not in message
    assert f"{MAX_TEXT_CHARACTERS:,}".replace(",", "\u00a0") in message
