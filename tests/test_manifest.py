"""manifest.json asks Slack for exactly what the app uses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from handlers import BOT_EVENTS, BOT_SCOPES, GLOBAL_SHORTCUTS, SLASH_COMMANDS

MANIFEST = Path(__file__).resolve().parents[1] / "manifest.json"


def manifest() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(MANIFEST.read_text(encoding="utf-8"))
    return data


def test_the_manifest_lists_exactly_the_commands_events_and_scopes_the_handlers_declare() -> None:
    m = manifest()
    assert [c["command"] for c in m["features"]["slash_commands"]] == list(SLASH_COMMANDS)
    assert sorted(m["settings"]["event_subscriptions"]["bot_events"]) == sorted(BOT_EVENTS)
    assert sorted(m["oauth_config"]["scopes"]["bot"]) == sorted(BOT_SCOPES)
    assert [s["callback_id"] for s in m["features"]["shortcuts"]] == list(GLOBAL_SHORTCUTS)
    assert m["settings"]["interactivity"]["is_enabled"] is True


def test_the_manifest_fits_slacks_limits() -> None:
    m = manifest()
    assert len(m["display_information"]["name"]) <= 35
    assert len(m["display_information"]["description"]) <= 140
    assert 175 <= len(m["display_information"]["long_description"]) <= 4000
    for command in m["features"]["slash_commands"]:
        assert len(command["description"]) <= 100
    assert m["settings"]["socket_mode_enabled"] is True
