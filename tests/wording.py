"""Reads every text a user was shown (Slack messages, their blocks, modals, App Home views, command-line output)
and says what breaks the project's words: a Slack id a person would see, a banned form from templates/terms.toml,
a text over its budget, a date not said as KLARSPRAK.md says. Used on the demo by tests/test_demo.py."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.adapters.rendering import MONTHS, WEEKDAYS, terms


@dataclass(frozen=True)
class Shown:
    """One text as a user saw it: its kind (what budget it has), where it was, and the text itself."""

    kind: str
    where: str
    text: str
    year: int  # the current year when it was shown: a date in it is said without the year


@dataclass(frozen=True)
class Budget:
    limit: int
    why: str


# How long each kind of text may be, in the characters a reader sees (an emoji code is one, a mention a name).
BUDGETS: Mapping[str, Budget] = {
    "notification": Budget(
        4000,
        "a message's `text` beside its blocks: a phone's notification shows its start (the first line's "
        "budget holds that), and Slack cuts it past 4000",
    ),
    "first_line": Budget(
        150,
        "a message's first line says what it is about and what to do (KLARSPRAK.md): "
        "on a 375 pt phone screen 150 characters are about 4 lines, before the details",
    ),
    "message": Budget(3000, "Slack's own limit for a section's text; a message without blocks the same"),
    "section": Budget(3000, "Slack's limit for a section's text (longer is refused with invalid_blocks)"),
    "context": Budget(2000, "Slack's limit for a context element's text"),
    "header": Budget(150, "Slack's limit for a header block"),
    "button": Budget(
        30,
        "two buttons side by side on a phone hold about 30 characters each before Slack "
        "cuts them with … (Slack itself allows 75)",
    ),
    "option": Budget(75, "Slack's limit for an option's text; a phone's picker shows one line of it"),
    "option_description": Budget(75, "Slack's limit for an option's description"),
    "modal_title": Budget(24, "Slack's limit for a modal's title (and what fits on a phone's title bar)"),
    "modal_button": Budget(24, "Slack's limit for a modal's submit and close"),
    "label": Budget(60, "an input's label is one line on a phone (Slack allows 2000): about 60 characters"),
    "placeholder": Budget(
        100, "a placeholder shows in the empty field, one or two lines on a phone (Slack allows 150)"
    ),
    "hint": Budget(300, "a hint under an input: ~4 lines on a phone; longer belongs in the message"),
    "confirm_title": Budget(100, "Slack's limit for a confirmation dialog's title"),
    "confirm_text": Budget(300, "Slack's limit for a confirmation dialog's text"),
    "other": Budget(3000, "any other text object: Slack's largest limit"),
    "cli": Budget(10_000, "command-line output has no phone to fit; only ids, words and dates are checked"),
}

# Slack ids people must never read: users (U, W), channels (C, G, D), bots (B), user groups (S). Upper case
# letters and digits, with at least one digit (so "MKB" or "STK" is not one).
_SLACK_ID = re.compile(r"(?<![\w/-])[UWCGDBS](?=[A-Z0-9]*\d)[A-Z0-9]{4,}(?![\w-])")
# Slack's mention syntax, which Slack shows as a name: <@U…>, <#C…>, <!subteam^S…>, and links <url|label>.
_MENTION = re.compile(r"<[@#!][^<>]*>")
_LINK = re.compile(r"<[^<>@#!][^<>]*>")
_QUOTED = re.compile(r"«[^»]*»")
_EMOJI = re.compile(r":[a-z0-9_+'-]+:")
_DATE = re.compile(
    rf"(?:\b(?P<weekday>{'|'.join(WEEKDAYS)})(?:en)?,? (?:den )?)?"
    rf"\b(?P<day>\d{{1,2}}) (?P<month>{'|'.join(MONTHS)})\b(?: (?P<year>\d{{4}})\b)?"
)
# Keys that hold no text a person reads.
_NOT_TEXT = {
    "action_id", "block_id", "callback_id", "private_metadata", "value", "url", "image_url", "external_id",
    "initial_value", "initial_date", "initial_time", "initial_user", "initial_users", "initial_conversation",
    "initial_channel", "initial_option", "initial_options", "metadata", "response_action", "trigger_id",
}  # fmt: skip


def shown_length(text: str) -> int:
    """The characters a reader sees: an emoji code is one, a mention about a name's length, a link its label,
    *bold* and _italic_ marks none."""
    text = _MENTION.sub("N" * 14, text)
    text = _LINK.sub(lambda m: m.group()[1:-1].partition("|")[2] or m.group()[1:-1], text)
    text = _EMOJI.sub("E", text)
    text = text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    return len(re.sub(r"(?<!\w)[*_~]|[*_~](?!\w)", "", text))


def _kind(path: Sequence[str]) -> str:
    """The kind of a text object from where it sits: the keys above it and the types of the objects on the way."""
    last = path[-1]
    if "confirm" in path:
        return {"title": "confirm_title", "text": "confirm_text"}.get(last, "button")
    if last in ("placeholder", "hint", "label"):
        return last if "option_groups" not in path or last != "label" else "option"
    if last == "description":
        return "option_description"
    if "options" in path or "option_groups" in path:
        return "option"
    if last in ("submit", "close"):
        return "modal_button"
    if last == "title" and "blocks" not in path:
        return "modal_title"
    for kind in ("header", "button", "context", "section"):
        if f"type={kind}" in path:
            return kind
    return "other"


def _texts(node: Any, path: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    if isinstance(node, list):
        for item in node:
            yield from _texts(item, path)
    elif isinstance(node, dict):
        if node.get("type") in ("plain_text", "mrkdwn") and isinstance(node.get("text"), str):
            yield _kind(path), node["text"]
            return
        here = (*path, f"type={node['type']}") if isinstance(node.get("type"), str) else path
        for key, value in node.items():
            if key not in _NOT_TEXT and isinstance(value, dict | list):
                yield from _texts(value, (*here, key))


def _json(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


def slack_texts(method: str, params: Mapping[str, Any], where: str, year: int) -> list[Shown]:
    """Every text in one Web API call that a person sees: a message's `text` and blocks, a view's title,
    buttons and blocks, a file's comment. Calls that show nothing (lookups) give none."""
    shown: list[Shown] = []
    blocks = _json(params.get("blocks"))
    text = params.get("text")
    if method.startswith("chat.") and isinstance(text, str) and text:
        shown.append(Shown("notification" if blocks else "message", where, text, year))
        shown.append(Shown("first_line", where, text.strip().split("\n", 1)[0], year))
    if method.startswith("chat.") and blocks:
        shown += [Shown(kind, where, t, year) for kind, t in _texts(blocks, ("blocks",))]
        first = next((t for kind, t in _texts(blocks, ("blocks",)) if kind in ("section", "header")), None)
        if first and not text:
            shown.append(Shown("first_line", where, first.strip().split("\n", 1)[0], year))
    if method.startswith("views."):
        view = _json(params.get("view"))
        if isinstance(view, dict):
            shown += [Shown(kind, where, t, year) for kind, t in _texts(view, ("view",))]
    if method.startswith("files.") and isinstance(params.get("initial_comment"), str):
        shown.append(Shown("message", where, str(params["initial_comment"]), year))
    return shown


def response_texts(payload: Mapping[str, Any], where: str, year: int) -> list[Shown]:
    """A message sent to a response_url (a slash command's or a button's answer)."""
    return slack_texts("chat.respond", payload, where, year)


def submission_texts(answer: Mapping[str, Any], where: str, year: int) -> list[Shown]:
    """The app's answer to a view submission: errors under fields, or the view it pushed or swapped in."""
    errors = answer.get("errors")
    shown = [Shown("hint", where, str(e), year) for e in errors.values()] if isinstance(errors, dict) else []
    view = answer.get("view")
    if isinstance(view, dict):
        shown += [Shown(kind, where, t, year) for kind, t in _texts(view, ("view",))]
    return shown


def cli_texts(output: str, where: str, year: int) -> list[Shown]:
    return [Shown("cli", where, line, year) for line in output.splitlines() if line.strip()]


@dataclass(frozen=True)
class Problem:
    rule: str
    shown: Shown
    detail: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.detail} — {self.shown.kind} in {self.shown.where}: {self.shown.text[:300]!r}"


def _without_user_text(text: str, user_texts: Iterable[str]) -> str:
    """The bot's own words: «quoted» text and what the users wrote (titles, questions, answers) taken out."""
    text = _QUOTED.sub("«»", text)
    for written in user_texts:
        for form in {written, written.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")}:
            text = text.replace(form, "…")
    return text


def problems(
    shown: Iterable[Shown], user_texts: Iterable[str] = (), stand_ins: Mapping[str, str] | None = None
) -> list[Problem]:
    """What breaks the rules, text by text (the same text shown twice is reported once). `user_texts` are what
    people wrote (not the bot's words: not checked for words or dates); `stand_ins` replace a text before its
    length is measured (a title by the kortrubrik a message will carry)."""
    written = sorted({t.strip() for t in user_texts if len(t.strip()) > 3}, key=len, reverse=True)
    found: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for s in shown:
        if (s.kind, s.text) in seen:
            continue
        seen.add((s.kind, s.text))
        budget = BUDGETS[s.kind]
        measured = s.text
        for long, short in (stand_ins or {}).items():
            measured = measured.replace(long, short)
        if (length := shown_length(measured)) > budget.limit:
            found.append(Problem("budget", s, f"{length} characters, at most {budget.limit} ({budget.why})"))
        own = _without_user_text(s.text, written)
        bare = _MENTION.sub("", _LINK.sub("", own))
        found += [Problem("slack_id", s, f"{m.group()} outside a mention") for m in _SLACK_ID.finditer(bare)]
        for term in terms().values():
            for pattern in term.banned:
                if m := pattern.search(bare):
                    found.append(Problem("banned", s, f"«{m.group()}»: say «{term.use}» ({term.why})"))
        if s.kind == "placeholder":  # an example of what to type ("t.ex. 30 november"), not the bot's date
            continue
        for m in _DATE.finditer(bare):
            said = m.group()
            if m["year"] and int(m["year"]) == s.year:
                found.append(Problem("date", s, f"«{said}» says this year's year"))
            if not m["weekday"]:
                found.append(Problem("date", s, f"«{said}» has no weekday"))
    return found
