"""HTML to PDF/A with WeasyPrint, which lays out with Pango from the operating system (the answers in the export,
the summary, the archive package).

WeasyPrint installs from PyPI everywhere, but loads Pango when it is imported: on a machine without it the
import fails. That failure becomes `PdfUnavailable`, with the Debian packages to install, so that a command
can say what is missing instead of crashing, and everything that needs no PDF still works.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

log = logging.getLogger(__name__)

# PDF/A-2b: long-term archiving (ISO 19005-2), fonts embedded; what Swedish e-archives accept for documents.
PDF_VARIANT = "pdf/a-2b"
# What a Debian machine needs for WeasyPrint (named in the README and installed by scripts/test under CI).
SYSTEM_PACKAGES = ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-dejavu-core")


class PdfUnavailable(Exception):
    """WeasyPrint or the system libraries it needs are missing; the message names what to install."""


def html_to_pdf(html: str, created: datetime | None = None) -> bytes:
    """The page as a PDF/A-2b document (user text in it is already escaped by the HTML templates).

    With `created` (when the document came to be, e.g. an answer's submission) the PDF's dates are that
    moment and the same page gives the same bytes every time (the archive's checksums stay put)."""
    weasyprint = _weasyprint()
    # No base URL: the page is self-contained and must not fetch anything (user text could hold URLs).
    page = weasyprint.HTML(string=html, base_url=None, url_fetcher=_refuse_fetch)
    if created is None:
        data = page.write_pdf(pdf_variant=PDF_VARIANT)
    else:
        with _fonts_dated(created):
            document = page.render(pdf_variant=PDF_VARIANT)
            moment = created.isoformat(timespec="seconds")
            document.metadata.created = document.metadata.modified = moment
            data = document.write_pdf(pdf_variant=PDF_VARIANT)
    if not isinstance(data, bytes):
        raise TypeError("WeasyPrint returned no PDF")
    return data


_SOURCE_DATE = threading.Lock()


@contextmanager
def _fonts_dated(moment: datetime) -> Iterator[None]:
    """fontTools stamps the embedded font subsets with the time of writing unless SOURCE_DATE_EPOCH (the
    reproducible-builds convention) says otherwise; set it for this PDF only, one PDF at a time."""
    with _SOURCE_DATE:
        before = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = str(int(moment.timestamp()))
        try:
            yield
        finally:
            if before is None:
                del os.environ["SOURCE_DATE_EPOCH"]
            else:
                os.environ["SOURCE_DATE_EPOCH"] = before


def pdf_available() -> bool:
    try:
        _weasyprint()
    except PdfUnavailable:
        return False
    return True


def _weasyprint() -> Any:
    try:
        import weasyprint  # type: ignore[import-untyped]  # loads Pango: only when a PDF is made
    except (ImportError, OSError) as error:
        log.info("WeasyPrint is not usable here: %s", error)
        raise PdfUnavailable(" ".join(SYSTEM_PACKAGES)) from error
    # Its warnings (a CSS property it skips, fontTools subsetting where HarfBuzz-Subset is missing) are about
    # our own fixed pages, not the user's input: an operator sees only its errors.
    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)
    return weasyprint


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"the export's pages fetch nothing ({url[:80]})")
