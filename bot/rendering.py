"""Renders every human-readable text from the Jinja2 templates in templates/, escaped for where it goes."""

from __future__ import annotations

from datetime import date, datetime
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

import jinja2

from bot.clock import STOCKHOLM
from bot.domain.errors import DomainError

WEEKDAYS = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")
MONTHS = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)  # fmt: skip


def slack_escape(value: object) -> str:
    """Escape exactly what Slack's mrkdwn needs, so user text never becomes a mention or a link."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def swedish_date(value: date | datetime, tz: ZoneInfo = STOCKHOLM) -> str:
    """'30 november 2023'."""
    day = value.astimezone(tz).date() if isinstance(value, datetime) else value
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def swedish_weekday_date(value: date) -> str:
    """'torsdag 30 november 2023'."""
    return f"{WEEKDAYS[value.weekday()]} {swedish_date(value)}"


def swedish_datetime(value: datetime, tz: ZoneInfo = STOCKHOLM) -> str:
    """'30 november 2023 kl. 09:00', in local time."""
    local = value.astimezone(tz)
    return f"{swedish_date(local.date())} kl. {local:%H:%M}"


class Texts:
    """The template environments: plain/Slack text (no autoescape, explicit `slack` filter) and HTML."""

    def __init__(self, tz: ZoneInfo = STOCKHOLM) -> None:
        root = str(resources.files("templates"))
        common: dict[str, Any] = {
            "loader": jinja2.FileSystemLoader(root),
            "undefined": jinja2.StrictUndefined,
            "keep_trailing_newline": False,
            "trim_blocks": True,
            "lstrip_blocks": True,
            # Templates ship with the code and never change while it runs: no stat() of the file per render.
            "auto_reload": False,
        }
        self.text_env = jinja2.Environment(autoescape=False, **common)  # noqa: S701 - Slack/plain text, escaped by filter
        self.html_env = jinja2.Environment(autoescape=True, **common)
        for env in (self.text_env, self.html_env):
            env.filters["slack"] = slack_escape
            env.filters["datum"] = lambda v: swedish_date(v, tz)
            env.filters["veckodag_datum"] = swedish_weekday_date
            env.filters["tidpunkt"] = lambda v: swedish_datetime(v, tz)
        # A label depends on its name only; ui_labels.j2 builds its whole table on each render, and one
        # answer form asks for ~45 labels (bench/bench_ack.py).
        self._labels: dict[str, str] = {}

    def render(self, name: str, /, **context: Any) -> str:
        """Render a text template (Slack mrkdwn or plain text) to a stripped string."""
        return self.text_env.get_template(name).render(**context).strip()

    def render_html(self, name: str, /, **context: Any) -> str:
        return self.html_env.get_template(name).render(**context)

    def label(self, name: str) -> str:
        """A button label or modal title from templates/ui_labels.j2."""
        label = self._labels.get(name)
        if label is None:
            label = self._labels[name] = self.render("ui_labels.j2", name=name)
        return label

    def message(self, name: str, /, **params: Any) -> str:
        """A short message: the macro `name` in templates/messages.j2."""
        module = self.text_env.get_template("messages.j2").module
        macro = getattr(module, name, None)
        if macro is None:
            return str(module.unknown_error(code=name)).strip()  # type: ignore[attr-defined]
        # A macro takes only the parameters it names; errors may carry more context than a message shows.
        accepted = {k: v for k, v in params.items() if k in macro.arguments}
        return str(macro(**accepted)).strip()

    def error(self, error: DomainError) -> str:
        """The Swedish message for a domain refusal."""
        return self.message(error.code.value, **{"field": error.field or "", **error.params})
