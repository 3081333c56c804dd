"""What every summary format shares: the Swedish wording as callable macros, and user text made safe to lay out."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlparse

from bot.adapters.rendering import Texts
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


def safe_file_name(name: str) -> str:
    """`name` valid as a file name on Windows, macOS and Linux: no separators, reserved or control characters."""
    return _UNSAFE_IN_FILE_NAME.sub("-", name).strip(" .") or "dokument"
