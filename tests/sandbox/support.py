"""Shared by the sandbox tests: what the fake Slack answers when it refuses a call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError

JSON = dict[str, Any]


def slack_error(call: Callable[[], object]) -> JSON:
    """The body of the Slack error that `call` raises."""
    with pytest.raises(SlackApiError) as raised:
        call()
    data = raised.value.response.data
    assert isinstance(data, dict)
    return data
