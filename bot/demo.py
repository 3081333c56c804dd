"""`remissbot demo`: STK-2023-137 on embedded defaults, the real app over HTTP against the loopback Slack."""

from __future__ import annotations

import tempfile
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any, TextIO

import yaml

from bot.clock import STOCKHOLM, FakeClock
from bot.domain.organisation import Directory, Organisation
from bot.domain.remiss import QuestionKind
from bot.sandbox.harness import Sandbox, SandboxUser, running_sandbox
from bot.sandbox.transcript import blocks_as_text
from bot.service import RemissInput

COORDINATOR = SandboxUser("U0MIA", "mia.idestrom", "Mia Idestrom", "mia.idestrom@malmo.se")
# Fictional officials, one per recipient of STK-2023-137 in directory order.
OFFICIAL_NAMES = (
    "Anna Lindqvist", "Bertil Nyberg", "Cecilia Holm", "David Ekström", "Elin Sandberg", "Fredrik Åberg",
    "Greta Malmberg", "Hassan Ali", "Ida Persson", "Jonas Wikström", "Karin Öberg", "Leila Haddad",
    "Magnus Strand", "Nora Blom", "Oskar Lund",
)  # fmt: skip
# 09:00 in Stockholm on Monday 2 October 2023, the day the round starts.
DEMO_START = datetime(2023, 10, 2, 9, 0, tzinfo=STOCKHOLM)


@dataclass(frozen=True)
class DemoRemiss:
    data: RemissInput

    @classmethod
    def load(cls) -> DemoRemiss:
        raw: dict[str, Any] = yaml.safe_load(
            resources.files("bot").joinpath("data/stk-2023-137.yaml").read_text(encoding="utf-8")
        )
        questions = [(q["text"], QuestionKind(q.get("kind", "free_text"))) for q in raw["questions"]]
        deadline = raw["deadline"] if isinstance(raw["deadline"], date) else date.fromisoformat(raw["deadline"])
        return cls(
            RemissInput(
                case_number=raw["case_number"],
                title=raw["title"],
                description=raw["description"],
                questions=questions,
                deadline=deadline,
                recipient_keys=list(raw["recipients"]),
                contact=raw["contact"],
            )
        )


class Transcript:
    """What the demo prints: numbered steps, and what each person saw."""

    def __init__(self, out: TextIO, steps: int) -> None:
        self.out, self.steps, self.step_no = out, steps, 0

    def step(self, text: str) -> None:
        self.step_no += 1
        self.out.write(f"\n[{self.step_no}/{self.steps}] {text}\n")
        self.out.flush()

    def saw(self, who: str, action: str, text: str) -> None:
        self.out.write(f"\n  ── {who} {action} ──\n")
        for line in text.splitlines():
            self.out.write(f"  │ {line}\n")
        self.out.flush()

    def line(self, text: str = "") -> None:
        self.out.write(f"{text}\n")
        self.out.flush()


def officials_for(keys: list[str]) -> dict[str, SandboxUser]:
    return {
        key: SandboxUser(f"U1{i:02d}DEMO", name.lower().replace(" ", "."), name, f"{_mail(name)}@malmo.se")
        for i, (key, name) in enumerate(zip(keys, OFFICIAL_NAMES, strict=False))
    }


def _mail(name: str) -> str:
    return name.lower().translate(str.maketrans("åäöé ", "aaoe."))


def run_demo(out: TextIO, *, directory: Path | None = None, env: Mapping[str, str] | None = None) -> int:
    """Run the demo round and leave its database behind for `remissbot status`."""
    workdir = directory or Path(tempfile.mkdtemp(prefix="remissbot-demo-"))
    workdir.mkdir(parents=True, exist_ok=True)
    database = workdir / "remissbot.db"
    if database.exists():
        database.unlink()
    database_url = f"sqlite:///{database}"
    remiss = DemoRemiss.load().data
    officials = officials_for(list(remiss.recipient_keys))
    users = [COORDINATOR, *officials.values()]
    clock = FakeClock(DEMO_START)
    t = Transcript(out, steps=5)
    t.line(f"remissbot demo: {remiss.case_number} i ett simulerat Slack, på en ny SQLite-databas")
    t.step("Startar ett simulerat Slack och remissbot i HTTP-läge …")
    with running_sandbox(database_url=database_url, users=users, coordinators=[COORDINATOR.id], clock=clock) as box:
        t.line(f"      Slack (simulerat):   {box.fake.base_url}")
        t.line(f"      remissbot:           {box.base_url}/slack/events")
        t.line(f"      databas:             {database}")
        name_of = {u.id: u.real_name for u in users}

        t.step(f"Organisationskatalogen: {len(officials)} remissinstanser får var sin handläggare")
        box.core.service.replace_directory(_with_contacts(box.core.service.directory(), officials))

        t.step(f"{COORDINATOR.real_name} (stadskontoret) registrerar {remiss.case_number} och skickar den")
        service = box.core.service
        service.create_draft(service.actor(COORDINATOR.id), remiss)
        report = service.send(service.actor(COORDINATOR.id), remiss.case_number)
        t.line(f"      {len(report.reachable)} remissinstanser nås, {len(report.unreachable)} saknar kontakt")

        t.step("Så här ser det ut i Slack")
        t.saw(COORDINATOR.real_name, f"skriver /remiss status {remiss.case_number}", _command(box, name_of))
        first = officials[remiss.recipient_keys[0]]
        t.saw(f"{first.real_name} ({_org_name(box, remiss.recipient_keys[0])})", "öppnar fliken Hem hos remissbot",
              _home(box, first.id, name_of))  # fmt: skip

        t.step("Hälsokontroll")
        with urllib.request.urlopen(box.base_url + "/healthz", timeout=5) as response:  # noqa: S310 - loopback
            t.line(f"      GET /healthz → {response.status} {response.read().decode()}")
        calls = len(box.fake.calls)
    t.line(f"\nKlart. Det simulerade Slack tog emot {calls} anrop från remissbot.")
    t.line("Databasen finns kvar; se statusen själv med:")
    t.line(f"  DATABASE_URL={database_url} .venv/bin/remissbot status {remiss.case_number}")
    return 0


def _with_contacts(directory: Directory, officials: dict[str, SandboxUser]) -> Directory:
    """The directory with each demo official as their organisation's contact, by e-mail (looked up in Slack)."""
    contacts = {key: (user.email,) for key, user in officials.items() if user.email}
    return Directory(
        tuple(
            Organisation(o.key, o.name, o.short_name, o.kind, contacts=contacts.get(o.key, ()), aliases=o.aliases)
            for o in directory
        )
    )


def _org_name(box: Sandbox, key: str) -> str:
    return box.core.service.directory().require(key).name


def _command(box: Sandbox, name_of: dict[str, str]) -> str:
    before = len(box.fake.responses)
    box.driver.slash_command(COORDINATOR.id, "/remiss", "status STK-2023-137")
    answer = box.fake.wait_for(lambda: box.fake.responses[-1] if len(box.fake.responses) > before else None)
    return blocks_as_text(answer.payload.get("blocks", []), lambda u: name_of.get(u, u))


def _home(box: Sandbox, user_id: str, name_of: dict[str, str]) -> str:
    box.driver.app_home_opened(user_id)
    view = box.fake.wait_for(lambda: box.fake.home_of(user_id))
    return blocks_as_text(view.payload.get("blocks", []), lambda u: name_of.get(u, u))
