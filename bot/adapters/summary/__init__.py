"""The sammanställning in its formats (Word, web page, PDF, Markdown, a Slack preview) and the files it is saved as."""

from bot.adapters.summary._common import FORMATS, file_name, sammanfattning
from bot.adapters.summary.files import (
    PDF,
    load_summary,
    published_files,
    render_files,
    render_pdf,
    render_problems,
    summary_command,
    write_case_summary,
    write_summary_files,
)
from bot.adapters.summary.html import render_html
from bot.adapters.summary.markdown import md_block, md_inline, render_markdown, render_slack_preview
from bot.adapters.summary.word import render_docx

__all__ = [
    "FORMATS",
    "PDF",
    "file_name",
    "load_summary",
    "md_block",
    "md_inline",
    "published_files",
    "render_docx",
    "render_files",
    "render_html",
    "render_markdown",
    "render_pdf",
    "render_problems",
    "render_slack_preview",
    "sammanfattning",
    "summary_command",
    "write_case_summary",
    "write_summary_files",
]
