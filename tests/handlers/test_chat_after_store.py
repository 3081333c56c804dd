"""A chat answer that was stored is never reported as lost, whatever fails while the reply is written.

Nothing known today fails there, so the handler is given texts that fail to render the reply: a stand-in for
the injected renderer (this is a handler test on the sandbox's state, not an e2e test through Bolt)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.adapters.rendering import Texts
from bot.core.domain.audit import AuditAction
from devtools.clocks import FakeClock
from devtools.sandbox.harness import Sandbox
from devtools.sandbox.screen import bot_replies
from handlers.chat import answer_written_in_chat
from handlers.context import HandlerContext
from tests.e2e.conftest import clock, database_engine, database_url  # noqa: F401 - fixtures
from tests.e2e.test_chat import ANNA, audit_count, draft_answers, official_sandbox, send_remiss, thread_message


class RepliesFailToRender(Texts):
    """Texts that render everything except the reply saying what a chat answer stored."""

    def part(self, template: str, name: str, /, **params: Any) -> str:
        if name in ("stored", "missing", "ask", "complete"):
            raise RuntimeError("the reply could not be rendered")
        return super().part(template, name, **params)


@pytest.fixture
def box(database_url: str, database_engine: Engine, clock: FakeClock) -> Iterator[Sandbox]:  # noqa: F811 - the imported fixtures
    with official_sandbox(database_url, database_engine, clock) as sandbox:
        yield sandbox


def test_a_reply_that_fails_after_the_answer_was_stored_says_it_was_stored_never_that_it_was_not(
    box: Sandbox,
) -> None:
    dm = send_remiss(box)
    event = thread_message(box, dm, "Fråga 1: Ja, i hela staden.")
    ctx = HandlerContext(box.core.service, RepliesFailToRender(box.core.settings.timezone))
    client = WebClient(token=box.fake.identity.bot_token, base_url=box.fake.url)

    answer_written_in_chat(ctx, event, client, "Ev0REPLYFAILS")

    assert draft_answers(box) == {1: "Ja, i hela staden."}
    [told] = bot_replies(box.fake, ANNA, dm.ts)
    assert "kunde inte sparas" not in told.text
    assert told.text.startswith(":floppy_disk: Svaret sparades i utkastet,")
    # The event is handled: a retry of it stores nothing again and says nothing again.
    answer_written_in_chat(ctx, event, client, "Ev0REPLYFAILS")
    assert len(bot_replies(box.fake, ANNA, dm.ts)) == 1
    assert audit_count(box, AuditAction.DRAFTED) == 1
