"""Scanned documents read by OCR (Tesseract, Swedish), end to end through the limited child: seed 002 and a
decided yttrande, scanned here, give what their text versions give; blank, upside-down, mixed, too long."""

from __future__ import annotations

import io
import time
from datetime import date
from pathlib import Path
from typing import Any

import docx
import pypdf
import pytest
from PIL import Image

from bot.adapters import answer_reader
from bot.adapters.answer_reader import AnswerReading, UnreadableReason, read_answer_document
from bot.adapters.importer import (
    Confidence,
    DocumentError,
    DocumentErrorCode,
    Field,
    ImportedRemiss,
    WarningCode,
    import_file,
)
from bot.adapters.importer.isolated import Limits, read_isolated
from bot.adapters.importer.ocr import MAX_OCR_PAGES
from bot.adapters.importer.readers import DocumentText
from bot.adapters.importer.wording import Wording
from bot.core.domain.answer_document import SplitKind
from bot.core.domain.organisation import Directory
from bot.core.domain.remiss import Question
from devtools.pdf import pdf_with_pages
from devtools.scans import image_pdf, scanned, typed_pdf

from .conftest import ocr_or_skip
from .documents import png_image
from .test_import_seeds import SEED_002

# One worker reads every scan, so the module's scans are made and read once (each page takes seconds).
pytestmark = pytest.mark.xdist_group("import_ocr")

QUESTIONS = (
    Question(1, "Hur påverkas er verksamhet av den föreslagna parkeringsnormen?"),
    Question(2, "Vilka delar av förslaget behöver förtydligas innan normen antas?"),
    Question(3, "Ser ni behov av särskilda regler för cykelparkering i nya bostadsområden?"),
)

# A decided yttrande as a nämnd writes one: its own diarienummer, the remiss's, an answer per question, the
# decision with meeting date and §.
YTTRANDE = """Malmö stad
Servicenämnden
YTTRANDE
Diarienummer SN-2024-1187
Datum 2024-03-20
Till kommunstyrelsen, stadskontoret

Remiss STK-2024-512: Förslag till parkeringsnorm för Malmö

Fråga 1
Våra fordon i hemtjänsten behöver laddplatser nära kunderna, särskilt i de centrala delarna av staden.

Fråga 2
Nämnden vill se förtydliganden om hur laddplatser räknas och vad som gäller för tjänstebilar.

Fråga 3
Ja, i synnerhet för lastcyklar och cykelvagnar vid förskolor.

Beslut
Servicenämnden tillstyrker förslaget.

Servicenämnden beslutade yttrandet vid sammanträde 2024-03-14, § 41."""

# A remiss whose first page is typed (diarienummer, deadline) and whose second is a scanned sheet
# (recipients and questions), as when a signed page is scanned and put back into the PDF.
MIXED_TYPED = """Tjänsteskrivelse

Ny parkeringsnorm för Malmö STK-2024-512

Kommunstyrelsens arbetsutskott skickar förslaget på remiss med sista svarsdatum 15 mars 2024."""
MIXED_SCANNED = """Beslutet skickas till

Tekniska nämnden
Stadsbyggnadsnämnden
Parkering Malmö

Frågor

1. Hur påverkas er verksamhet?
2. Vilken nämnd bör följa upp normen?"""


@pytest.fixture(scope="module", autouse=True)
def _ocr() -> None:
    ocr_or_skip()


@pytest.fixture(scope="module")
def seed_002(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Seed 002 as a typed PDF and as its scan (with an empty sheet the scanner took along at the end)."""
    folder = tmp_path_factory.mktemp("seed_002")
    typed = typed_pdf((shared_dir / "seeds" / SEED_002).read_text(encoding="utf-8"))
    (folder / "remiss.pdf").write_bytes(typed)
    (folder / "skannad.pdf").write_bytes(scanned(typed, blank_pages=1))
    return folder / "remiss.pdf", folder / "skannad.pdf"


@pytest.fixture(scope="module")
def seed_002_read(seed_002: tuple[Path, Path], directory: Directory) -> tuple[ImportedRemiss, ImportedRemiss]:
    typed, scan = seed_002
    return import_file(typed, directory), import_file(scan, directory)


def test_a_scan_of_seed_002_gives_what_its_text_gives(seed_002_read: tuple[ImportedRemiss, ImportedRemiss]) -> None:
    typed, scan = seed_002_read

    assert typed.case_number == scan.case_number == "STK-2023-137"
    assert typed.deadline == scan.deadline == date(2023, 11, 30)
    assert [r.organisation for r in scan.recipients] == [r.organisation for r in typed.recipients]
    assert len(scan.recipients) == 15 and scan.unmatched_recipients == ()
    assert scan.questions == typed.questions and len(scan.questions) == 4
    assert scan.title == typed.title


def test_what_a_scan_gives_is_one_step_less_sure_and_the_pages_read_by_ocr_are_named(
    seed_002_read: tuple[ImportedRemiss, ImportedRemiss],
) -> None:
    typed, scan = seed_002_read
    assert typed.source is not None and typed.source.pages is not None

    assert typed.confidence[Field.CASE_NUMBER] is Confidence.HIGH
    for field in (Field.CASE_NUMBER, Field.DEADLINE, Field.RECIPIENTS, Field.QUESTIONS):
        assert scan.confidence[field] is Confidence.MEDIUM, field
    read_by_ocr = next(w for w in scan.warnings if w.code is WarningCode.PAGES_READ_BY_OCR)
    pages = list(range(1, typed.source.pages + 1))
    assert read_by_ocr.params["pages"] == pages
    assert read_by_ocr.message.startswith(f"Sidorna {', '.join(map(str, pages[:-1]))} och {pages[-1]} är inskannade")
    assert "Textigenkänning kan läsa fel" in read_by_ocr.message
    blank = next(w for w in scan.warnings if w.code is WarningCode.BLANK_SCANNED_PAGES)
    assert blank.params["pages"] == [typed.source.pages + 1]
    assert "hittade textigenkänningen inga ord" in blank.message


@pytest.fixture(scope="module")
def yttrande() -> tuple[bytes, bytes]:
    """The decided yttrande typed, and scanned upside down (as when the sheet went in the wrong way)."""
    typed = typed_pdf(YTTRANDE)
    return typed, scanned(typed, upside_down={1})


def test_a_scanned_yttrande_upside_down_is_turned_and_split_and_decided_as_its_text(
    yttrande: tuple[bytes, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    typed_pdf_, scan_pdf = yttrande
    typed = read_answer_document(typed_pdf_, "yttrande.pdf", QUESTIONS, remiss_case_number="STK-2024-512")
    # The text the reader got from its child, kept to see which pages were turned, rather than read (and the
    # upside-down page recognised, checked and recognised again) a second time.
    read: list[DocumentText] = []

    def reading(*args: Any, **kwargs: Any) -> DocumentText:
        read.append(read_isolated(*args, **kwargs))
        return read[-1]

    monkeypatch.setattr(answer_reader, "read_isolated", reading)
    scan = read_answer_document(scan_pdf, "skannat.pdf", QUESTIONS, remiss_case_number="STK-2024-512")

    assert typed.split is not None and scan.split is not None
    assert scan.split.kind is typed.split.kind is SplitKind.BY_QUESTION
    assert scan.split.sections == typed.split.sections
    assert scan.split.sections[3] == "Ja, i synnerhet för lastcyklar och cykelvagnar vid förskolor."
    assert scan.offers.their_case_number is not None and scan.offers.their_case_number.value == "SN-2024-1187"
    assert scan.offers.meeting_date is not None and scan.offers.meeting_date.value == date(2024, 3, 14)
    assert scan.offers.paragraph is not None and scan.offers.paragraph.value == "§ 41"
    for what in ("their_case_number", "meeting_date", "paragraph", "position", "deciding_body"):
        found, expected = getattr(scan.offers, what), getattr(typed.offers, what)
        assert found is not None and expected is not None and found.value == expected.value, what
    assert scan.ocr_pages == (1,) and typed.ocr_pages == ()
    # Where it was read: the scanned page, as for the typed one (OCR may count the page's lines differently).
    assert scan.offers.paragraph.where is not None and scan.offers.paragraph.where.page == 1
    [document] = read
    assert document.rotated_pages == (1,)


def test_in_a_pdf_of_typed_and_scanned_pages_only_the_scanned_page_is_read_by_ocr(
    tmp_path: Path, directory: Directory
) -> None:
    writer = pypdf.PdfWriter()
    for part in (typed_pdf(MIXED_TYPED), scanned(typed_pdf(MIXED_SCANNED))):
        writer.append(pypdf.PdfReader(io.BytesIO(part)))
    out = io.BytesIO()
    writer.write(out)
    path = tmp_path / "blandad.pdf"
    path.write_bytes(out.getvalue())

    document = read_isolated(out.getvalue(), ".pdf", max_bytes=10**8, limits=Limits())
    result = import_file(path, directory)

    assert document.ocr_pages == (2,) and document.typed_text is not None
    assert "STK-2024-512" in document.typed_text and "Stadsbyggnadsnämnden" not in document.typed_text
    assert result.case_number == "STK-2024-512" and result.deadline == date(2024, 3, 15)
    assert [r.name for r in result.recipients] == ["Tekniska nämnden", "Stadsbyggnadsnämnden", "Parkering Malmö"]
    assert result.questions == ("Hur påverkas er verksamhet?", "Vilken nämnd bör följa upp normen?")
    # What the typed page gives stays as sure as typed text; what only the scan gives is one step less.
    assert result.confidence[Field.CASE_NUMBER] is Confidence.HIGH
    assert result.confidence[Field.DEADLINE] is Confidence.HIGH
    assert result.confidence[Field.RECIPIENTS] is Confidence.MEDIUM
    assert result.confidence[Field.QUESTIONS] is Confidence.MEDIUM
    warning = next(w for w in result.warnings if w.code is WarningCode.PAGES_READ_BY_OCR)
    assert warning.message.startswith("Sidan 2 är inskannad och lästes med textigenkänning (OCR).")


def test_a_scan_of_blank_sheets_says_no_words_were_found(
    tmp_path: Path, directory: Directory, wording: Wording
) -> None:
    path = tmp_path / "tom.pdf"
    path.write_bytes(pdf_with_pages([None, None]))

    with pytest.raises(DocumentError) as refused:
        import_file(path, directory)
    reading = read_answer_document(path.read_bytes(), "tom.pdf", QUESTIONS)

    assert refused.value.code is DocumentErrorCode.SCAN_WITHOUT_WORDS
    assert wording.error(refused.value, file_name="tom.pdf") == (
        "PDF-filen tom.pdf är inskannad, men textigenkänningen hittade inga ord på någon av de 2 sidorna: de "
        "verkar vara tomma. Kontrollera att det är rätt fil och att sidorna kom med när den skannades."
    )
    assert reading == AnswerReading("tom.pdf", unreadable=UnreadableReason.NO_WORDS)


def test_a_200_page_scan_is_refused_with_the_limit_named_before_any_page_is_read(
    tmp_path: Path, directory: Directory, wording: Wording
) -> None:
    path = tmp_path / "hela-utredningen.pdf"
    path.write_bytes(pdf_with_pages([None] * 200))

    started = time.monotonic()
    with pytest.raises(DocumentError) as refused:
        import_file(path, directory)

    # Reading 200 pages would take minutes even blank (a program start per page): this took no OCR at all.
    assert time.monotonic() - started < 20
    assert refused.value.code is DocumentErrorCode.TOO_MANY_SCANNED_PAGES
    assert refused.value.params == {"pages": 200, "limit": MAX_OCR_PAGES}
    assert wording.error(refused.value, file_name="hela-utredningen.pdf").startswith(
        f"PDF-filen hela-utredningen.pdf har 200 inskannade sidor, fler än de {MAX_OCR_PAGES} som kan läsas "
        "med textigenkänning (OCR). Inget har lästs."
    )


@pytest.mark.usefixtures("without_ocr")
def test_without_ocr_a_scan_gets_todays_message_and_what_to_install(
    tmp_path: Path, directory: Directory, wording: Wording
) -> None:
    path = tmp_path / "skannad.pdf"
    path.write_bytes(image_pdf([_white_page()]))

    with pytest.raises(DocumentError) as refused:
        import_file(path, directory)

    assert refused.value.code is DocumentErrorCode.SCANNED_PDF
    assert refused.value.params == {"pages": 1, "packages": ["tesseract-ocr", "poppler-utils"]}
    assert wording.error(refused.value, file_name="skannad.pdf") == (
        "PDF-filen skannad.pdf innehåller ingen text (1 sida): den är troligen inskannad. Importera originalet "
        "(.docx eller en PDF med text), eller kör textigenkänning (OCR) först. Inskannade sidor läses med "
        "textigenkänning (OCR) när den som driftar remissbot har installerat tesseract-ocr och poppler-utils "
        "(Debian/Ubuntu: apt-get install tesseract-ocr tesseract-ocr-swe poppler-utils)."
    )


def test_a_photo_of_a_page_in_a_word_file_is_said_not_to_be_read(
    tmp_path: Path, directory: Directory, wording: Wording
) -> None:
    photo = tmp_path / "foto.png"
    photo.write_bytes(png_image(40, 60))
    document = docx.Document()
    document.add_picture(str(photo))
    path = tmp_path / "fotograferad.docx"
    document.save(str(path))

    with pytest.raises(DocumentError) as refused:
        import_file(path, directory)
    reading = read_answer_document(path.read_bytes(), "fotograferad.docx", QUESTIONS)

    assert refused.value.code is DocumentErrorCode.WORD_ONLY_IMAGES
    message = wording.error(refused.value, file_name="fotograferad.docx")
    assert message.startswith(
        "Word-dokumentet fotograferad.docx innehåller bara en bild och ingen text. Text i bilder i Word-filer "
        "läses inte."
    )
    assert reading.unreadable is UnreadableReason.IMAGES_ONLY


def test_a_word_remiss_with_a_picture_beside_its_text_is_read_and_the_picture_named(
    tmp_path: Path, directory: Directory
) -> None:
    photo = tmp_path / "karta.png"
    photo.write_bytes(png_image(40, 60))
    document = docx.Document()
    for line in ("Remiss STK-2024-88", "Sista svarsdatum är den 12 april 2024."):
        document.add_paragraph(line)
    document.add_picture(str(photo))
    path = tmp_path / "remiss.docx"
    document.save(str(path))

    result = import_file(path, directory)

    assert result.deadline == date(2024, 4, 12)
    warning = next(w for w in result.warnings if w.code is WarningCode.WORD_IMAGES_NOT_READ)
    assert warning.message.startswith("Dokumentet har en bild. Text i bilder i Word-filer läses inte")


def _white_page() -> Image.Image:
    return Image.new("L", (1240, 1754), 255)
