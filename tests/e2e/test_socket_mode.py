"""The same app as Socket Mode delivers to it: payloads dispatched in-process, no HTTP, no signature check."""

from __future__ import annotations

from devtools.sandbox.driver import DispatchTransport, SlackDriver
from devtools.sandbox.harness import Sandbox
from tests.e2e.conftest import COORDINATOR


def socket_mode_driver(sandbox: Sandbox) -> SlackDriver:
    return SlackDriver(sandbox.fake, DispatchTransport(sandbox.app, socket_mode=True), sandbox.signing_secret)


def test_a_slash_command_through_socket_mode_is_answered(sandbox: Sandbox) -> None:
    response = socket_mode_driver(sandbox).slash_command(COORDINATOR, "/remiss", "status")
    assert response.status == 200
    answer = sandbox.fake.wait_for(lambda: sandbox.fake.responses[-1] if sandbox.fake.responses else None)
    assert "Det finns inga pågående remisser" in answer.payload["text"]


def test_socket_mode_retries_of_an_event_are_handled_once(sandbox: Sandbox) -> None:
    driver = socket_mode_driver(sandbox)
    event = {"type": "app_home_opened", "user": "U0ANNA", "channel": "D0ANNA", "tab": "home"}
    driver.event(event, event_id="EvSock1")
    driver.event(event, event_id="EvSock1", retry_num=1, retry_reason="timeout")
    sandbox.fake.wait_for(lambda: sandbox.fake.home_of("U0ANNA"))
    assert len(sandbox.fake.calls_to("views.publish")) == 1
