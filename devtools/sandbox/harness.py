"""The whole bot on a loopback: the fake Slack, the real core on a database, the real Bolt app over HTTP."""

from __future__ import annotations

import functools
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from slack_bolt import App
from slack_sdk import WebClient

from bot.adapters.rendering import Texts
from bot.bootstrap import (
    SLACK_EVENTS_PATH,
    Core,
    HttpServer,
    build_core,
    build_slack_app,
    build_wsgi_app,
    slack_user_directory,
)
from bot.core.clock import Clock
from bot.settings import Settings, load_settings
from devtools.sandbox.driver import HttpTransport, SlackDriver
from devtools.sandbox.fake_slack import FakeSlack
from handlers.outbound.courier import Courier

if TYPE_CHECKING:
    from sqlalchemy import Engine


@dataclass(frozen=True)
class SandboxUser:
    """A person in the simulated workspace."""

    id: str
    name: str
    real_name: str
    email: str | None = None
    deleted: bool = False


@dataclass
class Sandbox:
    """Everything running: `driver` acts as Slack's users, `fake` records what they were shown."""

    fake: FakeSlack
    core: Core
    app: App
    courier: Courier
    server: HttpServer
    driver: SlackDriver
    signing_secret: str

    @property
    def base_url(self) -> str:
        return self.server.url


@functools.cache
def shared_texts(tz: ZoneInfo) -> Texts:
    """One Texts per time zone for every sandbox in the process (its compiled templates and label cache)."""
    return Texts(tz)


@contextmanager
def running_sandbox(
    *,
    database_url: str,
    users: Sequence[SandboxUser] = (),
    coordinators: Sequence[str] = (),
    clock: Clock | None = None,
    settings: Settings | None = None,
    start_courier: bool = False,
    status_edit_seconds: int = 0,
    engine: Engine | None = None,
) -> Iterator[Sandbox]:
    """Start the fake Slack, build the bot as `remissbot serve` does (its Texts shared), serve it on 127.0.0.1.

    The status message is edited after every change unless `status_edit_seconds` says otherwise (whatever
    `settings` say): tests and the demo call courier.drain() and then read it, on a clock that may stand still,
    so the production default (REMISSBOT_STATUS_EDIT_SECONDS=10) would leave its last edit waiting for time
    that never passes. A test of the interval, or a benchmark, gives it.

    `engine` (made by storage.make_engine for `database_url`) is handed to build_core instead of a new one: the
    tests reuse one per database, so that SQLAlchemy compiles each statement once per process, not once per test
    (its cache of compiled statements belongs to the engine). The sandbox disposes it when it stops."""
    signing_secret = secrets.token_hex(16)
    # Closing writes no archive package unless the settings given say where (the demo's do).
    base = settings or replace(load_settings({}), archive_dir=None)
    base = replace(base, status_edit_seconds=status_edit_seconds)
    with FakeSlack() as fake:
        for user in users:
            fake.add_user(user.id, user.name, user.real_name, user.email, deleted=user.deleted)
        token = fake.identity.bot_token
        configured = replace(
            base,
            database_url=database_url,
            coordinators=tuple(coordinators),
            slack_bot_token=token,
            slack_signing_secret=signing_secret,
            slack_api_url=fake.url,
        )
        client = WebClient(token=token, base_url=fake.url)
        core = build_core(configured, clock=clock, users=slack_user_directory(client), engine=engine)
        # The templates never change while a process runs: every sandbox in it shares one Texts, so each
        # template is compiled once per process instead of once per test.
        core.texts = shared_texts(configured.timezone).with_clock(core.clock)
        try:
            app = build_slack_app(core, token=token, signing_secret=signing_secret, client=client)
            # Unstarted by default: tests and the demo call courier.drain() and so know what was sent.
            courier = Courier(
                core.service,
                WebClient(token=token, base_url=fake.url),
                core.texts,
                messages_per_second=20,
                metrics=core.metrics,
            )
            if start_courier:
                courier.start()
            server = HttpServer(build_wsgi_app(core, app), host="127.0.0.1", port=0, threads=8).start()
            try:
                driver = SlackDriver(fake, HttpTransport(server.url + SLACK_EVENTS_PATH), signing_secret)
                yield Sandbox(fake, core, app, courier, server, driver, signing_secret)
            finally:
                server.stop()
                courier.stop()
        finally:
            core.close()
