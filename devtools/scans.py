"""Scanned documents made on the spot, for the OCR tests and bench/bench_ocr.py: text laid out as a PDF
(WeasyPrint), then printed and scanned again as a scanner would (rasterised at 300 dpi by pdftoppm, turned a
little, specks of noise), as an image-only PDF. Pillow comes with WeasyPrint."""

from __future__ import annotations

import html
import io
import random
import shutil
import subprocess
from collections.abc import Collection, Sequence

from PIL import Image

SCAN_DPI = 300
# "wide": landscape and small, so that the long ärendemening of seed 002 (with its diarienummer at the end)
# stays on one line, as it is in the text: the reading under test is OCR, not how a wrapped title is joined.
# "letter": A4 in 11 pt, as a letter is printed (a page of it holds half the words of a wide page).
_CSS = {
    "wide": "@page { size: A4 landscape; margin: 1cm 0.9cm } "
    "body { font-family: 'DejaVu Sans Condensed', 'DejaVu Sans'; font-size: 8pt; line-height: 1.3 } "
    "p { margin: 0 0 0.6em }",
    "letter": "@page { size: A4; margin: 2cm 2.2cm } "
    "body { font-family: 'DejaVu Serif'; font-size: 11pt; line-height: 1.3 } p { margin: 0 0 0.8em }",
}


def typed_pdf(text: str, layout: str = "wide") -> bytes:
    """`text` laid out as a PDF with a text layer: blocks between blank lines are paragraphs, lines kept."""
    import weasyprint  # type: ignore[import-untyped]

    blocks = [block.strip() for block in text.split("\n\n") if block.strip()]
    body = "".join("<p>" + "<br>".join(html.escape(line) for line in block.splitlines()) + "</p>" for block in blocks)
    page = f"<html><head><style>{_CSS[layout]}</style></head><body>{body}</body></html>"
    pdf: bytes = weasyprint.HTML(string=page).write_pdf()
    return pdf


def scanned(pdf: bytes, *, upside_down: Collection[int] = (), blank_pages: int = 0, seed: int = 15) -> bytes:
    """`pdf` as an image-only PDF, each page scanned at SCAN_DPI with a slight tilt and noise; the 1-based
    pages in `upside_down` fed into the scanner the wrong way round; `blank_pages` empty sheets at the end."""
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm is not None, "pdftoppm (poppler-utils) is needed to make a scan"
    random_ = random.Random(seed)  # noqa: S311 - noise, not secrets
    images: list[Image.Image] = []
    for number in range(1, _page_count(pdf) + 1):
        grey = subprocess.run(  # noqa: S603 - a fixed command on our own PDF
            [pdftoppm, "-r", str(SCAN_DPI), "-gray", "-f", str(number), "-l", str(number), "-singlefile"],
            input=pdf,
            capture_output=True,
            check=True,
        ).stdout
        image = Image.open(io.BytesIO(grey)).convert("L")
        images.append(_as_scanned(image, random_, upside_down=number in upside_down))
    size = images[0].size
    images += [_as_scanned(Image.new("L", size, 255), random_, upside_down=False) for _ in range(blank_pages)]
    return image_pdf(images)


def image_pdf(images: Sequence[Image.Image]) -> bytes:
    """The images as the pages of a PDF with no text at all."""
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=SCAN_DPI, save_all=True, append_images=list(images[1:]))
    return out.getvalue()


def _as_scanned(image: Image.Image, random_: random.Random, *, upside_down: bool) -> Image.Image:
    tilted = image.rotate(random_.uniform(-1.0, 1.0), resample=Image.Resampling.BICUBIC, fillcolor=255)
    pixels = tilted.load()
    assert pixels is not None
    width, height = tilted.size
    for _ in range(width * height // 3000):  # dust: a speck per 3000 pixels
        pixels[random_.randrange(width), random_.randrange(height)] = random_.choice((0, 90))
    return tilted.rotate(180) if upside_down else tilted


def _page_count(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)
