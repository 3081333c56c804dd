"""The summary as one self-contained, printable and accessible web page."""

from __future__ import annotations

import re
from collections.abc import Sequence

from markupsafe import Markup

from bot.adapters.rendering import Texts
from bot.adapters.summary._common import Words, is_web_link, paragraphs, template_values
from bot.core.domain.organisation import Organisation
from bot.core.domain.summary import Summary
from bot.core.domain.summary_text import compose

HTML_TEMPLATE = "summary/summary.html.j2"


def css_string(value: str) -> Markup:
    """A CSS string literal for the print header: every character that could end it is a hex escape."""
    escaped = "".join(c if c.isalnum() or c in " -.·" else f"\\{ord(c):x} " for c in value)
    return Markup(f'"{escaped}"')  # noqa: S704 - only letters, digits, spaces and hex escapes remain


def css_page_numbers(footer: str) -> Markup:
    """The Word footer's words ("Sida [PAGE] av [NUMPAGES]") as CSS content with the page counters, so that
    a printed page and the PDF are numbered in the same words as the Word document."""
    parts = []
    for piece in re.split(r"(\[PAGE\]|\[NUMPAGES\])", footer):
        if piece == "[PAGE]":
            parts.append("counter(page)")
        elif piece == "[NUMPAGES]":
            parts.append("counter(pages)")
        elif piece:
            parts.append(css_string(piece))
    return Markup(" ".join(parts))  # noqa: S704 - counters and css_string's escaped literals only


def render_html(summary: Summary, texts: Texts) -> str:
    """The whole summary as one HTML page with its CSS inline (autoescaped: user text stays text)."""
    words = Words(texts)
    header = words("page_header", summary.case_number)
    text = compose(summary)

    def names_of(organisations: Sequence[Organisation]) -> list[Markup]:
        """Each name linked to its answer in the annex, or to its row in the overview when it has none."""
        return [
            Markup('<a href="#{}-{}">{}</a>').format("svar" if o.key in text.annex_numbers else "rad", o.key, o.name)
            for o in organisations
        ]

    def pointer_to(question: int | None) -> Markup:
        """Where the organisations of a statement that does not name them are listed."""
        if question:
            return Markup('<a href="#fraga-{}">{}</a>').format(question, words("pointer_question", question))
        return Markup('<a href="#remissinstanser">{}</a>').format(words("pointer_overview"))

    return texts.render_html(
        HTML_TEMPLATE,
        **template_values(summary, text),
        names_of=names_of,
        pointer_to=pointer_to,
        paragraphs=paragraphs,
        is_web_link=is_web_link,
        print_header=css_string(header),
        print_footer=css_page_numbers(words("page_footer")),
    )
