"""Renders every human-readable text from the Jinja2 templates in templates/, escaped for where it goes."""

from __future__ import annotations

import contextlib
import functools
import re
import tomllib
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from jinja2.runtime import Macro

from bot.core.clock import STOCKHOLM, Clock
from bot.core.domain.errors import DomainError
from bot.core.domain.text import without_control_characters

WEEKDAYS = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")
MONTHS = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)  # fmt: skip


def slack_escape(value: object) -> str:
    """Escape exactly what Slack's mrkdwn needs, so user text never becomes a mention or a link."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# What Slack shows as one character (an entity) or one link, mention or channel (<…>, <…|label>): a cut
# inside one shows the reader a half entity or a broken link.
_SLACK_UNIT = re.compile(r"&(?:amp|lt|gt);|<[^<>]*>")
# How far back a cut looks for a space or line break to end on a whole word.
_WORD_BACKOFF = 40


def cut_slack_text(text: str, limit: int, note: Callable[[int], str] | None = None) -> str:
    """`text` (escaped Slack mrkdwn, or plain text) within `limit` characters.

    Text that fits is returned as it is. Longer text is cut at a space or line break where one is near, never
    inside an entity or a link, and ends with `note(n)` saying how many characters the reader does not see
    (by default "… (ytterligare 1 234 tecken visas inte)"). The one rule for shortening anything sent to Slack.
    """
    if len(text) <= limit:
        return text
    say = note or left_out_note
    total = shown_length(text)
    room = limit - len(say(total))
    if room < 0:  # too small a limit for a note: only the ellipsis
        return _safe_head(text, limit - 1) + "…" if limit > 0 else ""
    head = _safe_head(text, room)
    cut = head + say(total - shown_length(head))
    # The note for fewer characters left out is never longer, unless `note` says otherwise.
    return cut if len(cut) <= limit else cut_slack_text(text, limit, lambda n: "…")


def shown_length(text: str) -> int:
    """How many characters Slack shows for mrkdwn `text`: an entity is one, a link its label."""
    return len(_SLACK_UNIT.sub(_shown_unit, text))


def _shown_unit(unit: re.Match[str]) -> str:
    token = unit.group()
    if token.startswith("&"):
        return "&"
    return token[1:-1].partition("|")[2] or token[1:-1]


def _safe_head(text: str, room: int) -> str:
    """The longest start of `text` within `room` characters that ends between Slack units, on a word if near."""
    units = [(u.start(), u.end()) for u in _SLACK_UNIT.finditer(text) if u.start() < room]
    end = room
    if units and units[-1][0] < end < units[-1][1]:  # units never overlap: only the last can hold the cut
        end = units[-1][0]
    inside = {i for start, stop in units if stop > end - _WORD_BACKOFF for i in range(start + 1, stop)}
    for i in range(end, max(end - _WORD_BACKOFF, 0), -1):
        if text[i - 1].isspace() and i - 1 not in inside:
            end = i - 1
            break
    return text[:end].rstrip()


def left_out_note(count: int) -> str:
    """ "… (ytterligare 1 234 tecken visas inte)", from templates/messages.j2."""
    return default_texts().message("left_out", count=count)


@functools.cache
def default_texts() -> Texts:
    """The texts in Stockholm time, for words said where no configured `Texts` is at hand (a note on a cut
    text, a database or settings error before the app is built). Built on first use, never at import."""
    return Texts()


def grouped_number(value: int) -> str:
    """'1 234 567': a space between thousands, as Swedish writes numbers; a no-break space (U+00A0), so a
    number never breaks across two lines."""
    return f"{value:,}".replace(",", "\u00a0")


def file_size(size: int) -> str:
    """A file size as Swedish writes it: '850 byte', '340 kB', '1,2 MB', '25 MB' (1 kB = 1 024 byte); a
    no-break space before the unit."""
    if size < 1024:
        return f"{size}\u00a0byte"
    if size < 1024 * 1024:
        return f"{grouped_number(round(size / 1024))}\u00a0kB"
    megabytes = size / (1024 * 1024)
    shown = f"{megabytes:.1f}".replace(".", ",").removesuffix(",0")
    return f"{shown}\u00a0MB"


def swedish_date(value: date | datetime, tz: ZoneInfo = STOCKHOLM) -> str:
    """'30 november 2023'."""
    day = value.astimezone(tz).date() if isinstance(value, datetime) else value
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def swedish_weekday_date(value: date) -> str:
    """'torsdag 30 november 2023'."""
    return f"{WEEKDAYS[value.weekday()]} {swedish_date(value)}"


def swedish_weekday_day_month(value: date, today: date) -> str:
    """'torsdag 30 november', with the year only when it is not `today`'s year ('fredag 5 januari 2024')."""
    if value.year != today.year:
        return swedish_weekday_date(value)
    return f"{WEEKDAYS[value.weekday()]} {value.day} {MONTHS[value.month - 1]}"


def swedish_datetime(value: datetime, tz: ZoneInfo = STOCKHOLM) -> str:
    """'30 november 2023 kl. 09:00', in local time."""
    local = value.astimezone(tz)
    return f"{swedish_date(local.date())} kl. {local:%H:%M}"


def day_as_said(value: date | datetime | str, today: date | None, tz: ZoneInfo = STOCKHOLM) -> str:
    """How every message says a day (KLARSPRAK.md): 'torsdag 30 november', with the year only when it is not
    `today`'s year ('fredag 5 januari 2024'); without a `today` (no clock at hand) always with the year. A
    string is an ISO date, as the audit trail's details keep one."""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    day = value.astimezone(tz).date() if isinstance(value, datetime) else value
    if today is None:
        return swedish_weekday_date(day)
    return swedish_weekday_day_month(day, today)


def moment_as_said(value: datetime, today: date | None, tz: ZoneInfo = STOCKHOLM) -> str:
    """'torsdag 30 november kl. 09.00' (a point between hour and minute, as Swedish writes the time), the year
    as `day_as_said` says it."""
    local = value.astimezone(tz)
    return f"{day_as_said(local.date(), today, tz)} kl. {local:%H.%M}"


@dataclass(frozen=True)
class Term:
    """One concept of templates/terms.toml: the word used, and the forms never used for it."""

    key: str
    concept: str
    use: str
    banned: tuple[re.Pattern[str], ...]
    why: str


@functools.cache
def terms() -> Mapping[str, Term]:
    """The terminology table (templates/terms.toml), by key."""
    raw = tomllib.loads(resources.files("templates").joinpath("terms.toml").read_text(encoding="utf-8"))
    return {
        t["key"]: Term(
            t["key"], t["concept"], t["use"], tuple(re.compile(b, re.IGNORECASE) for b in t["banned"]), t["why"]
        )
        for t in raw["term"]
    }


def term(key: str) -> str:
    """The word templates/terms.toml says for the concept `key` (a template's `term("extension")`)."""
    found = terms().get(key)
    if found is None:
        raise MissingText(f"templates/terms.toml has no term {key!r}")
    return found.use


# The day a text is rendered on, by the rendering Texts' clock: set around each render (one thread's own
# value), so every part and every macro it calls says a day with `dag` relative to the same today.
_TODAY: ContextVar[date | None] = ContextVar("remissbot_today", default=None)


class MissingText(LookupError):
    """A template, part, label or message that templates/ does not define: a bug, never shown to a user."""


class Parts:
    """The one lookup of a named text: the macro `name` of a template, in one Jinja environment.

    A template of parts runs its top level once, without parameters (only constants and helper macros live
    there), and each part names every value it uses as a macro argument. Texts reads Slack and command-line
    words through it; the importer's wording (its own whitespace rules) through another."""

    def __init__(self, environment: jinja2.Environment) -> None:
        self._environment = environment
        # Templates never change while the bot runs (auto_reload is off): each module is built once.
        self._modules: dict[str, Any] = {}

    def read(self, template: str, name: str, /, **params: Any) -> str:
        """The macro `name` of `template`, given those of `params` it names as arguments (the rest are
        ignored), stripped and without control characters. A template or part that does not exist raises
        `MissingText`; a parameter a part uses but was not given raises where the part uses it."""
        macro = getattr(self._module(template), name, None)
        if not isinstance(macro, Macro):
            raise MissingText(f"{template} has no part {name!r}")
        arguments = {k: params[k] for k in macro.arguments if k in params}
        return without_control_characters(str(macro(**arguments))).strip()

    def has(self, template: str, name: str) -> bool:
        """Whether `template` defines the part `name` (for tests that every code has its text)."""
        return isinstance(getattr(self._module(template), name, None), Macro)

    def _module(self, template: str) -> Any:
        module = self._modules.get(template)
        if module is None:
            try:
                source = self._environment.get_template(template)
            except jinja2.TemplateNotFound:
                raise MissingText(f"no template {template!r} in templates/") from None
            module = self._modules[template] = source.make_module()
        return module


@dataclass(frozen=True)
class _Environments:
    """The compiled templates of one timezone: Slack/plain text, HTML, and the parts read from the text."""

    text: jinja2.Environment
    html: jinja2.Environment
    parts: Parts


@functools.cache
def _environments(tz: ZoneInfo) -> _Environments:
    """The template environments for `tz`, built once per process and shared by every Texts in it.

    Templates are package data that never change while the bot runs, and compiling them was most of the
    cost of a new Texts (each build_core, each CLI command); a Texts only differs by its clock, which is
    not part of the environment (see _TODAY). Shared, so nothing may change an environment after this."""
    root = str(resources.files("templates"))
    common: dict[str, Any] = {
        "loader": jinja2.FileSystemLoader(root),
        "undefined": jinja2.StrictUndefined,
        "keep_trailing_newline": False,
        "trim_blocks": True,
        "lstrip_blocks": True,
        # Templates ship with the code and never change while it runs: no stat() of the file per render.
        "auto_reload": False,
        # Every template stays compiled (there are about a hundred), however many are used.
        "cache_size": -1,
    }
    text_env = jinja2.Environment(autoescape=False, **common)  # noqa: S701 - Slack/plain text, escaped by filter
    html_env = jinja2.Environment(autoescape=True, **common)
    for env in (text_env, html_env):
        env.filters["slack"] = slack_escape
        env.filters["tal"] = grouped_number
        env.filters["storlek"] = file_size
        env.filters["datum"] = lambda v: swedish_date(v, tz)
        env.filters["veckodag_datum"] = swedish_weekday_date
        env.filters["veckodag_dag_manad"] = swedish_weekday_day_month
        env.filters["tidpunkt"] = lambda v: swedish_datetime(v, tz)
        # The one way a message says a day or a moment: weekday, day and month, the year only when it is
        # not this year (today by the Texts' clock, see _TODAY).
        env.filters["dag"] = lambda v: day_as_said(v, _TODAY.get(), tz)
        env.filters["dag_tid"] = lambda v: moment_as_said(v, _TODAY.get(), tz)
        env.globals["term"] = term
    return _Environments(text_env, html_env, Parts(text_env))


class Texts:
    """The template environments: plain/Slack text (no autoescape, explicit `slack` filter) and HTML."""

    def __init__(self, tz: ZoneInfo = STOCKHOLM, clock: Clock | None = None) -> None:
        self.tz, self.clock = tz, clock
        environments = _environments(tz)
        self.text_env, self.html_env = environments.text, environments.html
        # A label depends on its name only, and one answer form asks for ~45 labels (bench/bench_ack.py).
        self._labels: dict[str, str] = {}
        self._parts = environments.parts

    def compile_templates(self, *folders: str) -> list[str]:
        """Compile now every text template at the top of templates/ and in `folders` (their names): a template
        is otherwise compiled when first rendered, tens of milliseconds each of the process's one GIL: the first
        status message after a start compiled status_event.j2 and what it imports amid a burst of clicks, whose
        acknowledgements waited (bench/bench_ack.py)."""

        def wanted(name: str) -> bool:
            folder, _, rest = name.rpartition("/")
            return rest.endswith(".j2") and not rest.endswith(".html.j2") and (not folder or folder in folders)

        names = self.text_env.list_templates(filter_func=wanted)
        for name in names:
            self.text_env.get_template(name)
        return names

    def with_clock(self, clock: Clock) -> Texts:
        """These texts (the same compiled templates and labels) telling `today` by `clock`."""
        copy = object.__new__(Texts)
        copy.__dict__.update(self.__dict__)
        copy.clock = clock
        return copy

    @contextlib.contextmanager
    def _today_set(self, today: date | None = None) -> Iterator[None]:
        """`dag` says days relative to `today` (a part's own `today` parameter), else to the clock's today."""
        token = _TODAY.set(today if isinstance(today, date) else self.today())
        try:
            yield
        finally:
            _TODAY.reset(token)

    def today(self) -> date | None:
        """Today in the texts' timezone by their clock: what `dag` leaves the year out for; None without one."""
        return self.clock.now().astimezone(self.tz).date() if self.clock is not None else None

    def render(self, name: str, /, **context: Any) -> str:
        """Render a whole text template (Slack mrkdwn or plain text) to a stripped string, without control
        characters. A template of parts is read through `part`, never here."""
        if "part" in context:
            raise TypeError(f"{name}: a part is read with Texts.part({name!r}, {context['part']!r}, ...)")
        with self._today_set(context.get("today")):
            return without_control_characters(self.text_env.get_template(name).render(**context)).strip()

    def render_html(self, name: str, /, **context: Any) -> str:
        with self._today_set():
            return without_control_characters(self.html_env.get_template(name).render(**context))

    def part(self, template: str, name: str, /, **params: Any) -> str:
        """The text `name` of `template`, with `params` (see `Parts.read`): the one way to read a piece of
        text; `label` and `message` are parts too. One that does not exist raises `MissingText`."""
        with self._today_set(params.get("today")):
            return self._parts.read(template, name, **params)

    def label(self, name: str) -> str:
        """A button label or modal title: the part `name` of templates/ui_labels.j2."""
        label = self._labels.get(name)
        if label is None:
            label = self._labels[name] = self.part("ui_labels.j2", name)
        return label

    def message(self, name: str, /, **params: Any) -> str:
        """A short message: the part `name` of templates/messages.j2."""
        return self.part("messages.j2", name, **params)

    def error(self, error: DomainError) -> str:
        """The Swedish message for a domain refusal."""
        return self.message(error.code.value, **{"field": error.field or "", **error.params})
