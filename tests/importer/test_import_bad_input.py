"""Files the importer must refuse, each with a clear Swedish message and nothing saved half-way."""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest

from bot.adapters.importer import (
    MAX_FILE_BYTES,
    DocumentError,
    DocumentErrorCode,
    import_file,
    run_import,
)
from bot.adapters.importer.model import WarningCode
from bot.adapters.importer.ocr import missing_packages
from bot.adapters.importer.readers import read_document
from bot.adapters.importer.wording import Wording
from bot.core.domain.organisation import Directory
from devtools.pdf import pdf_with_pages

from .documents import A_SMALL_REMISS, png_image, word_remiss, write, zip_bomb
from .support import RecordingSave


def encrypted_pdf(path: Path) -> Path:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf_with_pages([["Remiss STK-2024-1"]]))))
    writer.encrypt(user_password="hemligt", algorithm="RC4-128")
    with path.open("wb") as file:
        writer.write(file)
    return path


def oversized(path: Path) -> Path:
    with path.open("wb") as file:
        file.truncate(MAX_FILE_BYTES + 1)  # sparse: large on paper, instant to make
    return path


def not_a_word_package(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("xl/workbook.xml", "<workbook/>")
    return path


BAD_FILES: dict[str, tuple[Callable[[Path], Path], DocumentErrorCode, str]] = {
    "empty": (lambda d: write(d / "tom.txt", b""), DocumentErrorCode.EMPTY, "är tom"),
    "only whitespace": (lambda d: write(d / "blank.txt", b" \r\n\t\n"), DocumentErrorCode.EMPTY, "är tom"),
    "binary": (
        lambda d: write(d / "data.txt", bytes(range(256)) * 8),
        DocumentErrorCode.BINARY,
        "inte läsbar text",
    ),
    "image": (lambda d: write(d / "skannad.png", png_image()), DocumentErrorCode.IMAGE, "är en bild"),
    "image named pdf": (lambda d: write(d / "remiss.pdf", png_image()), DocumentErrorCode.IMAGE, "är en bild"),
    "scanned pdf": (
        lambda d: write(d / "skannad.pdf", pdf_with_pages([None, None])),
        # Blank pages: with OCR here, it finds no words on them (test_import_ocr.py); without, no text layer.
        DocumentErrorCode.SCANNED_PDF if missing_packages() else DocumentErrorCode.SCAN_WITHOUT_WORDS,
        "inskannad",
    ),
    "too large": (lambda d: oversized(d / "stor.txt"), DocumentErrorCode.TOO_LARGE, "20,0 MB"),
    "zip bomb": (lambda d: zip_bomb(d / "bomb.docx"), DocumentErrorCode.ZIP_BOMB, "skadlig"),
    "docx not a zip": (
        lambda d: write(d / "remiss.docx", A_SMALL_REMISS.encode()),
        DocumentErrorCode.NOT_A_ZIP,
        "inte ett Word-dokument",
    ),
    "zip without a document": (
        lambda d: not_a_word_package(d / "remiss.docx"),
        DocumentErrorCode.NOT_A_WORD_DOCUMENT,
        "inget Word-dokument",
    ),
    "pdf that is not one": (
        lambda d: write(d / "remiss.pdf", A_SMALL_REMISS.encode()),
        DocumentErrorCode.NOT_A_PDF,
        "ingen PDF",
    ),
    "damaged pdf": (
        lambda d: write(d / "trasig.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 9 0 R >>\n%%EOF"),
        DocumentErrorCode.UNREADABLE_PDF,
        "skadad",
    ),
    "encrypted pdf": (lambda d: encrypted_pdf(d / "låst.pdf"), DocumentErrorCode.ENCRYPTED_PDF, "lösenord"),
    "old word format": (
        lambda d: write(d / "remiss.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64),
        DocumentErrorCode.UNSUPPORTED_TYPE,
        ".doc",
    ),
    "not cp1252 either": (
        lambda d: write(d / "konstig.txt", b"Remiss \x81\x8d\x8f\x90\x9d"),
        DocumentErrorCode.UNKNOWN_ENCODING,
        "varken UTF-8 eller Windows-1252",
    ),
    "broken utf-8 after a bom": (
        lambda d: write(d / "bom.txt", b"\xef\xbb\xbfRemiss \xff\xfe"),
        DocumentErrorCode.UNKNOWN_ENCODING,
        "varken UTF-8 eller Windows-1252",
    ),
    "missing": (lambda d: d / "finns-inte.txt", DocumentErrorCode.NOT_FOUND, "finns inte"),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_an_unreadable_file_is_refused_in_swedish_and_nothing_is_saved(
    case: str, tmp_path: Path, directory: Directory
) -> None:
    make, code, phrase = BAD_FILES[case]
    path = make(tmp_path)
    save = RecordingSave()
    out = io.StringIO()

    with pytest.raises(DocumentError) as raised:
        import_file(path, directory)
    exit_code = run_import(path, directory=directory, as_json=False, out=out, save=save)

    assert raised.value.code is code
    assert exit_code == 1
    assert phrase in out.getvalue()
    assert path.name in out.getvalue() or code is DocumentErrorCode.UNSUPPORTED_TYPE
    assert save.saved == []


@pytest.mark.parametrize("case", ["empty", "scanned pdf", "zip bomb"])
def test_a_refusal_in_json_is_one_object_with_an_error_key(case: str, tmp_path: Path, directory: Directory) -> None:
    make, code, _ = BAD_FILES[case]
    out = io.StringIO()

    exit_code = run_import(make(tmp_path), directory=directory, as_json=True, out=out, save=RecordingSave())

    answer = json.loads(out.getvalue())
    assert exit_code == 1
    assert answer["code"] == code.value
    assert answer["error"]


def test_the_size_limit_is_20_megabytes() -> None:
    assert MAX_FILE_BYTES == 20 * 1024 * 1024


def test_a_file_just_under_the_limit_is_read(tmp_path: Path, directory: Directory) -> None:
    padding = b"\n" * (MAX_FILE_BYTES - len(A_SMALL_REMISS.encode()) - 1)
    path = write(tmp_path / "stor-men-ok.txt", A_SMALL_REMISS.encode() + padding)

    assert os.path.getsize(path) < MAX_FILE_BYTES
    assert import_file(path, directory).case_number == "STK-2024-512"


def test_a_zip_bomb_is_refused_before_anything_is_unpacked(tmp_path: Path, directory: Directory) -> None:
    path = zip_bomb(tmp_path / "bomb.docx", unpacked_megabytes=30)

    assert path.stat().st_size < 1024 * 1024  # tiny on disk, 30 MB unpacked
    with pytest.raises(DocumentError) as raised:
        import_file(path, directory)
    assert raised.value.code is DocumentErrorCode.ZIP_BOMB


def test_a_real_word_file_is_not_mistaken_for_a_zip_bomb(tmp_path: Path, directory: Directory) -> None:
    assert import_file(word_remiss(tmp_path / "remiss.docx"), directory).case_number == "STK-2024-77"


def test_two_candidate_deadlines_leave_the_deadline_empty_and_warn(tmp_path: Path, directory: Directory) -> None:
    text = A_SMALL_REMISS + "\nSvar ska ha kommit in till stadskontoret senast den 2 april 2024.\n"
    out = io.StringIO()

    exit_code = run_import(write(tmp_path / "två.txt", text.encode()), directory=directory, as_json=True, out=out)

    answer = json.loads(out.getvalue())
    assert exit_code == 0
    assert answer["deadline"] is None
    assert any("olika svarsdatum" in w for w in answer["warnings"])


def test_a_document_without_structure_says_so_and_is_not_saved(tmp_path: Path, directory: Directory) -> None:
    path = write(tmp_path / "anteckning.txt", "Hej!\nGlöm inte fikat på fredag.\n".encode())
    save = RecordingSave()
    out = io.StringIO()

    exit_code = run_import(path, directory=directory, as_json=False, out=out, save=save)

    assert exit_code == 1
    assert save.saved == []
    assert "Inget i dokumentet känns igen som en remiss" in out.getvalue()
    assert "Utkastet sparades inte" in out.getvalue()


def test_every_refusal_and_warning_code_has_a_swedish_message(wording: Wording) -> None:
    params: dict[str, object] = {
        "size_mb": "25,0",
        "limit_mb": "20,0",
        "suffix": ".odt",
        "unpacked_mb": "300,0",
        "limit": 500_000,
        "pages": [2, 3],
        "numbers": ["STK-2023-1", "STK-2023-2"],
        "dates": ["2023-11-30", "2023-12-15"],
        "chosen": "2023-11-30",
        "written": "15 mars",
        "count": 2,
        "total": 5,
        "name": "Malmö kommun",
    }
    for code in DocumentErrorCode:
        message = wording.error(DocumentError(code, **{**params, "pages": 3}), file_name="remiss.pdf")
        assert message and "{" not in message, code
    for warning in WarningCode:
        assert wording.warning(warning, params), warning


def test_a_size_limit_given_to_the_reader_is_the_limit_above_the_default_or_below_it(tmp_path: Path) -> None:
    over_the_default = write(tmp_path / "stor.txt", A_SMALL_REMISS.encode() + b"\n" * MAX_FILE_BYTES)

    assert "STK-2024-512" in read_document(over_the_default, max_bytes=2 * MAX_FILE_BYTES).text
    with pytest.raises(DocumentError) as refused:
        read_document(write(tmp_path / "liten.txt", A_SMALL_REMISS.encode()), max_bytes=100)
    assert refused.value.code is DocumentErrorCode.TOO_LARGE
