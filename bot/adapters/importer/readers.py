"""Reads the text out of a .txt, .docx or .pdf file, refusing what is not a readable text document."""

from __future__ import annotations

import codecs
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.adapters.importer.model import DocumentError, DocumentErrorCode, DocumentKind, SourceInfo
from bot.adapters.importer.ocr import MAX_OCR_PAGES, OcrLimits, OcrTooSlow, OcrUnavailable, read_pages

if TYPE_CHECKING:
    from docx.document import Document as WordDocument

MEGABYTE = 1024 * 1024
MAX_FILE_BYTES = 20 * MEGABYTE
"""Largest file the importer reads (20 MB): a remiss memo is rarely above 2 MB, even with images."""

# A .docx is a zip file. Its parts may together unpack to at most this much, and a large package may not
# be compressed more than this ratio: a zip bomb unpacks to gigabytes from a few kilobytes. python-docx
# holds every part in memory and parses the XML parts into trees several times their size, so the XML
# gets a limit of its own: a 300-page report has about 5 MB of it.
MAX_UNPACKED_BYTES = 100 * MEGABYTE
MAX_XML_BYTES = 32 * MEGABYTE
MAX_PACKING_RATIO = 100
_RATIO_CHECKED_ABOVE = 5 * MEGABYTE  # small XML parts compress well and are harmless
MAX_ZIP_ENTRIES = 2000

# What a remiss can hold. The longest letter in the corpus and the seeds has 21,000 characters (about ten
# pages); these limits are twenty times that, and still keep reading and parsing within seconds.
MAX_TEXT_CHARACTERS = 500_000
"""Characters other than white space: about 200 pages of running text."""
MAX_WORD_PARAGRAPHS = 20_000  # python-docx costs about 50 µs a paragraph, more in a large tree
MAX_WORD_RUNS = 100_000  # a run is a stretch of text in one format; real letters have a few per paragraph
MAX_PDF_PAGES = 500
_WHITE_SPACE = " \t\n\r\f\v\u00a0"

# Share of control characters (other than tab, line breaks, form feed) above which "text" is binary data.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_MAX_CONTROL_SHARE = 0.01
_TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})
_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*")
_HEIF_BRANDS = (b"ftypheic", b"ftypheix", b"ftyphevc", b"ftypmif1", b"ftypavif")
_WORD_NUMBER_FORMATS = {"bullet": "-", "none": ""}


@dataclass(frozen=True)
class DocumentText:
    """The text of a document and how it was read. Page numbers are 1-based PDF pages.

    `pages_without_text` have no text layer and were not read: OCR is missing here (`ocr_missing` names
    the Debian packages) or there were more scanned pages than MAX_OCR_PAGES. `ocr_pages` were read by
    OCR, `rotated_pages` of them turned first, and `blank_pages` are scanned pages where OCR found no
    words. `typed_text` is the text of the other pages alone (set when OCR read a page), so that what was
    found only in OCR text can be told apart. `images_not_read` counts the pictures in a Word file.
    """

    text: str
    source: SourceInfo
    pages_without_text: tuple[int, ...] = ()
    ocr_pages: tuple[int, ...] = ()
    rotated_pages: tuple[int, ...] = ()
    blank_pages: tuple[int, ...] = ()
    ocr_missing: tuple[str, ...] = ()
    typed_text: str | None = None
    images_not_read: int = 0
    page_starts: tuple[int, ...] = ()  # a PDF's: where each page begins in `text`, for saying where text was found


OnOcr = Callable[[int], None]
"""Told how many scanned pages OCR is about to read, before it starts (to say it will take a while)."""


def read_document(
    path: Path, *, max_bytes: int = MAX_FILE_BYTES, ocr_limits: OcrLimits | None = None, on_ocr: OnOcr | None = None
) -> DocumentText:
    """The text of the file at `path`; a DocumentError says in a code why it cannot be read."""
    data = _read_bytes(path, max_bytes)
    return read_document_bytes(data, path.suffix, max_bytes=max_bytes, ocr_limits=ocr_limits, on_ocr=on_ocr)


def read_document_bytes(
    data: bytes,
    suffix: str,
    *,
    max_bytes: int = MAX_FILE_BYTES,
    ocr_limits: OcrLimits | None = None,
    on_ocr: OnOcr | None = None,
) -> DocumentText:
    """The text of a file's content, read as its `suffix` (".pdf") says; a DocumentError says why not.

    Scanned PDF pages are read by OCR within `ocr_limits`; `on_ocr` is told their number before OCR starts.
    """
    if len(data) > max_bytes:
        raise DocumentError(DocumentErrorCode.TOO_LARGE, size_mb=_megabytes(len(data)), limit_mb=_megabytes(max_bytes))
    if not data.strip():
        raise DocumentError(DocumentErrorCode.EMPTY)
    if _is_image(data):
        raise DocumentError(DocumentErrorCode.IMAGE)
    if suffix.lower() == ".pdf":
        return _read_pdf(data, ocr_limits or OcrLimits(), on_ocr)
    reader = _READERS.get(suffix.lower())
    if reader is None:
        raise DocumentError(DocumentErrorCode.UNSUPPORTED_TYPE, suffix=suffix or "(ingen)")
    return reader(data)


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise DocumentError(DocumentErrorCode.NOT_FOUND)
        if size > max_bytes:
            raise DocumentError(DocumentErrorCode.TOO_LARGE, size_mb=_megabytes(size), limit_mb=_megabytes(max_bytes))
        with path.open("rb") as file:
            # One byte over the limit, if the file has grown since stat(): read_document_bytes refuses it.
            data = file.read(max_bytes + 1)
    except OSError as err:  # missing, a directory, no permission: the user can only check the path
        raise DocumentError(DocumentErrorCode.NOT_FOUND) from err
    return data


def _megabytes(size: int) -> str:
    return f"{size / MEGABYTE:.1f}".replace(".", ",")


def _is_image(data: bytes) -> bool:
    if data.startswith(_IMAGE_MAGIC) or data[4:12] in _HEIF_BRANDS:
        return True
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return True
    # BMP: "BM" plus the file's own length, so a text starting with "BM" is not taken for one.
    return data.startswith(b"BM") and int.from_bytes(data[2:6], "little") == len(data)


# Plain text ---------------------------------------------------------------------------------------------


def _read_text(data: bytes) -> DocumentText:
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if data.startswith((b"%PDF-", b"PK\x03\x04", b"\xd0\xcf\x11\xe0")) or (b"\x00" in data and not utf16):
        raise DocumentError(DocumentErrorCode.BINARY)
    text, encoding = _decode(data)
    if len(_CONTROL_CHARACTERS.findall(text)) > _MAX_CONTROL_SHARE * len(text):
        raise DocumentError(DocumentErrorCode.BINARY)
    if not text.strip():
        raise DocumentError(DocumentErrorCode.EMPTY)
    _refuse_too_much_text(_characters(text))
    return DocumentText(text, SourceInfo(DocumentKind.TEXT, encoding=encoding))


def _characters(text: str) -> int:
    """How many characters are not white space (str.count runs in C: fast on 20 MB)."""
    return len(text) - sum(text.count(space) for space in _WHITE_SPACE)


def _refuse_too_much_text(characters: int) -> None:
    if characters > MAX_TEXT_CHARACTERS:
        raise DocumentError(DocumentErrorCode.TOO_MUCH_TEXT, limit=MAX_TEXT_CHARACTERS)


def _decode(data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252: what Swedish offices save."""
    for bom, codec, name in _BYTE_ORDER_MARKS:
        if data.startswith(bom):
            return _decoded(data, codec), name
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return _decoded(data, "cp1252"), "Windows-1252"


def _decoded(data: bytes, codec: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as err:
        raise DocumentError(DocumentErrorCode.UNKNOWN_ENCODING) from err


# Word ---------------------------------------------------------------------------------------------------


def _read_word(data: bytes) -> DocumentText:
    package = _open_zip(data)
    with package:
        _refuse_zip_bomb(package)
        if "word/document.xml" not in package.namelist():
            raise DocumentError(DocumentErrorCode.NOT_A_WORD_DOCUMENT)
        try:
            body = package.read("word/document.xml")
        except (zipfile.BadZipFile, zlib.error, ValueError, NotImplementedError, EOFError) as err:
            raise DocumentError(DocumentErrorCode.UNREADABLE_WORD) from err
    _refuse_large_word_body(body)
    images = _word_images(body)
    del body
    # python-docx is imported here so that importing the package (and reading .txt) stays fast.
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        text = "\n".join(_word_lines(document))
    except MemoryError:
        raise  # not damage: the child's memory limit, reported as a file too demanding to read
    except Exception as err:  # python-docx raises many kinds of errors on a damaged package
        raise DocumentError(DocumentErrorCode.UNREADABLE_WORD) from err
    if not text.strip():
        # A photo of a page pasted into Word is the usual case: say that pictures are not read.
        raise (
            DocumentError(DocumentErrorCode.WORD_ONLY_IMAGES, count=images)
            if images
            else DocumentError(DocumentErrorCode.EMPTY)
        )
    _refuse_too_much_text(_characters(text))
    return DocumentText(text, SourceInfo(DocumentKind.WORD), images_not_read=images)


def _word_images(body: bytes) -> int:
    """Pictures in the body of a Word document (a logo in the page header is not counted)."""
    return sum(body.count(tag) for tag in (b"<w:drawing>", b"<w:drawing ", b"<w:pict>", b"<w:pict "))


def _refuse_large_word_body(body: bytes) -> None:
    """Counts paragraphs and runs in the raw XML, before python-docx builds an object for each."""
    paragraphs = sum(body.count(tag) for tag in (b"<w:p>", b"<w:p ", b"<w:p/>"))
    if paragraphs > MAX_WORD_PARAGRAPHS:
        raise DocumentError(DocumentErrorCode.TOO_MANY_PARAGRAPHS, count=paragraphs, limit=MAX_WORD_PARAGRAPHS)
    runs = sum(body.count(tag) for tag in (b"<w:r>", b"<w:r ", b"<w:r/>"))
    if runs > MAX_WORD_RUNS:
        raise DocumentError(DocumentErrorCode.TOO_MANY_RUNS, count=runs, limit=MAX_WORD_RUNS)


def _open_zip(data: bytes) -> zipfile.ZipFile:
    if not data.startswith(b"PK"):
        raise DocumentError(DocumentErrorCode.NOT_A_ZIP)
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as err:
        raise DocumentError(DocumentErrorCode.NOT_A_ZIP) from err


def _refuse_zip_bomb(package: zipfile.ZipFile) -> None:
    """Checks the sizes the zip declares before anything is unpacked.

    zipfile never unpacks more than an entry's declared size, so a package that lies about its sizes
    fails its checksum instead of filling memory.
    """
    entries = package.infolist()
    unpacked = sum(e.file_size for e in entries)
    packed = sum(e.compress_size for e in entries) or 1
    xml = sum(e.file_size for e in entries if e.filename.endswith((".xml", ".rels")))
    if (
        len(entries) > MAX_ZIP_ENTRIES
        or unpacked > MAX_UNPACKED_BYTES
        or xml > MAX_XML_BYTES
        or (unpacked > _RATIO_CHECKED_ABOVE and unpacked / packed > MAX_PACKING_RATIO)
    ):
        raise DocumentError(DocumentErrorCode.ZIP_BOMB, unpacked_mb=_megabytes(unpacked))


def _word_lines(document: WordDocument) -> Iterator[str]:
    """Header, body paragraphs and table cells in document order; headings marked "#", lists numbered."""
    from docx.table import Table

    paragraphs = _WordParagraphs(document)
    for section in document.sections[:1]:
        # The diary number often stands in the page header ("Dnr STK-2023-137"). A header "linked to
        # previous" in the first section does not exist, and reading it would create one.
        if not section.header.is_linked_to_previous:
            yield from (p.text for p in section.header.paragraphs if p.text.strip())
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                for cell in row.cells:
                    yield from (p.text for p in cell.paragraphs)
            yield ""
        else:
            yield paragraphs.line(block)


class _WordParagraphs:
    """Turns Word paragraphs into lines: headings as "# …", Word's automatic list numbers put back.

    Styles are looked up once per document by id: python-docx's `paragraph.style` scans every style of
    the document for each paragraph, which made a two-page memo take 400 ms.
    """

    def __init__(self, document: WordDocument) -> None:
        self._styles: dict[str, Any] = {s.style_id: s for s in document.styles}
        self._style_numbering: dict[str | None, Any] = {}
        try:
            self._numbering: Any = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            self._numbering = None
        self._counters: dict[tuple[str, int], int] = {}

    def line(self, paragraph: Any) -> str:
        text: str = paragraph.text
        p_pr = paragraph._p.pPr
        style_id = p_pr.pStyle.val if p_pr is not None and p_pr.pStyle is not None else None
        style = self._styles.get(style_id) if style_id else None
        name = style.name if style is not None else ""
        if name == "Title" or name.startswith("Heading "):
            level = 1 if name == "Title" else int(name.removeprefix("Heading ") or 1)
            return f"{'#' * min(level, 6)} {text}"
        num_pr = p_pr.numPr if p_pr is not None and p_pr.numPr is not None else self._numbering_of(style_id)
        marker = self._marker(num_pr)
        return f"{marker} {text}" if marker else text

    def _numbering_of(self, style_id: str | None) -> Any:
        """The list properties a style gives its paragraphs (as "List Number" does), through its bases."""
        if style_id not in self._style_numbering:
            style = self._styles.get(style_id) if style_id else None
            found = None
            while style is not None and found is None:
                style_pr = style.element.pPr
                found = style_pr.numPr if style_pr is not None else None
                style = style.base_style
            self._style_numbering[style_id] = found
        return self._style_numbering[style_id]

    def _marker(self, num_pr: Any) -> str:
        if num_pr is None or self._numbering is None or num_pr.numId is None:
            return ""
        num_id = str(num_pr.numId.val)
        level = int(num_pr.ilvl.val) if num_pr.ilvl is not None else 0
        number_format = self._format(num_id, level)
        if number_format in _WORD_NUMBER_FORMATS:
            return _WORD_NUMBER_FORMATS[number_format]
        for key in [k for k in self._counters if k[0] == num_id and k[1] > level]:
            del self._counters[key]  # a new item on an outer level restarts the inner levels
        count = self._counters.get((num_id, level), 0) + 1
        self._counters[(num_id, level)] = count
        return f"{count}."

    def _format(self, num_id: str, level: int) -> str:
        abstract = self._numbering.xpath(f'./w:num[@w:numId="{num_id}"]/w:abstractNumId/@w:val')
        if not abstract:
            return "none"
        formats = self._numbering.xpath(
            f'./w:abstractNum[@w:abstractNumId="{abstract[0]}"]/w:lvl[@w:ilvl="{level}"]/w:numFmt/@w:val'
        )
        return str(formats[0]) if formats else "decimal"


# PDF ----------------------------------------------------------------------------------------------------


def _read_pdf(data: bytes, ocr_limits: OcrLimits, on_ocr: OnOcr | None = None) -> DocumentText:
    if b"%PDF-" not in data[:1024]:
        raise DocumentError(DocumentErrorCode.NOT_A_PDF)
    # pypdf is imported here so that importing the package (and reading .txt) stays fast.
    import pypdf
    from pypdf.errors import DependencyError, FileNotDecryptedError

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError(DocumentErrorCode.ENCRYPTED_PDF)
        # The count the file declares first: len(reader.pages) walks the whole page tree (11 s for 60,000).
        count = _declared_pages(reader)
        if count <= MAX_PDF_PAGES:
            count = len(reader.pages)
        if count > MAX_PDF_PAGES:
            raise DocumentError(DocumentErrorCode.TOO_MANY_PAGES, pages=count, limit=MAX_PDF_PAGES)
        pages: list[str] = []
        characters = 0
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            characters += _characters(pages[-1])
            _refuse_too_much_text(characters)  # page by page: a long report stops early
    except DocumentError:
        raise
    except (DependencyError, FileNotDecryptedError) as err:
        raise DocumentError(DocumentErrorCode.ENCRYPTED_PDF) from err
    except MemoryError:
        raise  # not damage: the child's memory limit, reported as a file too demanding to read
    except Exception as err:  # pypdf raises many kinds of errors on a damaged file
        raise DocumentError(DocumentErrorCode.UNREADABLE_PDF) from err
    source = SourceInfo(DocumentKind.PDF, pages=len(pages))
    without_text = tuple(i for i, page in enumerate(pages, start=1) if not page.strip())
    if not without_text:
        return _paged(DocumentText("\n".join(pages), source), pages)
    return _paged(_with_scanned_pages(data, pages, without_text, source, ocr_limits, on_ocr), pages)


def _paged(document: DocumentText, pages: list[str]) -> DocumentText:
    """The document with where each page begins in its text (pages joined by one line break, OCR's included)."""
    starts, offset = [], 0
    for page in pages:
        starts.append(offset)
        offset += len(page) + 1
    return replace(document, page_starts=tuple(starts)) if document.text == "\n".join(pages) else document


def _with_scanned_pages(
    data: bytes,
    pages: list[str],
    scanned: tuple[int, ...],
    source: SourceInfo,
    limits: OcrLimits,
    on_ocr: OnOcr | None = None,
) -> DocumentText:
    """The text with the scanned pages read by OCR; the pages are left out (and listed) when OCR can't run.

    A scan alone is refused when it cannot be read: too many pages (counted before any is read), no OCR
    here, or no words on any page. Beside typed pages, such pages are only listed, so the typed text is kept.
    """
    typed = any(page.strip() for page in pages)
    if len(scanned) > MAX_OCR_PAGES:
        if not typed:
            raise DocumentError(DocumentErrorCode.TOO_MANY_SCANNED_PAGES, pages=len(scanned), limit=MAX_OCR_PAGES)
        return DocumentText("\n".join(pages), source, scanned)
    try:
        readings = read_pages(data, scanned, limits, starting=on_ocr)
    except OcrUnavailable as unavailable:
        if not typed:
            raise DocumentError(
                DocumentErrorCode.SCANNED_PDF, pages=len(pages), packages=list(unavailable.packages)
            ) from unavailable
        return DocumentText("\n".join(pages), source, scanned, ocr_missing=unavailable.packages)
    except OcrTooSlow as slow:
        raise DocumentError(DocumentErrorCode.OCR_TOO_SLOW, pages=len(scanned)) from slow
    typed_text = "\n".join(page for page in pages if page.strip())
    for reading in readings:
        pages[reading.number - 1] = reading.text
    if not any(page.strip() for page in pages):
        raise DocumentError(DocumentErrorCode.SCAN_WITHOUT_WORDS, pages=len(pages))
    _refuse_too_much_text(sum(_characters(page) for page in pages))
    return DocumentText(
        "\n".join(pages),
        source,
        ocr_pages=tuple(r.number for r in readings if not r.blank),
        rotated_pages=tuple(r.number for r in readings if r.rotated_by and not r.blank),
        blank_pages=tuple(r.number for r in readings if r.blank),
        typed_text=typed_text,
    )


def _declared_pages(reader: Any) -> int:
    try:
        return int(reader.root_object["/Pages"]["/Count"])
    except Exception:  # a missing or odd count: the pages are counted instead
        return 0


_READERS: dict[str, Callable[[bytes], DocumentText]] = {
    **dict.fromkeys(_TEXT_SUFFIXES, _read_text),
    ".docx": _read_word,
}
