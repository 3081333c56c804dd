"""Property tests over every decoder of button values, private_metadata and view state: whatever comes back,
a decoder returns what we encoded or raises TamperedPayload, never anything else."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.domain.remiss import Question, Remiss
from handlers import answer, ids, payload
from handlers.answer import FormPlace
from handlers.blocks import acting_user, view_value
from handlers.create.codec import FormContext, FormValues, PendingForms, PendingRemiss
from handlers.extensions import RequestPlace
from handlers.payload import TamperedPayload
from handlers.recipient_actions import Target
from handlers.reminder_blocks import ref_of_block, snooze_block_id

# Modest counts: the whole file runs in seconds (a failing case, once found, is replayed from the database).
_REF = ids.RecipientRef("STK-1", "tekniska-namnden")
# A remiss with two questions, for reading an answer form's state.
_REMISS = Remiss(
    "STK-1", "T", "", "stadskontoret", (), "", (Question(1, "Första?"), Question(2, "Andra?")), date(2030, 1, 1),
    "U0MIA", datetime(2029, 1, 1, tzinfo=UTC),
)  # fmt: skip
EXAMPLES = settings(max_examples=40, deadline=None)

# Any text, lone surrogates and control characters included (json.loads gives such strings from "\ud800").
any_text = st.text(st.characters(codec=None, categories=None, exclude_categories=()), max_size=40)
json_values: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | any_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(any_text, inner, max_size=4),
    max_leaves=12,
)
# JSON objects shaped like ours, with keys we read, so the decoders get past "is it an object" often.
KEYS = [
    "ref", "channel", "ts", "thread_ts", "meeting_date", "paragraph", "decided_by", "planned_board_date",
    "request", "case_number", "editing", "message", "contact_name", "rev", "form", "context", "deadline",
    "recipients", "pending", "root", "value", "selected_option", "selected_options", "selected_date",
    "selected_user", "state", "values", "id", "private_metadata", "actions",
]  # fmt: skip
shaped_objects = st.dictionaries(st.sampled_from(KEYS), json_values, max_size=6)
anything = json_values | shaped_objects | shaped_objects.map(json.dumps) | any_text
keys = st.text(st.characters(categories=["Ll", "Nd"], include_characters="-"), min_size=1, max_size=20)
case_numbers = st.text(st.characters(exclude_characters="|", exclude_categories=["Cs"]), min_size=1, max_size=30)
refs = st.builds(ids.RecipientRef, case_number=case_numbers, organisation_key=keys)
optional_texts = st.none() | st.text(min_size=1, max_size=20)
dates = st.none() | st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1))


class _NoKeptForms:
    """The one thing PendingForms asks of the service: a kept preview, here never one."""

    def kept_form(self, key: str) -> str | None:
        return None


def only_tampered(decode: Callable[[Any], object], value: Any) -> None:
    """`decode(value)` returns, or raises TamperedPayload; anything else fails the test."""
    try:
        decode(value)
    except TamperedPayload as error:
        reason = error.reason
    else:
        reason = "returned"
    assert reason, "a refusal says why"


# Decoders of text we wrote (button values, private_metadata, block ids): given any value at all.
TEXT_DECODERS: dict[str, Callable[[Any], object]] = {
    "RecipientRef.decode": ids.RecipientRef.decode,
    "Target.decode": Target.decode,
    "FormPlace.decode": FormPlace.decode,
    "RequestPlace.decode": RequestPlace.decode,
    "FormContext.decode": FormContext.decode,
    "PendingRemiss.from_json": PendingRemiss.from_json,
    "PendingForms.decode": PendingForms(_NoKeptForms()).decode,  # type: ignore[arg-type]
    "ref_of_block": ref_of_block,
}
# Readers of a payload, a view or an input's state: given any JSON object (Bolt hands them objects).
OBJECT_DECODERS: dict[str, Callable[[Any], object]] = {
    "Target.of_action": Target.of_action,
    "RequestPlace.of_action": RequestPlace.of_action,
    "FormValues.from_state": FormValues.from_state,
    "acting_user": acting_user,
    "payload.action_value": payload.action_value,
    "payload.metadata": payload.metadata,
    "view_value": lambda view: view_value(view, "reason"),
    "payload.typed_text": payload.typed_text,
    "payload.picked_date": payload.picked_date,
    "payload.picked_user": payload.picked_user,
    "payload.picked_option": lambda state: payload.picked_option(state, ["yttrande", "delegation"]),
    "payload.picked_options": lambda state: payload.picked_options(state, ["1", "2"]),
    "answer content": lambda values: answer.content_from_state(_REMISS, values, FormPlace(_REF), ()),
}
objects = st.dictionaries(st.sampled_from(KEYS) | any_text, anything | shaped_objects, max_size=5)


@pytest.mark.parametrize("name", sorted(TEXT_DECODERS))
def test_a_decoder_of_our_text_given_anything_returns_or_raises_only_tampered_payload(name: str) -> None:
    decode = TEXT_DECODERS[name]

    @EXAMPLES
    @given(value=anything)
    def check(value: Any) -> None:
        only_tampered(decode, value)

    check()


@pytest.mark.parametrize("name", sorted(OBJECT_DECODERS))
def test_a_reader_of_a_payload_given_any_object_returns_or_raises_only_tampered_payload(name: str) -> None:
    decode = OBJECT_DECODERS[name]

    @EXAMPLES
    @given(value=objects)
    def check(value: dict[str, Any]) -> None:
        only_tampered(decode, value)

    check()


@pytest.mark.parametrize("name", ["Target.of_action", "RequestPlace.of_action", "payload.action_value"])
def test_a_button_decoder_given_any_action_returns_or_raises_only_tampered_payload(name: str) -> None:
    decode = OBJECT_DECODERS[name]
    actions = st.fixed_dictionaries({"value": anything}, optional={"block_id": anything}).map(lambda a: [a])
    bodies = st.fixed_dictionaries(
        {"actions": actions | anything}, optional={"container": anything | shaped_objects, "user": anything}
    )

    @EXAMPLES
    @given(body=bodies)
    def check(body: dict[str, Any]) -> None:
        only_tampered(decode, body)

    check()


def test_view_state_readers_given_any_state_return_or_raise_only_tampered_payload() -> None:
    states = st.dictionaries(
        any_text | st.sampled_from(["reason", "answer_1", "position_1", "kind", "title", "recipients"]),
        st.dictionaries(
            any_text | st.sampled_from(["reason", "value", answer.TEXT, answer.POSITION, answer.KIND]),
            anything | shaped_objects,
            max_size=3,
        ),
        max_size=4,
    )

    @EXAMPLES
    @given(values=states)
    def check(values: dict[str, Any]) -> None:
        view = {"state": {"values": values}}
        only_tampered(lambda v: view_value(v, "reason"), view)
        only_tampered(FormValues.from_state, values)
        only_tampered(lambda v: answer.content_from_state(_REMISS, v, FormPlace(_REF), ()), values)

    check()


# -- round trips: what we encode comes back ------------------------------------------------------------
@EXAMPLES
@given(refs)
def test_a_recipient_reference_round_trips(ref: ids.RecipientRef) -> None:
    assert ids.RecipientRef.decode(ref.encode()) == ref
    assert ref_of_block(snooze_block_id(ref)) == ref or len(snooze_block_id(ref)) == 255


@EXAMPLES
@given(refs, st.text(max_size=20), st.text(max_size=20))
def test_a_target_round_trips(ref: ids.RecipientRef, channel: str, ts: str) -> None:
    target = Target(ref, channel, ts)
    assert Target.decode(target.encode()) == target


@EXAMPLES
@given(refs, optional_texts, optional_texts, optional_texts, dates, st.text(max_size=30), st.text(max_size=30), dates)
def test_a_form_place_round_trips(
    ref: ids.RecipientRef,
    channel: str | None,
    ts: str | None,
    thread_ts: str | None,
    meeting: date | None,
    paragraph: str,
    decided_by: str,
    planned: date | None,
) -> None:
    place = FormPlace(ref, channel, ts, thread_ts, meeting, paragraph, decided_by, planned)
    assert FormPlace.decode(place.encode()) == place


@EXAMPLES
@given(st.integers(min_value=1, max_value=2**53), st.text(max_size=20), st.text(max_size=20))
def test_a_request_place_round_trips(request_id: int, channel: str, ts: str) -> None:
    place = RequestPlace(request_id, channel, ts)
    assert RequestPlace.decode(place.encode()) == place
    body = {"actions": [{"value": str(request_id)}], "container": {"type": "message", "channel_id": channel}}
    assert RequestPlace.of_action(body) == RequestPlace(request_id, channel, "")


form_contexts = st.builds(
    FormContext,
    editing=st.text(max_size=20),
    message=st.none() | st.tuples(st.text(max_size=12), st.text(max_size=12)),
    contact_name=st.text(max_size=20),
    rev=st.integers(min_value=0, max_value=999),
)


@EXAMPLES
@given(form_contexts)
def test_a_form_context_round_trips(form: FormContext) -> None:
    assert FormContext.decode(form.encode()) == form


@EXAMPLES
@given(
    st.builds(
        FormValues,
        case_number=st.text(max_size=20),
        title=st.text(max_size=20),
        questions=st.text(max_size=40),
        recipients=st.lists(keys, max_size=3).map(tuple),
        all_namnder=st.booleans(),
        contact_user=st.text(max_size=10),
    ),
    form_contexts,
    st.dates(),
    st.lists(keys, max_size=3).map(tuple),
    st.text(max_size=20),
)
def test_a_pending_remiss_round_trips(
    form: FormValues, context: FormContext, deadline: date, recipients: tuple[str, ...], contact: str
) -> None:
    pending = PendingRemiss(form, context, deadline, recipients, contact)
    assert PendingRemiss.from_json(pending.to_json()) == pending


# -- user text ------------------------------------------------------------------------------------------------
@EXAMPLES
@given(any_text)
def test_clean_text_can_always_be_stored_and_changes_only_lone_surrogates_and_nul(text: str) -> None:
    cleaned = payload.clean_text(text)
    cleaned.encode("utf-8")
    assert "\x00" not in cleaned
    kept = text.replace("\x00", "")
    assert len(cleaned) == len(kept)
    assert all(c == d or (0xD800 <= ord(c) <= 0xDFFF and d == "\ufffd") for c, d in zip(kept, cleaned, strict=True))
    assert payload.clean_text(cleaned) == cleaned


@EXAMPLES
@given(json_values)
def test_a_cleaned_payload_holds_no_lone_surrogate_anywhere(value: Any) -> None:
    json.dumps(payload.clean_in_place(value), ensure_ascii=False).encode("utf-8")


def test_a_lone_surrogate_from_json_becomes_the_replacement_character() -> None:
    body = json.loads('{"text": "Svar \\ud800 här", "view": {"state": {"values": {"a\\udfff": ["\\ud83d"]}}}}')
    payload.clean_in_place(body)
    assert body == {"text": "Svar \ufffd här", "view": {"state": {"values": {"a\ufffd": ["\ufffd"]}}}}


def test_well_formed_surrogate_pairs_are_kept_as_the_character_they_make() -> None:
    assert payload.clean_text(json.loads('"\\ud83d\\ude00"')) == "😀"


def test_a_payload_nested_past_the_recursion_limit_is_cleaned_whole() -> None:
    # Socket Mode payloads never pass the HTTP edge's nesting bound, so cleaning must not recurse.
    inner: dict[str, Any] = {"k\ud800": ["\x00\udfff"]}
    body: Any = inner
    for _ in range(5000):
        body = {"a": [body]}
    assert payload.clean_in_place(body) is body
    assert inner == {"k\ufffd": ["\ufffd"]}
