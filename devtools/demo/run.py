"""`remissbot demo`: the scenario's story played against a loopback Slack and the real app on a new SQLite
database, its transcript printed as it happens, the database and the summary left behind."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from bot.adapters.rendering import Texts
from bot.core.domain.organisation import Directory, Organisation
from bot.settings import load_settings
from devtools.clocks import FakeClock
from devtools.demo.scenario import DemoRemiss, Scenario, load_scenario
from devtools.demo.story import Story, check, play
from devtools.demo.transcript import Transcript
from devtools.sandbox.harness import Sandbox, SandboxUser, running_sandbox


def run_demo(
    out: TextIO,
    *,
    directory: Path | None = None,
    env: Mapping[str, str] | None = None,
    observe: Callable[[Sandbox], None] | None = None,
    database_url: str | None = None,
) -> int:
    """Run STK-2023-137 end to end; leave the database and the summary in `directory` (or a new temp dir).

    `observe` is handed the sandbox once the story is told, before it stops (tests read the simulated Slack).
    `database_url` plays it on another, empty database instead of a new SQLite file in `directory` (a test
    of PostgreSQL's backup puts the demo's data there).
    """
    started = time.monotonic()
    scenario = load_scenario()
    check(scenario.steps)
    workdir = (directory or Path(tempfile.mkdtemp(prefix="remissbot-demo-"))).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    if database_url is None:
        database = workdir / "remissbot.db"
        database.unlink(missing_ok=True)  # a fresh round each time
        database_url = f"sqlite:///{database}"
    remiss = DemoRemiss.load()
    officials = scenario.officials_for(remiss.recipient_keys)
    mia = scenario.coordinator
    registrators = [user for registry in scenario.registries.values() for user in registry.people]
    users = [mia, *officials.values(), scenario.colleague, *registrators]
    names = {u.id: u.real_name for u in users}
    t = Transcript(out, Texts(), len(scenario.steps), lambda user_id: names.get(user_id, user_id))
    ticks = [moment.strftime("%H:%M") for moment in scenario.tick_times]
    recipients = len(remiss.recipient_keys)
    start, end = scenario.start, scenario.walk_end
    t.write(t.words("intro", case=scenario.case, recipients=recipients, start=start, end=end, ticks=ticks))
    clock = FakeClock(scenario.start)
    # Closing the round writes its archive package (E-ARK SIP) beside the database, as REMISSBOT_ARCHIVE_DIR says.
    settings = replace(load_settings({}), archive_dir=workdir / "arkiv")
    shutil.rmtree(workdir / "arkiv", ignore_errors=True)  # a fresh round each time
    with running_sandbox(
        database_url=database_url, users=users, coordinators=[mia.id], clock=clock, settings=settings
    ) as box:
        for registry in scenario.registries.values():
            if registry.channel_id:  # a private channel with its registrators and the bot in it
                members = [user.id for user in registry.people]
                box.fake.add_channel(registry.channel_id, registry.channel_name, is_private=True, members=members)
        service = box.core.service
        service.directory.replace_directory(with_contacts(service.directory.directory(), officials, scenario))
        story = Story(box, clock, t, scenario, remiss, officials, workdir)
        play(story, scenario.steps)
        calls, warnings = len(box.fake.calls), box.fake.warnings
        if observe is not None:
            observe(box)
    seconds = time.monotonic() - started
    t.write(
        "\n"
        + t.words(
            "done",
            seconds=seconds,
            calls=calls,
            warnings=warnings,
            database_url=database_url,
            case=scenario.case,
            directory=workdir,
        )
    )
    return 0 if story.written else 1


def with_contacts(directory: Directory, officials: Mapping[str, SandboxUser], scenario: Scenario) -> Directory:
    """The directory with each demo official as their organisation's contact, by e-mail (looked up in Slack),
    the boards' meeting dates (the scenario's `meetings`), which the reminders name, and the scenario's
    registries."""
    contacts = {key: (user.email,) for key, user in officials.items() if user.email}

    def demo(o: Organisation) -> Organisation:
        meetings, lead = scenario.meetings.get(o.key, (o.meetings, o.submission_lead_days))
        registry = scenario.registries[o.key].ids if o.key in scenario.registries else ()
        contact = contacts.get(o.key, ())
        return replace(
            o, contacts=contact, stand_ins=(), meetings=meetings, submission_lead_days=lead, registry=registry
        )

    return Directory(tuple(demo(o) for o in directory))
