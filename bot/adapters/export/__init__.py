"""A remiss's documents and their metadata for the registry (`remissbot export`)."""

from bot.adapters.export.command import export_command
from bot.adapters.export.package import Export, Record, export_case, write_export
from bot.adapters.pdf import PdfUnavailable, html_to_pdf, pdf_available

__all__ = [
    "Export",
    "PdfUnavailable",
    "Record",
    "export_case",
    "export_command",
    "html_to_pdf",
    "pdf_available",
    "write_export",
]
