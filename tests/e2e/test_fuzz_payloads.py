"""Whole payloads as Slack sends them (signed, over HTTP) with hypothesis-made values in every field we read:
a block_actions for each action_id, a view_submission for each callback_id, the slash command and message.im.
With the remiss withdrawn first every use case refuses to change anything (a closed one still takes a first
answer, marked as arriving after closing): the app must never answer 5xx, never
log an error, and never change the database. With it open the officials and the coordinator really act, and
whatever the app stored must be values it could have produced itself."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import date
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.core.domain.audit import AuditAction
from bot.core.domain.extension import RequestState
from bot.core.domain.outbox import DeliveryState, MessageKind
from bot.core.domain.reminders import ReminderKind, ReminderState
from bot.core.domain.remiss import QuestionKind, RemissStatus, ResponseKind
from devtools.clocks import FakeClock
from devtools.sandbox import Message, View
from devtools.sandbox.driver import FORM
from devtools.sandbox.harness import Sandbox
from handlers import answer, extensions, ids
from handlers.create import views as create
from tests.e2e.conftest import COORDINATOR
from tests.e2e.test_chat import (
    ANNA,
    APP,
    BERTIL,
    CASE,
    CECILIA,
    DAVID,
    ORG,
    OTHER_ORG,
    official_sandbox,
    remiss_dm,
    send_remiss,
    withdraw_remiss,
)
from tests.e2e.test_tampered import problems, snapshot

# Each example is a real HTTP request through the whole app; keep the counts modest (seconds, not minutes).
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FUZZ_OPEN = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ACTION_IDS = [
    ids.ANSWER, ids.DECLINE, ids.HAND_OVER, ids.WITHDRAW, ids.ANSWER_IN_CHAT, ids.SEND_DRAFT, ids.EDIT_DRAFT,
    ids.SUMMARY_PREVIEW, ids.SUMMARY_PUBLISH, ids.INTEND_TO_ANSWER, ids.SNOOZE_TOMORROW, ids.SNOOZE_DATE,
    ids.REQUEST_EXTENSION, ids.GRANT_EXTENSION, ids.GRANT_OTHER_DATE, ids.REFUSE_EXTENSION, ids.REMIND_AGAIN,
    ids.CHANGE_DEADLINE, ids.MEETINGS_ORGANISATION, answer.SAVE_DRAFT, answer.KIND, create.IMPORT_DOCUMENT,
    create.CREATE_FROM_DOCUMENT, create.BACK_TO_FORM, ids.HISTORY, ids.HISTORY_NEWER, ids.HISTORY_OLDER,
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
    "recipient_groups", "contact", "question_kind_1", "overall_position", "document", "description", "documents",
]  # fmt: skip
ELEMENT_IDS = [
    *BLOCK_IDS, "value", answer.TEXT, answer.POSITION, answer.KIND, answer.MEETING_DATE, answer.PARAGRAPH,
    answer.OVERALL_POSITION,
]  # fmt: skip
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
def box(database_url: str, database_engine: Engine, clock: FakeClock) -> Iterator[Sandbox]:
    with official_sandbox(database_url, database_engine, clock) as sandbox:
        send_remiss(sandbox)
        withdraw_remiss(sandbox)
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
    # Sammanställning clicked where there is no response_url (in a modal): the preview could not be told.
    @example(
        action_id=ids.SUMMARY_PREVIEW,
        user=COORDINATOR,
        action={"value": CASE},
        in_modal=True,
        private_metadata="",
        state={},
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
    # Files that are not a list of files, to the coordinator (the offer to import) and in a remiss's thread (an
    # answer): once found by this test, the first made the listener fail.
    @example(user=COORDINATOR, text="", thread_ts=None, extra={"files": 7})
    @example(user=COORDINATOR, text="", thread_ts=None, extra={"files": "remiss.docx"})
    @example(user=ANNA, text="", thread_ts=dm.ts, extra={"files": {"id": "F1"}})
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


# -- an open remiss: the real actors change things, and only into what the app itself could store ---------------
ENUMS: dict[tuple[str, str], type[StrEnum]] = {
    ("remiss", "status"): RemissStatus,
    ("question", "kind"): QuestionKind,
    ("response_version", "kind"): ResponseKind,
    ("audit_entry", "action"): AuditAction,
    ("extension_request", "state"): RequestState,
    ("reminder", "kind"): ReminderKind,
    ("reminder", "state"): ReminderState,
    ("outbox_message", "kind"): MessageKind,
    ("outbox_message", "state"): DeliveryState,
}
ORGANISATION_KEYS = {"organisation_key", "sender_key"}
USER_IDS = {
    ("remiss", "created_by"), ("recipient", "draft_updated_by"), ("recipient_official", "user_id"),
    ("response_version", "author"), ("extension", "granted_by"), ("audit_entry", "actor"),
    ("extension_request", "requested_by"), ("extension_request", "decided_by"), ("outbox_message", "to_user"),
}  # fmt: skip


@pytest.fixture
def open_box(database_url: str, database_engine: Engine, clock: FakeClock) -> Iterator[Sandbox]:
    with official_sandbox(database_url, database_engine, clock) as sandbox:
        send_remiss(sandbox)
        yield sandbox


def strings_in(value: Any) -> Iterator[str]:
    """Every string in a cell, JSON keys and values included (a walk with a stack)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend([*item.keys(), *item.values()])
        elif isinstance(item, list):
            stack.extend(item)


def stored_values_the_app_could_not_produce(box: Sandbox) -> list[str]:
    """Cells holding what only a tampered payload could have put there, each described."""
    from sqlmodel import SQLModel

    import storage.tables  # noqa: F401 - the tables' metadata

    organisations = {o.key for o in box.core.service.directory.directory()}
    found: list[str] = []
    with box.core.engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            for row in connection.execute(table.select()):  # a date column that is not ISO fails to read here
                for column, value in row._mapping.items():
                    where = f"{table.name}.{column}={value!r:.80}"
                    if any("\x00" in s or any(0xD800 <= ord(c) <= 0xDFFF for c in s) for s in strings_in(value)):
                        found.append(f"NUL or lone surrogate in {where}")
                    if value is None:
                        continue
                    enum = ENUMS.get((table.name, column))
                    if enum is not None and value not in {e.value for e in enum}:
                        found.append(f"not a {enum.__name__}: {where}")
                    if column in ORGANISATION_KEYS and value not in organisations:
                        found.append(f"unknown organisation: {where}")
                    if (table.name, column) in USER_IDS and box.fake.user(value) is None:
                        found.append(f"unknown user: {where}")
                    if column == "case_number" and value != CASE:
                        found.append(f"another case: {where}")
                    if str(table.c[column].type) in ("DATE", "DATETIME") and not isinstance(value, date):
                        found.append(f"not a date: {where}")
    # The domain reads every row back (its enums and shapes validate on read).
    with box.core.store.read() as repo:
        repo.remisses.get_remiss(CASE)
        repo.remisses.list_recipients(CASE)
        repo.remisses.list_audit(CASE)
        repo.remisses.extension_requests(CASE)
        repo.reminders.reminders_for(CASE)
    return found


def buttons(blocks: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(action_id, value) of every button in a message's blocks."""
    found = []
    for block in blocks:
        for element in [*block.get("elements", []), *([block["accessory"]] if "accessory" in block else [])]:
            if element.get("type") == "button":
                found.append((str(element["action_id"]), str(element.get("value", ""))))
    return found


def real_forms(box: Sandbox, user: str, dm: Message) -> list[dict[str, Any]]:
    """The modals the user's remiss buttons really open (with the metadata the app wrote), each closed again."""
    forms = []
    for action_id, _ in buttons(dm.blocks or []):
        if action_id not in (ids.ANSWER, ids.DECLINE, ids.HAND_OVER, ids.REQUEST_EXTENSION):
            continue
        assert box.driver.block_action(user, action_id, message=dm).status == 200

        def form() -> list[View]:
            return [v for v in box.fake.views_of(user) if any(b["type"] == "input" for b in v.payload["blocks"])]

        view = box.fake.wait_for(lambda: form()[:1])[0]
        forms.append(dict(view.payload))
        box.fake.close_views(user, view.id, all_views=True)
    return forms


rich_text = any_text.map(
    lambda text: {
        "type": "rich_text",
        "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}],
    }
)


def filled_in(view: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """State values for the view's inputs: what its elements could send, and now and then anything at all."""
    people = st.sampled_from([ANNA, BERTIL, COORDINATOR, CECILIA, DAVID, APP, "U0NOBODY"])
    states: dict[str, st.SearchStrategy[dict[str, Any]]] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        kind = element["type"]
        offered = st.sampled_from([o["value"] for o in element.get("options", [])] or [""])
        option = offered.map(lambda v: {"value": v}) | st.fixed_dictionaries({"value": values})
        field: dict[str, st.SearchStrategy[Any]] = {
            "plain_text_input": {"value": st.one_of(any_text, any_text, values)},
            "datepicker": {"selected_date": st.none() | st.dates().map(date.isoformat) | values},
            "static_select": {"selected_option": st.none() | option},
            "radio_buttons": {"selected_option": st.none() | option},
            "checkboxes": {"selected_options": st.lists(option, max_size=3)},
            "multi_static_select": {"selected_options": st.lists(option, max_size=3)},
            "users_select": {"selected_user": st.none() | people | values},
            "file_input": {"files": st.just([]) | values},
            "rich_text_input": {"rich_text_value": st.one_of(rich_text, rich_text, values)},
        }.get(kind, {"value": values})
        element_state = st.fixed_dictionaries({"type": st.just(kind), **field})
        states[block["block_id"]] = st.builds(
            dict, st.tuples(st.just(element["action_id"]), element_state).map(lambda p: [p])
        )
    # Mostly whole, plausible forms (so that use cases really store them), sometimes partial or anything at all.
    whole = st.fixed_dictionaries(states)
    return st.one_of(whole, whole, whole, st.fixed_dictionaries({}, optional=states), state_values)


def test_fuzzed_clicks_and_submissions_on_an_open_remiss_store_only_what_the_app_could_produce(
    open_box: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    box = open_box
    identity = box.fake.identity
    dms = {ANNA: remiss_dm(box, ANNA), BERTIL: remiss_dm(box, BERTIL)}
    forms = [(user, form) for user in dms for form in real_forms(box, user, dms[user])]
    # A decline ends a recipient's round early; Anna's organisation stays open for everything else.
    forms = [(user, form) for user, form in forms if not (user == ANNA and form["callback_id"] == ids.DECLINE_VIEW)]
    dms[COORDINATOR] = dms[ANNA]
    clicks = sorted({click for dm in dms.values() for click in buttons(dm.blocks or [])})
    actors = st.sampled_from([ANNA, BERTIL, COORDINATOR])
    caplog.set_level(logging.INFO)

    @st.composite
    def submissions(draw: st.DrawFn) -> dict[str, Any]:
        owner, form = draw(st.sampled_from(forms))
        user = draw(st.one_of(st.just(owner), st.just(owner), actors))
        body = interaction(box, "view_submission", user)
        ours = st.just(form["private_metadata"])
        private_metadata = draw(st.one_of(ours, ours, ours, ours, ours, metadata))
        body["view"] = {**form, "private_metadata": private_metadata, "state": {"values": draw(filled_in(form))}}
        body["response_urls"] = []
        return body

    @st.composite
    def clicks_on_messages(draw: st.DrawFn) -> dict[str, Any]:
        user = draw(actors)
        action_id, value = draw(st.sampled_from(clicks) | st.tuples(st.sampled_from(ACTION_IDS), values))
        dm = dms[user]
        body = interaction(box, "block_actions", user)
        body["actions"] = [{"action_id": action_id, "type": "button", "action_ts": "1.0", "value": value}]
        body["container"] = {"type": "message", "message_ts": dm.ts, "channel_id": dm.channel}
        body["channel"] = {"id": dm.channel}
        body["message"] = dm.to_slack(identity.bot_user_id, identity.bot_id)
        body["response_url"] = box.fake.new_response_url()
        return body

    @FUZZ_OPEN
    @given(body=st.one_of(submissions(), submissions(), clicks_on_messages()))
    def send(body: dict[str, Any]) -> None:
        assert post_payload(box, body) < 500

    send()
    for executor in box.core.executors:
        executor.shutdown(wait=True)
    box.courier.drain()
    assert problems(caplog) == []
    assert stored_values_the_app_could_not_produce(box) == []
