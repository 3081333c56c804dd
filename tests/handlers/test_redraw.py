"""handlers/redraw.AnsweredModal against the loopback Slack: the work after a submission never has what it shows
overwritten by the submission's own answer, whichever reaches Slack first."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from devtools.sandbox.fake_slack import FakeSlack
from handlers import redraw
from handlers.redraw import AnsweredModal

USER = "U0ANNA"


def modal(title: str, text: str, external_id: str = "") -> dict[str, object]:
    view: dict[str, object] = {
        "type": "modal",
        "title": {"type": "plain_text", "text": title},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}],
    }
    return {**view, "external_id": external_id} if external_id else view


@pytest.fixture
def slack() -> Iterator[tuple[FakeSlack, WebClient, str]]:
    with FakeSlack() as fake:
        fake.add_user(USER, "anna", "Anna Andersson", "anna@malmo.se")
        client = WebClient(token=fake.identity.bot_token, base_url=fake.url)
        opened = client.views_open(trigger_id=fake.new_trigger_id(USER), view=modal("Svar", "Formuläret"))
        yield fake, client, str(opened["view"]["id"])


def shown(fake: FakeSlack, view_id: str) -> str:
    view = fake.view(view_id)
    assert view is not None
    return str(view.payload["blocks"][0]["text"]["text"])


def test_a_redraw_that_overtakes_the_answer_waits_for_it_and_is_not_overwritten(
    slack: tuple[FakeSlack, WebClient, str],
) -> None:
    fake, client, view_id = slack
    answered = AnsweredModal(view_id)

    def answer_reaches_slack() -> None:  # the submission's "update" (the ack), applied after the work's call
        time.sleep(0.3)
        WebClient(token=fake.identity.bot_token, base_url=fake.url).views_update(
            view_id=view_id, view=modal("Svar", "Hämtar filerna …", answered.external_id)
        )

    late = threading.Thread(target=answer_reaches_slack)
    late.start()
    assert answered.redraw(client, modal("Svar", "Filen kunde inte hämtas."))
    late.join()
    assert shown(fake, view_id) == "Filen kunde inte hämtas."
    # The next view of the same work comes later: it is drawn by the modal's id, at once.
    started = time.monotonic()
    assert answered.redraw(client, modal("Svar", "Svaret är inskickat."))
    assert time.monotonic() - started < redraw.SHOWN_WAITS[-1]
    assert shown(fake, view_id) == "Svaret är inskickat."


def test_when_the_answer_never_shows_the_modal_is_redrawn_by_its_id(slack: tuple[FakeSlack, WebClient, str]) -> None:
    fake, client, view_id = slack
    assert AnsweredModal(view_id).redraw(client, modal("Svar", "Svaret är inskickat."))
    assert shown(fake, view_id) == "Svaret är inskickat."


def test_a_modal_slack_no_longer_has_is_no_failure(
    slack: tuple[FakeSlack, WebClient, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, client, _ = slack
    monkeypatch.setattr(redraw, "SHOWN_WAITS", (0.01, 0.02))
    gone = AnsweredModal("V0GONE")
    assert not gone.redraw(client, modal("Svar", "Svaret är inskickat."))
    assert not gone.redraw(client, modal("Svar", "Svaret är inskickat."))  # no second wait: by its id at once
