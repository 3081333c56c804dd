"""The demo's scenario, loaded from data/scenario.yaml and data/stk-2023-137.yaml into typed, checked values.

The story (story.py) plays it; nothing here touches Slack or the app. A mistake in the data (an answer, an
organisation or a step's kind of action that does not exist, a time that does not parse) fails at load time
with the place named, not halfway through the story.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cache
from importlib import resources
from typing import Any

import yaml

from bot.core.clock import STOCKHOLM
from bot.core.domain.remiss import Position, QuestionKind, ResponseKind
from devtools.sandbox.harness import SandboxUser

SCENARIO_FILE = "data/scenario.yaml"
REMISS_FILE = "data/stk-2023-137.yaml"
LONG_ANSWER = "$long_answer"  # an answer's text that stands for the composed long answer


class ScenarioError(ValueError):
    """The scenario's data does not describe a story the demo can play."""


@dataclass(frozen=True)
class DemoRemiss:
    """What the coordinator types into the form: seed 002's STK-2023-137 (data/stk-2023-137.yaml)."""

    case_number: str
    title: str
    description: str
    questions: tuple[tuple[str, QuestionKind], ...]
    deadline: date
    recipient_keys: tuple[str, ...]
    contact: str
    short_title: str = ""  # the kortrubrik typed in the form; empty: the one suggested from the title

    @classmethod
    def load(cls) -> DemoRemiss:
        raw = read_data(REMISS_FILE)
        return cls(
            case_number=raw["case_number"],
            title=raw["title"],
            description=raw["description"],
            questions=tuple((q["text"], QuestionKind(q.get("kind", "free_text"))) for q in raw["questions"]),
            deadline=_date(raw["deadline"]),
            recipient_keys=tuple(raw["recipients"]),
            contact=raw["contact"],
            short_title=raw.get("short_title", ""),
        )


@dataclass(frozen=True)
class FormAnswer:
    """What an official enters in the answer form; questions left out keep what the form shows."""

    answers: Mapping[int, str] = field(default_factory=dict)
    positions: Mapping[int, Position] = field(default_factory=dict)
    overall: Position | None = None  # the position on the proposal as a whole; None keeps what the form shows
    kind: ResponseKind = ResponseKind.YTTRANDE
    meeting_date: date | None = None
    paragraph: str = ""
    decided_by: str = ""
    planned_board_date: date | None = None
    their_case_number: str = ""
    change_reason: str = ""  # why an answer is changed (the form asks only then)


@dataclass(frozen=True)
class Typed:
    """What people type outside the answer form."""

    hand_over_note: str
    decline_reason: str
    withdraw_reason: str
    chat_messages: tuple[str, ...]
    extension_date: str
    extension_reason: str
    refusal_note: str
    remiss_registered_as: str
    answer_registered_as: str


@dataclass(frozen=True)
class Registry:
    """An organisation's registry: a channel its registrators are in, or (with no channel) the registrators."""

    people: tuple[SandboxUser, ...]
    channel_id: str = ""
    channel_name: str = ""

    @property
    def ids(self) -> tuple[str, ...]:
        """The directory's `registry`: the channel id, or the registrators' user ids."""
        return (self.channel_id,) if self.channel_id else tuple(user.id for user in self.people)


@dataclass(frozen=True)
class Yttrande:
    """The decided yttrande one board attaches as its answer: the demo makes the PDF from `answer`."""

    organisation: str
    answer: FormAnswer
    file: str
    their_case_number: str
    decision: str


@dataclass(frozen=True)
class LastWeekAnswer:
    """One of the last week's answers: the organisation's official enters the answer named by its key."""

    organisation: str
    at: datetime
    entered: FormAnswer


@dataclass(frozen=True)
class Step:
    """One numbered step of the story: what happens (`do`), by whom, when, with which answer."""

    do: str
    organisation: str = ""
    by_colleague: bool = False
    at: datetime | None = None
    submitted: datetime | None = None
    answer: FormAnswer | None = None
    questions: tuple[int, ...] = ()
    title: str = ""
    last_week: tuple[LastWeekAnswer, ...] = ()

    @property
    def when(self) -> datetime:
        """When the step happens (a step with a time of its own)."""
        if self.at is None:
            raise ScenarioError(f"the step {self.do!r} needs a time (at)")
        return self.at

    @property
    def entered(self) -> FormAnswer:
        """The answer the step enters (a step with an answer)."""
        if self.answer is None:
            raise ScenarioError(f"the step {self.do!r} needs an answer")
        return self.answer


@dataclass(frozen=True)
class Scenario:
    """The whole story's data."""

    case: str
    coordinator: SandboxUser
    colleague: SandboxUser
    official_names: tuple[str, ...]
    start: datetime
    tick_times: tuple[time, ...]
    walk_end: datetime
    meetings: Mapping[str, tuple[tuple[date, ...], int | None]]
    typed: Typed
    long_answer: str
    registries: Mapping[str, Registry]
    yttrande: Yttrande
    steps: tuple[Step, ...]

    def officials_for(self, keys: Sequence[str]) -> dict[str, SandboxUser]:
        """The fictional officials, one per recipient key in order, each their organisation's contact."""
        return {
            key: SandboxUser(f"U1{i:02d}DEMO", name.lower().replace(" ", "."), name, f"{_mail(name)}@malmo.se")
            for i, (key, name) in enumerate(zip(keys, self.official_names, strict=False))
        }


@cache
def load_scenario() -> Scenario:
    """The scenario in the package's data (read once)."""
    raw = read_data(SCENARIO_FILE)
    try:
        return parse_scenario(raw)
    except (KeyError, TypeError, ValueError) as error:
        raise ScenarioError(f"{SCENARIO_FILE}: {error!r}") from error


def parse_scenario(raw: Mapping[str, Any]) -> Scenario:
    """The scenario from its data as YAML reads it; ScenarioError (or KeyError and the like) if it is wrong."""
    people, clock, typed = raw["people"], raw["clock"], raw["typed"]
    long_answer = _long_answer(raw["long_answer"])
    answers = {name: _form_answer(entry, long_answer) for name, entry in raw["answers"].items()}
    return Scenario(
        case=str(raw["case"]),
        coordinator=_user(people["coordinator"]),
        colleague=_user(people["colleague"]),
        official_names=tuple(people["officials"]),
        start=_moment(clock["start"]),
        tick_times=tuple(time.fromisoformat(t) for t in clock["ticks"]),
        walk_end=_moment(clock["walk_end"]),
        meetings={
            key: (tuple(_date(d) for d in entry["dates"]), entry.get("lead_days"))
            for key, entry in raw["meetings"].items()
        },
        typed=Typed(
            hand_over_note=typed["hand_over_note"],
            decline_reason=typed["decline_reason"],
            withdraw_reason=typed["withdraw_reason"],
            chat_messages=tuple(typed["chat_messages"]),
            extension_date=str(typed["extension_date"]),
            extension_reason=typed["extension_reason"],
            refusal_note=typed["refusal_note"],
            remiss_registered_as=str(typed["remiss_registered_as"]),
            answer_registered_as=str(typed["answer_registered_as"]),
        ),
        long_answer=long_answer,
        registries={key: _registry(entry) for key, entry in raw["registries"].items()},
        yttrande=_yttrande(raw["yttrande"], answers),
        steps=tuple(_step(entry, answers) for entry in raw["steps"]),
    )


def _step(raw: Mapping[str, Any], answers: Mapping[str, FormAnswer]) -> Step:
    def answer(name: str | None) -> FormAnswer | None:
        if name is not None and name not in answers:
            raise ScenarioError(f"the step {raw['do']!r} names the answer {name!r}, which the scenario lacks")
        return answers[name] if name is not None else None

    by = raw.get("by", "official")
    if by not in ("official", "colleague"):
        raise ScenarioError(f"the step {raw['do']!r} is by {by!r}: an official or the colleague")
    return Step(
        do=raw["do"],
        organisation=raw.get("organisation", ""),
        by_colleague=by == "colleague",
        at=_moment(raw["at"]) if "at" in raw else None,
        submitted=_moment(raw["submitted"]) if "submitted" in raw else None,
        answer=answer(raw.get("answer")),
        questions=tuple(raw.get("questions", ())),
        title=raw.get("title", ""),
        last_week=tuple(
            LastWeekAnswer(entry["organisation"], _moment(entry["at"]), answers[entry["organisation"]])
            for entry in raw.get("answers", ())
        ),
    )


def _form_answer(raw: Mapping[str, Any], long_answer: str) -> FormAnswer:
    texts = {int(n): long_answer if text == LONG_ANSWER else str(text) for n, text in raw.get("answers", {}).items()}
    return FormAnswer(
        answers=texts,
        positions={int(n): Position(p) for n, p in raw.get("positions", {}).items()},
        overall=Position(raw["overall"]) if "overall" in raw else None,
        kind=ResponseKind(raw.get("kind", ResponseKind.YTTRANDE.value)),
        meeting_date=_date(raw["meeting_date"]) if "meeting_date" in raw else None,
        paragraph=str(raw.get("paragraph", "")),
        decided_by=str(raw.get("decided_by", "")),
        planned_board_date=_date(raw["planned_board_date"]) if "planned_board_date" in raw else None,
        their_case_number=str(raw.get("their_case_number", "")),
        change_reason=str(raw.get("change_reason", "")),
    )


def _registry(raw: Mapping[str, Any]) -> Registry:
    channel = raw.get("channel", {})
    return Registry(tuple(_user(p) for p in raw["people"]), str(channel.get("id", "")), str(channel.get("name", "")))


def _yttrande(raw: Mapping[str, Any], answers: Mapping[str, FormAnswer]) -> Yttrande:
    if raw["answer"] not in answers:
        raise ScenarioError(f"the yttrande names the answer {raw['answer']!r}, which the scenario lacks")
    return Yttrande(
        raw["organisation"], answers[raw["answer"]], raw["file"], str(raw["their_case_number"]), raw["decision"]
    )


def _long_answer(raw: Mapping[str, Any]) -> str:
    """The opening, a paragraph per area (four of the works, taken in turn, then the goal), the closing."""
    works: list[str] = list(raw["works"])
    paragraphs = [raw["opening"]]
    for number, area in enumerate(raw["areas"], start=1):
        chosen = [works[(number + step) % len(works)].format(area=area) for step in (0, 2, 4, 5)]
        paragraphs.append(f"{number}. {area}. " + " ".join([*chosen, raw["goal"].format(area=area)]))
    paragraphs.append(raw["closing"])
    return "\n\n".join(paragraphs)


def _user(raw: Mapping[str, str]) -> SandboxUser:
    return SandboxUser(raw["id"], raw["name"], raw["real_name"], raw["email"])


def _moment(value: Any) -> datetime:
    """«2023-10-02 09:00», Stockholm time."""
    return datetime.strptime(str(value), "%Y-%m-%d %H:%M").replace(tzinfo=STOCKHOLM)


def _date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _mail(name: str) -> str:
    return name.lower().translate(str.maketrans("åäöé ", "aaoe."))


def read_data(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(resources.files("devtools.demo").joinpath(name).read_text(encoding="utf-8"))
    return loaded
