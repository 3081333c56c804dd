"""The fake refuses the Block Kit that real Slack refuses, with Slack's error code, and takes the boundary value."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk import WebClient

from devtools.sandbox import FakeSlack
from tests.sandbox.support import JSON, slack_error


def plain(text: str) -> JSON:
    return {"type": "plain_text", "text": text}


def section(text: str = "Välj", **extra: Any) -> JSON:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}, **extra}


def option(text: str = "Ja", value: str = "ja", description: str | None = None) -> JSON:
    described = {"description": plain(description)} if description is not None else {}
    return {"text": plain(text), "value": value, **described}


def select(*options: JSON, **extra: Any) -> JSON:
    """A section with a static select holding `options`."""
    element = {"type": "static_select", "action_id": "val", "options": list(options), **extra}
    return section(accessory=element)


def button(action_id: str = "knapp", **extra: Any) -> JSON:
    return {"type": "button", "action_id": action_id, "text": plain("Skicka"), **extra}


def confirmed(title: str = "Säker?", text: str = "Det går inte att ångra.", yes: str = "Ja", no: str = "Nej") -> JSON:
    dialog = {"title": plain(title), "text": plain(text), "confirm": plain(yes), "deny": plain(no)}
    return {"type": "actions", "elements": [button(confirm=dialog)]}


def actions(*elements: JSON) -> JSON:
    return {"type": "actions", "elements": list(elements)}


def text_input(block_id: str = "svar") -> JSON:
    element = {"type": "plain_text_input", "action_id": "svar"}
    return {"type": "input", "block_id": block_id, "label": plain("Svar"), "element": element}


def modal(*blocks: JSON, **extra: Any) -> JSON:
    return {"type": "modal", "title": plain("Svara"), "blocks": list(blocks), **extra}


# (refused blocks, the same at the boundary Slack still accepts, a phrase of Slack's explanation)
MESSAGE_RULES: dict[str, tuple[list[JSON], list[JSON], str]] = {
    "option text over 75": ([select(option("x" * 76))], [select(option("x" * 75))], "less than 76 characters"),
    "option description over 75": (
        [select(option(description="x" * 76))],
        [select(option(description="x" * 75))],
        "/accessory/options/0/description/text",
    ),
    "option value over 150": ([select(option(value="x" * 151))], [select(option(value="x" * 150))], "151"),
    "placeholder over 150": (
        [select(option(), placeholder=plain("x" * 151))],
        [select(option(), placeholder=plain("x" * 150))],
        "/accessory/placeholder/text",
    ),
    "confirm title over 100": ([confirmed(title="x" * 101)], [confirmed(title="x" * 100)], "/confirm/title/text"),
    "confirm text over 300": ([confirmed(text="x" * 301)], [confirmed(text="x" * 300)], "/confirm/text/text"),
    "confirm button over 30": ([confirmed(yes="x" * 31)], [confirmed(yes="x" * 30)], "/confirm/confirm/text"),
    "deny button over 30": ([confirmed(no="x" * 31)], [confirmed(no="x" * 30)], "/confirm/deny/text"),
    "section field over 2000": (
        [{"type": "section", "fields": [plain("x" * 2001)]}],
        [{"type": "section", "fields": [plain("x" * 2000)]}],
        "/blocks/0/fields/0/text",
    ),
    "empty section text": ([section("")], [section("x")], "/blocks/0/text/text"),
    "empty button text": ([actions({**button(), "text": plain("")})], [actions(button())], "/text/text"),
    "section with neither text nor fields": (
        [{"type": "section"}],
        [{"type": "section", "fields": [plain("x")]}],
        "text or fields",
    ),
    "duplicate block_id": (
        [section(block_id="a"), section(block_id="a")],
        [section(block_id="a"), section(block_id="b")],
        "duplicate block_id",
    ),
    "duplicate action_id in a block": (
        [actions(button("a"), button("a"))],
        [actions(button("a"), button("b"))],
        "duplicate action_id",
    ),
    "actions without elements": ([actions()], [actions(button())], "/blocks/0/elements"),
    "context without elements": (
        [{"type": "context", "elements": []}],
        [{"type": "context", "elements": [plain("x")]}],
        "/blocks/0/elements",
    ),
    "unknown block type": ([{"type": "remiss"}], [{"type": "divider"}], "/blocks/0/type"),
    "initial_option not among the options": (
        [select(option("Ja", "ja"), initial_option=option("Nej", "nej"))],
        [select(option("Ja", "ja"), option("Nej", "nej"), initial_option=option("Nej", "nej"))],
        "initial_option",
    ),
    "radio buttons' initial_option not among the options": (
        [section(accessory={"type": "radio_buttons", "options": [option()], "initial_option": option("Nej", "n")})],
        [section(accessory={"type": "radio_buttons", "options": [option()], "initial_option": option()})],
        "initial_option",
    ),
    "checkboxes' initial_options not among the options": (
        [section(accessory={"type": "checkboxes", "options": [option()], "initial_options": [option("Nej", "n")]})],
        [section(accessory={"type": "checkboxes", "options": [option()], "initial_options": [option()]})],
        "initial_options",
    ),
}


@pytest.mark.parametrize(("refused", "accepted", "explanation"), MESSAGE_RULES.values(), ids=MESSAGE_RULES.keys())
def test_a_message_breaking_a_block_kit_rule_is_refused_as_invalid_blocks_and_the_boundary_is_accepted(
    client: WebClient, refused: list[JSON], accepted: list[JSON], explanation: str
) -> None:
    answer = slack_error(lambda: client.chat_postMessage(channel="C0REMISS", text="Remiss", blocks=refused))

    assert answer["error"] == "invalid_blocks"
    messages = answer["response_metadata"]["messages"]
    assert all(message.startswith("[ERROR] ") for message in messages)
    assert any(explanation in message for message in messages), messages
    assert client.chat_postMessage(channel="C0REMISS", text="Remiss", blocks=accepted)["ok"] is True


VIEW_RULES: dict[str, tuple[JSON, JSON, str]] = {
    "duplicate block_id in a view": (
        modal(section(block_id="a"), section(block_id="a")),
        modal(section(block_id="a"), section(block_id="b")),
        "duplicate block_id",
    ),
    "inputs without submit": (
        modal(text_input()),
        modal(text_input(), submit=plain("Skicka")),
        "must define submit",
    ),
    "option text over 75 in a modal": (
        modal(select(option("x" * 76))),
        modal(select(option("x" * 75))),
        "/view/blocks/0/accessory/options/0/text/text",
    ),
}


@pytest.mark.parametrize(("refused", "accepted", "explanation"), VIEW_RULES.values(), ids=VIEW_RULES.keys())
def test_a_view_breaking_a_block_kit_rule_is_refused_as_invalid_arguments_and_the_boundary_is_accepted(
    client: WebClient, fake: FakeSlack, refused: JSON, accepted: JSON, explanation: str
) -> None:
    answer = slack_error(lambda: client.views_open(trigger_id=fake.new_trigger_id("U0ANNA"), view=refused))

    assert answer["error"] == "invalid_arguments"
    assert any(explanation in message for message in answer["response_metadata"]["messages"])
    assert client.views_open(trigger_id=fake.new_trigger_id("U0ANNA"), view=accepted)["ok"] is True


DUPLICATE = [section(block_id="a"), section(block_id="a")]


def test_every_message_method_refuses_bad_blocks_as_invalid_blocks(client: WebClient) -> None:
    posted = client.chat_postMessage(channel="C0REMISS", text="Remiss")

    for call in (
        lambda: client.chat_postMessage(channel="C0REMISS", text="x", blocks=DUPLICATE),
        lambda: client.chat_postEphemeral(channel="C0REMISS", user="U0ANNA", text="x", blocks=DUPLICATE),
        lambda: client.chat_update(channel="C0REMISS", ts=posted["ts"], text="x", blocks=DUPLICATE),
    ):
        answer = slack_error(call)
        assert answer["error"] == "invalid_blocks"
        assert answer["response_metadata"]["messages"][0].startswith("[ERROR] duplicate block_id")


def test_every_view_method_refuses_bad_blocks_as_invalid_arguments(client: WebClient, fake: FakeSlack) -> None:
    opened = client.views_open(trigger_id=fake.new_trigger_id("U0ANNA"), view=modal(section()))["view"]
    bad = modal(*DUPLICATE)

    for call in (
        lambda: client.views_open(trigger_id=fake.new_trigger_id("U0ANNA"), view=bad),
        lambda: client.views_push(trigger_id=fake.new_trigger_id("U0ANNA"), view=bad),
        lambda: client.views_update(view_id=opened["id"], view=bad),
        lambda: client.views_publish(user_id="U0ANNA", view={"type": "home", "blocks": DUPLICATE}),
    ):
        assert slack_error(call)["error"] == "invalid_arguments"


def test_slack_sdks_own_models_are_a_second_opinion_on_messages_and_views(client: WebClient, fake: FakeSlack) -> None:
    # Only slack_sdk's models know that a button's style is primary or danger; the fake's own rules do not.
    green = [actions(button(style="green"))]

    message = slack_error(lambda: client.chat_postMessage(channel="C0REMISS", text="x", blocks=green))
    view = slack_error(lambda: client.views_open(trigger_id=fake.new_trigger_id("U0ANNA"), view=modal(*green)))

    assert message["error"] == "invalid_blocks"
    assert any(
        "style attribute must be one of the following values" in m for m in message["response_metadata"]["messages"]
    )
    assert view["error"] == "invalid_arguments"
    assert any(
        "style attribute must be one of the following values" in m for m in view["response_metadata"]["messages"]
    )
