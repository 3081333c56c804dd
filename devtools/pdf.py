"""A minimal PDF writer, standard library only (no WeasyPrint, no Pango): text PDFs (one line per given
string, Helvetica) and image-only pages, as a scan. The demo makes its decided yttrande with it; tests make
their documents with it."""

from __future__ import annotations

from collections.abc import Sequence


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
