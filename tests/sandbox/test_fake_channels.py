"""Channels in the loopback Slack as Slack has them: the bot posts only where it was invited, and
conversations.members says who is in a channel (the registries' check)."""

from __future__ import annotations

from slack_sdk import WebClient

from devtools.sandbox import FakeSlack
from tests.sandbox.support import slack_error


def test_a_post_to_a_channel_the_bot_is_not_in_is_refused_as_slack_refuses_it(
    client: WebClient, fake: FakeSlack
) -> None:
    fake.add_channel("C0OUTSIDE", "registratur", bot_is_member=False)
    fake.add_channel("G0HIDDEN", "registratur-hemlig", is_private=True, bot_is_member=False)

    assert slack_error(lambda: client.chat_postMessage(channel="C0OUTSIDE", text="Hej"))["error"] == "not_in_channel"
    assert slack_error(lambda: client.chat_postMessage(channel="G0HIDDEN", text="Hej"))["error"] == "channel_not_found"
    assert fake.messages_in("C0OUTSIDE") == [] and fake.messages_in("G0HIDDEN") == []


def test_conversations_members_lists_the_people_and_the_bot_and_pages(client: WebClient, fake: FakeSlack) -> None:
    fake.add_channel("C0REG", "registratur", members=["U0ANNA", "U0BERTIL"])

    first = client.conversations_members(channel="C0REG", limit=2)
    rest = client.conversations_members(channel="C0REG", limit=2, cursor=first["response_metadata"]["next_cursor"])

    assert first["members"] == ["U0ANNA", "U0BERTIL"]
    assert rest["members"] == [fake.identity.bot_user_id] and rest["response_metadata"]["next_cursor"] == ""


def test_conversations_members_of_a_private_channel_the_bot_is_not_in_is_not_found(
    client: WebClient, fake: FakeSlack
) -> None:
    fake.add_channel("G0HIDDEN", "registratur-hemlig", is_private=True, members=["U0ANNA"], bot_is_member=False)
    assert slack_error(lambda: client.conversations_members(channel="G0HIDDEN"))["error"] == "channel_not_found"
    assert slack_error(lambda: client.conversations_members(channel="C0NONE"))["error"] == "channel_not_found"
