"""`remissbot demo`: STK-2023-137 from `/remiss ny` to the summary, every person's action a Slack payload."""

from __future__ import annotations

import json
import tempfile
import textwrap
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from importlib import resources
from pathlib import Path
from typing import Any, TextIO

import yaml

from bot.adapters.rendering import Texts, swedish_date, swedish_datetime
from bot.adapters.summary import load_summary, render_problems, write_case_summary
from bot.core.clock import STOCKHOLM
from bot.core.domain.calendar import WorkingCalendar
from bot.core.domain.organisation import Directory, Organisation
from bot.core.domain.reminders import ReminderKind, ReminderState
from bot.core.domain.remiss import Position, QuestionKind, RecipientStatus, ResponseKind
from bot.core.domain.summary import SummaryIncomplete
from devtools.clocks import FakeClock
from devtools.sandbox.driver import AppResponse
from devtools.sandbox.harness import Sandbox, SandboxUser, running_sandbox
from devtools.sandbox.transcript import blocks_as_text, cut, emoji_as_text, shortened
from devtools.sandbox.workspace import Message, View
from handlers import answer, extensions, ids
from handlers.richtext import to_plain_text

TEMPLATE = "demo/transcript.j2"
CASE = "STK-2023-137"
COORDINATOR = SandboxUser("U0MIA", "mia.idestrom", "Mia Idestrom", "mia.idestrom@malmo.se")
# Fictional officials, one per recipient of STK-2023-137 in directory order, and a colleague who takes one over.
OFFICIAL_NAMES = (
    "Anna Lindqvist", "Bertil Nyberg", "Cecilia Holm", "David Ekström", "Elin Sandberg", "Fredrik Åberg",
    "Greta Malmberg", "Hassan Ali", "Ida Persson", "Jonas Wikström", "Karin Öberg", "Leila Haddad",
    "Magnus Strand", "Nora Blom", "Oskar Lund",
)  # fmt: skip
COLLEAGUE = SandboxUser("U2SOFIA", "sofia.karlsson", "Sofia Karlsson", "sofia.karlsson@malmo.se")
# The transcript wraps at LINE_WIDTH; a text longer than TEXT_LIMIT is cut, with its length («…(10 412 tecken)»).
LINE_WIDTH = 100
TEXT_LIMIT = 320
VALUE_LIMIT = 110
CHAT_LINE_LIMIT = 180


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in the autumn of 2023, Stockholm time."""
    return datetime(2023, month, day, hour, minute, tzinfo=STOCKHOLM)


# Monday 2 October 2023, 09:00: the round starts, two months before the last answer date.
DEMO_START = at(10, 2, 9)
# The bot runs its reminder job every 30 s; the demo's clock runs it at these local times on every working day
# (the coordinator's digest goes at 08:30, reminders at 09:00, office hours end at 17:00), through to WALK_END.
# On other days and at other times the job finds nothing to do.
TICK_TIMES = (clock_time(8, 30), clock_time(9, 0), clock_time(17, 0))
WALK_END = at(12, 5, 17)


@dataclass(frozen=True)
class DemoRemiss:
    """What the coordinator types into the form: seed 002's STK-2023-137 (bot/data/stk-2023-137.yaml)."""

    case_number: str
    title: str
    description: str
    questions: tuple[tuple[str, QuestionKind], ...]
    deadline: date
    recipient_keys: tuple[str, ...]
    contact: str

    @classmethod
    def load(cls) -> DemoRemiss:
        raw: dict[str, Any] = yaml.safe_load(
            resources.files("bot").joinpath("data/stk-2023-137.yaml").read_text(encoding="utf-8")
        )
        deadline = raw["deadline"] if isinstance(raw["deadline"], date) else date.fromisoformat(raw["deadline"])
        return cls(
            case_number=raw["case_number"],
            title=raw["title"],
            description=raw["description"],
            questions=tuple((q["text"], QuestionKind(q.get("kind", "free_text"))) for q in raw["questions"]),
            deadline=deadline,
            recipient_keys=tuple(raw["recipients"]),
            contact=raw["contact"],
        )


# -- what the officials answer ------------------------------------------------------------------------------
@dataclass(frozen=True)
class FormAnswer:
    """What an official enters in the answer form; questions left out keep what the form shows."""

    answers: Mapping[int, str] = field(default_factory=dict)
    positions: Mapping[int, Position] = field(default_factory=dict)
    kind: ResponseKind = ResponseKind.YTTRANDE
    meeting_date: date | None = None
    paragraph: str = ""
    decided_by: str = ""
    planned_board_date: date | None = None


T, F, N = Position.TILLSTYRKER, Position.FORESLAR_ANDRINGAR, Position.INGA_SYNPUNKTER
AREAS = (
    "Seved", "Lindängen", "Holma", "Kroksbäck", "Herrgården", "Hermodsdal", "Nydala",
    "Augustenborg", "Södra Sofielund", "Bellevuegården", "Törnrosen", "Gullviksborg", "Almgården", "Kryddgården",
)  # fmt: skip
AREA_WORK = (
    "Trygghetsvandringar med fastighetsägare, polis och boende styr redan i dag var belysning, buskage och "
    "gångstråk i {area} åtgärdas först.",
    "Parkförvaltningen har inventerat lekplatser och mötesplatser i {area} och tagit fram en upprustningsplan "
    "för 2024–2026, som kan samordnas med områdeslyftets prioriteringar.",
    "Renhållningen har förstärkt städningen kring skolor och torg i {area}; åtgärderna ger störst effekt när "
    "de planeras tillsammans med skolan, fritidsgården och bostadsbolagen.",
    "Gatukontoret bygger om skolvägarna i {area} med säkrare korsningar och bättre cykelparkering, i dialog "
    "med föräldrar och elevråd.",
    "Medborgardialoger om torgens framtid har hållits i {area}, och synpunkterna från dem bör tas tillvara "
    "när de lokala målen formuleras.",
    "Sommarjobb i parkerna för ungdomar från {area} har gett både skötsel och förankring, och nämnden vill "
    "fortsätta med dem inom områdeslyftet.",
    "Belysningsprogrammet för gång- och cykelvägar prioriterar {area}, där boende i trygghetsmätningen "
    "oftast anger mörka stråk som ett problem.",
)


def long_answer() -> str:
    """Tekniska nämnden's answer to question 1: a paragraph per geographic area, more than 10,000 characters."""
    paragraphs = [
        "Tekniska nämnden tillstyrker att staden definierar och startar ett långsiktigt och strategiskt "
        "områdeslyft. Nämnden ansvarar för gator, parker, torg, renhållning och belysning i alla fjorton "
        "områden, och flera av nämndens pågående processer passar in i den beskrivna organiseringen. "
        "Nedan redovisas de område för område."
    ]
    for number, area in enumerate(AREAS, start=1):
        work = [AREA_WORK[(number + step) % len(AREA_WORK)].format(area=area) for step in (0, 2, 4, 5)]
        goal = f"Nämnden föreslår att {area} får egna mål och en egen uppföljning inom områdeslyftet."
        paragraphs.append(f"{number}. {area}. " + " ".join([*work, goal]))
    paragraphs.append(
        "Sammanfattningsvis bedömer nämnden att områdeslyftet kan bygga vidare på den samverkan som redan "
        "finns, under förutsättning att ansvaret för samordningen är tydligt och att nämndernas egna "
        "investeringsplaner kan anpassas till områdeslyftets prioriteringar. Nämnden följer gärna upp arbetet "
        "årligen med mått på trygghet, nedskräpning och skadegörelse i varje område."
    )
    return "\n\n".join(paragraphs)


def four(q1: str, q2: str, q3: str, q4: str) -> dict[int, str]:
    return {1: q1, 2: q2, 3: q3, 4: q4}


def positions(*chosen: Position) -> dict[int, Position]:
    """Positions on questions 1, 2, … (question 4 names an organisation and takes none)."""
    return dict(enumerate(chosen, start=1))


TEKNISKA = FormAnswer(
    four(
        long_answer(),
        "Seved, Lindängen och Holma, och tematiskt tryggheten i den offentliga miljön.",
        "Nämnden ser goda möjligheter i modellen men föreslår att samordningsgruppen får en egen budget.",
        "Stadsbyggnadsnämnden",
    ),
    positions(T, T, F),
    meeting_date=date(2023, 11, 9),
    paragraph="§ 145",
)
DELEGATION = FormAnswer(
    four(
        "Förskolornas språkutvecklande arbete och det utökade föräldrasamarbetet.",
        "Områden där färre barn går i förskolan än i resten av staden.",
        "Förvaltningen ser positivt på modellen.",
        "MKB",
    ),
    positions(T, T, T),
    kind=ResponseKind.DELEGATION,
    decided_by="Förskoledirektören enligt delegationsordningen p. 1.4",
)
PRELIMINARY = FormAnswer(
    four(
        "Det uppsökande arbetet för äldre och samverkan med vårdcentralerna.",
        "Områden där många äldre bor ensamma.",
        "Nämnden ser positivt på modellen men vill veta hur äldres behov tas tillvara.",
        "Hälsa-, vård- och omsorgsnämnden",
    ),
    positions(T, T, F),
    kind=ResponseKind.PRELIMINARY,
    planned_board_date=date(2023, 11, 23),
)
# After the board's meeting the preliminary answer becomes the board's yttrande (version 2).
PRELIMINARY_DECIDED = FormAnswer(
    {3: "Nämnden tillstyrker modellen och vill att äldres behov tas tillvara i varje områdesgrupp."},
    {3: T},
    meeting_date=date(2023, 11, 23),
    paragraph="§ 187",
)
HANDED_OVER = FormAnswer(
    four(
        "Vuxenutbildningens studieverkstäder och samverkan med arbetsmarknadsinsatserna.",
        "Områden där många vuxna saknar gymnasieutbildning.",
        "Nämnden tillstyrker modellen.",
        "Arbetsmarknads- och socialnämnden",
    ),
    positions(T, T, T),
    meeting_date=date(2023, 11, 8),
    paragraph="§ 121",
)
DRAFT = FormAnswer({1: "Servicenämnden levererar lokalvård och måltider till skolorna i områdena, och …"})
CHAT_MESSAGES = (
    "Fråga 1: Skolornas arbete med trygga skolvägar och den utökade lovskolan.\n"
    "Fråga 2: Områden där behörigheten till gymnasiet är lägst, som Lindängen och Holma.",
    "Nämnden tillstyrker en samordnad modell, om skolorna får vara med i de lokala grupperna.",
    "Fråga 4: Stadsbyggnadsnämnden, med grundskolenämnden som part i varje område.",
)
CHAT_FORM = FormAnswer(positions=positions(T, T, T), meeting_date=date(2023, 10, 18), paragraph="§ 77")
DECLINE_REASON = "Förslaget berör inte bolagets uppdrag, som är parkeringsövervakning."
HAND_OVER_NOTE = "Du har hand om vuxenutbildningens samverkan i områdena; kan du ta den här?"
# The last week: more recipients answer in the form (organisation key, when, answer).
LAST_WEEK: tuple[tuple[str, datetime, FormAnswer], ...] = (
    (
        "miljonamnden",
        at(11, 27, 11, 20),
        FormAnswer(
            four(
                "Arbetet med lokala klimat- och miljöinsatser och skolornas hållbarhetsarbete.",
                "Områden med mycket trafik och lite grönska.",
                "Modellen är lovande men den samordnande nämnden behöver ett tydligare mandat.",
                "Stadsbyggnadsnämnden, i nära samarbete med miljönämnden",
            ),
            positions(T, T, F),
            meeting_date=date(2023, 11, 23),
            paragraph="§ 203",
        ),
    ),
    (
        "arbetsmarknads-och-socialnamnden",
        at(11, 28, 15, 5),
        FormAnswer(
            four(
                "Det förebyggande sociala arbetet, fältgrupperna och Sociala insatsgrupper.",
                "Områden där barnfattigdomen är störst; nämnden bidrar med kunskap om familjernas situation.",
                "Nämnden ser positivt på en gemensam samordningsstruktur med tydlig uppföljning.",
                "stadsbyggnadsnämnden bör samordna",
            ),
            positions(T, T, T),
            meeting_date=date(2023, 11, 27),
            paragraph="§ 212",
        ),
    ),
    (
        "fritidsnamnden",
        at(11, 28, 16, 40),
        FormAnswer(
            four(
                "Fritidsgårdarna och satsningen på spontanidrott i bostadsnära parker.",
                "Tematiskt: barn och ungas fritid, särskilt flickors deltagande i föreningslivet.",
                "Modellen kan fungera om fritidsverksamheterna får en roll i varje område.",
                "Fritidsnämnden",
            ),
            positions(T, T, F),
            meeting_date=date(2023, 11, 21),
            paragraph="§ 156",
        ),
    ),
    (
        "kulturnamnden",
        at(11, 29, 14, 0),
        FormAnswer(
            four(
                "Biblioteken som lokala mötesplatser och Kulturskolans verksamhet i skolorna.",
                "Inga särskilda områden; kulturen bör finnas med i alla fjorton.",
                "Nämnden föreslår att varje områdesgrupp får ett kulturperspektiv.",
                "En ny gemensam områdesfunktion",
            ),
            positions(T, N, F),
            meeting_date=date(2023, 11, 22),
            paragraph="§ 98",
        ),
    ),
    (
        "stadsbyggnadsnamnden",
        at(11, 30, 10, 30),
        FormAnswer(
            four(
                "Översiktsplanens fördjupningar och planprogrammen för de utpekade områdena.",
                "Stråken mellan områdena och stadens centrala delar.",
                "Nämnden tillstyrker modellen och är beredd att ta det samordnande ansvaret.",
                "Stadsbyggnadsnämnden",
            ),
            positions(T, T, T),
            meeting_date=date(2023, 11, 23),
            paragraph="§ 331",
        ),
    ),
    (
        "mkb",
        at(11, 30, 16, 15),
        FormAnswer(
            four(
                "MKB:s områdesutveckling och det boendesociala arbetet i bolagets bostadsområden.",
                "Områden där MKB äger en stor del av bostäderna.",
                "Bolaget är positivt till modellen, men samordningen bör ligga hos en nämnd.",
                "MKB",
            ),
            positions(T, T, T),
            meeting_date=date(2023, 11, 28),
            paragraph="§ 41",
        ),
    ),
)


# The boards' meeting dates this autumn and their lead time (inlämningsdag: 14 days before), as their officials
# would enter them; the answers above cite the November ones. Funktionsstödsnämnden's last meeting before the
# deadline was too soon after the remiss came, so its reminders suggest delegation, a preliminary answer or anstånd.
DEMO_MEETINGS: dict[str, tuple[tuple[date, ...], int | None]] = {
    "tekniska-namnden": ((date(2023, 10, 19), date(2023, 11, 9), date(2023, 12, 14)), 14),
    "miljonamnden": ((date(2023, 10, 26), date(2023, 11, 23), date(2023, 12, 21)), 14),
    "funktionsstodsnamnden": ((date(2023, 10, 4), date(2023, 12, 13)), 14),
    "grundskolenamnden": ((date(2023, 10, 18), date(2023, 11, 22)), 14),
    "gymnasie-och-vuxenutbildningsnamnden": ((date(2023, 11, 8), date(2023, 12, 13)), 14),
    "halsa-vard-och-omsorgsnamnden": ((date(2023, 10, 26), date(2023, 11, 23)), 14),
    "arbetsmarknads-och-socialnamnden": ((date(2023, 10, 23), date(2023, 11, 27)), 14),
    "fritidsnamnden": ((date(2023, 10, 17), date(2023, 11, 21)), 14),
    "kulturnamnden": ((date(2023, 10, 25), date(2023, 11, 22)), 14),
    "servicenamnden": ((date(2023, 11, 15), date(2023, 12, 20)), 14),
    "stadsbyggnadsnamnden": ((date(2023, 10, 26), date(2023, 11, 23)), 14),
}
# Hassan Ali asks for anstånd after the "10 arbetsdagar kvar" reminder; Mia refuses, and he answers in time.
EXTENSION_DATE = "8 december"
EXTENSION_REASON = "Nämnden sammanträder 27 november, och protokollet justeras först 4 december."
REFUSAL_NOTE = (
    "Vi behöver svaren 30 november för att hinna till kommunstyrelsen. Skicka nämndens beslut direkt efter "
    "sammanträdet; det justerade protokollet kan komma senare."
)


# -- the transcript -----------------------------------------------------------------------------------------
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


# -- acting as Slack's users --------------------------------------------------------------------------------
class People:
    """The simulated people, acting only as Slack's client does: commands, clicks, modals and messages."""

    def __init__(self, box: Sandbox) -> None:
        self.fake, self.driver = box.fake, box.driver

    def remiss_dm(self, user_id: str) -> Message:
        """The remiss message the user got from the bot (the newest, if several)."""

        def found() -> Message | None:
            messages = [m for m in self.fake.messages_in(user_id) if m.user is None and m.thread_ts is None]
            return next((m for m in reversed(messages) if _has_header(m.blocks)), None)

        return self.fake.wait_for(found)

    def remiss_dm_showing(self, user_id: str, phrase: str) -> Message:
        """The remiss message once the app has updated it to show `phrase`."""

        def shows() -> Message | None:
            message = self.remiss_dm(user_id)
            return message if phrase in json.dumps(message.blocks, ensure_ascii=False) else None

        return self.fake.wait_for(shows)

    def dm_message(self, user_id: str, condition: Callable[[Message], bool]) -> Message:
        return self.fake.wait_for(lambda: next((m for m in self.fake.messages_in(user_id) if condition(m)), None))

    def command(self, user_id: str, text: str) -> Mapping[str, Any]:
        """`/remiss text` in the user's DM with the bot; returns the app's answer to the command."""
        before = len(self.fake.responses)
        _ok(self.driver.slash_command(user_id, "/remiss", text))
        return self.fake.wait_for(lambda: self.fake.responses[before:][:1])[0].payload

    def open_by_command(self, user_id: str, text: str) -> View:
        _ok(self.driver.slash_command(user_id, "/remiss", text))
        return self.fake.wait_for(lambda: next(iter(self.fake.views_of(user_id)), None))

    def click(self, user_id: str, action_id: str, message: Message) -> None:
        _ok(self.driver.block_action(user_id, action_id, message=message))

    def open_modal(self, user_id: str, action_id: str, message: Message) -> View:
        """Click a button on a message; returns the modal the app opened."""
        before = {v.id for v in self.fake.views_of(user_id)}
        self.click(user_id, action_id, message)
        return self.fake.wait_for(lambda: next((v for v in self.fake.views_of(user_id) if v.id not in before), None))

    def act_in_modal(self, user_id: str, view: View, action_id: str, values: Mapping[str, Any], **fields: Any) -> View:
        """Use an element inside an open modal; returns the modal once the app has updated it."""
        before = view.hash  # the fake updates the view in place
        _ok(self.driver.block_action(user_id, action_id, view_id=view.id, state_values=values, **fields))
        return self.fake.wait_for(lambda: next((v for v in [self.fake.view(view.id)] if v and v.hash != before), None))

    def submit(self, user_id: str, values: Mapping[str, Any]) -> None:
        """Submit the user's top modal; a refusal shown in the form stops the demo (it would be a bug)."""
        response = self.driver.view_submission(user_id, values)
        _ok(response)
        body = response.json()
        if body and body.get("response_action") == "errors":
            raise RuntimeError(f"the app refused the form: {body['errors']}")

    def submit_until(self, user_id: str, values: Mapping[str, Any], callback_id: str) -> View:
        """Submit the top modal, which the app replaces with the modal `callback_id`."""
        self.submit(user_id, values)
        return self.fake.wait_for(
            lambda: next((v for v in self.fake.views_of(user_id) if v.callback_id == callback_id), None)
        )

    def close(self, user_id: str, view: View) -> None:
        """The user closes the modal (Slack tells the app nothing: these modals don't ask to be told)."""
        self.fake.close_views(user_id, view.id)

    def replies(self, user_id: str, thread_ts: str) -> list[Message]:
        return [m for m in self.fake.messages_in(user_id) if m.user is None and m.thread_ts == thread_ts]

    def click_for_reply(self, user_id: str, action_id: str, dm: Message) -> Message:
        """Click a button on the remiss message; returns the bot's reply in its thread."""
        before = len(self.replies(user_id, dm.ts))
        self.click(user_id, action_id, dm)
        return self.fake.wait_for(lambda: self.replies(user_id, dm.ts)[before:][:1])[0]

    def write_in_thread(self, user_id: str, dm: Message, text: str) -> Message:
        """Write in the remiss message's thread; returns the bot's reply."""
        before = len(self.replies(user_id, dm.ts))
        _ok(self.driver.message_im(user_id, text, channel=dm.channel, thread_ts=dm.ts))
        return self.fake.wait_for(lambda: self.replies(user_id, dm.ts)[before:][:1])[0]


def _ok(response: AppResponse) -> None:
    if response.status != 200:
        raise RuntimeError(f"the app answered HTTP {response.status}: {response.body[:300]}")


def _has_header(blocks: Sequence[Mapping[str, Any]] | None) -> bool:
    return any(b.get("type") == "header" for b in blocks or [])


# -- the modals' state.values, as Slack's client sends them ----------------------------------------------------
def input_blocks(view: View) -> list[dict[str, Any]]:
    return [b for b in view.payload["blocks"] if b.get("type") == "input"]


def create_form_values(view: View, remiss: DemoRemiss, contact: str) -> dict[str, Any]:
    """The new-remiss form filled in with seed 002 (its block ids may carry a revision: «title~1»)."""
    typed = {
        "case_number": remiss.case_number,
        "title": remiss.title,
        "description": remiss.description,
        # Typed as a person would («30 november»); the preview says which date it understood.
        "deadline": swedish_date(remiss.deadline).rpartition(" ")[0],
        "questions": "\n".join(f"{n}. {text}" for n, (text, _) in enumerate(remiss.questions, start=1)),
    }
    values: dict[str, Any] = {}
    for block in input_blocks(view):
        name, element = block["block_id"].partition("~")[0], block["element"]
        state: dict[str, Any] = {"type": element["type"]}
        if name in typed:
            state["value"] = typed[name]
        elif name == "recipients":
            options = [o for group in element["option_groups"] for o in group["options"]]
            state["selected_options"] = [o for o in options if o["value"] in remiss.recipient_keys]
        elif name == "contact":
            state["selected_user"] = contact
        elif element["type"] == "datepicker":
            state["selected_date"] = None
        elif element["type"] == "checkboxes":
            state["selected_options"] = []
        else:
            state["value"] = None
        values[block["block_id"]] = {element["action_id"]: state}
    return values


def modal_values(view: View, typed: Mapping[str, str]) -> dict[str, Any]:
    """A simple modal's state: the text `typed` into the inputs whose block ids it names, the rest empty."""
    values: dict[str, Any] = {}
    for block in input_blocks(view):
        element = block["element"]
        state: dict[str, Any] = {"type": element["type"]}
        if element["type"] == "datepicker":
            state["selected_date"] = None
        else:
            state["value"] = typed.get(block["block_id"])
        values[block["block_id"]] = {element["action_id"]: state}
    return values


def preview_values(view: View, remiss: DemoRemiss) -> dict[str, Any]:
    """The preview with seed 002's organisation-choice questions ticked."""
    element = next(b for b in input_blocks(view) if b["block_id"] == "question_kinds")["element"]
    wanted = {str(n) for n, (_, kind) in enumerate(remiss.questions, 1) if kind is QuestionKind.ORGANISATION_CHOICE}
    chosen = [o for o in element["options"] if o["value"] in wanted]
    return {"question_kinds": {element["action_id"]: {"type": "checkboxes", "selected_options": chosen}}}


def answer_form_values(view: View, entered: FormAnswer) -> dict[str, Any]:
    """The answer form's state: what was entered, else what the form was opened with."""
    dates = {
        answer.MEETING_DATE_BLOCK: entered.meeting_date,
        answer.PLANNED_BOARD_DATE_BLOCK: entered.planned_board_date,
    }
    texts = {answer.PARAGRAPH_BLOCK: entered.paragraph, answer.DECIDED_BY_BLOCK: entered.decided_by}
    values: dict[str, Any] = {}
    for block in input_blocks(view):
        block_id, element = block["block_id"], block["element"]
        kind = element["type"]
        state: dict[str, Any] = {"type": kind}
        if kind == "rich_text_input":
            text = entered.answers.get(_question_number(block_id))
            state["rich_text_value"] = _typed(text) if text else element.get("initial_value") or _typed("")
        elif kind == "static_select":
            position = entered.positions.get(_question_number(block_id))
            state["selected_option"] = _option(element, position.value if position else None)
        elif kind == "radio_buttons":
            state["selected_option"] = _option(element, entered.kind.value)
        elif kind == "datepicker":
            chosen = dates.get(block_id)
            state["selected_date"] = chosen.isoformat() if chosen else element.get("initial_date")
        elif kind == "plain_text_input":
            state["value"] = texts.get(block_id) or element.get("initial_value")
        elif kind == "checkboxes":
            state["selected_options"] = element.get("initial_options", [])
        elif kind == "file_input":
            state["files"] = []
        values[block_id] = {element["action_id"]: state}
    return values


def _question_number(block_id: str) -> int:
    return int(block_id.rpartition("_")[2])


def _option(element: Mapping[str, Any], value: str | None) -> Any:
    chosen = [o for o in element["options"] if value is not None and o["value"] == value]
    return chosen[0] if chosen else element.get("initial_option")


def _typed(text: str) -> dict[str, Any]:
    """A rich_text_input's value for text typed into it."""
    return {
        "type": "rich_text",
        "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}],
    }


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
    then the kind of answer and its decision details."""
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
        number = _question_number(block_id)
        if number not in questions:
            rest.append(number)
            continue
        text = _shown(state(block_id), name_of)
        chosen = f" ({position(number)})" if position(number) else ""
        lines.append(f"{label(block_id)}{chosen}: {shortened(text, VALUE_LIMIT)}")
    if rest and others is not None:
        lines.append(others(rest, [p for p in map(position, rest) if p]))
    details = (
        answer.KIND_BLOCK,
        answer.MEETING_DATE_BLOCK,
        answer.PARAGRAPH_BLOCK,
        answer.DECIDED_BY_BLOCK,
        answer.PLANNED_BOARD_DATE_BLOCK,
    )
    for block_id in details:
        shown = _shown(state(block_id), name_of)
        if shown:
            lines.append(f"{label(block_id)}: {shown}")
    return lines


# -- the clock walk -----------------------------------------------------------------------------------------
def ticks_between(start: datetime, end: datetime, calendar: WorkingCalendar) -> list[datetime]:
    """The reminder job's runs (TICK_TIMES each working day, Stockholm time) after `start`, up to and
    including `end`."""
    moments: list[datetime] = []
    day, last = start.astimezone(STOCKHOLM).date(), end.astimezone(STOCKHOLM).date()
    while day <= last:
        for at_time in TICK_TIMES if calendar.is_working_day(day) else ():
            moment = datetime.combine(day, at_time, tzinfo=STOCKHOLM)
            if start < moment <= end:
                moments.append(moment)
        day += timedelta(days=1)
    return moments


# The outbox keys (in each message's metadata) of what the reminder job sends.
JOB_KEYS = ("reminder:", "escalation:", "digest:")


def outbox_key(message: Message) -> str:
    """The outbox key the bot put in a message's metadata ("" for none)."""
    payload = (message.metadata or {}).get("event_payload") or {}
    return str(payload.get("key", ""))


@dataclass(frozen=True)
class Received:
    """A message of the reminder job as the simulated Slack recorded it, and when it came (the demo's clock).

    `key` is the message's outbox key: `reminder:{case}:{organisation}:{kind}:{date}:{user}`,
    `escalation:{case}:{date}` or `digest:{date}:{channel}`.
    """

    user: str
    at: datetime
    key: str
    message: Message

    @property
    def what(self) -> str:
        return self.key.partition(":")[0]

    @property
    def reminder_key(self) -> str:
        """The planned reminder's key: the message's without the user id."""
        return self.key.rpartition(":")[0]

    @property
    def organisation_key(self) -> str:
        return self.key.split(":")[2] if self.what == "reminder" else ""


# -- the story ----------------------------------------------------------------------------------------------
class Demo:
    """STK-2023-137 told step by step: who does what in Slack, what they see, and what the coordinator sees."""

    def __init__(
        self, box: Sandbox, clock: FakeClock, t: Transcript, remiss: DemoRemiss, officials: Mapping[str, SandboxUser]
    ) -> None:
        self.box, self.clock, self.t, self.remiss, self.officials = box, clock, t, remiss, officials
        self.people = People(box)
        self.service = box.core.service
        self.thread_lines_shown = 0
        self.status_shown = ""
        # The clock walk: how far the reminder job has run, what it sent (as Slack recorded it), and which
        # reminders' fates were already told.
        self.walked = clock.now()
        self.watched = [COORDINATOR.id, *(user.id for user in officials.values()), COLLEAGUE.id]
        self.seen: dict[str, int] = {}
        self.received: list[Received] = []
        self.settled: set[str] = set()
        self.kinds_shown: set[str] = set()

    # -- helpers --------------------------------------------------------------------------------------------
    def who(self, user: SandboxUser, key: str) -> str:
        return self.t.words("who", name=user.real_name, organisation=self.service.directory().require(key).name)

    def entered(self, view: View, values: Mapping[str, Any]) -> str:
        return "\n".join(entered_lines(view, values, self.t.name_of))

    def deliver(self) -> None:
        """The courier sends what the outbox holds; show the coordinator's new thread lines and status."""
        self.box.courier.drain()
        status = self.status_message()
        if status is None:
            return
        lines = [m for m in self.box.fake.messages_in(COORDINATOR.id) if m.thread_ts == status.ts and m.ts != status.ts]
        for line in lines[self.thread_lines_shown :]:
            text = " ".join(self.t.slack(line.blocks).splitlines())
            self.t.followed("thread_line", text=text, coordinator=COORDINATOR.real_name)
        self.thread_lines_shown = len(lines)
        # The deadline part of the counts line never changes; the progress lines leave it out.
        counts = self.status_counts(status).partition(";")[0]
        if counts != self.status_shown:
            self.t.followed("status_now", text=counts, coordinator=COORDINATOR.real_name)
            self.status_shown = counts

    def status_message(self) -> Message | None:
        """The status message in the coordinator's DM (the one message with the counts, edited in place)."""
        messages = self.box.fake.messages_in(COORDINATOR.id)
        return next((m for m in messages if m.thread_ts is None and " har svarat" in m.text), None)

    def status_counts(self, status: Message) -> str:
        return next((line for line in self.t.slack(status.blocks).splitlines() if " har svarat" in line), status.text)

    def show_dm_state(self, user: SandboxUser, phrase: str) -> None:
        """What the user's remiss message says once the app has updated it to show `phrase`."""
        message = self.people.remiss_dm_showing(user.id, phrase)
        self.t.saw("saw_dm_now", self.state_of(message), name=user.real_name)

    def state_of(self, message: Message) -> str:
        """The end of a remiss message: the recipient's state and its buttons."""
        blocks = message.blocks or []
        last_divider = max((i for i, b in enumerate(blocks) if b.get("type") == "divider"), default=-1)
        return self.t.slack(blocks[last_divider + 1 :])

    def open_answer_form(self, user: SandboxUser, key: str, message: Message | None = None) -> View:
        """Press Svara (or Ändra svar, or Skicka in in the chat thread); returns the form once it has replaced
        the light modal the click opened and the app has recorded that the user opened the remiss, so nothing
        of the click is still under way."""
        modal = self.people.open_modal(user.id, ids.ANSWER, message or self.people.remiss_dm(user.id))
        form = self.box.fake.wait_for(lambda: next((v for v in [modal] if v.callback_id == ids.ANSWER_VIEW), None))
        actor = self.service.actor(user.id)
        self.box.fake.wait_for(lambda: self.service.answer_context(actor, CASE, key).recipient.opened_at)
        return form

    def answer_with_form(
        self, user: SandboxUser, form: View, entered: FormAnswer, questions: Sequence[int], *, editing: bool = False
    ) -> None:
        """Fill in the open answer form (choosing the kind of answer first, which reshapes it) and submit."""
        values = answer_form_values(form, entered)
        if _kind_shown(form) != entered.kind.value:
            kind = values[answer.KIND_BLOCK][answer.KIND]["selected_option"]
            form = self.people.act_in_modal(user.id, form, answer.KIND, values, selected_option=kind)
            values = answer_form_values(form, entered)

        def others(numbers: list[int], positions: list[str]) -> str:
            return self.t.words("other_answers", numbers=numbers, positions=positions, kept=editing)

        lines = answer_lines(form, values, self.t.name_of, questions, others)
        self.t.saw("saw_modal", "\n".join(lines), name=user.real_name, title=_title(form))
        self.people.submit(user.id, values)

    # -- the clock ----------------------------------------------------------------------------------------
    def walk_to(self, when: datetime) -> None:
        """Move the clock on to `when`, running the reminder job (and sending what it records) on the way."""
        for moment in ticks_between(self.walked, when, self.service.calendar):
            self.tick(moment)
        self.walked = max(self.walked, when)
        self.clock.set(when)

    def tick(self, moment: datetime) -> None:
        """One run of the bot's periodic job at `moment`, then the courier sends what it recorded."""
        self.clock.set(moment)
        done = self.service.remind()
        new: list[Received] = []
        # As in the bot, where the job wakes the courier only when it recorded something to send; it sends
        # round after round until nothing is left (courier.drain, without its pause between rounds).
        if done.sent or done.digests:
            while self.box.courier.run_once():
                pass
            new = self.collect(moment)
        if done.claimed:
            self.show_reminders(moment, [r for r in new if r.what == "reminder"])
        for item in new:
            if item.what == "escalation":
                self.t.tick(moment, "tick_escalation", coordinator=COORDINATOR.real_name)
                self.t.saw("saw_job_message", self.t.slack(item.message.blocks), name=COORDINATOR.real_name)
            elif item.what == "digest" and len(self.of("digest")) == 1:
                self.t.tick(moment, "tick_digest", coordinator=COORDINATOR.real_name)
                self.t.saw("saw_job_message", self.t.slack(item.message.blocks), name=COORDINATOR.real_name)

    def collect(self, moment: datetime) -> list[Received]:
        """The reminder job's messages that reached the simulated Slack since the last look."""
        new: list[Received] = []
        for user_id in self.watched:
            messages = self.box.fake.messages_in(user_id)
            for message in messages[self.seen.get(user_id, 0) :]:
                key = outbox_key(message)
                if message.user is None and message.thread_ts is None and key.startswith(JOB_KEYS):
                    new.append(Received(user_id, moment, key, message))
            self.seen[user_id] = len(messages)
        self.received += new
        return new

    def of(self, what: str) -> list[Received]:
        return [r for r in self.received if r.what == what]

    def show_reminders(self, moment: datetime, sent: Sequence[Received]) -> None:
        """The reminders one run sent, by kind (the first of each kind as its recipient saw it), and the
        ones it decided not to send, by reason."""
        plan = {row.scheduled.key: row for row in self.service.reminder_plan(CASE)}
        groups: dict[tuple[str, int], list[Received]] = {}
        for item in sent:
            reminder = plan[item.reminder_key].scheduled.reminder
            groups.setdefault((reminder.kind.value, reminder.working_days_left), []).append(item)
        for (kind, left), items in groups.items():
            people = [self.t.name_of(item.user) for item in items]
            self.t.tick(moment, "tick_reminders", kind=kind, left=left, people=people)
            if kind not in self.kinds_shown:
                self.kinds_shown.add(kind)
                first = items[0]
                self.t.saw("saw_job_message", self.t.slack(first.message.blocks), name=self.t.name_of(first.user))
        skipped: dict[tuple[bool, str], list[str]] = {}
        statuses = {row.organisation.key: row.status for row in self.service.overview(CASE).rows}
        for key, row in plan.items():
            scheduled = row.scheduled
            if scheduled.state is ReminderState.PLANNED or key in self.settled:
                continue
            self.settled.add(key)
            if scheduled.state is ReminderState.SKIPPED:
                reason = self.t.words(
                    "skip_reason",
                    reason=scheduled.reason,
                    declined=statuses.get(row.organisation.key) is RecipientStatus.DECLINED,
                )
                escalation = scheduled.reminder.kind is ReminderKind.ESCALATION
                skipped.setdefault((escalation, reason), []).append(row.organisation.name)
        for (escalation, reason), organisations in skipped.items():
            self.t.tick(moment, "tick_skipped", reason=reason, organisations=organisations, escalation=escalation)

    # -- the steps ----------------------------------------------------------------------------------------
    def start(self, database: Path) -> None:
        self.t.step(None, "step_start")
        self.t.note("started", slack=self.box.fake.base_url, app=self.box.base_url, database=database)

    def create_and_send(self) -> None:
        mia, remiss = COORDINATOR, self.remiss
        self.t.step(self.clock.now(), "step_create", name=mia.real_name)
        form = self.people.open_by_command(mia.id, "ny")
        values = create_form_values(form, remiss, mia.id)
        self.t.saw("saw_create_form", self.entered(form, values), name=mia.real_name, title=_title(form))
        preview = self.people.submit_until(mia.id, values, ids.PREVIEW_VIEW)
        kinds = preview_values(preview, remiss)
        top = self.t.slack(preview.payload["blocks"][:2])
        suggested = [o["value"] for o in _element(preview, "question_kinds").get("initial_options", [])]
        self.t.saw(
            "saw_preview",
            f"{top}\n{self.entered(preview, kinds)}",
            name=mia.real_name,
            title=_title(preview),
            suggested=suggested,
            chosen=[o["value"] for o in kinds["question_kinds"]["value"]["selected_options"]],
        )
        self.people.submit(mia.id, kinds)
        draft = self.people.dm_message(mia.id, lambda m: ids.SEND_DRAFT in json.dumps(m.blocks))
        shown = self.t.slack(draft.blocks).splitlines()
        summary = [cut(shown[0], LINE_WIDTH), *[line for line in shown if line.startswith("[")]]
        self.t.saw("saw_draft", "\n".join(summary), name=mia.real_name)
        self.people.click(mia.id, ids.SEND_DRAFT, draft)
        sent = self.people.dm_message(mia.id, lambda m: m.ts == draft.ts and ids.SEND_DRAFT not in json.dumps(m.blocks))
        self.t.saw("saw_sent", self.t.slack(sent.blocks).splitlines()[0], name=mia.real_name)

    def send_out(self) -> None:
        self.t.step(self.clock.now(), "step_deliver", count=len(self.remiss.recipient_keys))
        started = time.monotonic()
        self.box.courier.drain()
        reached = [key for key in self.remiss.recipient_keys if self._got_remiss(self.officials[key].id)]
        self.t.note("delivered", count=len(reached), seconds=time.monotonic() - started)
        self.t.note("status_explained", coordinator=COORDINATOR.real_name)
        self.deliver()
        first = self.remiss.recipient_keys[0]
        anna = self.officials[first]
        self.t.saw("saw_dm", self.t.slack(self.people.remiss_dm(anna.id).blocks), who=self.who(anna, first))

    def _got_remiss(self, user_id: str) -> bool:
        return any(m.user is None and _has_header(m.blocks) for m in self.box.fake.messages_in(user_id))

    def hand_over(self, key: str, colleague: SandboxUser, when: datetime) -> None:
        fredrik = self.officials[key]
        self.walk_to(when)
        self.t.step(when, "step_hand_over", who=self.who(fredrik, key), colleague=colleague.real_name)
        modal = self.people.open_modal(fredrik.id, ids.HAND_OVER, self.people.remiss_dm(fredrik.id))
        values = {
            "colleague": {"colleague": {"type": "users_select", "selected_user": colleague.id}},
            "note": {"note": {"type": "plain_text_input", "value": HAND_OVER_NOTE}},
        }
        self.t.saw("saw_modal", self.entered(modal, values), name=fredrik.real_name, title=_title(modal))
        self.people.submit(fredrik.id, values)
        self.show_dm_state(fredrik, "lämnade över")
        self.deliver()
        notice = self.people.dm_message(fredrik.id, lambda m: m.thread_ts is None and not _has_header(m.blocks))
        self.t.saw("saw_told", self.t.slack(notice.blocks) or notice.text, name=fredrik.real_name)
        got = self.t.slack(self.people.remiss_dm(colleague.id).blocks).splitlines()
        kept = ("lämnade över", "Ni svarar för")
        lines = [got[0], *[line for line in got if any(k in line for k in kept)], got[-1]]
        self.t.saw("saw_handed_over", "\n".join(lines), name=colleague.real_name)

    def decline(self, key: str, when: datetime) -> None:
        oskar = self.officials[key]
        self.walk_to(when)
        self.t.step(when, "step_decline", who=self.who(oskar, key))
        modal = self.people.open_modal(oskar.id, ids.DECLINE, self.people.remiss_dm(oskar.id))
        values = {"reason": {"reason": {"type": "plain_text_input", "value": DECLINE_REASON}}}
        self.t.saw("saw_modal", self.entered(modal, values), name=oskar.real_name, title=_title(modal))
        self.people.submit(oskar.id, values)
        self.show_dm_state(oskar, "avstått")
        self.deliver()

    def only_look(self, key: str, when: datetime) -> None:
        cecilia = self.officials[key]
        self.walk_to(when)
        self.t.step(when, "step_only_look", who=self.who(cecilia, key))
        self.people.close(cecilia.id, self.open_answer_form(cecilia, key))
        self.deliver()

    def answer_in_chat(self, key: str, when: datetime, submitted: datetime) -> None:
        elin = self.officials[key]
        self.walk_to(when)
        self.t.step(when, "step_chat", who=self.who(elin, key))
        dm = self.people.remiss_dm(elin.id)
        reply = self.people.click_for_reply(elin.id, ids.ANSWER_IN_CHAT, dm)
        turns = [("remissbot", self.t.slack(reply.blocks))]
        for text in CHAT_MESSAGES:
            turns.append((elin.real_name, text))
            reply = self.people.write_in_thread(elin.id, dm, text)
            turns.append(("remissbot", self.t.slack(reply.blocks)))
        self.t.saw("saw_thread", _conversation(turns, "remissbot"), name=elin.real_name)
        self.walk_to(submitted)
        form = self.open_answer_form(elin, key, reply)
        self.t.note("chat_submit", name=elin.real_name, when=self.t.when(submitted), prefilled=_prefilled(form))
        self.answer_with_form(elin, form, CHAT_FORM, questions=[1, 2, 3, 4])
        self.show_dm_state(elin, "Ni har svarat")
        self.deliver()

    def answer(
        self, key: str, user: SandboxUser, when: datetime, entered: FormAnswer, part: str, questions: Sequence[int]
    ) -> None:
        self.walk_to(when)
        self.t.step(when, part, who=self.who(user, key))
        form = self.open_answer_form(user, key)
        self.answer_with_form(user, form, entered, questions)
        self.show_dm_state(user, "Ni har svarat")
        self.deliver()

    def save_draft(self, key: str, when: datetime) -> None:
        karin = self.officials[key]
        self.walk_to(when)
        self.t.step(when, "step_draft", who=self.who(karin, key))
        form = self.open_answer_form(karin, key)
        values = answer_form_values(form, DRAFT)
        saved = self.people.act_in_modal(karin.id, form, answer.SAVE_DRAFT, values)
        lines = [*answer_lines(form, values, self.t.name_of, [1])[:1], self.t.slack(saved.payload["blocks"][-1:])]
        self.t.saw("saw_modal_draft", "\n".join(lines), name=karin.real_name, title=_title(form))
        self.people.close(karin.id, saved)
        self.show_dm_state(karin, "utkast")
        self.deliver()

    def latest_reminder(self, user_id: str) -> Received:
        return [item for item in self.of("reminder") if item.user == user_id][-1]

    def snooze(self, key: str, when: datetime) -> None:
        """The official presses "Påminn mig i morgon" on the reminder she got this morning."""
        cecilia = self.officials[key]
        self.walk_to(when)
        self.t.step(when, "step_snooze", who=self.who(cecilia, key))
        reminder = self.latest_reminder(cecilia.id)
        self.people.click(cecilia.id, ids.SNOOZE_TOMORROW, reminder.message)
        # The app edits the reminder in place: the snooze row gives way to a line saying when she hears again.
        edited = self.people.dm_message(
            cecilia.id, lambda m: m.ts == reminder.message.ts and ids.SNOOZE_TOMORROW not in json.dumps(m.blocks)
        )
        self.t.saw("saw_reminder_now", self.t.slack(edited.blocks), name=cecilia.real_name)
        self.deliver()

    def ask_for_extension(self, key: str, when: datetime) -> None:
        """«Behöver mer tid» on this morning's reminder: the anstånd form, sent to the coordinator."""
        hassan = self.officials[key]
        self.walk_to(when)
        self.t.step(when, "step_extension", who=self.who(hassan, key))
        modal = self.people.open_modal(hassan.id, ids.REQUEST_EXTENSION, self.latest_reminder(hassan.id).message)
        typed = {extensions.DATE_TEXT: EXTENSION_DATE, extensions.REASON: EXTENSION_REASON}
        values = modal_values(modal, typed)
        self.t.saw("saw_modal", self.entered(modal, values), name=hassan.real_name, title=_title(modal))
        before = modal.hash  # the app answers with the form's next state, which the fake shows in its place
        self.people.submit(hassan.id, values)
        done = self.box.fake.wait_for(
            lambda: next((v for v in [self.box.fake.view(modal.id)] if v and v.hash != before), None)
        )
        self.t.saw("saw_modal_now", self.t.slack(done.payload["blocks"]), name=hassan.real_name, title=_title(done))
        self.deliver()

    def refuse_extension(self, key: str, when: datetime) -> None:
        """The coordinator presses Avslå on the request in the status thread and writes why."""
        mia, hassan = COORDINATOR, self.officials[key]
        self.walk_to(when)
        self.t.step(when, "step_refuse", name=mia.real_name, organisation=self.service.directory().require(key).name)
        request = self.people.dm_message(mia.id, lambda m: ids.REFUSE_EXTENSION in json.dumps(m.blocks))
        modal = self.people.open_modal(mia.id, ids.REFUSE_EXTENSION, request)
        values = modal_values(modal, {extensions.NOTE: REFUSAL_NOTE})
        self.t.saw("saw_modal", self.entered(modal, values), name=mia.real_name, title=_title(modal))
        self.people.submit(mia.id, values)
        self.deliver()
        told = self.people.dm_message(hassan.id, lambda m: outbox_key(m).startswith("extension-decided:"))
        self.t.saw("saw_told", self.t.slack(told.blocks) or told.text, name=hassan.real_name)

    def edit(self, key: str, when: datetime) -> None:
        greta = self.officials[key]
        self.walk_to(when)
        self.t.step(when, "step_edit", who=self.who(greta, key))
        form = self.open_answer_form(greta, key)
        state = next((b for b in form.payload["blocks"] if b.get("type") == "context"), None)
        if state is not None:
            self.t.saw("saw_form_says", self.t.slack([state]), name=greta.real_name, title=_title(form))
        self.answer_with_form(greta, form, PRELIMINARY_DECIDED, questions=[3], editing=True)
        stamp = swedish_datetime(when)
        self.show_dm_state(greta, stamp)
        self.deliver()

    def last_week(self) -> None:
        self.t.step(None, "step_last_week")
        for key, when, entered in LAST_WEEK:
            self.walk_to(when)
            user = self.officials[key]
            form = self.open_answer_form(user, key)
            self.people.submit(user.id, answer_form_values(form, entered))
            self.people.remiss_dm_showing(user.id, "Ni har svarat")
            self.t.note(
                "last_week_answer",
                when=self.t.when(when),
                who=self.who(user, key),
                paragraph=entered.paragraph,
                choice=entered.answers[4],
            )
        self.deliver()

    def deadline_passes(self, when: datetime) -> None:
        self.walk_to(when)
        self.t.step(when, "step_deadline", name=COORDINATOR.real_name)
        self.service.offer_due_summaries()  # what the bot's scheduler runs every morning at 07:45
        self.deliver()
        status = self.status_message()
        if status is not None:
            lines = [line for line in self.t.slack(status.blocks).splitlines() if not line.startswith("•")]
            rows = len(self.remiss.recipient_keys)
            self.t.saw("saw_status", "\n".join(lines), name=COORDINATOR.real_name, rows=rows)

    def final_status(self, when: datetime) -> None:
        self.walk_to(when)
        self.t.step(when, "step_status", name=COORDINATOR.real_name, case=CASE)
        payload = self.people.command(COORDINATOR.id, f"status {CASE}")
        self.t.saw("saw_command", self.t.slack(payload.get("blocks")), name=COORDINATOR.real_name)

    def walk_on(self, until: datetime) -> None:
        self.t.step(None, "step_walk_on", until=self.t.when(until))
        self.walk_to(until)
        self.deliver()

    def reminder_overview(self) -> None:
        """Per recipient, the reminders its officials got (as the simulated Slack recorded them) and the ones
        remissbot did not send, with why; then what the coordinator got."""
        self.t.step(None, "step_reminders", start=DEMO_START, end=self.walked)
        plan = self.service.reminder_plan(CASE)
        rows = {row.organisation.key: row for row in self.service.overview(CASE).rows}
        escalations = {item.key.rpartition(":")[2]: item for item in self.of("escalation")}
        for key in self.remiss.recipient_keys:
            row = rows[key]
            mine = [p.scheduled for p in plan if p.organisation.key == key]
            kinds = {s.key: s.reminder for s in mine}
            got = [
                {"when": self.t.when(item.at), "reminder": kinds[item.reminder_key], "to": self.t.name_of(item.user)}
                for item in self.of("reminder")
                if item.organisation_key == key
            ]
            escalated = [
                self.t.when(escalations[s.reminder.local_date.isoformat()].at)
                for s in mine
                if s.reminder.kind is ReminderKind.ESCALATION and s.state is ReminderState.SENT
            ]
            not_sent: dict[str, list[Any]] = {}
            for scheduled in mine:
                if scheduled.state in (ReminderState.SKIPPED, ReminderState.CANCELLED):
                    reason = self.t.words(
                        "skip_reason", reason=scheduled.reason, declined=row.status is RecipientStatus.DECLINED
                    )
                    not_sent.setdefault(reason, []).append(scheduled.reminder)
            self.t.note(
                "reminders_of",
                organisation=row.organisation.name,
                officials=[self.t.name_of(user) for user in row.recipient.officials],
                got=got,
                escalated=escalated,
                not_sent=not_sent,
                coordinator=COORDINATOR.real_name,
            )
        digests = self.of("digest")
        self.t.note(
            "coordinator_got",
            coordinator=COORDINATOR.real_name,
            digests=len(digests),
            since=digests[0].at if digests else None,
            until=digests[-1].at if digests else None,
            escalations=[item.at for item in escalations.values()],
        )
        if digests:
            self.t.saw("saw_last_digest", self.t.slack(digests[-1].message.blocks), name=COORDINATOR.real_name)

    def summary(self, out_dir: Path, names: Mapping[str, str]) -> bool:
        """Write the summary's three files; False (with the reasons printed) if its completeness check fails."""
        self.t.step(None, "step_summary")
        texts = self.box.core.texts
        try:
            paths = write_case_summary(self.service, texts, CASE, out_dir, names=names)
        except SummaryIncomplete as error:
            self.t.write(render_problems(error, texts))
            return False
        tally = next((s.tally for s in load_summary(self.service, CASE, names).sections if s.tally), None)
        if tally is not None:
            self.t.note("summary_tally", matched=tally.matched, unmatched=tally.unmatched)
        for path in paths:
            self.t.note("summary_file", path=path, size=path.stat().st_size)
        return True


def _title(view: View) -> str:
    return str(view.payload.get("title", {}).get("text", ""))


def _element(view: View, block_id: str) -> dict[str, Any]:
    return next((dict(b["element"]) for b in input_blocks(view) if b["block_id"] == block_id), {})


def _kind_shown(form: View) -> str | None:
    block = next((b for b in input_blocks(form) if b["block_id"] == answer.KIND_BLOCK), None)
    option = (block or {}).get("element", {}).get("initial_option") or {}
    return option.get("value")


def _prefilled(form: View) -> list[int]:
    """The questions whose answers the form was opened with."""
    return [
        _question_number(b["block_id"])
        for b in input_blocks(form)
        if b["element"]["type"] == "rich_text_input" and to_plain_text(b["element"].get("initial_value")).strip()
    ]


def _conversation(turns: Sequence[tuple[str, str]], bot: str) -> str:
    """A thread as «speaker: text», the bot's longer lines cut to one line each (the person's kept whole)."""
    lines: list[str] = []
    for speaker, text in turns:
        body = [line for line in text.splitlines() if line.strip()]
        if speaker == bot:
            body = [cut(line, CHAT_LINE_LIMIT) for line in body]
        lines.append(f"{speaker}: {body[0] if body else ''}")
        lines.extend(f"    {line}" for line in body[1:])
    return "\n".join(lines)


def officials_for(keys: Sequence[str]) -> dict[str, SandboxUser]:
    return {
        key: SandboxUser(f"U1{i:02d}DEMO", name.lower().replace(" ", "."), name, f"{_mail(name)}@malmo.se")
        for i, (key, name) in enumerate(zip(keys, OFFICIAL_NAMES, strict=False))
    }


def _mail(name: str) -> str:
    return name.lower().translate(str.maketrans("åäöé ", "aaoe."))


def _with_contacts(directory: Directory, officials: Mapping[str, SandboxUser]) -> Directory:
    """The directory with each demo official as their organisation's contact, by e-mail (looked up in Slack),
    and the boards' meeting dates (DEMO_MEETINGS), which the reminders name."""
    contacts = {key: (user.email,) for key, user in officials.items() if user.email}

    def demo(o: Organisation) -> Organisation:
        meetings, lead = DEMO_MEETINGS.get(o.key, (o.meetings, o.submission_lead_days))
        return Organisation(
            o.key,
            o.name,
            o.short_name,
            o.kind,
            contacts=contacts.get(o.key, ()),
            aliases=o.aliases,
            meetings=meetings,
            submission_lead_days=lead,
        )

    return Directory(tuple(demo(o) for o in directory))


STEPS = 22


def run_demo(
    out: TextIO,
    *,
    directory: Path | None = None,
    env: Mapping[str, str] | None = None,
    observe: Callable[[Sandbox], None] | None = None,
) -> int:
    """Run STK-2023-137 end to end; leave the database and the summary in `directory` (or a new temp dir).

    `observe` is handed the sandbox once the story is told, before it stops (tests read the simulated Slack).
    """
    started = time.monotonic()
    workdir = (directory or Path(tempfile.mkdtemp(prefix="remissbot-demo-"))).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    database = workdir / "remissbot.db"
    database.unlink(missing_ok=True)  # a fresh round each time
    database_url = f"sqlite:///{database}"
    remiss = DemoRemiss.load()
    officials = officials_for(remiss.recipient_keys)
    users = [COORDINATOR, *officials.values(), COLLEAGUE]
    names = {u.id: u.real_name for u in users}
    t = Transcript(out, Texts(), STEPS, lambda user_id: names.get(user_id, user_id))
    ticks = [moment.strftime("%H:%M") for moment in TICK_TIMES]
    t.write(
        t.words("intro", case=CASE, recipients=len(remiss.recipient_keys), start=DEMO_START, end=WALK_END, ticks=ticks)
    )
    clock = FakeClock(DEMO_START)
    with running_sandbox(database_url=database_url, users=users, coordinators=[COORDINATOR.id], clock=clock) as box:
        box.core.service.replace_directory(_with_contacts(box.core.service.directory(), officials))
        demo = Demo(box, clock, t, remiss, officials)
        demo.start(database)
        demo.create_and_send()
        demo.send_out()
        demo.hand_over("gymnasie-och-vuxenutbildningsnamnden", COLLEAGUE, at(10, 3, 10, 15))
        demo.decline("parkeringsovervakning", at(10, 4, 14))
        demo.only_look("funktionsstodsnamnden", at(10, 9, 13))
        demo.answer_in_chat("grundskolenamnden", at(10, 16, 13, 30), submitted=at(10, 19, 9, 10))
        demo.answer("forskolenamnden", officials["forskolenamnden"], at(10, 24, 11), DELEGATION, "step_delegation", [4])
        demo.answer(
            "halsa-vard-och-omsorgsnamnden", officials["halsa-vard-och-omsorgsnamnden"], at(11, 6, 16, 30),
            PRELIMINARY, "step_preliminary", [4],
        )  # fmt: skip
        demo.save_draft("servicenamnden", at(11, 8, 15, 45))
        demo.answer(
            "gymnasie-och-vuxenutbildningsnamnden", COLLEAGUE, at(11, 10, 10), HANDED_OVER, "step_colleague", [4]
        )
        demo.answer(
            "tekniska-namnden", officials["tekniska-namnden"], at(11, 13, 8, 30), TEKNISKA, "step_long", [1, 2, 3, 4]
        )
        demo.snooze("funktionsstodsnamnden", at(11, 16, 9, 40))
        demo.ask_for_extension("arbetsmarknads-och-socialnamnden", at(11, 16, 10, 20))
        demo.refuse_extension("arbetsmarknads-och-socialnamnden", at(11, 16, 13, 15))
        demo.edit("halsa-vard-och-omsorgsnamnden", at(11, 24, 10))
        demo.last_week()
        demo.deadline_passes(at(12, 1, 7, 45))
        demo.final_status(at(12, 1, 9))
        demo.walk_on(WALK_END)
        demo.reminder_overview()
        written = demo.summary(workdir, names)
        calls, warnings = len(box.fake.calls), box.fake.warnings
        if observe is not None:
            observe(box)
    t.write(
        "\n"
        + t.words(
            "done",
            seconds=time.monotonic() - started,
            calls=calls,
            warnings=warnings,
            database_url=database_url,
            case=CASE,
            directory=workdir,
        )
    )
    return 0 if written else 1
