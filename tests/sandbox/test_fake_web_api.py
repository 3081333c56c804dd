"""The fake Web API answers a real slack_sdk WebClient the way Slack does, limits and error codes included."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from devtools.sandbox import FakeSlack
from tests.sandbox.support import JSON, slack_error


def section(text: str) -> JSON:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def modal(title: str = "Svara på remiss", **extra: Any) -> JSON:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": title},
        "blocks": [section("Hej")],
        **extra,
    }


def button(action_id: str) -> JSON:
    return {"type": "button", "action_id": action_id, "text": {"type": "plain_text", "text": "Välj"}}


def test_auth_test_answers_with_the_bot_identity(client: WebClient, fake: FakeSlack) -> None:
    answer = client.auth_test()

    assert answer["ok"] is True
    assert answer["team_id"] == fake.identity.team_id
    assert answer["user_id"] == fake.identity.bot_user_id
    assert answer["bot_id"] == fake.identity.bot_id
    assert answer["url"] == "https://malmostad.slack.com/"


def test_a_call_without_a_token_or_with_an_unknown_one_is_refused(fake: FakeSlack) -> None:
    assert slack_error(WebClient(base_url=fake.url).auth_test)["error"] == "not_authed"
    assert slack_error(WebClient(token="xoxb-other", base_url=fake.url).auth_test)["error"] == "invalid_auth"


def test_an_unknown_method_is_refused_as_unknown_method(client: WebClient) -> None:
    assert slack_error(lambda: client.api_call("chat.scheduleTeleport"))["error"] == "unknown_method"


@pytest.mark.parametrize(
    ("blocks", "text", "error", "explanation"),
    [
        (
            [{"type": "divider"}] * 51,
            "x",
            "invalid_blocks",
            "no more than 50 items allowed [json-pointer:/blocks]",
        ),
        (
            [section("x" * 3001)],
            "x",
            "invalid_blocks",
            "less than 3001 characters [json-pointer:/blocks/0/text/text]",
        ),
        (
            [{"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}],
            "x",
            "invalid_blocks",
            "must be less than 151 characters",
        ),
        (
            [{**section("x"), "block_id": "b" * 256}],
            "x",
            "invalid_blocks",
            "[json-pointer:/blocks/0/block_id]",
        ),
        (
            [{"type": "actions", "elements": [button(f"a{i}") for i in range(26)]}],
            "x",
            "invalid_blocks",
            "no more than 25 items allowed [json-pointer:/blocks/0/elements]",
        ),
        ([section("x" * 3000)] * 4 + [section("x")], "x", "msg_blocks_too_long", None),
        (None, "x" * 40_001, "msg_too_long", None),
        (None, None, "no_text", None),
    ],
    ids=[
        "51 blocks",
        "3001-char section",
        "151-char header",
        "256-char block_id",
        "26 buttons",
        "12001 chars of block text",
        "40001-char text",
        "nothing to say",
    ],
)
@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_messages_over_slacks_limits_are_refused_with_slacks_error_codes(
    client: WebClient, blocks: list[JSON] | None, text: str | None, error: str, explanation: str | None
) -> None:
    refusal = slack_error(lambda: client.chat_postMessage(channel="C0REMISS", text=text, blocks=blocks))

    assert refusal["error"] == error
    if explanation:
        assert any(explanation in message for message in refusal["response_metadata"]["messages"])


def test_a_select_with_101_options_and_an_input_over_3000_are_refused(client: WebClient) -> None:
    options = [{"text": {"type": "plain_text", "text": f"{i}"}, "value": f"{i}"} for i in range(101)]
    select = {**section("Välj"), "accessory": {"type": "static_select", "action_id": "s", "options": options}}
    long_input = {
        "type": "input",
        "label": {"type": "plain_text", "text": "Svar"},
        "element": {"type": "plain_text_input", "action_id": "svar", "max_length": 3001},
    }

    assert slack_error(lambda: client.chat_postMessage(channel="C0REMISS", text="x", blocks=[select]))["errors"] == [
        "no more than 100 items allowed [json-pointer:/blocks/0/accessory/options]"
    ]
    assert slack_error(lambda: client.chat_postMessage(channel="C0REMISS", text="x", blocks=[long_input]))[
        "errors"
    ] == ["must be less than 3001 [json-pointer:/blocks/0/element/max_length]"]


def test_blocks_without_a_text_fallback_are_accepted_but_recorded_as_a_warning(
    client: WebClient, fake: FakeSlack
) -> None:
    with pytest.warns(UserWarning, match="`text` argument is missing"):  # slack_sdk warns on its side too
        client.chat_postMessage(channel="C0REMISS", blocks=[section("Ny remiss")])

    assert fake.last_message("C0REMISS") is not None
    assert fake.warnings == ["chat.postMessage to C0REMISS: blocks without a plain text fallback"]


def test_blocks_sent_as_a_json_string_in_a_form_body_are_decoded(client: WebClient, fake: FakeSlack) -> None:
    blocks = json.dumps([section("Ny remiss")])
    client.api_call("chat.postMessage", params={"channel": "C0REMISS", "text": "Ny remiss", "blocks": blocks})

    call = fake.calls_to("chat.postMessage")[-1]
    assert call.params["blocks"] == [section("Ny remiss")]
    message = fake.last_message("C0REMISS")
    assert message is not None
    assert message.blocks is not None
    assert message.blocks[0]["text"]["text"] == "Ny remiss"


def test_posting_to_an_unknown_channel_is_refused_as_channel_not_found(client: WebClient) -> None:
    assert slack_error(lambda: client.chat_postMessage(channel="C0NOPE", text="x"))["error"] == "channel_not_found"


def test_messages_get_unique_increasing_ts_and_threads_keep_their_parent(client: WebClient, fake: FakeSlack) -> None:
    parent = client.chat_postMessage(channel="U0ANNA", text="Ny remiss")["ts"]
    reply = client.chat_postMessage(channel="U0ANNA", text="Påminnelse", thread_ts=parent)["ts"]

    assert float(reply) > float(parent)
    assert [m.thread_ts for m in fake.messages_in("U0ANNA")] == [None, parent]


def test_conversations_open_returns_the_same_dm_channel_every_time(client: WebClient, fake: FakeSlack) -> None:
    first = client.conversations_open(users="U0ANNA")["channel"]["id"]
    second = client.conversations_open(users="U0ANNA")

    assert first.startswith("D")
    assert second["channel"]["id"] == first
    assert second["already_open"] is True
    assert fake.dm_channel_of("U0ANNA") == first


def test_a_deactivated_user_gets_no_dm(client: WebClient, fake: FakeSlack) -> None:
    dm = client.conversations_open(users="U0ANNA")["channel"]["id"]
    fake.deactivate_user("U0ANNA")

    assert slack_error(lambda: client.conversations_open(users="U0ANNA"))["error"] == "user_disabled"
    assert slack_error(lambda: client.chat_postMessage(channel=dm, text="x"))["error"] == "is_archived"
    assert slack_error(lambda: client.chat_postMessage(channel="U0ANNA", text="x"))["error"] == "is_archived"


def test_users_are_found_by_id_and_email_and_unknown_ones_are_refused(client: WebClient) -> None:
    assert client.users_lookupByEmail(email="Anna.Andersson@malmo.se")["user"]["id"] == "U0ANNA"
    assert client.users_info(user="U0BERTIL")["user"]["real_name"] == "Bertil Berg"
    assert slack_error(lambda: client.users_lookupByEmail(email="nobody@malmo.se"))["error"] == "users_not_found"
    assert slack_error(lambda: client.users_info(user="U0NOBODY"))["error"] == "user_not_found"


def test_usergroup_members_are_listed(client: WebClient, fake: FakeSlack) -> None:
    fake.add_usergroup("S0JURIST", ["U0ANNA", "U0BERTIL"])

    assert client.usergroups_users_list(usergroup="S0JURIST")["users"] == ["U0ANNA", "U0BERTIL"]
    assert slack_error(lambda: client.usergroups_users_list(usergroup="S0NONE"))["error"] == "no_such_subteam"


def test_chat_update_replaces_a_message_and_refuses_an_unknown_ts(client: WebClient, fake: FakeSlack) -> None:
    posted = client.chat_postMessage(channel="C0REMISS", text="Utkast")
    client.chat_update(channel="C0REMISS", ts=posted["ts"], text="Skickad")

    message = fake.last_message("C0REMISS")
    assert message is not None
    assert (message.ts, message.text) == (posted["ts"], "Skickad")
    refusal = slack_error(lambda: client.chat_update(channel="C0REMISS", ts="1.000000", text="x"))
    assert refusal["error"] == "message_not_found"


def test_a_permalink_points_at_the_message(client: WebClient) -> None:
    ts = str(client.chat_postMessage(channel="C0REMISS", text="Remiss")["ts"])

    link = client.chat_getPermalink(channel="C0REMISS", message_ts=ts)["permalink"]
    assert link == f"https://malmostad.slack.com/archives/C0REMISS/p{ts.replace('.', '')}"


def test_an_ephemeral_message_is_recorded_for_its_one_reader(client: WebClient, fake: FakeSlack) -> None:
    client.chat_postEphemeral(channel="C0REMISS", user="U0ANNA", text="Bara för dig")

    message = fake.last_message("C0REMISS")
    assert message is not None
    assert message.ephemeral_to == "U0ANNA"


def test_files_upload_v2_uploads_and_shares_a_file(client: WebClient, fake: FakeSlack) -> None:
    dm = client.conversations_open(users="U0ANNA")["channel"]["id"]

    uploaded = client.files_upload_v2(
        channel=dm,
        content="Sammanställning av svaren",
        filename="sammanstallning.txt",
        title="Sammanställning",
        initial_comment="Här är sammanställningen",
    )

    file_id = uploaded["file"]["id"]
    assert fake.files[0].content == "Sammanställning av svaren".encode()
    assert client.files_info(file=file_id)["file"]["title"] == "Sammanställning"
    message = fake.last_message(dm)
    assert message is not None
    assert (message.text, message.files) == ("Här är sammanställningen", [file_id])


def test_a_modal_title_over_24_characters_is_refused(client: WebClient, fake: FakeSlack) -> None:
    trigger_id = fake.new_trigger_id("U0ANNA")

    refusal = slack_error(lambda: client.views_open(trigger_id=trigger_id, view=modal("x" * 25)))

    assert refusal["error"] == "invalid_arguments"
    assert refusal["response_metadata"]["messages"] == [
        "[ERROR] must be less than 25 characters [json-pointer:/view/title/text]"
    ]


@pytest.mark.parametrize(
    ("view", "error"),
    [
        (modal(private_metadata="x" * 3001), "invalid_arguments"),
        (modal(submit={"type": "plain_text", "text": "x" * 25}), "invalid_arguments"),
        ({**modal(), "blocks": [{"type": "divider"}] * 101}, "invalid_arguments"),
        ({**modal(), "blocks": [section("x" * 2900)] * 90}, "view_too_large"),
        ({"type": "home", "blocks": []}, "invalid_arguments"),
    ],
    ids=["private_metadata 3001", "submit 25", "101 blocks", "over 250 kB", "home as modal"],
)
def test_views_over_slacks_limits_are_refused(client: WebClient, fake: FakeSlack, view: JSON, error: str) -> None:
    trigger_id = fake.new_trigger_id("U0ANNA")

    assert slack_error(lambda: client.views_open(trigger_id=trigger_id, view=view))["error"] == error


def test_a_trigger_id_works_once_and_expires_after_three_seconds(
    client: WebClient, fake: FakeSlack, advance: Callable[[float], None]
) -> None:
    used = fake.new_trigger_id("U0ANNA")
    client.views_open(trigger_id=used, view=modal())
    late = fake.new_trigger_id("U0ANNA")
    advance(3.1)

    assert slack_error(lambda: client.views_open(trigger_id=late, view=modal()))["error"] == "expired_trigger_id"
    assert slack_error(lambda: client.views_open(trigger_id=used, view=modal()))["error"] == "exchanged_trigger_id"
    assert slack_error(lambda: client.views_open(trigger_id="1.2.3", view=modal()))["error"] == "invalid_trigger_id"


def test_a_trigger_issued_more_than_three_seconds_before_it_is_used_has_expired(
    client: WebClient, fake: FakeSlack
) -> None:
    fresh = fake.new_trigger_id("U0ANNA", age=2.5)
    held_up = fake.new_trigger_id("U0ANNA", age=3.1)

    assert client.views_open(trigger_id=fresh, view=modal())["ok"]
    assert slack_error(lambda: client.views_open(trigger_id=held_up, view=modal()))["error"] == "expired_trigger_id"


def test_a_modal_stack_holds_the_root_and_two_pushed_views(client: WebClient, fake: FakeSlack) -> None:
    client.views_open(trigger_id=fake.new_trigger_id("U0ANNA"), view=modal("Steg 1"))
    client.views_push(trigger_id=fake.new_trigger_id("U0ANNA"), view=modal("Steg 2"))
    client.views_push(trigger_id=fake.new_trigger_id("U0ANNA"), view=modal("Steg 3"))

    refusal = slack_error(lambda: client.views_push(trigger_id=fake.new_trigger_id("U0ANNA"), view=modal("4")))
    assert refusal["error"] == "push_limit_reached"
    assert [view.payload["title"]["text"] for view in fake.views_of("U0ANNA")] == [
        "Steg 1",
        "Steg 2",
        "Steg 3",
    ]


def test_views_update_refuses_an_unknown_view_and_a_stale_hash(client: WebClient, fake: FakeSlack) -> None:
    opened = client.views_open(trigger_id=fake.new_trigger_id("U0ANNA"), view=modal(callback_id="svar"))["view"]
    updated = client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal("Uppdaterad"))["view"]

    assert updated["hash"] != opened["hash"]
    stale = slack_error(lambda: client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal()))
    assert stale["error"] == "hash_conflict"
    assert slack_error(lambda: client.views_update(view_id="V0NOPE", view=modal()))["error"] == "not_found"


def test_a_closed_modal_is_not_found_by_id_or_external_id_and_the_one_under_it_stays(
    client: WebClient, fake: FakeSlack
) -> None:
    root = client.views_open(trigger_id=fake.new_trigger_id("U0ANNA"), view=modal("Steg 1"))["view"]
    pushed = client.views_push(trigger_id=fake.new_trigger_id("U0ANNA"), view=modal("Steg 2", external_id="steg-2"))
    fake.close_views("U0ANNA", pushed["view"]["id"])

    # Slack answers views.update on a modal the user closed with not_found (slackapi/bolt-js#1309).
    gone = slack_error(lambda: client.views_update(view_id=pushed["view"]["id"], view=modal("Sent")))
    assert gone["error"] == "not_found"
    assert slack_error(lambda: client.views_update(external_id="steg-2", view=modal("Sent")))["error"] == "not_found"
    assert client.views_update(view_id=root["id"], view=modal("Steg 1 igen"))["ok"]

    fake.close_views("U0ANNA", root["id"], all_views=True)
    assert slack_error(lambda: client.views_update(view_id=root["id"], view=modal()))["error"] == "not_found"
    assert fake.views_of("U0ANNA") == []


@pytest.mark.parametrize(
    ("answer", "closed"),
    [({}, True), ({"response_action": "clear"}, True), ({"response_action": "update", "view": modal("Kvitto")}, False)],
    ids=["closes", "clears", "updates"],
)
def test_a_modal_closed_by_the_answer_to_its_submission_is_not_found(
    client: WebClient, fake: FakeSlack, answer: JSON, closed: bool
) -> None:
    opened = client.views_open(trigger_id=fake.new_trigger_id("U0ANNA"), view=modal())["view"]
    fake.resolve_submission("U0ANNA", opened["id"], answer)

    if closed:
        refusal = slack_error(lambda: client.views_update(view_id=opened["id"], view=modal("Sent")))
        assert refusal["error"] == "not_found"
    else:
        assert client.views_update(view_id=opened["id"], view=modal("Kvitto igen"))["ok"]


def test_the_home_tab_is_published_per_user_and_capped_at_100_blocks(client: WebClient, fake: FakeSlack) -> None:
    client.views_publish(user_id="U0ANNA", view={"type": "home", "blocks": [section("Dina remisser")]})

    home = fake.home_of("U0ANNA")
    assert home is not None
    assert home.payload["blocks"][0]["text"]["text"] == "Dina remisser"
    too_many = {"type": "home", "blocks": [{"type": "divider"}] * 101}
    assert slack_error(lambda: client.views_publish(user_id="U0ANNA", view=too_many))["error"] == "invalid_arguments"


def test_a_response_url_records_what_is_posted_and_refuses_invalid_blocks(fake: FakeSlack) -> None:
    url = fake.new_response_url()
    webhook = WebhookClient(url)

    accepted = webhook.send(text="Tack för ditt svar", response_type="ephemeral")
    refused = webhook.send(text="x", blocks=[section("x" * 3001)])

    assert (accepted.status_code, refused.status_code, refused.body) == (200, 400, "invalid_blocks")
    assert [post.payload.get("text") for post in fake.responses] == ["Tack för ditt svar", "x"]
    assert fake.responses[0].payload["response_type"] == "ephemeral"
