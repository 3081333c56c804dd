"""Real test documents made on the spot: PNGs, Word files, zip bombs (PDFs: devtools/pdf.py)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path

import docx

MEGABYTE = 1024 * 1024

A_SMALL_REMISS = """Tjänsteskrivelse

Ny parkeringsnorm för Malmö STK-2024-512

Förslag till beslut

Kommunstyrelsens arbetsutskott skickar förslaget på remiss med sista svarsdatum 15 mars 2024.

Beslutet skickas till

Tekniska nämnden
Stadsbyggnadsnämnden
Parkering Malmö

Frågor

1. Hur påverkas er verksamhet?
2. Vilken nämnd bör följa upp normen?

Ansvariga

Anna Andersson Avdelningschef
"""


def remiss_file(tmp_path: Path, text: str = A_SMALL_REMISS) -> Path:
    """The remiss as a text file, parkeringsnorm.txt."""
    path = tmp_path / "parkeringsnorm.txt"
    path.write_text(text, encoding="utf-8")
    return path


def write(path: Path, data: bytes) -> Path:
    """`data` as the file `path`."""
    path.write_bytes(data)
    return path


def png_image(width: int = 4, height: int = 4) -> bytes:
    """A real (tiny, grey) PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def word_remiss(path: Path) -> Path:
    """A real .docx remiss as a coordinator writes it: number in the page header, Word's own lists."""
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Malmö stad, Stadskontoret    Dnr STK-2024-77"
    document.add_heading("Remiss: Riktlinjer för lokal samverkan", level=0)
    document.add_paragraph("Svar ska ha kommit in till stadskontoret senast den 12 april 2024.")
    document.add_heading("Sändlista", level=2)
    for name in ("Tekniska nämnden", "Hälsa- vård och omsorgsnämnden", "MKB", "Malmö Ideella"):
        document.add_paragraph(name)
    document.add_heading("Remissfrågor", level=2)
    for question in ("Delar ni förslagets syfte?", "Vilken nämnd bör samordna arbetet?"):
        document.add_paragraph(question, style="List Number")
    document.add_paragraph("Frågor under remisstiden besvaras av Eva Svensson, eva.svensson@malmo.se.")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Bilaga"
    table.cell(0, 1).text = "Riktlinjer (STK-2023-901)"
    document.save(str(path))
    return path


def word_yttrande(
    header: str, title: str, opening: Sequence[str], answers: Sequence[Sequence[str | tuple[str, ...]]]
) -> bytes:
    """A decided yttrande as a board saves it from Word: `header` in the page header, `title` as its heading, the
    `opening` paragraphs, then for each of `answers` a heading "Fråga N" over its paragraphs (a tuple of strings
    is a numbered list, in Word's own list style)."""
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = header
    document.add_heading(title, level=1)
    for text in opening:
        document.add_paragraph(text)
    for number, paragraphs in enumerate(answers, start=1):
        document.add_heading(f"Fråga {number}", level=2)
        for paragraph in paragraphs:
            if isinstance(paragraph, str):
                document.add_paragraph(paragraph)
                continue
            for item in paragraph:
                document.add_paragraph(item, style="List Number")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def zip_bomb(path: Path, unpacked_megabytes: int = 30) -> Path:
    """A .docx-named zip whose document part unpacks from a few kB to tens of megabytes of zeros."""
    chunk = b"\x00" * MEGABYTE
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        with package.open("word/document.xml", "w") as part:
            for _ in range(unpacked_megabytes):
                part.write(chunk)
    return path
