"""The summary as Markdown (CommonMark with GitHub tables) for files and pasting, and a short Slack preview."""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import quote

from bot.adapters.rendering import Texts, slack_escape
from bot.adapters.summary._common import clean, is_web_link, one_line, paragraphs, template_values
from bot.core.domain.organisation import Organisation
from bot.core.domain.summary import Summary
from bot.core.domain.summary_text import compose

MARKDOWN_TEMPLATE = "summary/summary.md.j2"
SLACK_PREVIEW_TEMPLATE = "summary/slack_preview.j2"

# Characters that make markup anywhere in a line; `|` because it ends a table cell.
_INLINE = re.compile(r"([\\`*_\[\]|~])")
# What makes a block when it starts a line: headings, lists, thematic breaks, setext underlines.
_BLOCK_MARK = re.compile(r"^([#+=-])")
_LIST_NUMBER = re.compile(r"^(\d{1,9})([.)])")
_LEADING_SPACES = re.compile(r"^[ \t]+")
# Slack mrkdwn has no escape for its formatting characters; a zero-width space after each one keeps it
# from pairing up into bold, italics, strike-through or code.
_MRKDWN_FORMATTING = re.compile(r"([*_~`])")


def md_inline(text: str) -> str:
    """User text on one line of Markdown, shown exactly as written: it can make no markup, link or HTML.

    `<`, `>` and `&` become entities, which CommonMark and Slack both show as the character; the rest of
    the markup characters get a backslash.
    """
    return _escape(one_line(text))


def md_block(text: str) -> str:
    """User text as Markdown paragraphs; its line breaks are kept as hard breaks, its indentation as is."""
    return "\n\n".join("\\\n".join(_md_line(line) for line in p.split("\n")) for p in paragraphs(text))


def _md_line(line: str) -> str:
    # Leading spaces would make an indented code block; no-break spaces look the same and make none.
    indent = _LEADING_SPACES.match(line)
    prefix = "\u00a0" * len(indent.group().expandtabs(4)) if indent else ""
    return prefix + _escape(line[indent.end() if indent else 0 :].rstrip())


def _escape(line: str) -> str:
    escaped = _INLINE.sub(r"\\\1", line).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _LIST_NUMBER.sub(r"\1\\\2", _BLOCK_MARK.sub(r"\\\1", escaped))


def md_link(name: str, url: str) -> str:
    """A link to an attached file; a URL that is not http(s) is shown as text only."""
    if not is_web_link(url):
        return md_inline(name)
    return f"[{md_inline(name)}]({quote(clean(url).strip(), safe=':/?#@!$&*+,;=%~-._')})"


def md_names(organisations: Sequence[Organisation]) -> list[str]:
    """Organisations' names, each safe on a line of Markdown."""
    return [md_inline(o.name) for o in organisations]


def md_quote(text: str) -> str:
    """User text as a block quote (the question as stadskontoret wrote it)."""
    return "\n".join(f"> {line}" if line else ">" for line in md_block(text).split("\n"))


def mrkdwn(text: str) -> str:
    """User text inside a Slack mrkdwn message: no mention, link or formatting can come from it."""
    return _MRKDWN_FORMATTING.sub("\\1\u200b", slack_escape(one_line(text)))


def render_markdown(summary: Summary, texts: Texts) -> str:
    """The whole summary as one Markdown document."""
    return (
        texts.render(
            MARKDOWN_TEMPLATE,
            **template_values(summary, compose(summary)),
            names_of=md_names,
            md=md_inline,
            md_block=md_block,
            md_quote=md_quote,
            md_link=md_link,
        )
        + "\n"
    )


def render_slack_preview(summary: Summary, texts: Texts) -> str:
    """A short mrkdwn preview for a Slack message: counts, extensions, tallies, who is missing."""
    return texts.render(SLACK_PREVIEW_TEMPLATE, s=summary, mrkdwn=mrkdwn)
