"""What every summary format shares: the Swedish wording as callable macros, and user text made safe to lay out."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlparse

from bot.adapters.rendering import Texts
from bot.core.domain.remiss import Attachment
from bot.core.domain.summary import Summary
from bot.core.domain.summary_text import Statement, SummaryText, compose, excerpt
from bot.core.domain.text import without_control_characters

WORDS_TEMPLATE = "summary/words.j2"
FORMATS = ("docx", "html", "md")

_BLANK_LINE = re.compile(r"\n[ \t\u00a0]*\n")
# Characters a file name may not hold on Windows, macOS or Linux (KS 2021/123 → KS 2021-123).
_UNSAFE_IN_FILE_NAME = re.compile(r'[/\\:*?"<>|\x00-\x1f]')


class Words:
    """The macros in templates/summary/words.j2, called from Python for the formats built in code (Word)."""

    def __init__(self, texts: Texts) -> None:
        self._module = texts.text_env.get_template(WORDS_TEMPLATE).module

    def __call__(self, name: str, /, *args: Any, **kwargs: Any) -> str:
        return without_control_characters(str(getattr(self._module, name)(*args, **kwargs))).strip("\n")


def statement_text(words: Words, statement: Statement) -> str:
    """One sentence of the Sammanfattning as plain text, naming its organisations (Word, the demo)."""
    pointer = words("pointer_question", statement.question) if statement.question else words("pointer_overview")
    return words("statement", statement, [one_line(o.name) for o in statement.organisations], pointer)


def sammanfattning(summary: Summary, texts: Texts) -> list[str]:
    """The Sammanfattning as plain sentences, in order."""
    words = Words(texts)
    return [statement_text(words, s) for s in compose(summary).statements]


def clean(text: str) -> str:
    """User text with one kind of line break and no characters that cannot be shown or stored as XML."""
    return without_control_characters(text)


def paragraphs(text: str) -> list[str]:
    """User text as paragraphs (split at blank lines); line breaks inside a paragraph are kept."""
    return [p.strip("\n").rstrip() for p in _BLANK_LINE.split(clean(text).strip("\n")) if p.strip()]


def one_line(text: str) -> str:
    """User text for a table cell or a list item: its lines joined with spaces."""
    return " ".join(clean(text).split())


def is_web_link(url: str) -> bool:
    """Only http(s) links become links; anything else is shown as text."""
    parsed = urlparse(url.strip())
    return parsed.scheme in ("http", "https") and bool(parsed.netloc)


def file_name(texts: Texts, case_number: str, extension: str) -> str:
    """`<diarienummer> Sammanställning av remissvar.<ext>`, valid as a file name everywhere."""
    return f"{safe_file_name(Words(texts)('file_stem', case_number))}.{extension}"


def documents_folder(case_number: str) -> str:
    """The folder beside the summary that holds the answers' stored files: `STK-2023-137-bilagor`."""
    return f"{safe_file_name(case_number)}-bilagor"


def safe_file_name(name: str) -> str:
    """A name valid as a file name everywhere: no path, no characters Windows refuses, no leading dot."""
    safe = _UNSAFE_IN_FILE_NAME.sub("-", clean(name)).strip(" .")
    return safe[:150] or "fil"


def document_files(summary: Summary) -> dict[tuple[str, str], str]:
    """Where each stored file of the annex is written beside the summary, by (organisation key, sha256):
    `<folder>/<organisation key> <file name>`, made unique within the folder."""
    folder = documents_folder(summary.case_number)
    paths: dict[tuple[str, str], str] = {}
    used: set[str] = set()
    for entry in summary.annex:
        for attachment in entry.attachments:
            key = (entry.organisation.key, attachment.sha256)
            if not attachment.is_stored or key in paths:
                continue
            name = safe_file_name(f"{entry.organisation.key} {attachment.name}")
            if name.casefold() in used:
                stem, dot, ending = name.rpartition(".")
                name = f"{stem} {attachment.sha256[:8]}{dot}{ending}" if dot else f"{name} {attachment.sha256[:8]}"
            used.add(name.casefold())
            paths[key] = f"{folder}/{name}"
    return paths


class DocumentLinks:
    """The relative link from the summary to a stored file written beside it; "" for a file not stored."""

    def __init__(self, summary: Summary) -> None:
        self._paths = document_files(summary)

    def __call__(self, organisation_key: str, attachment: Attachment) -> str:
        path = self._paths.get((organisation_key, attachment.sha256))
        return quote(path) if path else ""


def template_values(summary: Summary, text: SummaryText) -> dict[str, Any]:
    """What the HTML and the Markdown template both read: the summary (`s`), its sentences (`t`), an answer cut
    short (`excerpt`) and the link to a stored file (`document_href`)."""
    return {"s": summary, "t": text, "excerpt": excerpt, "document_href": DocumentLinks(summary)}
