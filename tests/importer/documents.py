"""Real test documents made on the spot: text PDFs, image-only PDFs, PNGs, Word files, zip bombs."""

from __future__ import annotations

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


def pdf_with_pages(pages: Sequence[Sequence[str] | None]) -> bytes:
    """A valid PDF: each page holds the given lines of text, or (for None) only a grey image, as a scan."""
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    font = _pdf_ref(3)
    image = _pdf_ref(4)
    objects += [
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        _pdf_stream(
            b"\x80" * 64,
            b"/Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 8",
        ),
    ]
    kids: list[bytes] = []
    for lines in pages:
        content = _pdf_text(lines) if lines is not None else b"q 500 0 0 700 40 60 cm /Im1 Do Q"
        objects.append(_pdf_stream(content, b""))
        content_ref = _pdf_ref(len(objects))
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 "
            + font
            + b" >> /XObject << /Im1 "
            + image
            + b" >> >> /Contents "
            + content_ref
            + b" >>"
        )
        kids.append(_pdf_ref(len(objects)))
    objects[1] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % len(kids)
    return _pdf_file(objects)


def _pdf_ref(number: int) -> bytes:
    return b"%d 0 R" % number


def _pdf_stream(content: bytes, extra: bytes) -> bytes:
    return b"<< " + extra + b" /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"


def _pdf_text(lines: Sequence[str]) -> bytes:
    escaped = [line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for line in lines]
    shown = b" ".join(b"(" + line.encode("cp1252") + b") Tj T*" for line in escaped)
    return b"BT /F1 11 Tf 14 TL 50 800 Td " + shown + b" ET"


def _pdf_file(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n")
    offsets: list[int] = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


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


def zip_bomb(path: Path, unpacked_megabytes: int = 30) -> Path:
    """A .docx-named zip whose document part unpacks from a few kB to tens of megabytes of zeros."""
    chunk = b"\x00" * MEGABYTE
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        with package.open("word/document.xml", "w") as part:
            for _ in range(unpacked_megabytes):
                part.write(chunk)
    return path
