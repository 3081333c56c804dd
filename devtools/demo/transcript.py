"""What the demo prints: numbered steps, what each person saw, what followed, in templates/demo/transcript.j2's words.

Also the helpers that turn a modal as filled in, or a chat thread, into the lines a transcript box shows.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, TextIO

from bot.adapters.rendering import Texts, swedish_date
from bot.core.clock import STOCKHOLM
from bot.core.domain.remiss import Position
from devtools.demo.forms import input_blocks, question_number
from devtools.sandbox.transcript import blocks_as_text, cut, emoji_as_text, shortened
from devtools.sandbox.workspace import View
from handlers import answer
from handlers.answer_views import FILES_BLOCK
from handlers.richtext import to_plain_text

TEMPLATE = "demo/transcript.j2"
# The transcript wraps at LINE_WIDTH; a text longer than TEXT_LIMIT is cut, with its length («…(10 412 tecken)»).
LINE_WIDTH = 100
TEXT_LIMIT = 320
VALUE_LIMIT = 110
CHAT_LINE_LIMIT = 180


class Transcript:
    """What the demo prints, as it happens: numbered steps, what each person saw, and what followed."""

    def __init__(self, out: TextIO, texts: Texts, steps: int, name_of: Callable[[str], str]) -> None:
        self.out, self.texts, self.steps, self.name_of = out, texts, steps, name_of
        self.step_no = 0

    def words(self, part: str, **params: Any) -> str:
        return self.texts.part(TEMPLATE, part, **params)

    def step(self, when: datetime | None, part: str, **params: Any) -> None:
        self.step_no += 1
        stamp = self.when(when) if when else ""
        title = self.words(part, **params)
        heading = self.words("step", number=self.step_no, steps=self.steps, when=stamp, title=title)
        indent = " " * (heading.index("]") + 2)
        self.write("\n" + "\n".join(textwrap.wrap(heading, LINE_WIDTH, subsequent_indent=indent)))

    def when(self, moment: datetime) -> str:
        return self.words("when", at=moment.astimezone(STOCKHOLM))

    def note(self, part: str, **params: Any) -> None:
        """Narration under the step."""
        for line in self._wrapped(self.words(part, **params), LINE_WIDTH - 5):
            self.write(f"     {line}")

    def followed(self, part: str, **params: Any) -> None:
        """Something that followed from the step elsewhere: what the coordinator sees."""
        for number, line in enumerate(self._wrapped(self.words(part, **params), LINE_WIDTH - 4)):
            self.write(f"  {'→' if number == 0 else ' '} {line}")

    def tick(self, moment: datetime, part: str, **params: Any) -> None:
        """What the reminder job did as the clock walked: «⏩ tor 5 okt 09:00 · …»."""
        text = self.words("tick", when=self.when(moment), text=self.words(part, **params))
        self.write("\n".join(textwrap.wrap(text, LINE_WIDTH, initial_indent="  ", subsequent_indent="     ")))

    def saw(self, part: str, text: str, **params: Any) -> None:
        """A box with what someone saw or entered."""
        for number, line in enumerate(textwrap.wrap(self.words(part, **params), LINE_WIDTH - 4)):
            self.write(f"  {'┌' if number == 0 else ' '} {line}")
        for line in self._wrapped(text, LINE_WIDTH - 4):
            self.write(f"  │ {line}")

    def slack(self, blocks: Sequence[dict[str, Any]] | None) -> str:
        """Block Kit as the person reads it."""
        return emoji_as_text(blocks_as_text(blocks or [], self.name_of))

    def write(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    @staticmethod
    def _wrapped(text: str, width: int) -> list[str]:
        lines: list[str] = []
        for line in text.splitlines():
            if not line.strip():
                continue
            indent = line[: len(line) - len(line.lstrip())]
            body = shortened(line, TEXT_LIMIT) if len(line) > TEXT_LIMIT else line.strip()
            lines += textwrap.wrap(
                body, width, initial_indent=indent, subsequent_indent=indent + "  ", break_on_hyphens=False
            )
        return lines


def entered_lines(view: View, values: Mapping[str, Any], name_of: Callable[[str], str]) -> list[str]:
    """Each input of a modal with what it holds, «label: value», as labelled in the modal."""
    lines: list[str] = []
    for block in input_blocks(view):
        state: Mapping[str, Any] = next(iter(values.get(block["block_id"], {}).values()), {})
        shown = _shown(state, name_of)
        if shown:
            lines.append(f"{block['label']['text']}: {shortened(shown, VALUE_LIMIT)}")
    return lines


def _shown(state: Mapping[str, Any], name_of: Callable[[str], str]) -> str:
    if state.get("value"):
        return str(state["value"])
    if state.get("selected_option"):
        return str(state["selected_option"]["text"]["text"])
    if state.get("selected_options"):
        return ", ".join(str(o["text"]["text"]) for o in state["selected_options"])
    if state.get("selected_date"):
        return swedish_date(date.fromisoformat(str(state["selected_date"])))
    if state.get("selected_user"):
        return "@" + name_of(str(state["selected_user"]))
    if state.get("rich_text_value"):
        return to_plain_text(state["rich_text_value"])
    if state.get("files"):
        return ", ".join(f"«{file['name']}»" for file in state["files"])
    return ""


def answer_lines(
    view: View,
    values: Mapping[str, Any],
    name_of: Callable[[str], str],
    questions: Sequence[int],
    others: Callable[[list[int], list[str]], str] | None = None,
) -> list[str]:
    """The answer form as filled in, labelled as in the form: «Svar på fråga 1 (Tillstyrker): …» for
    `questions`, one line from `others` for the rest of the answered questions (numbers, chosen positions),
    then the overall position, the kind of answer and its decision details."""
    blocks = {b["block_id"]: b for b in input_blocks(view)}

    def state(block_id: str) -> Mapping[str, Any]:
        return next(iter(values.get(block_id, {}).values()), {}) if block_id in blocks else {}

    def label(block_id: str) -> str:
        return str(blocks[block_id]["label"]["text"])

    def position(number: int) -> str:
        option = state(answer.position_block(number)).get("selected_option") or {}
        return str(option["text"]["text"]) if option.get("value") not in (None, Position.NOT_STATED.value) else ""

    lines: list[str] = []
    rest: list[int] = []
    for block_id in blocks:
        if not block_id.startswith("answer_") or not _shown(state(block_id), name_of):
            continue
        number = question_number(block_id)
        if number not in questions:
            rest.append(number)
            continue
        text = _shown(state(block_id), name_of)
        chosen = f" ({position(number)})" if position(number) else ""
        lines.append(f"{label(block_id)}{chosen}: {shortened(text, VALUE_LIMIT)}")
    if rest and others is not None:
        lines.append(others(rest, [p for p in map(position, rest) if p]))
    details = (
        answer.OVERALL_POSITION_BLOCK,
        answer.KIND_BLOCK,
        answer.MEETING_DATE_BLOCK,
        answer.PARAGRAPH_BLOCK,
        answer.DECIDED_BY_BLOCK,
        answer.PLANNED_BOARD_DATE_BLOCK,
        answer.THEIR_CASE_NUMBER_BLOCK,
        FILES_BLOCK,
        answer.CHANGE_REASON_BLOCK,
    )
    for block_id in details:
        shown = _shown(state(block_id), name_of)
        not_stated = (state(block_id).get("selected_option") or {}).get("value") == Position.NOT_STATED.value
        if shown and not not_stated:
            lines.append(f"{label(block_id)}: {shown}")
    return lines


def conversation(turns: Sequence[tuple[str, str]], bot: str) -> str:
    """A thread as «speaker: text», the bot's longer lines cut to one line each (the person's kept whole)."""
    lines: list[str] = []
    for speaker, text in turns:
        body = [line for line in text.splitlines() if line.strip()]
        if speaker == bot:
            body = [cut(line, CHAT_LINE_LIMIT) for line in body]
        lines.append(f"{speaker}: {body[0] if body else ''}")
        lines.extend(f"    {line}" for line in body[1:])
    return "\n".join(lines)
