"""Whole payloads as Slack sends them (signed, over HTTP) with hypothesis-made values in every field we read:
a block_actions for each action_id, a view_submission for each callback_id, the slash command and message.im.
The remiss is closed first, so every use case refuses to change anything: the app must never answer 5xx, never
log an error, and never change the database."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_sdk import WebClient

from bot.clock import FakeClock
from bot.sandbox.driver import FORM
from bot.sandbox.harness import Sandbox
from handlers import answer, create, extensions, ids
from tests.e2e.conftest import COORDINATOR
from tests.e2e.test_chat import ANNA, CASE, ORG, OTHER_ORG, close_remiss, official_sandbox, send_remiss
from tests.e2e.test_tampered import problems, snapshot

# Each example is a real HTTP request through the whole app; keep the counts modest (seconds, not minutes).
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ACTION_IDS = [
    ids.ANSWER, ids.DECLINE, ids.HAND_OVER, ids.WITHDRAW, ids.ANSWER_IN_CHAT, ids.SEND_DRAFT, ids.EDIT_DRAFT,
    ids.SUMMARY_PREVIEW, ids.SUMMARY_PUBLISH, ids.INTEND_TO_ANSWER, ids.SNOOZE_TOMORROW, ids.SNOOZE_DATE,
    ids.REQUEST_EXTENSION, ids.GRANT_EXTENSION, ids.GRANT_OTHER_DATE, ids.REFUSE_EXTENSION, ids.REMIND_AGAIN,
    ids.CHANGE_DEADLINE, ids.MEETINGS_ORGANISATION, answer.SAVE_DRAFT, answer.KIND, create.IMPORT_DOCUMENT,
    create.CREATE_FROM_DOCUMENT, create.BACK_TO_FORM,
]  # fmt: skip
CALLBACK_IDS = [
    ids.NEW_REMISS_VIEW, ids.PREVIEW_VIEW, ids.ANSWER_VIEW, ids.DECLINE_VIEW, ids.HAND_OVER_VIEW,
    ids.EXTENSION_REQUEST_VIEW, ids.GRANT_OTHER_DATE_VIEW, ids.CHANGE_DEADLINE_VIEW, ids.MEETINGS_VIEW,
    create.IMPORT_VIEW, extensions.REFUSE_EXTENSION_VIEW,
]  # fmt: skip
BLOCK_IDS = [
    "reason", "note", "colleague", "new_deadline", "new_deadline_date", "meetings", "lead_days", "answer_1",
    "position_1", "kind", "meeting_date", "paragraph", "decided_by", "planned_board_date", "attachments",
    "kept_attachments", "title", "case_number", "deadline", "deadline_date", "questions", "recipients",
    "recipient_groups", "contact", "question_kinds", "document", "description", "documents",
]  # fmt: skip
ELEMENT_IDS = [*BLOCK_IDS, "value", answer.TEXT, answer.POSITION, answer.KIND, answer.MEETING_DATE, answer.PARAGRAPH]
REAL_REFS = [f"{ORG}|{CASE}", f"{OTHER_ORG}|{CASE}"]

any_text = st.text(st.characters(codec=None, categories=None, exclude_categories=()), max_size=30)
json_values: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | any_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(any_text, inner, max_size=3),
    max_leaves=8,
)
# Values that look like ours often enough to get past the first check.
values = json_values | st.sampled_from([*REAL_REFS, CASE, "1", "2023-12-01", "yttrande", "U0ANNA", ""])
metadata = (
    any_text
    | st.fixed_dictionaries(
        {},
        optional={
            "ref": values,
            "channel": values,
            "ts": values,
            "request": values,
            "form": json_values,
            "root": values,
            "meeting_date": values,
        },
    ).map(json.dumps)
    | values.map(json.dumps)
)
elements = st.fixed_dictionaries(
    {"type": st.sampled_from(["plain_text_input", "datepicker", "static_select", "checkboxes", "rich_text_input"])},
    optional={
        "value": values,
        "selected_option": values | st.fixed_dictionaries({"value": values}),
        "selected_options": st.lists(st.fixed_dictionaries({"value": values}), max_size=2) | values,
        "selected_date": values,
        "selected_user": values,
        "rich_text_value": values,
        "files": values,
    },
)
state_values = st.dictionaries(
    st.sampled_from(BLOCK_IDS), st.dictionaries(st.sampled_from(ELEMENT_IDS), elements, max_size=2), max_size=4
)
users = st.sampled_from([ANNA, COORDINATOR])


@pytest.fixture
def box(database_url: str, clock: FakeClock) -> Iterator[Sandbox]:
    with official_sandbox(database_url, clock) as sandbox:
        send_remiss(sandbox)
        close_remiss(sandbox)
        yield sandbox


def interaction(box: Sandbox, kind: str, user: str) -> dict[str, Any]:
    identity = box.fake.identity
    return {
        "type": kind,
        "team": {"id": identity.team_id, "domain": identity.team_domain},
        "user": {"id": user, "username": user, "name": user, "team_id": identity.team_id},
        "api_app_id": identity.app_id,
        "token": "fake-verification-token",
        "trigger_id": box.fake.new_trigger_id(user),
    }


def open_modal(box: Sandbox, user: str) -> dict[str, Any]:
    """A modal really open for `user` in the loopback Slack (views.push on top of it must work)."""
    client = WebClient(token=box.fake.identity.bot_token, base_url=box.fake.url)
    reason = {
        "type": "input",
        "block_id": "reason",
        "label": {"type": "plain_text", "text": "Skäl"},
        "element": {"type": "plain_text_input", "action_id": "reason"},
    }
    view = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Formulär"},
        "submit": {"type": "plain_text", "text": "Skicka"},
        "blocks": [reason],
    }
    opened: dict[str, Any] = client.views_open(trigger_id=box.fake.new_trigger_id(user), view=view)["view"]
    return opened


def post_payload(box: Sandbox, body: dict[str, Any]) -> int:
    return box.driver.post(urlencode({"payload": json.dumps(body)}), FORM).status


def quiet_and_unchanged(box: Sandbox, caplog: pytest.LogCaptureFixture, before: dict[str, list[str]]) -> None:
    """Once all work after the acks has finished: no error in the log, and every table as it was."""
    for executor in box.core.executors:
        executor.shutdown(wait=True)
    assert problems(caplog) == []
    assert snapshot(box.core.engine) == before


def test_fuzzed_block_actions_never_fail_and_change_nothing(box: Sandbox, caplog: pytest.LogCaptureFixture) -> None:
    dm = next(m for m in box.fake.messages_in(ANNA) if m.blocks)
    identity = box.fake.identity
    modals = {user: open_modal(box, user) for user in (ANNA, COORDINATOR)}
    before = snapshot(box.core.engine)
    caplog.set_level(logging.INFO)

    @FUZZ
    @given(
        action_id=st.sampled_from(ACTION_IDS),
        user=users,
        action=st.fixed_dictionaries(
            {},
            optional={
                "value": values,
                "block_id": values,
                "selected_option": values | st.fixed_dictionaries({"value": values}),
                "selected_date": values,
            },
        ),
        in_modal=st.booleans(),
        private_metadata=metadata,
        state=state_values,
    )
    def send(
        action_id: str,
        user: str,
        action: dict[str, Any],
        in_modal: bool,
        private_metadata: str,
        state: dict[str, Any],
    ) -> None:
        body = interaction(box, "block_actions", user)
        body["actions"] = [{"action_id": action_id, "type": "button", "action_ts": "1.0", **action}]
        if in_modal:
            view = modals[user]
            body["container"] = {"type": "view", "view_id": view["id"]}
            body["view"] = {**view, "private_metadata": private_metadata, "state": {"values": state}}
        else:
            body["container"] = {"type": "message", "message_ts": dm.ts, "channel_id": dm.channel}
            body["channel"] = {"id": dm.channel}
            body["message"] = dm.to_slack(identity.bot_user_id, identity.bot_id)
            body["response_url"] = box.fake.new_response_url()
        assert post_payload(box, body) < 500

    send()
    quiet_and_unchanged(box, caplog, before)


def test_fuzzed_view_submissions_never_fail_and_change_nothing(box: Sandbox, caplog: pytest.LogCaptureFixture) -> None:
    modals = {user: open_modal(box, user) for user in (ANNA, COORDINATOR)}
    before = snapshot(box.core.engine)
    caplog.set_level(logging.INFO)

    @FUZZ
    @given(callback_id=st.sampled_from(CALLBACK_IDS), user=users, private_metadata=metadata, state=state_values)
    def send(callback_id: str, user: str, private_metadata: str, state: dict[str, Any]) -> None:
        body = interaction(box, "view_submission", user)
        view = modals[user]
        body["view"] = {**view, "callback_id": callback_id, "private_metadata": private_metadata}
        body["view"]["state"] = {"values": state}
        body["response_urls"] = []
        assert post_payload(box, body) < 500

    send()
    quiet_and_unchanged(box, caplog, before)


def test_fuzzed_slash_commands_and_direct_messages_never_fail_and_change_nothing(
    box: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    dm = next(m for m in box.fake.messages_in(ANNA) if m.blocks)
    before = snapshot(box.core.engine)
    caplog.set_level(logging.INFO)
    words = st.sampled_from(["", "status", "status STK-2023-137", "hjälp", "sammanträden", "Fråga 1:", "1."])

    @FUZZ
    @given(
        user=users,
        text=st.tuples(words, any_text).map(" ".join),
        thread_ts=st.none() | values,
        extra=st.fixed_dictionaries({}, optional={"files": values, "subtype": values, "channel_type": values}),
    )
    def send(user: str, text: str, thread_ts: Any, extra: dict[str, Any]) -> None:
        # A form-encoded command cannot carry a lone surrogate (UTF-8 has none), so it gets the others.
        typed = "".join(c for c in text if not 0xD800 <= ord(c) <= 0xDFFF)
        assert box.driver.slash_command(user, "/remiss", typed).status < 500
        event = {
            "type": "message",
            "channel": dm.channel if user == ANNA else box.fake.open_dm(user),
            "user": user,
            "text": text,
            "ts": "1700000999.000100",
            "channel_type": "im",
            **({"thread_ts": thread_ts} if thread_ts is not None else {}),
            **extra,
        }
        assert box.driver.event(event).status < 500

    send()
    quiet_and_unchanged(box, caplog, before)
